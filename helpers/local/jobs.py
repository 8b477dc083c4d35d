"""What the processing and training job runners share: clients of the local server, the job's process, timers."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


def clients(url: str, region: str, *services: str) -> tuple[Any, ...]:
    """boto3 clients of the local server (at ``url``) for ``services``, with the local credentials."""
    import boto3

    session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=region)
    return tuple(session.client(service, endpoint_url=url) for service in services)


def start(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start a job's command; its output and errors come together, as text lines, on ``stdout``."""
    return subprocess.Popen(  # noqa: S603 - the job's own script, with the local Python
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        bufsize=1,
    )


def follow(process: subprocess.Popen, *readers: Callable[[str], Any]) -> int:
    """Give each line of the process's output to ``readers`` until it ends; its exit status."""
    assert process.stdout is not None
    for line in process.stdout:
        for read in readers:
            read(line)
    return process.wait()


def timer(seconds: float, action: Callable[[], Any]) -> threading.Timer:
    """A started daemon timer: ``action`` runs after ``seconds`` unless the timer is cancelled first."""
    started = threading.Timer(seconds, action)
    started.daemon = True
    started.start()
    return started


def tidy_up(job_log: Any, root: Path, name: str, log: logging.Logger) -> None:
    """After a job ran: every line of its ``job_log`` (if it got one) is in CloudWatch Logs before the job reports
    its end; its folder ``root`` is gone."""
    if job_log:
        try:
            job_log.close()
        except Exception:
            log.warning("could not flush the logs of %s", name, exc_info=True)
    shutil.rmtree(root, ignore_errors=True)
