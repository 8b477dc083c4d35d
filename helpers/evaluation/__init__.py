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

The package, in the order of notebook 03: :mod:`.data` (evaluation sets), :mod:`.templates` (prompts),
:mod:`.candidates`, :mod:`.cluster` (Ray), :mod:`.runner` (the model runner), :mod:`.metrics`, :mod:`.algorithms`
(fmeval's algorithm per use case and mode), :mod:`.jobs` and :mod:`.run` (the evaluations), :mod:`.results` (scores,
tables, Naxt's checks), :mod:`.throughput`.
"""

from .. import offline_metrics as om
from .algorithms import IN_FLIGHT, OfflineAccuracy, accuracy_algorithm
from .candidates import Candidate, resolve_candidates
from .cluster import bertscore_actor, start_ray, stop_ray
from .data import USE_CASES, EvalSet, EvaluationError, build_eval_set, load_eval_set, save_eval_set
from .jobs import CandidateResult, Job
from .metrics import FAILURE_COLUMNS, LOCAL_METRICS, comparability_note, metric_pipeline, metric_variants
from .results import answered_means, bar_measurements, check_rates, read_records, results_table, upload_results
from .run import evaluate_all, evaluate_candidate
from .runner import make_runner, runtime_client_config
from .templates import (
    PROMPT_KINDS,
    candidate_prompt,
    check_template,
    few_shot_examples,
    few_shot_template,
    poc_templates,
    uses_passages,
)
from .throughput import measure_endpoint, probe_requests

__all__ = [
    "FAILURE_COLUMNS",
    "IN_FLIGHT",
    "LOCAL_METRICS",
    "OfflineAccuracy",
    "PROMPT_KINDS",
    "USE_CASES",
    "Candidate",
    "CandidateResult",
    "EvalSet",
    "EvaluationError",
    "Job",
    "accuracy_algorithm",
    "answered_means",
    "bar_measurements",
    "bertscore_actor",
    "build_eval_set",
    "candidate_prompt",
    "check_rates",
    "check_template",
    "comparability_note",
    "evaluate_all",
    "evaluate_candidate",
    "few_shot_examples",
    "few_shot_template",
    "load_eval_set",
    "make_runner",
    "measure_endpoint",
    "metric_pipeline",
    "metric_variants",
    "om",
    "poc_templates",
    "probe_requests",
    "read_records",
    "resolve_candidates",
    "results_table",
    "runtime_client_config",
    "save_eval_set",
    "start_ray",
    "stop_ray",
    "upload_results",
    "uses_passages",
]
