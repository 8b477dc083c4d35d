"""Notebook 05's helpers around a SageMaker Pipeline: its steps as a table and a drawing, and its evaluation reports.
The pipeline itself is written in the notebook, with the SDK; the role that schedules it is :mod:`helpers.roles`'.

Everything here reads what the SageMaker API answers (``Pipeline.definition()``, ``ListPipelineExecutionSteps``,
``DescribeProcessingJob``, S3), the same in both modes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .s3 import split_uri

JOB_DIR = Path(__file__).resolve().parent / "pipeline_jobs"  # evaluate.py, generation.py, requirements.txt
CHECKS_DIR = Path(__file__).resolve().parent / "monitoring_job"  # naxt_checks.py, packed beside evaluate.py
STATUS_COLOURS = {
    "Succeeded": "#4caf50",
    "Cached": "#a5d6a7",
    "Failed": "#e53935",
    "Executing": "#fb8c00",
    "Starting": "#fb8c00",
    "Stopping": "#fb8c00",
    "Stopped": "#9e9e9e",
    "Not run": "#eeeeee",
}

__all__ = [
    "JOB_DIR",
    "CHECKS_DIR",
    "STATUS_COLOURS",
    "flatten_steps",
    "step_edges",
    "steps_table",
    "draw_dag",
    "watch",
    "wait_for",
    "read_json",
    "job_output_uri",
    "evaluation_report",
]


# ------------------------------------------------------------------------------------------ the definition
def flatten_steps(definition: Mapping[str, Any] | str) -> dict[str, dict[str, Any]]:
    """Every step of a definition (``Pipeline.definition()``, as text or parsed), the branches of condition steps
    included, by name; each with ``_branch_of`` and ``_branch`` (``IfSteps`` / ``ElseSteps``) where it has one."""
    raw = json.loads(definition) if isinstance(definition, str) else definition
    found: dict[str, dict[str, Any]] = {}

    def add(steps: Iterable[dict[str, Any]], parent: str | None, branch: str | None) -> None:
        for step in steps or []:
            found[step["Name"]] = {**step, "_branch_of": parent, "_branch": branch}
            if step.get("Type") == "Condition":
                arguments = step.get("Arguments") or {}
                add(arguments.get("IfSteps"), step["Name"], "IfSteps")
                add(arguments.get("ElseSteps"), step["Name"], "ElseSteps")

    add(raw.get("Steps") or [], None, None)
    return found


def _references(value: Any) -> set[str]:
    """The steps that a definition value reads (``{"Get": "Steps.<name>..."}``, property files included)."""
    if isinstance(value, dict):
        if set(value) == {"Get"} and isinstance(value["Get"], str):
            parts = value["Get"].split(".")
            return {parts[1]} if parts[0] == "Steps" and len(parts) > 1 else set()
        return set().union(*(_references(v) for k, v in value.items() if k not in ("IfSteps", "ElseSteps")))
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def step_edges(definition: Mapping[str, Any] | str) -> list[tuple[str, str, str]]:
    """The DAG's edges ``(from, to, kind)``: ``data`` (the step reads the other's properties or property file),
    ``depends`` (``DependsOn``), ``if`` / ``else`` (a condition step's branches)."""
    steps = flatten_steps(definition)
    edges: list[tuple[str, str, str]] = []
    for name, step in steps.items():
        if step["_branch_of"]:
            edges.append((step["_branch_of"], name, "if" if step["_branch"] == "IfSteps" else "else"))
        for other in sorted(_references(step.get("Arguments")) | _references(step.get("PropertyFiles"))):
            if other in steps and other != name and (other, name, "data") not in edges:
                edges.append((other, name, "data"))
        for other in step.get("DependsOn") or []:
            edges.append((other, name, "depends"))
    return edges


def _levels(names: Sequence[str], edges: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    """Each step's depth: the longest path to it from a step with no incoming edge."""
    level = dict.fromkeys(names, 0)
    for _ in names:  # longest paths in a DAG: relax |V| times
        for source, target, _kind in edges:
            level[target] = max(level[target], level[source] + 1)
    return level


# ------------------------------------------------------------------------------------------ an execution
def _status(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "Not run"
    if row.get("CacheHitResult") and row.get("StepStatus") == "Succeeded":
        return "Cached"
    return str(row.get("StepStatus"))


def _detail(row: Mapping[str, Any]) -> str:
    metadata = row.get("Metadata") or {}
    if "Condition" in metadata:
        return f"outcome {metadata['Condition'].get('Outcome')}"
    if "Fail" in metadata:
        return f"fail: {metadata['Fail'].get('ErrorMessage')}"
    for kind, value in metadata.items():
        if isinstance(value, dict) and value.get("Arn"):
            return f"{kind}: {value['Arn'].rsplit('/', 1)[-1]}"
    return row.get("FailureReason") or ""


def steps_table(rows: Sequence[Mapping[str, Any]], definition: Mapping[str, Any] | str) -> pd.DataFrame:
    """``list_steps()`` as a table in the definition's order: every step, with its type, status (``Cached`` for a
    cache hit, ``Not run`` for a step the execution never started), seconds, what it made or decided, the execution
    whose run a cached step reused (its id), and why it failed."""
    by_name = {row["StepName"]: row for row in rows}
    table = []
    for name, step in flatten_steps(definition).items():
        row = by_name.get(name)
        seconds = None
        if row and row.get("StartTime") and row.get("EndTime"):
            seconds = round((row["EndTime"] - row["StartTime"]).total_seconds(), 1)
        table.append(
            {
                "step": name,
                "type": step.get("Type"),
                "status": _status(row),
                "seconds": seconds,
                "detail": _detail(row) if row else "",
                "cached from": (row or {})
                .get("CacheHitResult", {})
                .get("SourcePipelineExecutionArn", "")
                .rsplit("/", 1)[-1],
                "failure reason": (row or {}).get("FailureReason", ""),
            }
        )
    return pd.DataFrame(table).set_index("step")


def draw_dag(
    definition: Mapping[str, Any] | str, rows: Sequence[Mapping[str, Any]] = (), ax: Any = None, title: str = ""
) -> Any:
    """Draw the pipeline's DAG with matplotlib (no graphviz): steps left to right by dependency depth, coloured by
    their status in ``rows`` (``list_steps()``; grey: not run); dashed arrows are a condition's branches (the edges
    into a branch's steps from elsewhere are left out: a branch always runs after its condition)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Patch

    steps = flatten_steps(definition)
    names = list(steps)
    # A branch step runs after its condition step: its other edges would only cross the drawing.
    edges = [e for e in step_edges(definition) if e[2] in ("if", "else") or not steps[e[1]]["_branch_of"]]
    level = _levels(names, edges)
    position: dict[str, tuple[float, float]] = {}
    for column in sorted(set(level.values())):
        members = [n for n in names if level[n] == column]
        before = {n: [position[a][1] for a, b, _ in edges if b == n and a in position] for n in members}
        members.sort(key=lambda n: -sum(before[n]) / len(before[n]) if before[n] else 0)  # near their inputs
        for i, name in enumerate(members):
            position[name] = (column * 3.0, (len(members) - 1) / 2 * 1.8 - i * 1.8)
    columns = {c: [n for n in names if level[n] == c] for c in set(level.values())}
    by_name = {row["StepName"]: row for row in rows}
    if ax is None:
        width = 3.0 * (max(columns) + 1) + 1
        ax = plt.subplots(figsize=(max(8, width * 1.2), 1.6 + 1.5 * max(len(m) for m in columns.values())))[1]
    for source, target, kind in edges:
        (x0, y0), (x1, y1) = position[source], position[target]
        ax.annotate(
            "", xy=(x1 - 1.1, y1), xytext=(x0 + 1.1, y0),
            arrowprops={"arrowstyle": "->", "color": "#555555", "ls": "--" if kind in ("if", "else") else "-"},
        )  # fmt: skip
        if kind in ("if", "else"):
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, kind, fontsize=8, color="#555555", ha="center")
    for name, (x, y) in position.items():
        status = _status(by_name.get(name))
        box = FancyBboxPatch((x - 1.1, y - 0.3), 2.2, 0.6, boxstyle="round,pad=0.05",
                             facecolor=STATUS_COLOURS.get(status, "#ffffff"), edgecolor="#333333")  # fmt: skip
        ax.add_patch(box)
        ax.text(x, y + 0.08, name, ha="center", va="center", fontsize=8, weight="bold")
        ax.text(x, y - 0.18, f"{steps[name].get('Type')}: {status}", ha="center", va="center", fontsize=7)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    ax.set_xlim(min(xs) - 1.4, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.axis("off")
    shown = sorted({_status(by_name.get(n)) for n in names}, key=list(STATUS_COLOURS).index)
    ax.legend(handles=[Patch(facecolor=STATUS_COLOURS[s], edgecolor="#333333", label=s) for s in shown],
              loc="lower right", fontsize=7, ncol=len(shown))  # fmt: skip
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def watch(execution: Any, poll_s: float = 5.0, timeout_s: float = 4 * 3600, say: Any = print) -> dict[str, Any]:
    """Follow an execution until it ends, printing each step's status as it changes (``list_steps()`` every
    ``poll_s`` seconds); returns ``DescribePipelineExecution``'s last answer."""
    import time

    seen: dict[str, str] = {}
    started = time.time()
    while True:
        described = execution.describe()
        for row in reversed(execution.list_steps()):  # oldest first
            status = _status(row)
            if seen.get(row["StepName"]) != status:
                seen[row["StepName"]] = status
                detail = _detail(row) if status in ("Succeeded", "Cached", "Failed") else ""
                say(f"{time.time() - started:6.0f} s  {row['StepName']:<20} {status:<10} {detail}"[:160])
        if described["PipelineExecutionStatus"] not in ("Executing", "Stopping"):
            say(f"{time.time() - started:6.0f} s  execution {described['PipelineExecutionStatus']}")
            return described
        if time.time() - started > timeout_s:
            raise TimeoutError(
                f"Execution {execution.arn} still {described['PipelineExecutionStatus']} after {timeout_s} s."
            )
        time.sleep(poll_s)


def wait_for(execution: Any, delay: int = 30, max_attempts: int = 120) -> dict[str, Any]:
    """Wait for a pipeline execution to end (``execution.wait()``, which raises when it fails or stops) and return
    ``DescribePipelineExecution``'s answer, whatever the end."""
    from botocore.exceptions import WaiterError

    try:
        execution.wait(delay=delay, max_attempts=max_attempts)
    except WaiterError:
        pass  # Failed or Stopped: the description and the steps say why
    return execution.describe()


# ------------------------------------------------------------------------------------------ reports
def read_json(s3: Any, uri: str) -> dict[str, Any]:
    """A JSON object from S3."""
    bucket, key = split_uri(uri)
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def job_output_uri(sm: Any, row: Mapping[str, Any], output_name: str) -> str:
    """The S3 URI of a processing step's output, from its ``list_steps()`` row (a cached step names the job of the
    execution that ran it)."""
    arn = ((row.get("Metadata") or {}).get("ProcessingJob") or {}).get("Arn")
    if not arn:
        raise ValueError(f"Step {row.get('StepName')} ran no processing job (status {row.get('StepStatus')}).")
    job = sm.describe_processing_job(ProcessingJobName=arn.rsplit("/", 1)[-1])
    for output in job["ProcessingOutputConfig"]["Outputs"]:
        if output["OutputName"] == output_name:
            return output["S3Output"]["S3Uri"]
    raise ValueError(f"Processing job {job['ProcessingJobName']} has no output named {output_name!r}.")


def evaluation_report(sm: Any, s3: Any, rows: Sequence[Mapping[str, Any]], step_name: str) -> dict[str, Any]:
    """The ``evaluation.json`` that an evaluation step of this execution wrote (with ``uri``: where it is)."""
    row = next((r for r in rows if r["StepName"] == step_name), None)
    if row is None:
        raise ValueError(f"The execution has no step {step_name!r}: it has {[r['StepName'] for r in rows]}.")
    uri = job_output_uri(sm, row, "evaluation").rstrip("/") + "/evaluation.json"
    return {**read_json(s3, uri), "uri": uri}
