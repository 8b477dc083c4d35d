"""The model runner: fmeval's ``SageMakerModelRunner`` with the payload adapter's ``content_template``."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import offline_metrics as om


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
    from ..payloads import adapter_for

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
