"""Find the workshop's resources, kind by kind, by its tag (and the objects under its S3 prefix).

``KINDS`` maps each kind to its lister, in deletion order: what uses a thing goes before the thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..context import WORKSHOP_TAG


@dataclass
class Resource:
    """One resource the workshop created."""

    kind: str
    name: str
    arn: str
    group: str = ""  # a schedule's group


def _tagged(tags: list[dict[str, str]] | dict[str, str] | None) -> bool:
    if isinstance(tags, dict):
        return tags.get(WORKSHOP_TAG["Key"]) == WORKSHOP_TAG["Value"]
    return any(t.get("Key") == WORKSHOP_TAG["Key"] and t.get("Value") == WORKSHOP_TAG["Value"] for t in tags or [])


def _sagemaker_kind(ctx: Any, kind: str, lister: str, key: str, name_key: str, arn_key: str) -> Iterator[Resource]:
    sm = ctx.boto_session.client("sagemaker")
    for page in sm.get_paginator(lister).paginate():
        for item in page[key]:
            arn = item[arn_key]
            if _tagged(sm.list_tags(ResourceArn=arn).get("Tags")):
                yield Resource(kind, item[name_key], arn)


def _endpoints(ctx: Any) -> Iterator[Resource]:
    yield from _sagemaker_kind(ctx, "endpoint", "list_endpoints", "Endpoints", "EndpointName", "EndpointArn")


def _endpoint_configs(ctx: Any) -> Iterator[Resource]:
    yield from _sagemaker_kind(
        ctx, "endpoint-config", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", "EndpointConfigArn"
    )


def _models(ctx: Any) -> Iterator[Resource]:
    yield from _sagemaker_kind(ctx, "model", "list_models", "Models", "ModelName", "ModelArn")


def _training_jobs(ctx: Any) -> Iterator[Resource]:
    """Tagged training jobs that are still running (InProgress): cleanup stops them."""
    sm = ctx.boto_session.client("sagemaker")
    for page in sm.get_paginator("list_training_jobs").paginate(StatusEquals="InProgress"):
        for item in page["TrainingJobSummaries"]:
            if _tagged(sm.list_tags(ResourceArn=item["TrainingJobArn"]).get("Tags")):
                yield Resource("training-job", item["TrainingJobName"], item["TrainingJobArn"])


_RUNNING_LABELING = ("Initializing", "InProgress")


def _labeling_jobs(ctx: Any) -> Iterator[Resource]:
    """Tagged labeling jobs that have not ended (Initializing, InProgress): cleanup stops them."""
    sm = ctx.boto_session.client("sagemaker")
    for page in sm.get_paginator("list_labeling_jobs").paginate():
        for item in page["LabelingJobSummaryList"]:
            if item["LabelingJobStatus"] not in _RUNNING_LABELING:
                continue
            if _tagged(sm.list_tags(ResourceArn=item["LabelingJobArn"]).get("Tags")):
                yield Resource("labeling-job", item["LabelingJobName"], item["LabelingJobArn"])


def _workteams_by_workforce(ctx: Any) -> dict[str, list[tuple[dict[str, Any], bool]]]:
    """Workforce ARN -> its work teams, each with whether it carries the workshop tag."""
    sm = ctx.boto_session.client("sagemaker")
    teams: dict[str, list[tuple[dict[str, Any], bool]]] = {}
    for page in sm.get_paginator("list_workteams").paginate():
        for team in page["Workteams"]:
            tagged = _tagged(sm.list_tags(ResourceArn=team["WorkteamArn"]).get("Tags"))
            teams.setdefault(team.get("WorkforceArn", ""), []).append((team, tagged))
    return teams


def _workteams(ctx: Any) -> Iterator[Resource]:
    for teams in _workteams_by_workforce(ctx).values():
        for team, tagged in teams:
            if tagged:
                yield Resource("workteam", team["WorkteamName"], team["WorkteamArn"])


def _workforces(ctx: Any) -> Iterator[Resource]:
    """The tagged private workforce, when all its work teams are the workshop's (they go first)."""
    sm = ctx.boto_session.client("sagemaker")
    teams = _workteams_by_workforce(ctx)
    for page in sm.get_paginator("list_workforces").paginate():
        for workforce in page["Workforces"]:
            if not _tagged(sm.list_tags(ResourceArn=workforce["WorkforceArn"]).get("Tags")):
                continue
            if all(tagged for _, tagged in teams.get(workforce["WorkforceArn"], [])):
                yield Resource("workforce", workforce["WorkforceName"], workforce["WorkforceArn"])


def _user_pools(ctx: Any) -> Iterator[Resource]:
    """Tagged Amazon Cognito user pools (notebook 06's workforce pool, tagged with ``UserPoolTags``), except one
    that a workforce which stays (it has another team in it) still signs its workers in with."""
    sm, cognito = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("cognito-idp")
    leaving = {r.name for r in _workforces(ctx)}
    in_use = {
        (workforce.get("CognitoConfig") or {}).get("UserPool")
        for page in sm.get_paginator("list_workforces").paginate()
        for workforce in page["Workforces"]
        if workforce["WorkforceName"] not in leaving
    }
    for page in cognito.get_paginator("list_user_pools").paginate(PaginationConfig={"PageSize": 60}):
        for pool in page["UserPools"]:
            described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
            if _tagged(described.get("UserPoolTags")) and pool["Id"] not in in_use:
                yield Resource("user-pool", pool["Id"], described.get("Arn", ""))


def _alarms(ctx: Any) -> Iterator[Resource]:
    cw = ctx.boto_session.client("cloudwatch")
    for alarm in cw.describe_alarms().get("MetricAlarms", []):
        if _tagged(cw.list_tags_for_resource(ResourceARN=alarm["AlarmArn"]).get("Tags")):
            yield Resource("alarm", alarm["AlarmName"], alarm["AlarmArn"])


def _pipelines(ctx: Any) -> Iterator[Resource]:
    yield from _sagemaker_kind(ctx, "pipeline", "list_pipelines", "PipelineSummaries", "PipelineName", "PipelineArn")


def _pipeline_executions(ctx: Any) -> Iterator[Resource]:
    """Executions in progress of the workshop's tagged pipelines: cleanup stops them (their running job with them)."""
    sm = ctx.boto_session.client("sagemaker")
    for pipeline in _pipelines(ctx):
        for page in sm.get_paginator("list_pipeline_executions").paginate(PipelineName=pipeline.name):
            for item in page["PipelineExecutionSummaries"]:
                if item["PipelineExecutionStatus"] in ("Executing", "Stopping"):
                    name = item["PipelineExecutionArn"].rsplit("/", 1)[-1]
                    yield Resource("pipeline-execution", name, item["PipelineExecutionArn"], group=pipeline.name)


def _tagged_model_package_groups(ctx: Any) -> Iterator[dict[str, Any]]:
    sm = ctx.boto_session.client("sagemaker")
    for page in sm.get_paginator("list_model_package_groups").paginate():
        for group in page["ModelPackageGroupSummaryList"]:
            if _tagged(sm.list_tags(ResourceArn=group["ModelPackageGroupArn"]).get("Tags")):
                yield group


def _model_packages(ctx: Any) -> Iterator[Resource]:
    """Every version in the workshop's tagged model package groups, and tagged unversioned model packages."""
    sm = ctx.boto_session.client("sagemaker")
    for group in _tagged_model_package_groups(ctx):
        name = group["ModelPackageGroupName"]
        for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=name):
            for item in page["ModelPackageSummaryList"]:
                arn = item["ModelPackageArn"]
                yield Resource("model-package", f"{name}/{item['ModelPackageVersion']}", arn, group=name)
    for page in sm.get_paginator("list_model_packages").paginate(ModelPackageType="Unversioned"):
        for item in page["ModelPackageSummaryList"]:
            if _tagged(sm.list_tags(ResourceArn=item["ModelPackageArn"]).get("Tags")):
                yield Resource("model-package", item["ModelPackageName"], item["ModelPackageArn"])


def _model_package_groups(ctx: Any) -> Iterator[Resource]:
    for group in _tagged_model_package_groups(ctx):
        yield Resource("model-package-group", group["ModelPackageGroupName"], group["ModelPackageGroupArn"])


def _tagged_schedule_groups(ctx: Any) -> Iterator[dict[str, Any]]:
    scheduler = ctx.boto_session.client("scheduler")
    for group in scheduler.list_schedule_groups().get("ScheduleGroups", []):
        if group.get("State", "ACTIVE") != "ACTIVE" or group["Name"] == "default":
            continue  # a deleted group stays listed as DELETING for a while
        if _tagged(scheduler.list_tags_for_resource(ResourceArn=group["Arn"])["Tags"]):
            yield group


def _schedules(ctx: Any) -> Iterator[Resource]:
    """The schedules in the workshop's tagged schedule groups (a schedule has no tags of its own)."""
    scheduler = ctx.boto_session.client("scheduler")
    for group in _tagged_schedule_groups(ctx):
        for schedule in scheduler.list_schedules(GroupName=group["Name"]).get("Schedules", []):
            yield Resource("schedule", schedule["Name"], schedule["Arn"], group=group["Name"])


def _schedule_groups(ctx: Any) -> Iterator[Resource]:
    for group in _tagged_schedule_groups(ctx):
        yield Resource("schedule-group", group["Name"], group["Arn"])


def _roles(ctx: Any) -> Iterator[Resource]:
    """IAM roles named with the workshop's prefix that carry its tag. A caller that may not list roles (SageMaker
    Studio's execution role, often) created none: it is told so, and nothing is listed."""
    from botocore.exceptions import ClientError

    iam = ctx.boto_session.client("iam")
    try:
        for page in iam.get_paginator("list_roles").paginate():
            for role in page["Roles"]:
                name = role["RoleName"]
                if name.startswith(f"{ctx.prefix}-") and _tagged(iam.list_role_tags(RoleName=name)["Tags"]):
                    yield Resource("iam-role", name, role["Arn"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"):
            raise
        print(
            f"IAM roles not listed ({exc.response['Error']['Code']}): this role may not list them, so it created none."
        )


def _s3_objects(ctx: Any) -> Iterator[Resource]:
    s3 = ctx.boto_session.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=ctx.bucket, Prefix=ctx.prefix + "/"):
        for item in page.get("Contents", []):
            yield Resource("s3-object", item["Key"], f"arn:aws:s3:::{ctx.bucket}/{item['Key']}")


# Deletion order: what uses a thing goes before the thing.
KINDS: dict[str, Callable[[Any], Iterator[Resource]]] = {
    "pipeline-execution": _pipeline_executions,
    "labeling-job": _labeling_jobs,
    "training-job": _training_jobs,
    "schedule": _schedules,
    "schedule-group": _schedule_groups,
    "iam-role": _roles,
    "pipeline": _pipelines,
    "model-package": _model_packages,
    "model-package-group": _model_package_groups,
    "alarm": _alarms,
    "endpoint": _endpoints,
    "endpoint-config": _endpoint_configs,
    "model": _models,
    "workteam": _workteams,
    "workforce": _workforces,
    "user-pool": _user_pools,
    "s3-object": _s3_objects,
}


def find_workshop_resources(ctx: Any) -> list[Resource]:
    """Every resource that carries the workshop tag (and the objects under the workshop's S3 prefix)."""
    found: list[Resource] = []
    for lister in KINDS.values():
        found.extend(lister(ctx))
    return found


def as_table(resources: list[Resource]) -> Any:
    """The resources as a DataFrame, for display."""
    import pandas as pd

    return pd.DataFrame([r.__dict__ for r in resources], columns=["kind", "name", "arn", "group"])
