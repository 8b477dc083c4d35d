"""``helpers.setup()``: the first code cell of every notebook.

It is the only place that knows the mode. ``aws`` inside SageMaker Studio or when ``WORKSHOP_MODE=aws``;
``local`` otherwise. In local mode it makes sure the local SageMaker runs, points boto3 and the SageMaker
SDK at it, and leaves every later cell to call the SDK and boto3 exactly as on AWS.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKSHOP_TAG = {"Key": "workshop", "Value": "genai-builders"}
PREFIX = "genai-builders"
_STUDIO_METADATA = Path("/opt/ml/metadata/resource-metadata.json")
_CONTEXT: WorkshopContext | None = None


class SetupError(RuntimeError):
    """Setup could not complete; the message says what to do."""


@dataclass
class WorkshopContext:
    """What every notebook needs: the SDK session, role, bucket, region and the tags to put on resources."""

    mode: str
    region: str
    account: str
    bucket: str
    role: str
    session: Any  # sagemaker.Session
    boto_session: Any  # boto3.Session
    base_tags: list[dict[str, str]] = field(default_factory=lambda: [dict(WORKSHOP_TAG)])
    prefix: str = PREFIX

    @property
    def tags(self) -> list[dict[str, str]]:
        """The tags to put on every resource: a fresh list at each use, because the SDK appends its own tags to the
        list it is given (a JumpStart model id kept from one deploy would label the next model wrongly)."""
        return [dict(tag) for tag in self.base_tags]

    def s3_uri(self, *parts: str) -> str:
        """``s3://<bucket>/<prefix>/<parts...>``: where the workshop keeps its files."""
        return "s3://" + "/".join([self.bucket, self.prefix, *(p.strip("/") for p in parts)])

    def banner(self) -> str:
        """One line: mode, region, account, bucket, role."""
        where = "local SageMaker on this machine, no AWS account used" if self.mode == "local" else "AWS"
        return (
            f"mode={self.mode} ({where}) | region={self.region} | account={self.account} | "
            f"bucket={self.bucket} | role={self.role}"
        )


def detect_mode() -> str:
    """``aws`` when ``WORKSHOP_MODE=aws`` or inside SageMaker Studio, else ``local``."""
    chosen = os.environ.get("WORKSHOP_MODE", "").strip().lower()
    if chosen in {"aws", "local"}:
        return chosen
    if chosen:
        raise SetupError(f"WORKSHOP_MODE={chosen!r} is not a mode: use WORKSHOP_MODE=local or WORKSHOP_MODE=aws.")
    if _STUDIO_METADATA.exists() or os.environ.get("SAGEMAKER_SPACE_NAME"):
        return "aws"
    return "local"


def setup(mode: str | None = None, quiet: bool = False) -> WorkshopContext:
    """Prepare this kernel for the workshop and print one banner line; safe to call again.

    A kernel keeps the mode of its first ``setup()``: local mode changes the process (placeholder credentials,
    ``AWS_ENDPOINT_URL``, SDK patches), so switching mode needs a kernel restart and is refused with a
    ``SetupError`` that says so.
    """
    global _CONTEXT
    mode = mode or detect_mode()
    if _CONTEXT is not None and _CONTEXT.mode != mode:
        raise SetupError(_switch_message(_CONTEXT.mode, mode))
    if _CONTEXT is not None:
        if not quiet:
            print(_CONTEXT.banner())
        return _CONTEXT
    context = _setup_local() if mode == "local" else _setup_aws()
    _CONTEXT = context
    if not quiet:
        print(context.banner())
    return context


def _switch_message(current: str, wanted: str) -> str:
    """Why a kernel set up for one mode cannot switch to the other, and what to do instead."""
    return (
        f"This kernel is already set up for {current} mode and cannot switch to {wanted} mode: "
        + (
            "local mode pointed boto3 and the SageMaker SDK at the local server (AWS_ENDPOINT_URL, placeholder "
            "credentials, SDK patches), so AWS calls from this process would still go to localhost. "
            if current == "local"
            else "the clients and objects made so far talk to AWS. "
        )
        + f"Restart the kernel (Kernel > Restart Kernel), then run helpers.setup(mode={wanted!r}) as the first "
        f"cell (or set WORKSHOP_MODE={wanted} in the kernel's environment before it starts)."
    )


# ------------------------------------------------------------------------------------------ local mode
def _setup_local() -> WorkshopContext:
    from .local import catalog, config, server

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
    _warn_if_restarted(info, port, started_now)
    region = config.DEFAULT_REGION
    env = {
        "AWS_ENDPOINT_URL": config.url(port),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "SAGEMAKER_USER_CONFIG_OVERRIDE": str(_sdk_config_file()),
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

    _patch_sdk_for_local(config.url(port))
    boto_session = boto3.Session(region_name=region)
    boto3.setup_default_session(region_name=region)
    for events in (boto_session.events, boto3.DEFAULT_SESSION.events):
        events.register_first("needs-retry", _explain_dead_server(port))
    session = sagemaker.Session(boto_session=boto_session)
    from .local.server import LOCAL_ROLE_NAME

    role = f"arn:aws:iam::{config.ACCOUNT_ID}:role/{LOCAL_ROLE_NAME}"
    bucket = session.default_bucket()
    return WorkshopContext("local", region, config.ACCOUNT_ID, bucket, role, session, boto_session)


class LocalServerDown(RuntimeError):
    """The local SageMaker stopped answering."""


def _explain_dead_server(port: int):
    """A botocore handler: when the local server no longer answers, say so in one line instead of retrying."""
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

    def handler(caught_exception: Exception | None = None, **_: Any) -> None:
        if isinstance(caught_exception, (EndpointConnectionError, ConnectionClosedError)):
            from .local import server

            if server.status(port, timeout=1.0) is None:
                raise LocalServerDown(
                    f"The local SageMaker on port {port} is not running (it stopped or crashed). Re-run the first "
                    "cell (helpers.setup()) to start it, then re-run the earlier notebooks: its state was in memory."
                ) from caught_exception

    return handler


def _sdk_config_file() -> Path:
    """A SageMaker SDK config file that opts out of the SDK's telemetry (which would call the internet)."""
    from .local import config

    path = config.home() / "sagemaker-sdk-config.yaml"
    text = "SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def _patch_sdk_for_local(url: str) -> None:
    """Make the SDK fit a server that answers at once: poll every 0.1 s, use the local STS, and validate
    the (telemetry opt-out) SDK config once rather than on every config lookup (about 0.2 s each)."""
    import sagemaker.session
    import sagemaker.utils
    from sagemaker.config import config as sdk_config

    validated: set[str] = set()

    def validate_once(sagemaker_config: dict | None = None) -> None:
        key = json.dumps(sagemaker_config, sort_keys=True, default=str)
        if key not in validated:
            sdk_config.validate_sagemaker_config(sagemaker_config)
            validated.add(key)

    sagemaker.utils.validate_sagemaker_config = validate_once
    sagemaker.session.validate_sagemaker_config = validate_once

    original_wait = getattr(sagemaker.session._wait_until, "__wrapped__", sagemaker.session._wait_until)

    def _wait_until(callable_fn, poll=5):
        return original_wait(callable_fn, min(poll, 0.1))

    _wait_until.__wrapped__ = original_wait
    sagemaker.session._wait_until = _wait_until

    # processor.run(logs=True) tails the logs and asks for the job's status only every 30 s (a fixed interval in
    # the SDK), so a job that takes 5 s locally would hold the notebook for 30 s. Locally: wait for the job at the
    # 0.1 s poll above, then print its whole log with the SDK's own printer, then raise as the SDK does on failure.
    session_cls = sagemaker.session.Session
    original_logs = getattr(session_cls.logs_for_processing_job, "__wrapped__", session_cls.logs_for_processing_job)

    def logs_for_processing_job(self, job_name, wait=False, poll=10):
        if not wait:
            return original_logs(self, job_name, wait=False, poll=poll)
        description = _wait_until(
            lambda: _finished(self.sagemaker_client.describe_processing_job(ProcessingJobName=job_name))
        )
        original_logs(self, job_name, wait=False, poll=poll)
        sagemaker.session._check_job_status(job_name, description, "ProcessingJobStatus")

    logs_for_processing_job.__wrapped__ = original_logs
    session_cls.logs_for_processing_job = logs_for_processing_job

    # estimator.fit(logs=True) tails a training job's logs the same way (status every 30 s): locally, stream the log
    # with the SDK's own printers and ask for the status at every poll. fit(logs=False) and attach() poll every 5 s;
    # here every 0.5 s.
    original_job_logs = getattr(session_cls.logs_for_job, "__wrapped__", session_cls.logs_for_job)

    def logs_for_job(self, job_name, wait=False, poll=10, log_type="All", timeout=None):
        if not wait:
            return original_job_logs(self, job_name, wait=False, poll=poll, log_type=log_type, timeout=timeout)
        return _tail_training_job(self, job_name, log_type, timeout)

    logs_for_job.__wrapped__ = original_job_logs
    session_cls.logs_for_job = logs_for_job
    original_training_wait = getattr(
        sagemaker.session._wait_until_training_done, "__wrapped__", sagemaker.session._wait_until_training_done
    )

    def _wait_until_training_done(callable_fn, desc, poll=5):
        return original_training_wait(callable_fn, desc, min(poll, 0.5))  # it prints a dot at every poll

    _wait_until_training_done.__wrapped__ = original_training_wait
    sagemaker.session._wait_until_training_done = _wait_until_training_done
    # execution.wait() polls DescribePipelineExecution through a botocore waiter every `delay` s (default 30): a
    # pipeline that ends in 20 s locally would hold the notebook for 30. Locally: poll every 0.5 s at most, for as
    # long in total as the SDK would have waited (delay × max_attempts).
    from sagemaker.workflow.pipeline import _PipelineExecution

    original_pipeline_wait = getattr(_PipelineExecution.wait, "__wrapped__", _PipelineExecution.wait)

    def wait(self, delay=30, max_attempts=60):
        local_delay = min(delay, 0.5)
        attempts = max(1, math.ceil(delay * max_attempts / local_delay)) if local_delay > 0 else max_attempts
        return original_pipeline_wait(self, delay=local_delay, max_attempts=attempts)

    wait.__wrapped__ = original_pipeline_wait
    _PipelineExecution.wait = wait
    # The SDK passes an explicit regional STS endpoint, which beats AWS_ENDPOINT_URL.
    sagemaker.utils.sts_regional_endpoint = lambda region: url
    sagemaker.session.sts_regional_endpoint = lambda region: url


def _tail_training_job(session: Any, job_name: str, log_type: Any = "All", timeout: float | None = None) -> dict:
    """``Session.logs_for_job(wait=True)`` for a server that answers at once: the SDK's own steps (status lines, log
    lines from CloudWatch Logs, the final check and the training seconds), with the status asked every 0.2 s."""
    import time

    from sagemaker import session as sdk

    if isinstance(log_type, bool):
        log_type = "All" if log_type else "None"
    client = session.sagemaker_client
    description = sdk._wait_until(lambda: client.describe_training_job(TrainingJobName=job_name))
    print(sdk.secondary_training_status_message(description, None), end="")
    instance_count, streams, positions, logs, group, dot, color_wrap = sdk._logs_init(
        session.boto_session, description, job="Training"
    )
    last, ended, deadline = description, False, time.time() + timeout if timeout else None
    while True:
        if log_type in ("All", "Training"):
            sdk._flush_log_streams(streams, instance_count, logs, group, job_name, positions, dot, color_wrap)
        if ended or (deadline and time.time() > deadline):
            break
        time.sleep(0.2)
        description = client.describe_training_job(TrainingJobName=job_name)
        if sdk.secondary_training_status_changed(description, last):
            print()
            print(sdk.secondary_training_status_message(description, last), end="")
            last = description
        if description["TrainingJobStatus"] in ("Completed", "Failed", "Stopped"):
            print()
            ended = True  # one more read: the lines written just before the end
    sdk._check_job_status(job_name, description, "TrainingJobStatus")
    count = instance_count or 1
    if description.get("TrainingTimeInSeconds") is not None:
        print("Training seconds:", description["TrainingTimeInSeconds"] * count)
    if description.get("BillableTimeInSeconds") is not None:
        print("Billable seconds:", description["BillableTimeInSeconds"] * count)
    return last


def _finished(description: dict[str, Any]) -> dict[str, Any] | None:
    """The processing job's description once it has ended, else None (for ``_wait_until``)."""
    return description if description["ProcessingJobStatus"] in ("Completed", "Failed", "Stopped") else None


def _warn_if_restarted(info: dict[str, Any], port: int, started_now: bool = False) -> None:
    """Say so when the server is not the one this machine's last setup() talked to: its state is gone."""
    from .local import config

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


# ------------------------------------------------------------------------------------------ aws mode
def _setup_aws() -> WorkshopContext:
    import boto3
    import sagemaker

    boto_session = boto3.Session()
    region = boto_session.region_name
    if not region:
        raise SetupError("No AWS region is set: export AWS_DEFAULT_REGION=us-east-1 (or your region).")
    try:
        account = boto_session.client("sts").get_caller_identity()["Account"]
    except Exception as exc:
        raise SetupError(
            f"No usable AWS credentials ({exc.__class__.__name__}). Configure them (aws configure, or a Studio "
            "execution role), or run the workshop locally with WORKSHOP_MODE=local."
        ) from None
    session = sagemaker.Session(boto_session=boto_session)
    role = os.environ.get("WORKSHOP_ROLE_ARN")
    if not role:
        try:
            role = sagemaker.get_execution_role(sagemaker_session=session)
        except ValueError:
            raise SetupError(
                "No SageMaker execution role found. Outside SageMaker Studio, set WORKSHOP_ROLE_ARN to the ARN "
                "of a role that SageMaker can assume (the documents in iam/: README, 'IAM roles'), e.g. "
                f"export WORKSHOP_ROLE_ARN=arn:aws:iam::{account}:role/MySageMakerRole"
            ) from None
    bucket = session.default_bucket()
    return WorkshopContext("aws", region, account, bucket, role, session, boto_session)
