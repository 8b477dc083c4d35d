"""Local mode's client side: what ``helpers.setup()`` does to point this process at the local SageMaker.

It starts (or finds) the server, sets the environment boto3 and the SageMaker SDK read (endpoint URL, placeholder
credentials, region), patches the SDK for a server that answers at once (:mod:`helpers.local.sdk_patches`), turns
a dead server into a one-line error, and says so when the server restarted since the last ``setup()``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .. import context as workshop_context
from ..context import SetupError
from . import catalog, config, sdk_patches, server


def connect() -> dict[str, Any]:
    """Start (or find) the local SageMaker, point this process's boto3 and SageMaker SDK at it; returns the
    ``WorkshopContext`` fields: region, account, bucket, role, session, boto_session."""
    port = config.port()
    info = server.status(port)
    started_now = info is None
    if info is None:
        print(f"Starting the local SageMaker on {config.url(port)} (log: {config.log_file(port)}) ...")
        try:
            info = server.start_detached(port)
        except server.LocalServerError as exc:
            raise SetupError(str(exc)) from None
    elif not info.get("ready"):
        info = server.wait_ready(port, 60)
    warn_if_restarted(info, port, started_now)
    region = config.DEFAULT_REGION
    env = {
        "AWS_ENDPOINT_URL": config.url(port),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "SAGEMAKER_USER_CONFIG_OVERRIDE": str(sdk_config_file()),
        "DISABLE_FMEVAL_TELEMETRY": "true",
        # fmeval's JumpStartModelRunner reads the JumpStart manifests over HTTP(S), not through boto3.
        catalog.FMEVAL_BASE_URL_FORMAT_ENV: catalog.fmeval_base_url_format(config.url(port)),
    }
    os.environ.update(env)
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        os.environ.pop(var, None)
    import logging

    logging.getLogger("sagemaker.config").setLevel(logging.WARNING)
    import boto3
    import sagemaker

    sdk_patches.patch_sdk(config.url(port))
    workshop_context.FMEVAL_STAGES = fused_stages  # local evaluations: one Ray stage, several records in flight
    boto_session = boto3.Session(region_name=region)
    boto3.setup_default_session(region_name=region)
    for events in (boto_session.events, boto3.DEFAULT_SESSION.events):
        events.register_first("needs-retry", explain_dead_server(port))
    session = sagemaker.Session(boto_session=boto_session)
    role = f"arn:aws:iam::{config.ACCOUNT_ID}:role/{server.LOCAL_ROLE_NAME}"
    bucket = session.default_bucket()
    return {
        "region": region,
        "account": config.ACCOUNT_ID,
        "bucket": bucket,
        "role": role,
        "session": session,
        "boto_session": boto_session,
    }


def fused_stages(in_flight: int) -> Any:
    """fmeval's transforms in one Ray stage with ``in_flight`` records at once (:func:`.fused_pipeline.fused`);
    imported when an evaluation runs, not at setup (it imports fmeval and Ray)."""
    from .fused_pipeline import fused

    return fused(in_flight)


class LocalServerDown(RuntimeError):
    """The local SageMaker stopped answering."""


def explain_dead_server(port: int):
    """A botocore handler: when the local server no longer answers, say so in one line instead of retrying."""
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

    def handler(caught_exception: Exception | None = None, **_: Any) -> None:
        if isinstance(caught_exception, (EndpointConnectionError, ConnectionClosedError)):
            if server.status(port, timeout=1.0) is None:
                raise LocalServerDown(
                    f"The local SageMaker on port {port} is not running (it stopped or crashed). Re-run the first "
                    "cell (helpers.setup()) to start it, then re-run the earlier notebooks: its state was in memory."
                ) from caught_exception

    return handler


def sdk_config_file() -> Path:
    """A SageMaker SDK config file that opts out of the SDK's telemetry (which would call the internet)."""
    path = config.home() / "sagemaker-sdk-config.yaml"
    text = "SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def warn_if_restarted(info: dict[str, Any], port: int, started_now: bool = False) -> None:
    """Say so when the server is not the one this machine's last setup() talked to: its state is gone."""
    seen_file = config.home() / f"last-seen-{port}.json"
    previous = None
    if seen_file.exists():
        try:
            previous = json.loads(seen_file.read_text()).get("instance_id")
        except ValueError:
            previous = None
    if previous and previous != info["instance_id"]:
        how = "was not running, so setup() started a fresh one" if started_now else "has restarted"
        print(
            f"Note: the local SageMaker {how} since the last setup(). It keeps its state in memory only, so "
            "endpoints, files, metrics and jobs created before are gone. Re-run the earlier notebooks (from 01) "
            "to recreate what this one needs."
        )
    seen_file.write_text(json.dumps({"instance_id": info["instance_id"]}))
