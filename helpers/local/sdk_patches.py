"""SageMaker SDK patches for local mode: the SDK polls and tails logs at intervals meant for AWS (5 to 30 s),
which would make a job that takes seconds locally hold a notebook for half a minute. Installed by
:func:`helpers.local.client.connect`; every patched function keeps the original as ``__wrapped__``.
"""

from __future__ import annotations

import json
import math
from typing import Any


def patch_sdk(url: str) -> None:
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
