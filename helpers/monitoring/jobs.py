"""The checks as a scheduled SageMaker job: the Processing job (the script in ``helpers/monitoring_job``), the
Pipeline with its one ProcessingStep, the EventBridge Scheduler schedule, and the job's report in S3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..monitoring_job import checks as core
from ..s3 import split_uri
from .capture import capture_prefix

JOB_DIR: Path = Path(__file__).resolve().parents[1] / "monitoring_job"
JOB_SCRIPT = "checks.py"
SKLEARN_VERSION = "1.2-1"  # the SageMaker scikit-learn container the job runs in (Python 3.9)


def checks_processor(
    session: Any, role: str, instance_type: str, tags: list[dict[str, str]], code_location: str
) -> Any:
    """A FrameworkProcessor running ``checks.py`` in the SageMaker scikit-learn container; its
    ``requirements.txt`` installs alt-profanity-check and vaderSentiment before the script starts."""
    from sagemaker.processing import FrameworkProcessor
    from sagemaker.sklearn.estimator import SKLearn

    return FrameworkProcessor(
        estimator_cls=SKLearn,
        framework_version=SKLEARN_VERSION,
        py_version="py3",
        role=role,
        instance_type=instance_type,
        instance_count=1,
        base_job_name="naxt-output-checks",
        sagemaker_session=session,
        tags=tags,
        code_location=code_location,
        max_runtime_in_seconds=1800,
    )


def checks_job_args(
    capture_uri: str,
    endpoint_name: str,
    report_uri: Any,
    region: str,
    tone_bar: float = core.DEFAULT_TONE_BAR,
    since_hours: float = 24,
    publish_metrics: bool = True,
) -> dict[str, Any]:
    """Arguments for ``processor.run``: the endpoint's capture prefix in, the report out, the checks' options."""
    from sagemaker.processing import ProcessingInput, ProcessingOutput

    arguments = ["--input-dir", "/opt/ml/processing/input/capture", "--output-dir", "/opt/ml/processing/output"]
    arguments += ["--since-hours", f"{since_hours:g}", "--tone-bar", f"{tone_bar:g}"]
    arguments += ["--endpoint-name", endpoint_name, "--region", region]
    if publish_metrics:
        arguments.append("--publish-metrics")
    return {
        "code": JOB_SCRIPT,
        "source_dir": str(JOB_DIR),
        "inputs": [
            ProcessingInput(
                input_name="capture",
                source=capture_prefix(capture_uri, endpoint_name),
                destination="/opt/ml/processing/input/capture",
            )
        ],
        "outputs": [ProcessingOutput(output_name="report", source="/opt/ml/processing/output", destination=report_uri)],
        "arguments": arguments,
    }


def ensure_schedule_group(scheduler: Any, group: str, tags: list[dict[str, str]]) -> None:
    """Create the EventBridge Scheduler schedule group ``group`` with ``tags`` when it is missing: schedules
    cannot carry tags, schedule groups can, so cleanup finds a schedule by its group."""
    try:
        scheduler.get_schedule_group(Name=group)
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule_group(Name=group, Tags=tags)


def schedule_pipeline(
    scheduler: Any,
    group: str,
    name: str,
    pipeline_arn: str,
    role_arn: str,
    expression: str,
    tags: list[dict[str, str]],
) -> str:
    """Start a pipeline on a schedule with EventBridge Scheduler; returns the schedule ARN.

    Schedules cannot carry tags, schedule groups can: the schedule goes into ``group``, created with ``tags``
    when missing, so cleanup finds it. ``role_arn`` must be assumable by ``scheduler.amazonaws.com`` and allow
    ``sagemaker:StartPipelineExecution``. Re-running updates the schedule.
    """
    ensure_schedule_group(scheduler, group, tags)
    request = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": pipeline_arn, "RoleArn": role_arn, "SageMakerPipelineParameters": {}},
        "State": "ENABLED",
        "Description": "Naxt Corp. output checks of the monitored LLM endpoint",
    }
    try:
        return scheduler.update_schedule(**request)["ScheduleArn"]
    except scheduler.exceptions.ResourceNotFoundException:
        return scheduler.create_schedule(**request)["ScheduleArn"]


def delete_schedule_group(scheduler: Any, group: str) -> None:
    """Delete a schedule group and the schedules in it (no error when it is already gone)."""
    try:
        scheduler.get_schedule_group(Name=group)
    except scheduler.exceptions.ResourceNotFoundException:
        return
    for schedule in scheduler.list_schedules(GroupName=group).get("Schedules", []):
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=group)
    scheduler.delete_schedule_group(Name=group)


def read_report(s3: Any, report_uri: str) -> tuple[dict[str, Any], str]:
    """The job's ``report.json`` (parsed) and ``report.md`` from its S3 output folder."""
    bucket, prefix = split_uri(report_uri)
    prefix = prefix.strip("/")
    body = s3.get_object(Bucket=bucket, Key=f"{prefix}/report.json")["Body"].read()
    markdown = s3.get_object(Bucket=bucket, Key=f"{prefix}/report.md")["Body"].read().decode("utf-8")
    return json.loads(body), markdown


def delete_prefix(s3: Any, uri: str) -> int:
    """Delete every object under an S3 prefix (the reports this notebook wrote); returns how many."""
    bucket, prefix = split_uri(uri)
    prefix = prefix.strip("/")
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
            deleted += 1
    return deleted
