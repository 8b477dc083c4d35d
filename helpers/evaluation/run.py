"""Running the evaluations: fmeval's stock algorithms (aws) or its machinery with offline metrics (local)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .algorithms import IN_FLIGHT, accuracy_algorithm
from .cluster import bertscore_actor
from .jobs import CandidateResult, Job
from .metrics import FAILURE_COLUMNS, metric_pipeline
from .results import collect
from .runner import make_runner


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
        return collect(base, job, outputs, time.perf_counter() - started)
    except Exception as exc:  # one candidate's failure must not stop the others
        base.error = f"{type(exc).__name__}: {str(exc)[:400]}"
        base.seconds = time.perf_counter() - started
        base.failures = {"skipped_records": len(job.eval_set.skipped)}
        return base


def _run_local(job: Job, runner: Any, config: Any, num_records: int, in_flight: int = IN_FLIGHT) -> list[Any]:
    """fmeval's machinery with the offline metrics (:class:`~.algorithms.OfflineAccuracy`)."""
    algorithm = accuracy_algorithm(job.use_case, "local", job.results_dir, in_flight)
    return algorithm.evaluate(runner, config, job.model_template, num_records, save=True)


def _run_aws(job: Job, runner: Any, config: Any, num_records: int) -> list[Any]:
    """Stock algorithms with the model, then the workshop's checks on their saved outputs (no second call).

    A failed request reaches the stock metrics as the failure message (they score it as if it were an answer);
    the workshop's checks mark it in ``invocation_error``, and :func:`~.results.collect` leaves it out of the scores."""
    from fmeval.constants import MIME_TYPE_JSONLINES
    from fmeval.data_loaders.data_config import DataConfig
    from fmeval.data_loaders.util import get_dataset
    from fmeval.eval_algorithms.common import evaluate_dataset
    from fmeval.transforms.transform_pipeline import TransformPipeline

    algorithm = accuracy_algorithm(job.use_case, "aws", job.results_dir)  # stock: SummarizationAccuracy, QAAccuracy
    outputs = algorithm.evaluate(runner, config, job.model_template, num_records, save=True)
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
