"""The notebook test harness, a pytest plugin (loaded by the repository's ``conftest.py``; not in the wheel).

* One local SageMaker for the whole test session, on a free port, started when a notebook or a test that
  asks for it (fixture ``local_sagemaker``) is collected; stopped at the end.
* Kernels inherit an environment that points at it and can never reach real AWS.
* ``import sagemaker`` installs rich's traceback handler into IPython, under which nbval reports a failing
  cell as passed. An IPython startup file, given to every kernel, undoes that.
* A per-cell timeout (``--nbval-cell-timeout`` in ``pyproject.toml``) turns a hang into a failure.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

STARTUP_FILE = """\
# Written by tests/harness.py for test runs: keep IPython's own error reporting, so that nbval sees errors.
def _workshop_harness_setup():
    ip = get_ipython()  # noqa: F821
    names = ("showtraceback", "_showtraceback", "showsyntaxerror")
    original = {name: ip.__dict__[name] for name in names if name in ip.__dict__}

    def restore(*_args):
        for name in names:
            if name in original:
                ip.__dict__[name] = original[name]
            else:
                ip.__dict__.pop(name, None)

    try:
        import rich.traceback as rich_traceback
    except ImportError:
        return
    rich_install = rich_traceback.install

    def install(*args, **kwargs):
        result = rich_install(*args, **kwargs)
        restore()
        return result

    rich_traceback.install = install
    ip.events.register("post_run_cell", restore)


_workshop_harness_setup()
del _workshop_harness_setup
"""

_STATE: dict[str, Any] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kernel_environment(home: Path) -> dict[str, str]:
    """Environment for the test process and every kernel: local mode, no real AWS, quiet plots."""
    ipython_dir = home / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    if os.environ.get("WORKSHOP_HARNESS_KEEP_RICH_TRACEBACK") != "1":  # only the canary test sets this
        (startup / "00-workshop-harness.py").write_text(STARTUP_FILE)
    port = int(os.environ.get("WORKSHOP_TEST_PORT") or _free_port())
    from helpers.local import config

    model_cache = os.environ.get("WORKSHOP_MODEL_CACHE") or str(config.model_cache())  # shared: convert once
    repo = str(Path(__file__).resolve().parents[1])
    return {
        "WORKSHOP_MODE": "local",
        "WORKSHOP_HOME": str(home),
        "WORKSHOP_STATE_FILE": str(home / "state.json"),
        "WORKSHOP_LOCAL_PORT": str(port),
        "WORKSHOP_MODEL_CACHE": model_cache,
        "IPYTHONDIR": str(ipython_dir),
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(p for p in [repo, os.environ.get("PYTHONPATH", "")] if p),
        # Never real AWS: placeholder credentials and every client pointed at the local server.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def ensure_server() -> dict[str, Any]:
    """Start the session's local SageMaker once; returns its status."""
    if "status" not in _STATE:
        from helpers.local import server

        port = int(os.environ["WORKSHOP_LOCAL_PORT"])
        _STATE["status"] = server.start_detached(port, wait=120, exit_with=os.getpid())
        _STATE["started"] = True
    return _STATE["status"]


def pytest_configure(config: pytest.Config) -> None:
    """Give the session (and so every kernel) its environment."""
    home = Path(tempfile.mkdtemp(prefix="workshop-test-"))
    _STATE["env_before"] = {k: os.environ.get(k) for k in kernel_environment(home)}
    os.environ.update(kernel_environment(home))
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(var, None)
    config.addinivalue_line("markers", "local_sagemaker: the test talks to the session's local SageMaker")


def is_notebook_cell(item: pytest.Item) -> bool:
    """True for a notebook cell collected by nbval (``IPyNbCell`` in nbval 0.11), or any item of an ``.ipynb``."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:  # nbval missing or renamed: the file suffix still tells
        IPyNbCell = ()  # noqa: N806
    return isinstance(item, IPyNbCell) or Path(str(getattr(item, "path", ""))).suffix == ".ipynb"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the local SageMaker before the first kernel when notebooks are among the tests.

    Started here, it stops with the session (``exit_with``); a kernel that found none would start one that
    outlives pytest.
    """
    if any(is_notebook_cell(item) for item in items) and os.environ.get("WORKSHOP_HARNESS_SERVER", "1") != "0":
        ensure_server()


@pytest.fixture(scope="session")
def local_sagemaker() -> dict[str, Any]:
    """The session's local SageMaker (started on first use)."""
    return ensure_server()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the server we started; on failure, show the end of its log."""
    if _STATE.pop("started", False):
        from helpers.local import config, server

        port = int(os.environ["WORKSHOP_LOCAL_PORT"])
        server.stop(port)
        _STATE.pop("status", None)
        log = config.log_file(port)
        if exitstatus not in (0, 5) and log.exists():
            tail = log.read_text(errors="replace").splitlines()[-40:]
            print("\n--- local SageMaker log (last 40 lines) ---\n" + "\n".join(tail))
