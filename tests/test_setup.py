"""helpers.setup(): mode choice, the local environment it prepares, and restart detection."""

from __future__ import annotations

import json

import pytest

import helpers
from helpers import context
from helpers.local import client


@pytest.mark.parametrize(
    "env, studio, expected",
    [
        ({}, False, "local"),
        ({"WORKSHOP_MODE": "aws"}, False, "aws"),
        ({"WORKSHOP_MODE": "LOCAL"}, True, "local"),
        ({}, True, "aws"),
        ({"SAGEMAKER_SPACE_NAME": "my-space"}, False, "aws"),
    ],
)
def test_mode_choice(monkeypatch, tmp_path, env, studio, expected):
    for var in ("WORKSHOP_MODE", "SAGEMAKER_SPACE_NAME"):
        monkeypatch.delenv(var, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    metadata = tmp_path / "resource-metadata.json"
    if studio:
        metadata.write_text("{}")
    monkeypatch.setattr(context, "_STUDIO_METADATA", metadata)
    assert helpers.detect_mode() == expected


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("WORKSHOP_MODE", "cloud")
    with pytest.raises(helpers.SetupError, match="WORKSHOP_MODE=local or WORKSHOP_MODE=aws"):
        helpers.detect_mode()


@pytest.mark.usefixtures("local_sagemaker")
def test_local_setup_points_sdk_and_boto3_at_the_local_server(capsys, monkeypatch):
    import os

    from helpers.local import config

    monkeypatch.setattr(context, "_CONTEXT", None)
    ctx = helpers.setup(mode="local")
    banner = capsys.readouterr().out.strip().splitlines()[-1]
    for part in ("mode=local", "region=us-east-1", "account=123456789012", f"bucket={ctx.bucket}", f"role={ctx.role}"):
        assert part in banner
    assert os.environ["AWS_ENDPOINT_URL"] == config.url()
    fmeval_base = os.environ["JUMPSTART_BUCKET_BASE_URL_FORMAT"].format("us-east-1", "us-east-1")
    assert fmeval_base == f"{config.url()}/jumpstart-cache-prod-us-east-1"  # fmeval's manifests: the local S3
    assert ctx.session.boto_region_name == "us-east-1"
    assert ctx.session.account_id() == "123456789012"  # through the local STS, never the real one
    assert ctx.boto_session.client("s3").head_bucket(Bucket=ctx.bucket)
    assert ctx.tags == [helpers.WORKSHOP_TAG]
    assert ctx.s3_uri("a", "b/") == f"s3://{ctx.bucket}/genai-builders/a/b"
    sdk_config = os.environ["SAGEMAKER_USER_CONFIG_OVERRIDE"]
    assert "TelemetryOptOut: true" in open(sdk_config).read()
    import sagemaker.session

    assert sagemaker.session._wait_until.__wrapped__  # short polling installed
    assert helpers.setup(quiet=True) is ctx  # idempotent


def test_restart_is_detected_and_explained(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("WORKSHOP_HOME", str(tmp_path))
    client.warn_if_restarted({"instance_id": "first"}, 1234)
    client.warn_if_restarted({"instance_id": "first"}, 1234)
    assert capsys.readouterr().out == ""
    client.warn_if_restarted({"instance_id": "second"}, 1234)
    out = capsys.readouterr().out
    assert "restarted" in out and "in memory" in out
    assert json.loads((tmp_path / "last-seen-1234.json").read_text())["instance_id"] == "second"


def test_aws_mode_without_credentials_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: never real AWS
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1")
    monkeypatch.setattr(context, "_CONTEXT", None)
    with pytest.raises(helpers.SetupError, match="WORKSHOP_MODE=local"):
        helpers.setup(mode="aws")


def test_a_dead_local_server_is_explained_in_one_line(monkeypatch):
    import boto3

    from helpers.local import config

    dead_port = 9  # nothing listens there
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    session.events.register_first("needs-retry", client.explain_dead_server(dead_port))
    s3 = session.client("s3", endpoint_url=config.url(dead_port))
    with pytest.raises(client.LocalServerDown, match="Re-run the first cell"):
        s3.list_buckets()


def test_missing_model_file_says_what_to_do(monkeypatch):
    import importlib.util

    from helpers.local import engines

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(engines.EngineUnavailable, match="make setup"):
        engines.smollm2_gguf_path()


@pytest.mark.parametrize("current, wanted", [("local", "aws"), ("aws", "local")])
def test_switching_mode_in_one_kernel_is_refused(monkeypatch, current, wanted):
    """A kernel keeps its first mode: local mode's endpoint URL, credentials and SDK patches stay in the process."""
    import os

    fake = context.WorkshopContext(current, "us-east-1", "123456789012", "bucket", "role", None, None)
    monkeypatch.setattr(context, "_CONTEXT", fake)
    monkeypatch.setattr(context, "_setup_local", lambda: pytest.fail("setup() must not touch the process"))
    monkeypatch.setattr(context, "_setup_aws", lambda: pytest.fail("setup() must not touch the process"))
    before = dict(os.environ)
    with pytest.raises(helpers.SetupError) as err:
        helpers.setup(mode=wanted)
    message = str(err.value)
    assert f"already set up for {current} mode" in message and "Restart the kernel" in message
    assert f"mode={wanted!r}" in message
    assert dict(os.environ) == before and context._CONTEXT is fake
    assert helpers.setup(mode=current, quiet=True) is fake  # the same mode is still fine


@pytest.mark.usefixtures("local_sagemaker")
def test_a_local_kernel_refuses_aws_mode(monkeypatch):
    import os

    monkeypatch.setattr(context, "_CONTEXT", None)
    ctx = helpers.setup(mode="local", quiet=True)
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    with pytest.raises(helpers.SetupError, match="Restart the kernel"):
        helpers.setup(mode="aws")
    assert os.environ["AWS_ENDPOINT_URL"] == endpoint and helpers.setup(quiet=True) is ctx
