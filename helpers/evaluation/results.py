"""Reading fmeval's saved records back: scores over the answered records, tables, Naxt's check rates."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import offline_metrics as om
from ..s3 import split_uri
from .jobs import CandidateResult, Job


def read_records(path: str | Path) -> pd.DataFrame:
    """fmeval's saved per-record output (JSON Lines) as a DataFrame, one column per score."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            scores = {s["name"]: s.get("value") for s in record.pop("scores", [])}
            rows.append({**record, **scores})
    return pd.DataFrame(rows)


def answered_means(records: pd.DataFrame, names: Sequence[str]) -> dict[str, float | None]:
    """Each score's mean over the records that were answered (``invocation_error`` 0); None when none was.

    A failed request has no answer to score: fmeval's stock metrics score its failure message as if it were one,
    and :class:`~helpers.offline_metrics.FusedMetrics` gives it 0, the best value of a lower-is-better score
    (toxicity, length). Left out, it is counted instead (``failures``, "failed requests"). ``invocation_error``
    itself stays the share of all records that failed.
    """
    failed = records.get(om.INVOCATION_ERROR, pd.Series(0.0, index=records.index)).fillna(0) != 0
    answered = records[~failed]
    means: dict[str, float | None] = {}
    for name in names:
        if name == om.INVOCATION_ERROR:
            means[name] = float(failed.mean()) if len(records) else None
            continue
        values = pd.to_numeric(answered[name], errors="coerce") if name in answered else pd.Series(dtype=float)
        mean = values.mean()
        means[name] = None if pd.isna(mean) else float(mean)
    return means


def collect(base: CandidateResult, job: Job, outputs: list[Any], seconds: float) -> CandidateResult:
    names: list[str] = []
    frames = []
    for output in outputs:
        names += [s.name for s in output.dataset_scores or [] if s.name not in names]
        frames.append(read_records(output.output_path))
    records = frames[0]
    for extra in frames[1:]:  # aws: scores of later passes, joined on the record's input
        extra_scores = extra.drop(columns=[c for c in extra.columns if c in records.columns and c != "model_input"])
        records = records.merge(extra_scores, on="model_input", how="left")
    ids = {row[job.input_column]: row["id"] for row in job.eval_set.rows}  # the input is unique per record
    records.insert(0, "id", records["model_input"].map(ids))
    records = records.sort_values("id", kind="stable").reset_index(drop=True)
    base.status, base.error = "evaluated", None
    base.dataset_scores = answered_means(records, names)
    categories = records["category"].astype(str) if "category" in records else pd.Series(dtype=str)
    base.category_scores = {
        name: answered_means(records[categories == name], names) for name in sorted(categories.unique())
    }
    base.records = records
    base.output_path = outputs[0].output_path
    base.failures = {
        "records": int(len(records)),
        "invocation_errors": int(records.get(om.INVOCATION_ERROR, pd.Series(dtype=float)).fillna(0).sum()),
        "scoring_errors": int(records.get(om.SCORING_ERROR, pd.Series(dtype=float)).fillna(0).sum()),
        "skipped_records": len(job.eval_set.skipped),
    }
    base.latency_p50_s = _latency_p50(job.results_dir / "timings")
    base.seconds = round(seconds, 1)
    return base


def _latency_p50(folder: Path) -> float | None:
    """Median latency of the answered requests that the runner recorded (under the evaluation's own load)."""
    latencies = []
    for file in sorted(folder.glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if not item.get("error"):
                latencies.append(float(item["latency_s"]))
    return round(statistics.median(latencies), 3) if latencies else None


def upload_results(results: Sequence[CandidateResult], s3_client: Any, s3_prefix: str) -> dict[str, str]:
    """Upload each evaluated candidate's per-record results to ``s3_prefix/<use case>/<candidate>/``; records the
    URI on the result and returns {``use_case/candidate``: URI}."""
    bucket, prefix = split_uri(s3_prefix)
    uris = {}
    for result in results:
        if result.output_path is None:
            continue
        key = "/".join(p.strip("/") for p in (prefix, result.use_case, result.candidate, Path(result.output_path).name))
        s3_client.put_object(Bucket=bucket, Key=key, Body=Path(result.output_path).read_bytes())
        result.results_s3_uri = uris[f"{result.use_case}/{result.candidate}"] = f"s3://{bucket}/{key}"
    return uris


def results_table(results: Sequence[CandidateResult], metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per candidate and use case: status, answered by, failures, latency and the dataset scores."""
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "use_case": r.use_case,
            "candidate": r.candidate,
            "status": r.status,
            "answered_by": r.answered_by,
            "prompt": r.prompt_kind,
            "failed_requests": r.failures.get("invocation_errors"),
            "latency_p50_s": r.latency_p50_s,
            "eval_s": r.seconds,
        }
        for name in metrics or sorted(r.dataset_scores):
            value = r.dataset_scores.get(name)
            row[om.label(name)] = None if value is None else round(float(value), 3)
        rows.append(row)
    return pd.DataFrame(rows)


def check_rates(result: CandidateResult) -> dict[str, float | None]:
    """Naxt's checks (:mod:`helpers.checks`) on a candidate's answers, as rates over the records it answered (a
    failed request is not an answer: it is counted in ``failures``, not scored). Computed from fmeval's saved
    records, the same way in both modes."""
    from .. import checks

    records = result.records
    if records is None or records.empty:
        return {}
    if om.INVOCATION_ERROR in records:
        records = records[records[om.INVOCATION_ERROR].fillna(0) == 0]
    if records.empty:
        return {}
    categories = records["category"] if "category" in records else ["none"] * len(records)
    table = checks.score_checks(
        result.use_case, list(records["model_output"]), list(records["model_input"]), result.prompt_template,
        list(categories),
    )  # fmt: skip
    rates = {}
    for column in table.columns:
        mean = table[column].mean()  # missing values (grounded on uncovered questions) are left out
        rates["politeness_rate" if column == "polite" else f"{column}_rate"] = None if pd.isna(mean) else float(mean)
    return rates


def bar_measurements(result: CandidateResult) -> dict[str, float | None]:
    """A candidate's numbers named as the quality bar names them (:func:`helpers.selection.measured_for_bar`):
    its mean scores, the rates of Naxt's checks (:func:`check_rates`), ``latency_s`` (median per request) and
    ``words`` (its longest answer); all over the records it answered."""
    from ..selection import measured_for_bar

    longest = None
    records = result.records
    if records is not None and om.INVOCATION_ERROR in records:
        records = records[records[om.INVOCATION_ERROR].fillna(0) == 0]  # a failure message is not an answer
    if records is not None and not records.empty:
        longest = float(records["model_output"].fillna("").astype(str).str.split().str.len().max())
    return measured_for_bar(result.dataset_scores, latency_s=result.latency_p50_s, words=longest, **check_rates(result))
