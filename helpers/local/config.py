"""Where the local SageMaker keeps its files, and how to reach it."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PORT = 5055
ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


def home() -> Path:
    """Folder for the local server's pid file, log and model cache (``WORKSHOP_HOME``)."""
    base = os.environ.get("WORKSHOP_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "genai-builders"
    )
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def port() -> int:
    """Port of the local SageMaker (``WORKSHOP_LOCAL_PORT``, default 5055)."""
    return int(os.environ.get("WORKSHOP_LOCAL_PORT", DEFAULT_PORT))


def url(port_: int | None = None) -> str:
    """Base URL of the local SageMaker."""
    return f"http://127.0.0.1:{port_ or port()}"


def state_file(port_: int | None = None) -> Path:
    """JSON file describing the running server on that port (pid, instance id, start time)."""
    return home() / f"server-{port_ or port()}.json"


def log_file(port_: int | None = None) -> Path:
    """The server's log file."""
    return home() / f"server-{port_ or port()}.log"


def model_cache() -> Path:
    """Where converted model weights are cached (``WORKSHOP_MODEL_CACHE``)."""
    path = Path(os.environ.get("WORKSHOP_MODEL_CACHE") or home() / "models")
    path.mkdir(parents=True, exist_ok=True)
    return path
