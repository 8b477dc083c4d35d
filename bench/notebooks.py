"""Wall time of the whole notebook suite in local mode, and of notebook 03 (target <= 5 minutes).

Runs every notebook under pytest/nbval in one session, in order (03 needs the state 00 saves and the local
SageMaker the harness starts), reads each cell's duration from a JUnit XML report and writes
``bench/results/notebooks.json``. The machine's load average is recorded before and after: on a shared machine
the timing says as much about the neighbours as about the notebooks.

Usage: ``.venv/bin/python bench/notebooks.py`` (part of ``make bench``).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(str(p.relative_to(REPO)) for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TARGET_S = 300.0


def cell_durations(junit_xml: Path) -> dict[str, list[tuple[str, float]]]:
    """{notebook path: [(cell name, seconds), ...]} from pytest's JUnit XML report."""
    durations: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        name = case.get("name", "")
        notebook = next(
            (n for n in NOTEBOOKS if Path(n).name in (case.get("file") or case.get("classname") or name)), None
        )
        notebook = notebook or (case.get("classname") or "").replace(".", "/")
        durations[notebook].append((name, float(case.get("time", 0.0))))
    return dict(durations)


def main() -> int:
    """Run the notebooks, print a summary and write the JSON result; exit status is pytest's."""
    load_before = os.getloadavg()
    junit = Path(tempfile.mkdtemp(prefix="bench-notebooks-")) / "junit.xml"
    command = [sys.executable, "-m", "pytest", *NOTEBOOKS, "--durations=0", "-q", f"--junitxml={junit}"]
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, text=True, capture_output=True)
    wall = time.perf_counter() - start
    load_after = os.getloadavg()
    per_notebook = cell_durations(junit) if junit.exists() else {}
    totals = {Path(nb).name: round(sum(s for _, s in cells), 1) for nb, cells in per_notebook.items()}
    nb03 = next((v for k, v in totals.items() if k.startswith("03_")), None)
    slowest = sorted(
        ((name, round(s, 1)) for nb, cells in per_notebook.items() if "03_" in nb for name, s in cells),
        key=lambda item: -item[1],
    )[:5]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "pytest_exit_status": completed.returncode,
        "suite_wall_s": round(wall, 1),
        "notebook_s": totals,
        "notebook03_s": nb03,
        "notebook03_target_s": TARGET_S,
        "notebook03_within_target": None if nb03 is None else nb03 <= TARGET_S,
        "notebook03_slowest_cells": slowest,
    }
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "notebooks.json").write_text(json.dumps(result, indent=2) + "\n")
    print(completed.stdout[-3000:])
    print(json.dumps(result, indent=2))
    print(f"written: {out / 'notebooks.json'}")
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
