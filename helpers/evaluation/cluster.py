"""Ray, which fmeval runs on: started once per notebook, quiet, with the shared BERTScore actor."""

from __future__ import annotations

import logging
import os
from typing import Any

from .. import offline_metrics as om
from .data import EvaluationError

_QUIET_LOGGERS = ("ray", "ray.data", "ray.serve", "fmeval", "evaluate", "datasets", "sagemaker", "botocore", "urllib3")
_RAY: dict[str, Any] = {}


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
        from .. import context

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
