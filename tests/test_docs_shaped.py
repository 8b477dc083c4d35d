"""Code written as AWS's docs and samples write it runs unchanged against the local SageMaker.

Each test copies the shape of a documented snippet (JumpStart's example payloads, the Messages API, the streaming
``LineIterator`` of the SageMaker streaming launch post), not the workshop's own helpers, so that a difference in
the local server's wire format shows up here and not on a learner's AWS account.
"""

from __future__ import annotations

import io
import json
import uuid

import pytest

pytestmark = pytest.mark.usefixtures("local_sagemaker")

TGI_MODEL = "huggingface-llm-mistral-7b-instruct"
LMI_MODEL = "meta-textgeneration-llama-3-2-1b-instruct"


def _deployed(ctx, model_id: str):
    """Deploy a JumpStart model, hand (model, predictor) to the tests, delete what was deployed."""
    from sagemaker.jumpstart.model import JumpStartModel

    model = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session)
    predictor = model.deploy(accept_eula=True, endpoint_name=f"test-docs-{uuid.uuid4().hex[:8]}", tags=ctx.tags)
    yield model, predictor
    predictor.delete_model()
    predictor.delete_endpoint()


@pytest.fixture(scope="module")
def lmi(ctx):
    yield from _deployed(ctx, LMI_MODEL)


@pytest.fixture(scope="module")
def tgi(ctx):
    yield from _deployed(ctx, TGI_MODEL)


def test_every_jumpstart_example_payload_is_answered(lmi):
    """JumpStart's model pages: ``for payload in model.retrieve_all_examples(): predictor.predict(payload.body)``;
    Llama 3's examples are the chat template written into ``inputs`` and the Messages API."""
    model, predictor = lmi
    examples = model.retrieve_all_examples()
    assert {"inputs", "messages"} <= {key for e in examples for key in e.body}
    for payload in examples:
        response = predictor.predict(payload.body)
        if "messages" in payload.body:
            assert response["object"] == "chat.completion"
            assert response["choices"][0]["message"]["role"] == "assistant"
            assert response["choices"][0]["message"]["content"].strip()
        else:
            assert response["generated_text"].strip()


def test_messages_api_as_the_lmi_docs_write_it(lmi, ctx):
    """A system and a user message, ``max_tokens``, through boto3 ``invoke_endpoint``; the answer is a chat
    completion with its usage."""
    _, predictor = lmi
    runtime = ctx.boto_session.client("sagemaker-runtime")
    body = {
        "messages": [
            {"role": "system", "content": "You answer Naxt employees briefly and politely."},
            {"role": "user", "content": "How do I order a new laptop?"},
        ],
        "max_tokens": 24,
        "temperature": 0.0,
    }
    response = runtime.invoke_endpoint(
        EndpointName=predictor.endpoint_name, ContentType="application/json", Body=json.dumps(body)
    )
    answer = json.loads(response["Body"].read())
    assert answer["choices"][0]["message"]["content"].strip()
    assert answer["choices"][0]["finish_reason"] in ("stop", "length")
    assert 0 < answer["usage"]["completion_tokens"] <= 24 and answer["usage"]["prompt_tokens"] > 10


class LineIterator:
    """The helper of AWS's streaming launch post ("Elevating the generative AI experience: introducing streaming
    support in Amazon SageMaker hosting"), as samples copy it: whole lines from ``PayloadPart`` bytes that may split
    a line anywhere."""

    def __init__(self, stream) -> None:
        self.byte_iterator = iter(stream)
        self.buffer = io.BytesIO()
        self.read_pos = 0

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        while True:
            self.buffer.seek(self.read_pos)
            line = self.buffer.readline()
            if line and line[-1] == ord("\n"):
                self.read_pos += len(line)
                return line[:-1]
            try:
                chunk = next(self.byte_iterator)
            except StopIteration:
                if self.read_pos < self.buffer.getbuffer().nbytes:
                    continue
                raise
            if "PayloadPart" not in chunk:
                raise AssertionError(f"unknown event type: {chunk}")
            self.buffer.seek(0, io.SEEK_END)
            self.buffer.write(chunk["PayloadPart"]["Bytes"])


def test_tgi_stream_parsed_as_the_streaming_post_does(tgi, ctx):
    """TGI's server-sent events, read with the post's ``LineIterator``: each line from the first ``{`` is a JSON
    event with ``token.text``; the text equals the same request's answer without streaming."""
    model, predictor = tgi
    runtime = ctx.boto_session.client("sagemaker-runtime")
    example = model.retrieve_all_examples()[0].body  # the chat template written into `inputs`, as JumpStart's
    body = {"inputs": example["inputs"], "parameters": {"max_new_tokens": 24}, "stream": True}
    response = runtime.invoke_endpoint_with_response_stream(
        EndpointName=predictor.endpoint_name, Body=json.dumps(body), ContentType="application/json"
    )
    start_json, stop_token, pieces = b"{", "</s>", []
    for line in LineIterator(response["Body"]):
        if line != b"" and start_json in line:
            data = json.loads(line[line.find(start_json) :].decode("utf-8"))
            if data["token"]["text"] != stop_token:
                pieces.append(data["token"]["text"])
    assert len(pieces) > 1
    whole = predictor.predict({"inputs": example["inputs"], "parameters": {"max_new_tokens": 24}})
    assert "".join(pieces).strip() == whole[0]["generated_text"].strip()
