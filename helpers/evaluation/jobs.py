"""One evaluation to run (a candidate on a use case) and what it measured."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .candidates import Candidate
from .data import EvalSet


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
        from ..payloads import adapter_for

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
