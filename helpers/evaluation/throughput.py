"""A short load test of an endpoint with a candidate's own prompts (for the cost per request)."""

from __future__ import annotations

from collections.abc import Sequence
from string import Template
from typing import Any

from .jobs import Job


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
    from ..cost import measure_throughput
    from ..payloads import adapter_for, invoke

    adapter = adapter_for(model_id)
    tokens = dict(requests)
    return measure_throughput(
        lambda prompt: invoke(runtime, endpoint_name, adapter, prompt, max_new_tokens=tokens[prompt])[0],
        [prompt for prompt, _ in requests],
        concurrency=concurrency,
    )
