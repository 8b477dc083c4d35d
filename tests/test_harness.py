"""The notebook harness cannot lie: a failing cell after `import sagemaker` fails the run, a hang times out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *sources: str) -> Path:
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [], "source": src}
        for i, src in enumerate(sources)
    ]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))
    return path


def _run_nbval(notebook: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "harness",
        "--nbval-lax",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(notebook.parent),
        *extra,
        str(notebook),
    ]
    pythonpath = os.pathsep.join([str(REPO), str(REPO / "tests")])  # helpers, and the harness (tests/harness.py)
    run_env = {**os.environ, "WORKSHOP_HARNESS_SERVER": "0", "PYTHONPATH": pythonpath, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, cwd=notebook.parent, env=run_env, timeout=300)


def test_failing_cell_after_import_sagemaker_fails_the_run(tmp_path):
    canary = _notebook(tmp_path / "canary.ipynb", "import sagemaker", "raise RuntimeError('canary failure')")
    result = _run_nbval(canary)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "canary failure" in result.stdout
    assert "1 failed, 1 passed" in result.stdout


def test_without_the_harness_fix_the_failure_would_be_hidden(tmp_path):
    """Why the harness exists: with rich's traceback hook left in place, nbval passes the failing cell."""
    canary = _notebook(tmp_path / "canary.ipynb", "import sagemaker", "raise RuntimeError('canary failure')")
    result = _run_nbval(canary, env={"WORKSHOP_HARNESS_KEEP_RICH_TRACEBACK": "1"})
    assert result.returncode == 0, result.stdout[-2000:]


def test_a_passing_notebook_passes(tmp_path):
    notebook = _notebook(tmp_path / "fine.ipynb", "import sagemaker", "x = 1 + 1\nassert x == 2")
    result = _run_nbval(notebook)
    assert result.returncode == 0, result.stdout[-2000:]


def test_a_hanging_cell_fails(tmp_path):
    notebook = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(60)")
    result = _run_nbval(notebook, "--nbval-cell-timeout=3")
    assert result.returncode == 1
    assert "timeout" in result.stdout.lower() or "timed out" in result.stdout.lower()


def _serving_on(port: int) -> list[int]:
    """Process ids of ``helpers.local serve`` processes for ``port`` (zombies excluded)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if b"helpers.local" in args and b"serve" in args and str(port).encode() in args and state != "Z":
            pids.append(int(proc.name))
    return pids


def test_a_notebooks_only_session_leaves_no_server_behind(tmp_path):
    """Only notebooks collected: the harness starts the server (tied to pytest) before the first kernel, and
    nothing of that run is left serving when pytest has exited."""
    import signal
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    notebook = _notebook(
        tmp_path / "setup_only.ipynb", "import helpers\nctx = helpers.setup()\nassert ctx.mode == 'local'"
    )
    try:
        result = _run_nbval(notebook, env={"WORKSHOP_HARNESS_SERVER": "1", "WORKSHOP_TEST_PORT": str(port)})
        assert result.returncode == 0, result.stdout[-3000:]
        deadline = time.time() + 15  # a server tied to pytest notices its exit within a second or two
        while time.time() < deadline and _serving_on(port):
            time.sleep(0.2)
        assert not _serving_on(port), f"a local SageMaker on port {port} outlived its pytest session"
    finally:
        for pid in _serving_on(port):  # never leave one behind, even when the test fails
            os.kill(pid, signal.SIGTERM)
