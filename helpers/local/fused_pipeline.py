"""fmeval's transform pipeline run as one Ray stage, with several records in flight (local evaluations).

fmeval's ``TransformPipeline.execute`` runs every transform as its own Ray stage (``map`` with an actor pool), and
each stage starts a new actor process that imports its libraries first: on a 2-core machine that is several
seconds per stage, three stages per evaluation (prompt, model, metrics), and inside the model stage one actor sends
one request at a time. :class:`FusedTransformPipeline` keeps the very same transforms, in the same order, on the
same records (fmeval's ``GeneratePrompt``, ``GetModelOutputs`` with the model runner, then the metrics), but runs
them in **one** stage whose actor works on ``in_flight`` records at once (threads: the records wait on the
endpoint, which batches concurrent requests). Everything around it is fmeval's: loading, sampling, aggregation and
saving in ``evaluate_dataset``.

It is used only inside :func:`fused`, which ``helpers.setup()`` in local mode sets as the way
:class:`helpers.evaluation.OfflineAccuracy` runs its stages (``helpers.context.FMEVAL_STAGES``); elsewhere it
behaves exactly like fmeval's pipeline.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fmeval.transforms.batched_transform import BatchedTransform
from fmeval.transforms.transform_pipeline import TransformPipeline

_LOCAL = threading.local()  # per driver thread: evaluate_all runs several evaluations in threads


@contextlib.contextmanager
def fused(in_flight: int) -> Iterator[None]:
    """Within this block (this thread only), fmeval pipelines run as one stage with ``in_flight`` records at once.

    Patches the name ``TransformPipeline`` that ``fmeval.eval_algorithms.common`` (``evaluate_dataset``) builds its
    pipeline with; outside the block, or on another thread, the class runs fmeval's own ``execute``."""
    if in_flight < 1:
        raise ValueError(f"in_flight must be at least 1, not {in_flight}")
    import fmeval.eval_algorithms.common as common

    common.TransformPipeline = FusedTransformPipeline  # idempotent; a subclass, so fmeval's checks still hold
    previous = getattr(_LOCAL, "in_flight", 0)
    _LOCAL.in_flight = in_flight
    try:
        yield
    finally:
        _LOCAL.in_flight = previous


class FusedTransformPipeline(TransformPipeline):
    """A ``TransformPipeline`` that, inside :func:`fused`, applies all its transforms in one Ray stage."""

    def execute(self, dataset: Any) -> Any:
        """Apply the transforms in order to every record: one actor, ``in_flight`` records at a time."""
        in_flight = getattr(_LOCAL, "in_flight", 0)
        if not in_flight or any(isinstance(t, BatchedTransform) for t in self.transforms):
            return super().execute(dataset)
        specs = [(type(t), t.args, t.kwargs) for t in self.transforms]  # rebuilt in the actor, as fmeval does
        return (
            dataset.repartition(1)  # one block: the actor sees every record and aggregation has one block to read
            .map_batches(
                FusedStage,
                batch_size=None,
                batch_format="pandas",
                fn_constructor_args=(specs, in_flight),
                concurrency=1,
            )
            .materialize()
        )


class FusedStage:
    """The Ray actor of a fused stage: builds the transforms once, then maps each batch's records through them."""

    def __init__(self, specs: list[tuple[type, tuple, dict]], in_flight: int) -> None:
        self.transforms = [cls(*args, **kwargs) for cls, args, kwargs in specs]
        self.pool = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="fmeval-record")

    def _one(self, record: dict[str, Any]) -> dict[str, Any]:
        for transform in self.transforms:
            record = transform(record)
        return record

    def __call__(self, batch: Any) -> Any:
        """``batch``: a pandas DataFrame of records; returns them transformed, in the same order."""
        import pandas as pd

        records = batch.to_dict("records")
        return pd.DataFrame(list(self.pool.map(self._one, records)))
