"""fmeval's evaluation algorithm for each use case: the stock one (aws), or its offline variant (local).

Both are called as fmeval's README calls an algorithm: ``algorithm.evaluate(model=runner, dataset_config=config,
prompt_template=template, num_records=n, save=True)`` returns a list of ``EvalOutput``.
"""

from __future__ import annotations

import contextlib
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from .metrics import FAILURE_COLUMNS, metric_pipeline

IN_FLIGHT = 4  # local mode: records of one evaluation sent to its endpoint at once


def fmevals_own_stages(in_flight: int) -> AbstractContextManager[None]:
    """fmeval's own way of running a transform pipeline: one Ray stage per transform, one record at a time."""
    return contextlib.nullcontext()


class OfflineAccuracy:
    """``SummarizationAccuracy`` or ``QAAccuracy`` as local mode can run them: all of fmeval's machinery (its data
    loader, prompt composer, the model runner, aggregation and saving, through ``evaluate_dataset``), with the
    offline metric transforms of :mod:`helpers.offline_metrics` where the stock algorithm downloads a model. Its
    transforms run fmeval's own way, unless ``helpers.setup()`` in local mode set a fused stage in
    ``helpers.context.FMEVAL_STAGES`` (one Ray stage, ``in_flight`` records sent to the endpoint at once)."""

    def __init__(self, use_case: str, results_dir: Path, in_flight: int = IN_FLIGHT) -> None:
        """``results_dir``: where the per-record results are saved (the stock algorithms read EVAL_RESULTS_PATH)."""
        self.use_case, self.results_dir, self.in_flight = use_case, Path(results_dir), in_flight
        self.eval_name = f"{'summarization' if use_case == 'summary' else 'qa'}_accuracy_offline"

    def evaluate(
        self,
        model: Any,
        dataset_config: Any,
        prompt_template: str,
        num_records: int = 100,
        save: bool = False,
    ) -> list[Any]:
        """Compose each record's prompt, call ``model``, score the answers; fmeval's ``EvalOutput`` in a list."""
        from fmeval.data_loaders.util import get_dataset
        from fmeval.eval_algorithms.common import evaluate_dataset
        from fmeval.transforms.transform_pipeline import TransformPipeline

        from .. import context

        stages = context.FMEVAL_STAGES or fmevals_own_stages
        metrics = metric_pipeline(self.use_case, "local")
        self.results_dir.mkdir(parents=True, exist_ok=True)
        with stages(self.in_flight):
            output = evaluate_dataset(
                dataset=get_dataset(dataset_config, num_records),
                pipeline=TransformPipeline([metrics]),
                dataset_name=dataset_config.dataset_name,
                eval_name=self.eval_name,
                metric_names=metrics.metric_keys + FAILURE_COLUMNS,
                eval_results_path=str(self.results_dir),
                model=model,
                prompt_template=prompt_template,
                save=save,
            )
        return [output]


def accuracy_algorithm(use_case: str, mode: str, results_dir: Path, in_flight: int = IN_FLIGHT) -> Any:
    """The algorithm that scores a use case's answers against the references: fmeval's stock
    ``SummarizationAccuracy`` or ``QAAccuracy`` in aws mode (saving under ``results_dir``), else
    :class:`OfflineAccuracy`."""
    if use_case not in ("summary", "chatbot"):
        raise ValueError(f"use_case must be 'summary' or 'chatbot', got {use_case!r}.")
    if mode != "aws":
        return OfflineAccuracy(use_case, results_dir, in_flight)
    Path(results_dir).mkdir(parents=True, exist_ok=True)
    os.environ["EVAL_RESULTS_PATH"] = str(results_dir)  # where the stock algorithms save
    if use_case == "summary":
        from fmeval.eval_algorithms.summarization_accuracy import SummarizationAccuracy

        return SummarizationAccuracy()
    from fmeval.eval_algorithms.qa_accuracy import QAAccuracy

    return QAAccuracy()
