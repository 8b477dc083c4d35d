"""fmeval's stock metric modules, imported offline (tests compare the offline metrics against them).

Importing them pulls in torch, transformers' pipelines and ``evaluate`` (5-10 s), and at import fmeval builds a
BERTScore helper that downloads from the Hugging Face Hub: :func:`import_stock_metrics` defers that download.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterator
from typing import Any


def _real_evaluate() -> types.ModuleType:
    """The real ``evaluate`` package (imported on first need: it pulls in transformers' pipelines, 5-10 s)."""
    module = sys.modules.get("evaluate")
    if isinstance(module, _EvaluatePlaceholder):
        del sys.modules["evaluate"]
    try:
        return importlib.import_module("evaluate")
    finally:
        if isinstance(module, _EvaluatePlaceholder) and "evaluate" not in sys.modules:
            sys.modules["evaluate"] = module


class _DeferredMetric:
    """Stands in for ``evaluate.load(...)`` and loads the real metric on first use."""

    def __init__(self, args: tuple, kwargs: dict) -> None:
        self._args, self._kwargs, self._metric = args, kwargs, None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._metric is None:
            self._metric = _real_evaluate().load(*self._args, **self._kwargs)
        return getattr(self._metric, name)


class _EvaluatePlaceholder(types.ModuleType):
    """What fmeval's metric modules see as ``evaluate`` while they import: ``load`` is deferred to first use,
    any other attribute comes from the real package."""

    def __init__(self) -> None:
        super().__init__("evaluate")

    def load(self, *args: Any, **kwargs: Any) -> _DeferredMetric:
        return _DeferredMetric(args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_evaluate(), name)


@contextlib.contextmanager
def _deferred_evaluate() -> Iterator[None]:
    """Import fmeval's metric modules without the network and without importing ``evaluate``.

    At import, fmeval builds a BERTScore helper as a default argument, which calls ``evaluate.load("bertscore")``:
    a Hugging Face Hub download. Deferring it lets the modules import offline (with a network the stock metric
    still loads when it is used), and skipping ``import evaluate`` saves 5-10 s in every Ray actor that
    unpickles one of these transforms.
    """
    placed = "evaluate" not in sys.modules
    if placed:
        sys.modules["evaluate"] = _EvaluatePlaceholder()
    else:
        real, module = sys.modules["evaluate"].load, sys.modules["evaluate"]
        module.load = lambda *args, **kwargs: _DeferredMetric(args, kwargs)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if placed:
            if isinstance(sys.modules.get("evaluate"), _EvaluatePlaceholder):
                del sys.modules["evaluate"]
        else:
            module.load = real  # type: ignore[attr-defined]


def import_stock_metrics() -> types.SimpleNamespace:
    """fmeval's stock metric modules (``summarization_accuracy_metrics``, ``qa_accuracy``), importable offline."""
    with _deferred_evaluate():
        import fmeval.eval_algorithms.qa_accuracy as qa_accuracy
        import fmeval.transforms.summarization_accuracy_metrics as summarization_metrics
    return types.SimpleNamespace(qa_accuracy=qa_accuracy, summarization_metrics=summarization_metrics)
