"""Several metric transforms in one Ray stage, scoring failed requests and failing metrics as 0."""

from __future__ import annotations

from typing import Any

from fmeval.transforms.transform import Transform
from fmeval.transforms.util import validate_call

from .labels import ERROR, ERROR_PREFIX, INVOCATION_ERROR, MODEL_OUTPUT, SCORING_ERROR, is_failed_output


class FusedMetrics(Transform):
    """Apply several metric transforms in one Ray stage, and keep going when a record cannot be scored.

    fmeval's ``TransformPipeline`` runs each transform as its own Ray actor stage, and each stage pays an actor
    start-up (a new process that imports its libraries). Fusing the metrics pays it once.

    A record whose model output is the failed-request marker scores 0 on every metric (the user got no answer, so
    a flaky endpoint cannot look better than it is), with ``invocation_error`` = 1 and the message in fmeval's
    ``error`` column. A metric that raises on a record scores 0 there and sets ``scoring_error`` = 1, instead of
    failing the whole evaluation. (fmeval's aggregation cannot take a category whose scores are all missing,
    so no score is left empty.)
    """

    def __init__(self, transforms: list[Transform], model_output_key: str = MODEL_OUTPUT) -> None:
        """``transforms``: metric transforms that each add their ``output_keys`` to a record."""
        if not transforms:
            raise ValueError("FusedMetrics needs at least one metric transform.")
        super().__init__(transforms, model_output_key)
        inputs: list[str] = [model_output_key]
        outputs: list[str] = []
        for transform in transforms:
            inputs += [k for k in transform.input_keys or [] if k not in inputs]
            outputs += list(transform.output_keys or [])
        if len(set(outputs)) != len(outputs):
            raise ValueError(f"Two metric transforms write the same output key: {outputs}")
        self.metric_keys = outputs
        self.register_input_output_keys(inputs, outputs + [INVOCATION_ERROR, SCORING_ERROR, ERROR])
        self.transforms, self.model_output_key = transforms, model_output_key

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record with every transform."""
        output = record.get(self.model_output_key)
        record[ERROR] = None
        record[SCORING_ERROR] = 0.0
        if is_failed_output(output):
            record[INVOCATION_ERROR] = 1.0
            record[ERROR] = str(output or "no output")[len(ERROR_PREFIX) if output else 0 :]
            record[self.model_output_key] = ""
            for key in self.metric_keys:
                record[key] = 0.0
            return record
        record[INVOCATION_ERROR] = 0.0
        for transform in self.transforms:
            try:
                record = transform(record)
            except Exception as exc:  # one bad record must not stop the evaluation
                for key in transform.output_keys or []:
                    record[key] = 0.0
                record[SCORING_ERROR] = 1.0
                record[ERROR] = f"{type(transform).__name__}: {type(exc).__name__}: {str(exc)[:200]}"
        return record
