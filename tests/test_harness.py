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
        "helpers.harness",
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
    run_env = {**os.environ, "WORKSHOP_HARNESS_SERVER": "0", "PYTHONPATH": str(REPO), **(env or {})}
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
