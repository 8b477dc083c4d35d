"""Evaluate candidate endpoints with fmeval (notebook 03): data configs, model runners, prompts, metrics, Ray.

One code path for both modes. What differs is chosen here, from ``ctx.mode``, never in a notebook:

* **aws** (SageMaker Studio, with a network): fmeval's stock algorithms run as they are —
  ``SummarizationAccuracy`` (METEOR, ROUGE, BERTScore with deberta-xlarge-mnli) and ``QAAccuracy`` plus
  ``Toxicity`` (detoxify) — then the workshop's checks (format, politeness, tone) score the saved outputs.
* **local**: the same fmeval machinery — its data loader reading the ``DataConfig`` from S3, its prompt composer,
  its ``SageMakerModelRunner`` against the local endpoints, its aggregation and saving, through
  ``fmeval.eval_algorithms.common.evaluate_dataset`` — with the offline metric transforms of
  :mod:`helpers.offline_metrics` where a stock algorithm would download something.

Ray's start-up per stage dominates small evaluations (each transform stage starts a new actor process), so:
Ray starts once (:func:`start_ray`), all metrics run in one fused stage, BERTScore's model loads once in a shared
actor, and the evaluations run side by side (:func:`evaluate_all`) so that their start-ups overlap the model
calls, which are the real work.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from . import offline_metrics as om
from .prompts import template_uses_passages as uses_passages
from .prompts import validate as check_template  # the one template check
from .s3 import split_uri

USE_CASES = ("summary", "chatbot")
PROMPT_KINDS = ("poc", "zero_shot", "few_shot", "retrieval")
_QUIET_LOGGERS = ("ray", "ray.data", "ray.serve", "fmeval", "evaluate", "datasets", "sagemaker", "botocore", "urllib3")
_RAY: dict[str, Any] = {}

# Score columns per use case and mode: what FusedMetrics (local) or the stock algorithms (aws) add.
LOCAL_METRICS = {
    "summary": ["rouge", "rougeL", "meteor_no_wordnet", "bertscore_minilm", "format_ok", "within_limit", "words"],
    "chatbot": [
        *om.QA_ACCURACY_SCORE_NAMES,
        "bertscore_minilm",
        "rougeL",
        "offensive_prob",
        "polite",
        "courteous",
        "tone_score",
        "words",
    ],
}
FAILURE_COLUMNS = [om.INVOCATION_ERROR, om.SCORING_ERROR]


IN_FLIGHT = 4  # local mode: records of one evaluation sent to its endpoint at once


class EvaluationError(RuntimeError):
    """An evaluation could not run; the message says why and what to do."""


# ------------------------------------------------------------------------------------------ Ray
def start_ray(num_cpus: int | None = None, object_store_mb: int = 300, require_setup: bool = True) -> dict[str, Any]:
    """Start Ray once for the notebook (fmeval reuses it), with limits for a small machine and quiet logs.

    ``num_cpus`` is Ray's *logical* CPU count, what it schedules with, not a limit on real cores. It defaults to
    four per core, at least 8: each fmeval stage is an actor that asks for one, and while several evaluations run
    at once most of their actors wait on an endpoint, not on the CPU. With fewer, one candidate's stage would
    queue behind another's model calls (and one deadlocks fmeval's own summarisation algorithm, whose BERTScore
    actor takes it). Call it after ``helpers.setup()``:
    Ray's workers inherit the environment that points boto3 at the workshop's SageMaker (``require_setup=False``
    skips that check, for work that needs no AWS call). Ray binds to the loopback: its services are not reachable
    from the network, and it does not probe the network (a UDP connect to 8.8.8.8) for the machine's address.
    """
    import ray
    import ray.data  # configures Ray Data's loggers at import: quiet them after

    _quiet()
    if not ray.is_initialized():
        from . import context

        if require_setup and context._CONTEXT is None:
            raise EvaluationError("Call helpers.setup() before start_ray(): Ray's workers inherit its settings.")
        cores = os.cpu_count() or 2
        ray.init(
            num_cpus=num_cpus or max(8, 4 * cores),
            include_dashboard=False,
            object_store_memory=object_store_mb * 1024 * 1024,
            log_to_driver=False,
            logging_level=logging.ERROR,
            configure_logging=True,
            _node_ip_address="127.0.0.1",  # one machine: never probe the network for this machine's address
        )
        _RAY["started_here"] = True
    _quiet()
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.enable_operator_progress_bars = False
    context.print_on_execution_start = False
    context.wait_for_min_actors_s = 300  # a stage whose actor cannot start fails instead of hanging
    resources = ray.cluster_resources()
    return {"num_cpus": int(resources.get("CPU", 0)), "object_store_mb": object_store_mb}


def _quiet() -> None:
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")


def bertscore_actor() -> Any:
    """The shared MiniLM BERTScore actor (started on first call; it loads its model in the background).

    Like fmeval's ``create_shared_resource`` (a Ray actor the metric transforms call), but the model is loaded
    only in the actor, never in the notebook's process. ``num_cpus=0``: it must never keep a stage from starting.
    """
    if "bertscore" not in _RAY:
        import ray

        _RAY["bertscore"] = ray.remote(num_cpus=0)(om.MiniLMBertScoreHelper).remote()
    return _RAY["bertscore"]


def stop_ray() -> None:
    """Stop the shared actors and Ray (what :func:`start_ray` started)."""
    import ray

    actor = _RAY.pop("bertscore", None)
    if actor is not None and ray.is_initialized():
        ray.kill(actor)
    if ray.is_initialized():
        ray.shutdown()
    _RAY.clear()


# ------------------------------------------------------------------------------------------ prompts
def few_shot_template(template: str, examples: Sequence[tuple[str, str]]) -> str:
    """Insert worked examples (input, reference output) into ``template`` just before the real input.

    The lead-in line before ``$model_input`` (e.g. ``Conversation:``) and the cue after it (e.g.
    ``Advisor brief:``) are repeated for each example, so the model sees the exact pattern to continue. Any ``$``
    in an example is escaped as ``$$`` (fmeval's composer reads ``$name`` as a placeholder).
    """
    check_template(template)
    if not examples:
        return template
    before, after = template.split("$model_input")
    cut = before.rfind("\n\n")
    instructions, lead = (before[:cut], before[cut + 2 :]) if cut != -1 else ("", before)
    cue = after.rstrip()

    def escape(text: str) -> str:
        return text.strip().replace("$", "$$")

    blocks = [f"{lead}{escape(text)}{cue} {escape(reference)}" for text, reference in examples]
    head = f"{instructions}\n\n" if instructions else ""
    return head + "\n\n".join(blocks) + "\n\n" + lead + "$model_input" + after


def few_shot_examples(n: int = 1) -> list[tuple[str, str]]:
    """The ``n`` shortest training conversations and their reference briefs (never an evaluation record)."""
    from . import datasets

    train = datasets.load("conversations_train").sort_values(["word_count", "id"]).head(n)
    return list(zip(train.transcript, train.reference_summary, strict=True))


def poc_templates(saved: dict[str, Any]) -> dict[str, str]:
    """The prompt templates notebook 00 saved (``prompt_templates``), checked; a clear error when missing."""
    if not isinstance(saved, dict) or not all(u in saved for u in USE_CASES):
        raise ValueError(
            "The workshop state has no prompt_templates for both use cases: run notebook 00 first "
            "(it saves the PoC's templates with the quality bar)."
        )
    return {u: check_template(saved[u], f"notebook 00's {u} template") for u in USE_CASES}


def candidate_prompt(use_case: str, kind: str, poc: dict[str, str], examples: int = 1) -> tuple[str, str]:
    """(prompt template, input column) for a prompt ``kind``:

    * ``poc``: notebook 00's template (chatbot: with retrieved passages when the template asks for them);
    * ``zero_shot``: the bare question or "Summarize this conversation" (``helpers.prompts``), no passages;
    * ``few_shot`` (summary): notebook 00's template plus ``examples`` worked examples from the training split;
    * ``retrieval`` (chatbot): notebook 00's template, or the retrieval-and-tone template, with passages.
    """
    from . import prompts

    if kind not in PROMPT_KINDS:
        raise ValueError(f"Unknown prompt kind {kind!r}; use one of {', '.join(PROMPT_KINDS)}.")
    if use_case == "summary":
        if kind == "retrieval":
            raise ValueError("'retrieval' is a chatbot prompt; for summaries use poc, zero_shot or few_shot.")
        if kind == "zero_shot":
            return check_template(prompts.template("summary", "zero_shot")), "transcript"
        if kind == "few_shot":
            return check_template(few_shot_template(poc["summary"], few_shot_examples(examples))), "transcript"
        return poc["summary"], "transcript"
    if kind == "few_shot":
        raise ValueError("'few_shot' is a summary prompt; for the chatbot use poc, zero_shot or retrieval.")
    if kind == "zero_shot":
        return check_template(prompts.template("chatbot", "zero_shot")), "question_only"
    template = poc["chatbot"]
    if kind == "retrieval" and not uses_passages(template):
        template = prompts.template("chatbot", "retrieval_tone")
    return template, ("question_with_passages" if uses_passages(template) else "question_only")


# ------------------------------------------------------------------------------------------ data
@dataclass
class EvalSet:
    """The records of one use case, as a JSON Lines file fmeval reads (locally and in S3)."""

    use_case: str
    rows: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    local_path: Path | None = None
    s3_uri: str | None = None

    @property
    def dataset_name(self) -> str:
        """fmeval's ``dataset_name``."""
        return f"naxt_{self.use_case}"

    def data_config(self, input_column: str) -> Any:
        """fmeval's ``DataConfig`` for this set, with ``input_column`` as the model input."""
        from fmeval.constants import MIME_TYPE_JSONLINES
        from fmeval.data_loaders.data_config import DataConfig

        if not self.rows or input_column not in self.rows[0]:
            raise ValueError(f"The {self.use_case} set has no column {input_column!r}.")
        return DataConfig(
            dataset_name=self.dataset_name,
            dataset_uri=self.s3_uri or str(self.local_path),
            dataset_mime_type=MIME_TYPE_JSONLINES,
            model_input_location=input_column,
            target_output_location="target_output",
            category_location="category",
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def build_eval_set(use_case: str, records: pd.DataFrame, k_passages: int = 3) -> EvalSet:
    """Rows for fmeval from dataset records: ``id``, the model input columns, ``target_output``, ``category``.

    A record without a reference (or without its input) cannot be scored: it is left out with a message and
    counted in ``skipped``; the other records are kept.
    """
    if use_case not in USE_CASES:
        raise ValueError(f"use_case must be one of {USE_CASES}, got {use_case!r}.")
    from . import prompts

    reference, source, category = (
        ("reference_summary", "transcript", "channel")
        if use_case == "summary"
        else ("reference_answer", "question", "category")
    )
    rows, skipped = [], []
    for record in records.to_dict("records"):
        missing = [c for c in (reference, source) if _blank(record.get(c))]
        if missing:
            skipped.append({"id": str(record.get("id")), "reason": f"missing {' and '.join(missing)}"})
            continue
        row = {"id": record["id"], "target_output": record[reference], "category": record.get(category) or "none"}
        if use_case == "summary":
            row["transcript"] = record["transcript"]
        else:
            from .retrieval import retrieve

            row["question_only"] = prompts.chatbot_input(record["question"])
            row["question_with_passages"] = prompts.chatbot_input(
                record["question"], retrieve(record["question"], k_passages)
            )
        rows.append(row)
    for item in skipped:
        print(f"Skipped {use_case} record {item['id']}: {item['reason']} (it cannot be scored; the rest can).")
    if not rows:
        raise EvaluationError(f"No {use_case} record has both an input and a reference: nothing to evaluate.")
    return EvalSet(use_case, rows, skipped)


def save_eval_set(eval_set: EvalSet, folder: Path, s3_client: Any = None, s3_uri: str | None = None) -> EvalSet:
    """Write the set as JSON Lines under ``folder`` and, with ``s3_uri``, upload it (fmeval then reads S3)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{eval_set.dataset_name}.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in eval_set.rows), encoding="utf-8")
    eval_set.local_path = path
    if s3_uri:
        bucket, key = split_uri(s3_uri)
        s3_client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        eval_set.s3_uri = s3_uri
    return eval_set


def load_eval_set(use_case: str, s3_uri: str, s3_client: Any, folder: Path) -> EvalSet:
    """The evaluation set a notebook saved to S3 (notebook 03's ``evaluation_data``), as it was: same records."""
    bucket, key = split_uri(s3_uri)
    text = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not rows:
        raise EvaluationError(f"{s3_uri} holds no records: run notebook 03 again to write the evaluation set.")
    eval_set = EvalSet(use_case, rows, [])
    folder.mkdir(parents=True, exist_ok=True)
    eval_set.local_path = folder / f"{eval_set.dataset_name}.jsonl"
    eval_set.local_path.write_text(text, encoding="utf-8")
    eval_set.s3_uri = s3_uri
    return eval_set


# ------------------------------------------------------------------------------------------ candidates
@dataclass
class Candidate:
    """A model, the instance it is hosted (and costed) on, and the prompt kind per use case."""

    name: str
    model_id: str
    instance_type: str | None = None
    prompts: dict[str, str] = field(default_factory=lambda: {"summary": "poc", "chatbot": "poc"})

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Candidate:
        """From a parameters-cell dict: name, model_id, optional instance_type and prompts."""
        unknown = set(spec) - {"name", "model_id", "instance_type", "prompts"}
        if unknown or "name" not in spec or "model_id" not in spec:
            raise ValueError(
                f"A candidate is a dict with name, model_id, and optionally instance_type and prompts; got {spec}."
            )
        prompts_ = {"summary": "poc", "chatbot": "poc", **(spec.get("prompts") or {})}
        for use_case, kind in prompts_.items():
            if use_case not in USE_CASES or kind not in PROMPT_KINDS:
                raise ValueError(
                    f"Candidate {spec['name']}: prompts must map summary/chatbot to one of {PROMPT_KINDS}."
                )
        return cls(spec["name"], spec["model_id"], spec.get("instance_type"), prompts_)


def resolve_candidates(specs: Sequence[dict[str, Any]], session: Any) -> list[Candidate]:
    """Check every candidate against the JumpStart catalogue; fill in the catalogue's default instance type."""
    from .endpoints import check_instance_type
    from .jumpstart import check_model_id, describe_models

    candidates = [Candidate.from_dict(s) for s in specs]
    names = [c.name for c in candidates]
    if len(set(names)) != len(names):
        raise ValueError(f"Candidate names must be unique: {names}")
    for candidate in candidates:
        try:
            check_model_id(candidate.model_id, session)
        except ValueError as exc:
            raise ValueError(
                f"{exc} (The workshop-llm-* ids exist only in local mode; in aws mode list real JumpStart ids, "
                "e.g. meta-textgeneration-llama-3-2-1b-instruct, in CANDIDATES.)"
            ) from None
    facts = describe_models(sorted({c.model_id for c in candidates}), session).set_index("model_id")
    for candidate in candidates:
        candidate.instance_type = candidate.instance_type or facts.loc[candidate.model_id, "default_instance_type"]
        check_instance_type(candidate.model_id, candidate.instance_type, session)
    return candidates


# ------------------------------------------------------------------------------------------ model runner
def runtime_client_config(read_timeout_s: int = 300) -> Any:
    """botocore config for calls that generate text: a long read timeout and few retries (a retried request is
    generated again, which on a busy CPU only adds to the queue)."""
    from botocore.config import Config

    return Config(read_timeout=read_timeout_s, connect_timeout=10, retries={"mode": "adaptive", "max_attempts": 3})


@functools.lru_cache(maxsize=1)
def _runner_class() -> type:
    from fmeval.model_runners.sm_model_runner import SageMakerModelRunner

    class EndpointRunner(SageMakerModelRunner):
        """fmeval's SageMakerModelRunner that records each request's latency and turns a failed request into a
        marked output (scored as a failure) instead of stopping the whole evaluation.

        With ``lock_file``, requests of every runner that shares the file go one at a time (a file lock, across
        Ray's processes): in local mode, endpoints of the same model share one CPU engine, and the latency of one
        candidate must not include another candidate's generation. A lower ``lock_priority`` gets the lock first,
        so that evaluations finish one after another and each one's scoring overlaps the next one's requests.
        """

        def __init__(
            self,
            endpoint_name: str,
            content_template: str,
            output: str,
            timings_dir: str = "",
            lock_file: str = "",
            lock_priority: int = 0,
        ) -> None:
            super().__init__(endpoint_name=endpoint_name, content_template=content_template, output=output)
            self._timings_dir, self._lock_file, self._lock_priority = timings_dir, lock_file, lock_priority
            # fmeval's client gives up after 60 s and retries up to 10 times: on a busy CPU a long generation then
            # runs again and again. Wait longer, retry less.
            session = self._predictor.sagemaker_session
            session.sagemaker_runtime_client = session.boto_session.client(
                "sagemaker-runtime",
                endpoint_url=os.environ.get("SAGEMAKER_RUNTIME_ENDPOINT_URL"),
                config=runtime_client_config(),
            )

        def predict(self, prompt: str) -> tuple[str | None, float | None]:
            with _file_lock(self._lock_file, self._lock_priority):
                start = time.perf_counter()
                error = None
                try:
                    output, log_probability = super().predict(prompt)
                    if output is None:
                        raise ValueError(f"no text at '{self._output}' in the response")
                except Exception as exc:
                    error = f"{type(exc).__name__}: {str(exc)[:300]}"
                    output, log_probability = om.ERROR_PREFIX + error, None
                latency = time.perf_counter() - start
            if self._timings_dir:
                line = {"latency_s": round(latency, 4), "error": error, "chars": len(output or ""), "t": time.time()}
                with open(Path(self._timings_dir) / f"{os.getpid()}.jsonl", "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(line) + "\n")
            return output, log_probability

        def __reduce__(self) -> tuple:
            args = (self._endpoint_name, self._content_template, self._output, self._timings_dir)
            return _rebuild_runner, (*args, self._lock_file, self._lock_priority)

    return EndpointRunner


@contextlib.contextmanager
def _file_lock(path: str, priority: int = 0) -> Iterator[None]:
    """An exclusive lock on ``path`` (shared by processes on this machine); no lock for an empty path.

    Priority 0 waits in the kernel and is woken as soon as the lock is free; priority ``k`` > 0 polls every
    ``0.05 k`` s, so a lower number gets the lock first when several wait.
    """
    if not path:
        yield
        return
    import fcntl

    with open(path, "a") as handle:
        if priority <= 0:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.05 * priority)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _rebuild_runner(*args: str) -> Any:
    """Unpickle an endpoint runner (in a Ray worker)."""
    return _runner_class()(*args)


def make_runner(
    endpoint_name: str,
    model_id: str,
    max_new_tokens: int,
    timings_dir: Path | None = None,
    lock_file: Path | None = None,
    lock_priority: int = 0,
) -> Any:
    """An fmeval SageMakerModelRunner for the endpoint, with the ``content_template`` and ``output`` path of the
    model family's payload adapter (notebook 01)."""
    from .payloads import adapter_for

    adapter = adapter_for(model_id)
    if adapter.content_type != "application/json":
        raise ValueError(f"fmeval's SageMakerModelRunner sends JSON; {model_id} takes {adapter.content_type}.")
    for folder in (timings_dir, lock_file.parent if lock_file else None):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    return _runner_class()(
        endpoint_name,
        adapter.content_template(max_new_tokens),
        adapter.output_path,
        str(timings_dir or ""),
        str(lock_file or ""),
        lock_priority,
    )


# ------------------------------------------------------------------------------------------ metrics
def metric_pipeline(use_case: str, mode: str) -> om.FusedMetrics:
    """The metric transforms that score a use case, fused into one Ray stage.

    local: the offline transforms of :mod:`helpers.offline_metrics`; aws: only the workshop's own checks (and
    ROUGE-L, the bar's metric), which run after fmeval's stock algorithms.
    """
    checks = om.ResponseChecks(use_case)
    rouge_l = om.OfflineRouge("rougeL", "rougeL")
    if mode == "aws":
        extra = [om.OffensiveLanguage()] if use_case == "chatbot" else []
        return om.FusedMetrics([rouge_l, *extra, checks])
    if use_case == "summary":
        return om.FusedMetrics(
            [
                om.OfflineRouge("rouge", "rouge2"),
                rouge_l,
                om.MeteorNoWordNet(),
                om.MiniLMBertScore(bertscore_actor()),
                checks,
            ]
        )
    return om.FusedMetrics(
        [om.QAAccuracyOffline(), om.MiniLMBertScore(bertscore_actor()), rouge_l, om.OffensiveLanguage(), checks]
    )


def metric_variants(mode: str) -> dict[str, str]:
    """Every score name of this mode with its variant label."""
    names = set(LOCAL_METRICS["summary"] + LOCAL_METRICS["chatbot"] + FAILURE_COLUMNS)
    if mode == "aws":
        names = (names - {"meteor_no_wordnet", "bertscore_minilm"}) | {"meteor", "bertscore", "toxicity"}
    return {name: om.label(name) for name in sorted(names)}


# ------------------------------------------------------------------------------------------ one evaluation
@dataclass
class Job:
    """One candidate on one use case: everything :func:`evaluate_candidate` needs."""

    use_case: str
    candidate: Candidate
    endpoint_name: str
    eval_set: EvalSet
    template: str
    input_column: str
    max_new_tokens: int
    results_dir: Path
    answered_by: str = ""
    lock_file: Path | None = None  # requests of jobs sharing it go one at a time (see make_runner)
    lock_priority: int = 0  # lower goes first

    @property
    def key(self) -> str:
        """``use_case/candidate``."""
        return f"{self.use_case}/{self.candidate.name}"

    @property
    def model_template(self) -> str:
        """fmeval's ``prompt_template``: the template as the model reads it, in its chat template where the
        container does not apply one itself (:meth:`helpers.payloads.PayloadAdapter.prompt_template`)."""
        from .payloads import adapter_for

        return adapter_for(self.candidate.model_id).prompt_template(self.template)


@dataclass
class CandidateResult:
    """What fmeval measured for one candidate on one use case."""

    use_case: str
    candidate: str
    model_id: str
    endpoint_name: str
    instance_type: str
    prompt_kind: str
    prompt_template: str
    answered_by: str
    status: str  # "evaluated" or "failed"
    error: str | None = None
    dataset_scores: dict[str, float | None] = field(default_factory=dict)
    category_scores: dict[str, dict[str, float | None]] = field(default_factory=dict)
    records: pd.DataFrame | None = None
    output_path: str | None = None
    failures: dict[str, int] = field(default_factory=dict)
    latency_p50_s: float | None = None
    seconds: float = 0.0
    results_s3_uri: str | None = None

    def summary(self) -> dict[str, Any]:
        """A JSON-ready form without the per-record table."""
        out = {k: v for k, v in self.__dict__.items() if k != "records"}
        return json.loads(json.dumps(out, default=str))


def evaluate_candidate(job: Job, mode: str, num_records: int, in_flight: int = IN_FLIGHT) -> CandidateResult:
    """Run fmeval for one job; never raises: a failure is returned as a result with ``status="failed"``.

    ``in_flight`` (local mode): records of this evaluation sent to the endpoint at once (see
    :mod:`helpers.local.fused_pipeline`)."""
    started = time.perf_counter()
    base = CandidateResult(
        job.use_case,
        job.candidate.name,
        job.candidate.model_id,
        job.endpoint_name,
        job.candidate.instance_type or "",
        job.candidate.prompts[job.use_case],
        job.template,
        job.answered_by or job.candidate.model_id,
        "failed",
    )
    try:
        shutil.rmtree(job.results_dir, ignore_errors=True)
        job.results_dir.mkdir(parents=True, exist_ok=True)
        runner = make_runner(
            job.endpoint_name,
            job.candidate.model_id,
            job.max_new_tokens,
            job.results_dir / "timings",
            job.lock_file,
            job.lock_priority,
        )
        config = job.eval_set.data_config(job.input_column)
        if mode == "aws":
            outputs = _run_aws(job, runner, config, num_records)
        else:
            outputs = _run_local(job, runner, config, num_records, in_flight)
        return _collect(base, job, outputs, time.perf_counter() - started)
    except Exception as exc:  # one candidate's failure must not stop the others
        base.error = f"{type(exc).__name__}: {str(exc)[:400]}"
        base.seconds = time.perf_counter() - started
        base.failures = {"skipped_records": len(job.eval_set.skipped)}
        return base


def _run_local(job: Job, runner: Any, config: Any, num_records: int, in_flight: int = IN_FLIGHT) -> list[Any]:
    """fmeval's ``evaluate_dataset`` with the offline metrics; its transforms run fused in one Ray stage."""
    from fmeval.data_loaders.util import get_dataset
    from fmeval.eval_algorithms.common import evaluate_dataset
    from fmeval.transforms.transform_pipeline import TransformPipeline

    from .local.fused_pipeline import fused

    metrics = metric_pipeline(job.use_case, "local")
    with fused(in_flight):
        output = evaluate_dataset(
            dataset=get_dataset(config, num_records),
            pipeline=TransformPipeline([metrics]),
            dataset_name=config.dataset_name,
            eval_name=f"{'summarization' if job.use_case == 'summary' else 'qa'}_accuracy_offline",
            metric_names=metrics.metric_keys + FAILURE_COLUMNS,
            eval_results_path=str(job.results_dir),
            model=runner,
            prompt_template=job.model_template,
            save=True,
        )
    return [output]


def _run_aws(job: Job, runner: Any, config: Any, num_records: int) -> list[Any]:
    """Stock algorithms with the model, then the workshop's checks on their saved outputs (no second call).

    A failed request reaches the stock metrics as the failure message (they score it as if it were an answer);
    the workshop's checks mark it in ``invocation_error``, and :func:`_collect` leaves it out of the scores."""
    from fmeval.constants import MIME_TYPE_JSONLINES
    from fmeval.data_loaders.data_config import DataConfig
    from fmeval.data_loaders.util import get_dataset
    from fmeval.eval_algorithms.common import evaluate_dataset
    from fmeval.transforms.transform_pipeline import TransformPipeline

    os.environ["EVAL_RESULTS_PATH"] = str(job.results_dir)
    if job.use_case == "summary":
        from fmeval.eval_algorithms.summarization_accuracy import SummarizationAccuracy

        outputs = SummarizationAccuracy().evaluate(runner, config, job.model_template, num_records, save=True)
    else:
        from fmeval.eval_algorithms.qa_accuracy import QAAccuracy

        outputs = QAAccuracy().evaluate(runner, config, job.model_template, num_records, save=True)
    saved = DataConfig(
        dataset_name=config.dataset_name + "_outputs",
        dataset_uri=outputs[0].output_path,
        dataset_mime_type=MIME_TYPE_JSONLINES,
        model_input_location="model_input",
        model_output_location="model_output",
        target_output_location="target_output",
        category_location="category",
    )
    if job.use_case == "chatbot":
        from fmeval.eval_algorithms.toxicity import Toxicity

        outputs += Toxicity().evaluate(None, saved, num_records=num_records, save=True)
    metrics = metric_pipeline(job.use_case, "aws")
    outputs.append(
        evaluate_dataset(
            dataset=get_dataset(saved, num_records),
            pipeline=TransformPipeline([metrics]),
            dataset_name=saved.dataset_name,
            eval_name="workshop_checks",
            metric_names=metrics.metric_keys + FAILURE_COLUMNS,
            eval_results_path=str(job.results_dir),
            save=True,
        )
    )
    return outputs


def read_records(path: str | Path) -> pd.DataFrame:
    """fmeval's saved per-record output (JSON Lines) as a DataFrame, one column per score."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            scores = {s["name"]: s.get("value") for s in record.pop("scores", [])}
            rows.append({**record, **scores})
    return pd.DataFrame(rows)


def answered_means(records: pd.DataFrame, names: Sequence[str]) -> dict[str, float | None]:
    """Each score's mean over the records that were answered (``invocation_error`` 0); None when none was.

    A failed request has no answer to score: fmeval's stock metrics score its failure message as if it were one,
    and :class:`~helpers.offline_metrics.FusedMetrics` gives it 0, the best value of a lower-is-better score
    (toxicity, length). Left out, it is counted instead (``failures``, "failed requests"). ``invocation_error``
    itself stays the share of all records that failed.
    """
    failed = records.get(om.INVOCATION_ERROR, pd.Series(0.0, index=records.index)).fillna(0) != 0
    answered = records[~failed]
    means: dict[str, float | None] = {}
    for name in names:
        if name == om.INVOCATION_ERROR:
            means[name] = float(failed.mean()) if len(records) else None
            continue
        values = pd.to_numeric(answered[name], errors="coerce") if name in answered else pd.Series(dtype=float)
        mean = values.mean()
        means[name] = None if pd.isna(mean) else float(mean)
    return means


def _collect(base: CandidateResult, job: Job, outputs: list[Any], seconds: float) -> CandidateResult:
    names: list[str] = []
    frames = []
    for output in outputs:
        names += [s.name for s in output.dataset_scores or [] if s.name not in names]
        frames.append(read_records(output.output_path))
    records = frames[0]
    for extra in frames[1:]:  # aws: scores of later passes, joined on the record's input
        extra_scores = extra.drop(columns=[c for c in extra.columns if c in records.columns and c != "model_input"])
        records = records.merge(extra_scores, on="model_input", how="left")
    ids = {row[job.input_column]: row["id"] for row in job.eval_set.rows}  # the input is unique per record
    records.insert(0, "id", records["model_input"].map(ids))
    records = records.sort_values("id", kind="stable").reset_index(drop=True)
    base.status, base.error = "evaluated", None
    base.dataset_scores = answered_means(records, names)
    categories = records["category"].astype(str) if "category" in records else pd.Series(dtype=str)
    base.category_scores = {
        name: answered_means(records[categories == name], names) for name in sorted(categories.unique())
    }
    base.records = records
    base.output_path = outputs[0].output_path
    base.failures = {
        "records": int(len(records)),
        "invocation_errors": int(records.get(om.INVOCATION_ERROR, pd.Series(dtype=float)).fillna(0).sum()),
        "scoring_errors": int(records.get(om.SCORING_ERROR, pd.Series(dtype=float)).fillna(0).sum()),
        "skipped_records": len(job.eval_set.skipped),
    }
    base.latency_p50_s = _latency_p50(job.results_dir / "timings")
    base.seconds = round(seconds, 1)
    return base


def _latency_p50(folder: Path) -> float | None:
    """Median latency of the answered requests that the runner recorded (under the evaluation's own load)."""
    latencies = []
    for file in sorted(folder.glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if not item.get("error"):
                latencies.append(float(item["latency_s"]))
    return round(statistics.median(latencies), 3) if latencies else None


def evaluate_all(
    jobs: Sequence[Job],
    mode: str,
    num_records: int,
    max_parallel: int = 3,
    progress: Callable[[CandidateResult], None] | None = None,
    take_turns: bool = False,
    in_flight: int = IN_FLIGHT,
) -> list[CandidateResult]:
    """Evaluate every job, ``max_parallel`` at a time (each is its own fmeval run); results in ``jobs`` order.

    Running several at once lets one evaluation's Ray work go on while another waits on its endpoint, and the
    local engine batches the requests that arrive together (one forward pass per token for all of them), as a
    real endpoint's TGI or vLLM container does. In local mode each evaluation also keeps ``in_flight`` records
    in flight (fmeval's transforms fused in one Ray stage: :mod:`helpers.local.fused_pipeline`). With ``take_turns``
    (local mode), requests to endpoints of the same model take turns instead (a file lock per model id), so that
    each candidate's latency is measured alone.
    """
    keys = [job.key for job in jobs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Two jobs share a use case and candidate name: {keys}")
    if mode == "aws":
        max_parallel = 1  # fmeval's stock algorithms read EVAL_RESULTS_PATH from the process environment
    else:
        bertscore_actor()  # start the shared actor once, before the threads
        queued: dict[str, int] = {}
        for job in jobs:  # local endpoints of one model share one CPU engine: one request at a time per model
            if take_turns and job.lock_file is None:
                job.lock_file = job.results_dir.parents[1] / ".locks" / f"{job.candidate.model_id}.lock"
                job.lock_priority = queued.get(job.candidate.model_id, 0)  # in job order: finish one by one
                queued[job.candidate.model_id] = job.lock_priority + 1
    with ThreadPoolExecutor(max_workers=max(1, max_parallel)) as pool:
        futures = [pool.submit(evaluate_candidate, job, mode, num_records, in_flight) for job in jobs]
        results = []
        for future in futures:
            result = future.result()
            if progress:
                progress(result)
            results.append(result)
    return results


def upload_results(results: Sequence[CandidateResult], s3_client: Any, s3_prefix: str) -> dict[str, str]:
    """Upload each evaluated candidate's per-record results to ``s3_prefix/<use case>/<candidate>/``; records the
    URI on the result and returns {``use_case/candidate``: URI}."""
    bucket, prefix = split_uri(s3_prefix)
    uris = {}
    for result in results:
        if result.output_path is None:
            continue
        key = "/".join(p.strip("/") for p in (prefix, result.use_case, result.candidate, Path(result.output_path).name))
        s3_client.put_object(Bucket=bucket, Key=key, Body=Path(result.output_path).read_bytes())
        result.results_s3_uri = uris[f"{result.use_case}/{result.candidate}"] = f"s3://{bucket}/{key}"
    return uris


def results_table(results: Sequence[CandidateResult], metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per candidate and use case: status, answered by, failures, latency and the dataset scores."""
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "use_case": r.use_case,
            "candidate": r.candidate,
            "status": r.status,
            "answered_by": r.answered_by,
            "prompt": r.prompt_kind,
            "failed_requests": r.failures.get("invocation_errors"),
            "latency_p50_s": r.latency_p50_s,
            "eval_s": r.seconds,
        }
        for name in metrics or sorted(r.dataset_scores):
            value = r.dataset_scores.get(name)
            row[om.label(name)] = None if value is None else round(float(value), 3)
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ throughput, bar
def probe_requests(jobs: Sequence[Job], candidate: str, n: int) -> list[tuple[str, int]]:
    """``n`` (prompt, max_new_tokens) pairs for a throughput test of one candidate: its own prompts on the first
    records of each use case, alternating use cases."""
    own = [job for job in jobs if job.candidate.name == candidate]
    if not own:
        raise ValueError(f"No job for candidate {candidate!r}.")
    requests: list[tuple[str, int]] = []
    for i in range(n):
        job = own[i % len(own)]
        row = job.eval_set.rows[(i // len(own)) % len(job.eval_set.rows)]
        requests.append((Template(job.template).substitute(model_input=row[job.input_column]), job.max_new_tokens))
    return requests


def measure_endpoint(
    runtime: Any, endpoint_name: str, model_id: str, requests: Sequence[tuple[str, int]], concurrency: int
) -> Any:
    """Load-test an endpoint with ``requests`` (prompt, max_new_tokens), ``concurrency`` at a time
    (:func:`helpers.cost.measure_throughput`)."""
    from .cost import measure_throughput
    from .payloads import adapter_for, invoke

    adapter = adapter_for(model_id)
    tokens = dict(requests)
    return measure_throughput(
        lambda prompt: invoke(runtime, endpoint_name, adapter, prompt, max_new_tokens=tokens[prompt])[0],
        [prompt for prompt, _ in requests],
        concurrency=concurrency,
    )


def check_rates(result: CandidateResult) -> dict[str, float | None]:
    """Naxt's checks (:mod:`helpers.checks`) on a candidate's answers, as rates over the records it answered (a
    failed request is not an answer: it is counted in ``failures``, not scored). Computed from fmeval's saved
    records, the same way in both modes."""
    from . import checks

    records = result.records
    if records is None or records.empty:
        return {}
    if om.INVOCATION_ERROR in records:
        records = records[records[om.INVOCATION_ERROR].fillna(0) == 0]
    if records.empty:
        return {}
    categories = records["category"] if "category" in records else ["none"] * len(records)
    table = checks.score_checks(
        result.use_case, list(records["model_output"]), list(records["model_input"]), result.prompt_template,
        list(categories),
    )  # fmt: skip
    rates = {}
    for column in table.columns:
        mean = table[column].mean()  # missing values (grounded on uncovered questions) are left out
        rates["politeness_rate" if column == "polite" else f"{column}_rate"] = None if pd.isna(mean) else float(mean)
    return rates


def bar_measurements(result: CandidateResult) -> dict[str, float | None]:
    """A candidate's numbers named as the quality bar names them (:func:`helpers.selection.measured_for_bar`):
    its mean scores, the rates of Naxt's checks (:func:`check_rates`), ``latency_s`` (median per request) and
    ``words`` (its longest answer); all over the records it answered."""
    from .selection import measured_for_bar

    longest = None
    records = result.records
    if records is not None and om.INVOCATION_ERROR in records:
        records = records[records[om.INVOCATION_ERROR].fillna(0) == 0]  # a failure message is not an answer
    if records is not None and not records.empty:
        longest = float(records["model_output"].fillna("").astype(str).str.split().str.len().max())
    return measured_for_bar(result.dataset_scores, latency_s=result.latency_p50_s, words=longest, **check_rates(result))


def comparability_note(mode: str) -> str:
    """Why this run's numbers cannot be compared with a run in the other mode."""
    if mode == "aws":
        return (
            "Scores come from the real models and fmeval's stock metrics (BERTScore with deberta-xlarge-mnli, METEOR "
            "with WordNet, detoxify). Local-mode runs use stand-in models and offline metric variants: do not compare "
            "numbers across modes."
        )
    return (
        "Local mode: answers come from local stand-ins (named in 'answered by'), never from the models they stand "
        "in for, and three metrics are offline variants (BERTScore with MiniLM instead of deberta-xlarge-mnli, "
        "METEOR without WordNet synonyms, alt-profanity-check instead of detoxify). ROUGE and the QA word scores "
        "use the stock formulas, but on a stand-in's outputs. None of these numbers is comparable with an aws-mode "
        "run; throughput is this machine's CPU, costed on the AWS instance each candidate would need."
    )
