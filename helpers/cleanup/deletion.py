"""Delete the workshop's resources in dependency order: stop what runs (and wait for it), then delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .resources import _RUNNING_LABELING, KINDS, Resource, _s3_objects


@dataclass(frozen=True)
class _Stopping:
    """How cleanup stops a running resource of one kind, and waits for its end, before deleting anything else."""

    api: str  # the calls are stop_<api> and describe_<api>
    key: str  # the request parameter naming the resource
    status: str  # the describe answer's status field
    running: tuple[str, ...]  # the statuses of a running one
    noun: str
    timeout_s: float


# A stopped training job still uploads what it saved; a stopped labeling job writes what was labeled to its output;
# a stopped pipeline execution stops its running job with it.
_STOPPING = {
    "training-job": _Stopping(
        "training_job", "TrainingJobName", "TrainingJobStatus", ("InProgress",), "Training job", 900
    ),
    "labeling-job": _Stopping(
        "labeling_job", "LabelingJobName", "LabelingJobStatus", _RUNNING_LABELING, "Labeling job", 300
    ),
    "pipeline-execution": _Stopping(
        "pipeline_execution",
        "PipelineExecutionArn",
        "PipelineExecutionStatus",
        ("Executing",),
        "Pipeline execution",
        900,
    ),
}


def _stop_and_wait(ctx: Any, kind: str, ident: str) -> None:
    """Stop a running resource of ``kind`` (named by ``ident``) and wait until it has ended; one that ended
    meanwhile needs nothing more."""
    import time

    how = _STOPPING[kind]
    sm = ctx.boto_session.client("sagemaker")
    request = {how.key: ident}

    def status() -> str:
        return getattr(sm, f"describe_{how.api}")(**request)[how.status]

    try:
        getattr(sm, f"stop_{how.api}")(**request)
    except sm.exceptions.ClientError:
        if status() in how.running:
            raise
    deadline = time.time() + how.timeout_s
    while status() in (*how.running, "Stopping"):
        if time.time() > deadline:
            raise TimeoutError(f"{how.noun} {ident} is still stopping after {how.timeout_s:.0f} s; run cleanup again.")
        time.sleep(1)


def _delete_role(ctx: Any, name: str) -> None:
    """Detach the role's managed policies and delete its inline ones (IAM deletes no role that has any), then it."""
    iam = ctx.boto_session.client("iam")
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    iam.delete_role(RoleName=name)


def _delete(ctx: Any, resource: Resource) -> None:
    client = ctx.boto_session.client
    actions: dict[str, Callable[[], Any]] = {
        "pipeline-execution": lambda: _stop_and_wait(ctx, "pipeline-execution", resource.arn),
        "labeling-job": lambda: _stop_and_wait(ctx, "labeling-job", resource.name),
        "training-job": lambda: _stop_and_wait(ctx, "training-job", resource.name),
        "endpoint": lambda: client("sagemaker").delete_endpoint(EndpointName=resource.name),
        "endpoint-config": lambda: client("sagemaker").delete_endpoint_config(EndpointConfigName=resource.name),
        "model": lambda: client("sagemaker").delete_model(ModelName=resource.name),
        "alarm": lambda: client("cloudwatch").delete_alarms(AlarmNames=[resource.name]),
        "schedule": lambda: client("scheduler").delete_schedule(Name=resource.name, GroupName=resource.group),
        "schedule-group": lambda: client("scheduler").delete_schedule_group(Name=resource.name),
        "iam-role": lambda: _delete_role(ctx, resource.name),
        "pipeline": lambda: client("sagemaker").delete_pipeline(PipelineName=resource.name),
        "workteam": lambda: client("sagemaker").delete_workteam(WorkteamName=resource.name),
        "workforce": lambda: client("sagemaker").delete_workforce(WorkforceName=resource.name),
        "user-pool": lambda: client("cognito-idp").delete_user_pool(UserPoolId=resource.name),
        "model-package": lambda: client("sagemaker").delete_model_package(ModelPackageName=resource.arn),
        "model-package-group": lambda: client("sagemaker").delete_model_package_group(
            ModelPackageGroupName=resource.name
        ),
        "s3-object": lambda: client("s3").delete_object(Bucket=ctx.bucket, Key=resource.name),
    }
    actions[resource.kind]()


def delete_workshop_resources(ctx: Any, resources: list[Resource], confirm: bool) -> int:
    """Delete the given (tagged) resources in dependency order; nothing happens unless ``confirm`` is True."""
    if not confirm:
        print(f"{len(resources)} resources found; nothing deleted. Set CONFIRM_DELETE = True to delete them.")
        return 0
    order = list(KINDS)
    deleted = 0
    stopped_jobs = False
    endpoints = [r.name for r in resources if r.kind == "endpoint"]
    for resource in sorted(resources, key=lambda r: order.index(r.kind)):
        if resource.kind == "endpoint-config" and endpoints:  # the endpoints come first: wait until they are gone
            _wait_for_endpoints_deleted(ctx, endpoints)
            endpoints = []
        _delete(ctx, resource)
        deleted += 1
        stopped_jobs |= resource.kind in ("training-job", "labeling-job", "pipeline-execution")
    _wait_for_endpoints_deleted(ctx, endpoints)
    if stopped_jobs:  # stopped jobs wrote what they had (models, labels) under the workshop prefix: that goes too
        for resource in _s3_objects(ctx):
            _delete(ctx, resource)
            deleted += 1
    return deleted


def _wait_for_endpoints_deleted(ctx: Any, names: list[str]) -> None:
    """Wait until each endpoint is gone: SageMaker lists a deleted endpoint as ``Deleting`` for a while."""
    waiter = ctx.boto_session.client("sagemaker").get_waiter("endpoint_deleted")
    for name in names:
        waiter.wait(EndpointName=name, WaiterConfig={"Delay": 2, "MaxAttempts": 300})
