"""Cleanup finds the workshop's resources by tag, deletes only those, and leaves nothing tagged behind."""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.usefixtures("local_sagemaker")

IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-gpu"


def _endpoint(ctx, sm, name: str, tags: list[dict[str, str]]) -> None:
    sm.create_model(ModelName=name, ExecutionRoleArn=ctx.role, PrimaryContainer={"Image": IMAGE}, Tags=tags)
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {"VariantName": "AllTraffic", "ModelName": name, "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}
        ],
        Tags=tags,
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name, Tags=tags)


def test_cleanup_selects_by_tag_and_never_touches_the_rest():
    import helpers
    from helpers.cleanup import as_table, delete_workshop_resources, find_workshop_resources

    ctx = helpers.setup(quiet=True)
    sm = ctx.boto_session.client("sagemaker")
    cw = ctx.boto_session.client("cloudwatch")
    s3 = ctx.boto_session.client("s3")
    ours, theirs = f"ours-{uuid.uuid4().hex[:6]}", f"theirs-{uuid.uuid4().hex[:6]}"
    _endpoint(ctx, sm, ours, ctx.tags)
    _endpoint(ctx, sm, theirs, [{"Key": "team", "Value": "someone-else"}])
    for name, tags in ((ours, ctx.tags), (theirs, [])):
        cw.put_metric_alarm(
            AlarmName=name,
            MetricName="Invocations",
            Namespace="AWS/SageMaker",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanThreshold",
            Tags=tags,
        )
    scheduler = ctx.boto_session.client("scheduler")
    definition = json.dumps({"Version": "2020-12-01", "Steps": []})
    for name, tags in ((ours, ctx.tags), (theirs, [{"Key": "team", "Value": "someone-else"}])):
        pipeline_arn = sm.create_pipeline(
            PipelineName=name, PipelineDefinition=definition, RoleArn=ctx.role, Tags=tags
        )["PipelineArn"]
        scheduler.create_schedule_group(Name=name, Tags=tags)
        scheduler.create_schedule(
            Name=name,
            GroupName=name,
            ScheduleExpression="rate(1 day)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": pipeline_arn, "RoleArn": ctx.role, "SageMakerPipelineParameters": {}},
        )
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/test-cleanup/{ours}.txt", Body=b"x")
    s3.put_object(Bucket=ctx.bucket, Key=f"elsewhere/{theirs}.txt", Body=b"x")

    found = find_workshop_resources(ctx)
    names = {(r.kind, r.name) for r in found}
    for kind in ("endpoint", "endpoint-config", "model", "alarm", "pipeline", "schedule", "schedule-group"):
        assert (kind, ours) in names and (kind, theirs) not in names
    assert ("s3-object", f"{ctx.prefix}/test-cleanup/{ours}.txt") in names
    assert not any(theirs in r.name for r in found)
    assert list(as_table(found).columns) == ["kind", "name", "arn", "group"]

    assert delete_workshop_resources(ctx, found, confirm=False) == 0
    assert len(find_workshop_resources(ctx)) == len(found)
    assert delete_workshop_resources(ctx, found, confirm=True) == len(found)
    assert find_workshop_resources(ctx) == []
    # the untagged resources are all still there
    assert sm.describe_endpoint(EndpointName=theirs)["EndpointStatus"] == "InService"
    assert sm.describe_model(ModelName=theirs)
    assert cw.describe_alarms(AlarmNames=[theirs])["MetricAlarms"]
    assert s3.get_object(Bucket=ctx.bucket, Key=f"elsewhere/{theirs}.txt")
    assert sm.describe_pipeline(PipelineName=theirs)["PipelineName"] == theirs
    assert scheduler.get_schedule(Name=theirs, GroupName=theirs)["Name"] == theirs
    assert [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"] if g["Name"] == ours] == []
    sm.delete_endpoint(EndpointName=theirs)
    sm.delete_endpoint_config(EndpointConfigName=theirs)
    sm.delete_model(ModelName=theirs)
    cw.delete_alarms(AlarmNames=[theirs])
    sm.delete_pipeline(PipelineName=theirs)
    scheduler.delete_schedule(Name=theirs, GroupName=theirs)
    scheduler.delete_schedule_group(Name=theirs)


SLEEPER = "import time\nprint('training', flush=True)\ntime.sleep(120)\n"


def _training_job(ctx, sm, s3, name: str, tags: list[dict[str, str]]) -> None:
    """A training job (script mode) that runs until it is stopped."""
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("train.py")
        info.size = len(SLEEPER)
        tar.addfile(info, io.BytesIO(SLEEPER.encode()))
    base = f"{ctx.prefix}/test-cleanup/{name}"
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/sourcedir.tar.gz", Body=raw.getvalue())
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/data/rows.jsonl", Body=b"{}\n")
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ctx.role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        HyperParameters={
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory": f'"s3://{ctx.bucket}/{base}/sourcedir.tar.gz"',
        },
        InputDataConfig=[
            {
                "ChannelName": "training",
                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{ctx.bucket}/{base}/data/"}},
            }
        ],
        OutputDataConfig={"S3OutputPath": f"s3://{ctx.bucket}/{ctx.prefix}/test-cleanup/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 300},
        Tags=tags,
    )


def test_cleanup_stops_the_workshops_running_training_jobs_only():
    import time

    import helpers
    from helpers.cleanup import delete_workshop_resources, find_workshop_resources

    ctx = helpers.setup(quiet=True)
    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    ours, theirs = f"ours-{uuid.uuid4().hex[:6]}", f"theirs-{uuid.uuid4().hex[:6]}"
    _training_job(ctx, sm, s3, ours, ctx.tags)
    _training_job(ctx, sm, s3, theirs, [{"Key": "team", "Value": "someone-else"}])
    jobs = [r for r in find_workshop_resources(ctx) if r.kind == "training-job"]
    assert ours in [r.name for r in jobs] and theirs not in [r.name for r in jobs]
    delete_workshop_resources(ctx, jobs, confirm=True)
    assert sm.describe_training_job(TrainingJobName=ours)["TrainingJobStatus"] == "Stopped"  # waited for its end
    assert sm.describe_training_job(TrainingJobName=theirs)["TrainingJobStatus"] == "InProgress"
    assert not [r for r in find_workshop_resources(ctx) if r.kind == "training-job"]
    sm.stop_training_job(TrainingJobName=theirs)
    while sm.describe_training_job(TrainingJobName=theirs)["TrainingJobStatus"] != "Stopped":
        time.sleep(0.2)


def test_cleanup_stops_the_workshops_labeling_jobs_and_deletes_its_teams_and_workforce_only():
    """Our labeling job is stopped (its output under the prefix removed) and our team deleted; their team and job
    stay, and so does the workforce while their team is in it; once their team is gone, the workforce goes."""
    import time

    import helpers
    from helpers.cleanup import delete_workshop_resources, find_workshop_resources

    ctx = helpers.setup(quiet=True)
    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    cognito = ctx.boto_session.client("cognito-idp")
    tags = {t["Key"]: t["Value"] for t in ctx.tags}
    pool = cognito.create_user_pool(PoolName=f"cleanup-{uuid.uuid4().hex[:6]}", UserPoolTags=tags)["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="gt")["UserPoolClient"]["ClientId"]
    untagged = cognito.create_user_pool(PoolName=f"theirs-{uuid.uuid4().hex[:6]}")["UserPool"]["Id"]
    workforce = f"cleanup-{uuid.uuid4().hex[:6]}"
    sm.create_workforce(WorkforceName=workforce, CognitoConfig={"UserPool": pool, "ClientId": client}, Tags=ctx.tags)
    ours, theirs = f"ours-{uuid.uuid4().hex[:6]}", f"theirs-{uuid.uuid4().hex[:6]}"
    template = f"s3://{ctx.bucket}/{ctx.prefix}/test-cleanup/template.liquid.html"
    s3.put_object(
        Bucket=ctx.bucket, Key=template.split("/", 3)[3], Body=b"<crowd-form>{{ task.input.source }}</crowd-form>"
    )
    manifest = f"{ctx.prefix}/test-cleanup/input.manifest"
    s3.put_object(Bucket=ctx.bucket, Key=manifest, Body=b'{"source": "nobody answers this"}\n')
    for name, tags, output in (
        (ours, ctx.tags, ctx.s3_uri("test-cleanup", "labels")),
        (theirs, [{"Key": "team", "Value": "someone-else"}], f"s3://{ctx.bucket}/elsewhere/labels"),
    ):
        cognito.create_group(UserPoolId=pool, GroupName=name)
        member = {"UserPool": pool, "UserGroup": name, "ClientId": client}
        arn = sm.create_workteam(
            WorkteamName=name, MemberDefinitions=[{"CognitoMemberDefinition": member}], Description="d", Tags=tags
        )["WorkteamArn"]
        sm.create_labeling_job(
            LabelingJobName=name,
            LabelAttributeName="label",
            InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://{ctx.bucket}/{manifest}"}}},
            OutputConfig={"S3OutputPath": output},
            RoleArn=ctx.role,
            HumanTaskConfig={
                "WorkteamArn": arn,
                "UiConfig": {"UiTemplateS3Uri": template},
                "TaskTitle": "t",
                "TaskDescription": "d",
                "NumberOfHumanWorkersPerDataObject": 1,
                "TaskTimeLimitInSeconds": 60,
            },
            Tags=tags,
        )
    for name in (ours, theirs):
        while sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"] == "Initializing":
            time.sleep(0.1)

    found = {(r.kind, r.name) for r in find_workshop_resources(ctx)}
    assert {("labeling-job", ours), ("workteam", ours)} <= found
    assert not {k for k in found if k[1] == theirs} and ("workforce", workforce) not in found  # their team is in it
    assert ("user-pool", pool) not in found  # the workforce that stays signs its workers in with it
    delete_workshop_resources(ctx, [r for r in find_workshop_resources(ctx)], confirm=True)
    described = sm.describe_labeling_job(LabelingJobName=ours)
    assert described["LabelingJobStatus"] == "Stopped"
    assert not s3.list_objects_v2(Bucket=ctx.bucket, Prefix=f"{ctx.prefix}/test-cleanup/labels/").get("Contents")
    assert ours not in [t["WorkteamName"] for t in sm.list_workteams()["Workteams"]]
    assert sm.describe_labeling_job(LabelingJobName=theirs)["LabelingJobStatus"] == "InProgress"
    assert sm.describe_workteam(WorkteamName=theirs)["Workteam"]["WorkteamName"] == theirs
    assert sm.describe_workforce(WorkforceName=workforce)["Workforce"]["WorkforceName"] == workforce
    sm.stop_labeling_job(LabelingJobName=theirs)
    while sm.describe_labeling_job(LabelingJobName=theirs)["LabelingJobStatus"] != "Stopped":
        time.sleep(0.1)
    sm.delete_workteam(WorkteamName=theirs)
    found = {(r.kind, r.name) for r in find_workshop_resources(ctx)}
    assert {("workforce", workforce), ("user-pool", pool)} <= found and ("user-pool", untagged) not in found
    kinds = ("workforce", "user-pool")
    delete_workshop_resources(ctx, [r for r in find_workshop_resources(ctx) if r.kind in kinds], confirm=True)
    assert sm.list_workforces()["Workforces"] == []
    assert [p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"] if p["Id"] in (pool, untagged)] == [
        untagged
    ]
    for key in ("elsewhere/labels",):
        for item in s3.list_objects_v2(Bucket=ctx.bucket, Prefix=key).get("Contents", []):
            s3.delete_object(Bucket=ctx.bucket, Key=item["Key"])
    cognito.delete_user_pool(UserPoolId=untagged)


def _sleeping_pipeline(ctx, sm, s3, name: str, tags: list[dict[str, str]]) -> str:
    """A pipeline whose one processing step sleeps until it is stopped; returns the ARN of its running execution."""
    key = f"{ctx.prefix if tags == ctx.tags else 'elsewhere'}/test-cleanup/{name}/sleep.py"
    s3.put_object(Bucket=ctx.bucket, Key=key, Body=SLEEPER.encode())
    step = {
        "Name": "Sleep",
        "Type": "Processing",
        "Arguments": {
            "ProcessingResources": {
                "ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30}
            },
            "AppSpecification": {
                "ImageUri": IMAGE,
                "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/sleep.py"],
            },
            "RoleArn": ctx.role,
            "ProcessingInputs": [
                {
                    "InputName": "code",
                    "S3Input": {
                        "S3Uri": f"s3://{ctx.bucket}/{key}",
                        "LocalPath": "/opt/ml/processing/input/code",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                    },
                }
            ],
        },
    }
    definition = json.dumps({"Version": "2020-12-01", "Parameters": [], "Steps": [step]})
    sm.create_pipeline(PipelineName=name, PipelineDefinition=definition, RoleArn=ctx.role, Tags=tags)
    return sm.start_pipeline_execution(PipelineName=name)["PipelineExecutionArn"]


def _model_package_group(ctx, sm, name: str, tags: list[dict[str, str]], versions: int) -> None:
    sm.create_model_package_group(ModelPackageGroupName=name, Tags=tags)
    for _ in range(versions):
        sm.create_model_package(
            ModelPackageGroupName=name,
            InferenceSpecification={
                "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://{ctx.bucket}/{name}/model.tar.gz"}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
        )


def test_cleanup_stops_pipelines_and_removes_the_registry_the_workshop_created_only():
    import time

    import helpers
    from helpers.cleanup import delete_workshop_resources, find_workshop_resources

    ctx = helpers.setup(quiet=True)
    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    ours, theirs = f"ours-{uuid.uuid4().hex[:6]}", f"theirs-{uuid.uuid4().hex[:6]}"
    other_tags = [{"Key": "team", "Value": "someone-else"}]
    our_run = _sleeping_pipeline(ctx, sm, s3, ours, ctx.tags)
    their_run = _sleeping_pipeline(ctx, sm, s3, theirs, other_tags)
    _model_package_group(ctx, sm, ours, ctx.tags, versions=2)
    _model_package_group(ctx, sm, theirs, other_tags, versions=1)
    unversioned = f"{ours}-single"
    sm.create_model_package(
        ModelPackageName=unversioned,
        InferenceSpecification={
            "Containers": [{"Image": IMAGE}],
            "SupportedContentTypes": ["application/json"],
            "SupportedResponseMIMETypes": ["application/json"],
        },
        Tags=ctx.tags,
    )

    scheduler = ctx.boto_session.client("scheduler")
    scheduler.create_schedule_group(Name=ours, Tags=ctx.tags)
    scheduler.create_schedule(  # the universal target, as notebook 05 schedules its weekly run
        Name=f"{ours}-weekly",
        GroupName=ours,
        ScheduleExpression="cron(0 6 ? * MON *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:scheduler:::aws-sdk:sagemaker:startPipelineExecution",
            "RoleArn": ctx.role,
            "Input": json.dumps({"PipelineName": ours, "PipelineParameters": []}),
        },
    )

    found = {(r.kind, r.name) for r in find_workshop_resources(ctx)}
    assert {
        ("schedule", f"{ours}-weekly"),
        ("schedule-group", ours),
        ("pipeline-execution", our_run.rsplit("/", 1)[-1]),
        ("pipeline", ours),
        ("model-package", f"{ours}/1"),
        ("model-package", f"{ours}/2"),
        ("model-package", unversioned),
        ("model-package-group", ours),
    } <= found
    assert not [f for f in found if theirs in f[1] or f[1] == their_run.rsplit("/", 1)[-1]]

    resources = [r for r in find_workshop_resources(ctx) if ours in r.name or r.arn == our_run]
    delete_workshop_resources(ctx, resources, confirm=True)
    assert not [r for r in find_workshop_resources(ctx) if r.kind.startswith(("pipeline", "model-package", "sched"))]
    assert ours not in [p["PipelineName"] for p in sm.list_pipelines()["PipelineSummaries"]]
    assert ours not in [
        g["ModelPackageGroupName"] for g in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]
    ]
    # what the workshop did not create is untouched: still running, still registered
    assert sm.describe_pipeline_execution(PipelineExecutionArn=their_run)["PipelineExecutionStatus"] == "Executing"
    assert len(sm.list_model_packages(ModelPackageGroupName=theirs)["ModelPackageSummaryList"]) == 1
    sm.stop_pipeline_execution(PipelineExecutionArn=their_run)
    while sm.describe_pipeline_execution(PipelineExecutionArn=their_run)["PipelineExecutionStatus"] != "Stopped":
        time.sleep(0.2)
    sm.delete_pipeline(PipelineName=theirs)
    for package in sm.list_model_packages(ModelPackageGroupName=theirs)["ModelPackageSummaryList"]:
        sm.delete_model_package(ModelPackageName=package["ModelPackageArn"])
    sm.delete_model_package_group(ModelPackageGroupName=theirs)


def test_cleanup_deletes_the_scheduler_role_the_workshop_created_and_no_other_role():
    """The role helpers.roles created (tagged, named with the prefix) goes, its inline and attached policies first;
    a role with the prefix but without the tag (an administrator's) and a tagged role without the prefix stay."""
    import helpers
    from helpers import roles
    from helpers.cleanup import delete_workshop_resources, find_workshop_resources

    ctx = helpers.setup(quiet=True)
    iam = ctx.boto_session.client("iam")
    suffix = uuid.uuid4().hex[:6]
    ours, admins, other = f"{ctx.prefix}-scheduler-{suffix}", f"{ctx.prefix}-admin-{suffix}", f"other-{suffix}"
    roles.scheduler_role(ctx, ours)
    policy = json.dumps(roles.document("scheduler-role-policy.json", ctx.account))
    managed = iam.create_policy(PolicyName=f"extra-{suffix}", PolicyDocument=policy)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ours, PolicyArn=managed)
    trust = json.dumps(roles.document("scheduler-role-trust.json", ctx.account))
    iam.create_role(RoleName=admins, AssumeRolePolicyDocument=trust)
    iam.create_role(RoleName=other, AssumeRolePolicyDocument=trust, Tags=ctx.tags)

    found = [r for r in find_workshop_resources(ctx) if r.kind == "iam-role"]
    assert [r.name for r in found] == [ours] and found[0].arn == roles.scheduler_role(ctx, ours)
    assert delete_workshop_resources(ctx, found, confirm=True) == 1
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName=ours)
    assert iam.get_policy(PolicyArn=managed)["Policy"]["AttachmentCount"] == 0  # detached, not deleted: not ours
    assert {iam.get_role(RoleName=n)["Role"]["RoleName"] for n in (admins, other)} == {admins, other}
    assert not [r for r in find_workshop_resources(ctx) if r.kind == "iam-role"]
    for name in (admins, other):
        iam.delete_role(RoleName=name)
    iam.delete_policy(PolicyArn=managed)
