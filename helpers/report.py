"""The evaluation report of notebook 03 (JSON for notebooks 04 and 05, Markdown for people), locally and in S3.

Layout of ``evaluation_report.json`` (``schema_version`` 1):

* run facts: ``created``, ``mode``, ``region``, ``records_per_use_case``, ``poc_model_id``, ``quality_bar``,
  ``prices`` (table date and region), ``metric_variants`` (every score's variant), ``comparability``;
* ``throughput``: per candidate, what the load test measured and where;
* ``use_cases.<summary|chatbot>``: ``traffic_profile``, ``quality_metric``, ``selected`` (candidate, model id,
  instance type, endpoint, prompt template, cost; ``null`` when none passed), ``none_passed``, ``message``,
  ``decision_table`` (why each candidate lost) and ``candidates`` (scores, category scores, checks, cost,
  failures).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .s3 import split_uri

SCHEMA_VERSION = 1
JSON_NAME = "evaluation_report.json"
MARKDOWN_NAME = "evaluation_report.md"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN becomes null, tuples become lists, numpy numbers become floats."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def use_case_section(
    use_case: str,
    results: Sequence[Any],
    checks: Mapping[str, Sequence[Any]],
    costs: Mapping[str, Any],
    selection: Any,
    profile: Any,
    skipped: Sequence[Mapping[str, str]] = (),
    sources: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The report's section for one use case.

    ``sources``: where each threshold of the bar comes from (``Naxt requirement``, ``PoC x 0.9`` or ``both``);
    the section's ``criteria`` list each one with its threshold and every candidate's value.

    ``results``: :class:`helpers.evaluation.CandidateResult` of this use case; ``checks``: candidate name ->
    :class:`helpers.selection.Check` list; ``costs``: candidate name -> :class:`helpers.cost.CostEstimate` (or
    None); ``selection``: :class:`helpers.selection.Selection`; ``profile``: :class:`helpers.cost.TrafficProfile`.
    """
    from dataclasses import asdict

    candidates = []
    for result in results:
        if result.use_case != use_case:
            raise ValueError(f"Result {result.candidate} is for {result.use_case}, not {use_case}.")
        cost = costs.get(result.candidate)
        candidates.append(
            {
                **result.summary(),
                "checks": [asdict(c) for c in checks.get(result.candidate, [])],
                "passes_bar": bool(checks.get(result.candidate)) and all(c.passed for c in checks[result.candidate]),
                "cost": cost.as_dict() if cost is not None else None,
            }
        )
    criteria: dict[str, dict[str, Any]] = {}
    for name, candidate_checks in checks.items():
        for check in candidate_checks:
            entry = criteria.setdefault(
                check.threshold_name,
                {
                    "criterion": check.threshold_name,
                    "source": (sources or {}).get(check.threshold_name, "PoC x 0.9"),
                    "direction": check.direction,
                    "threshold": check.threshold,
                    "values": {},
                    "passed": {},
                },
            )
            entry["values"][name] = check.measured
            entry["passed"][name] = check.passed
    selected = None
    if selection.winner is not None:
        winner = next(c for c in candidates if c["candidate"] == selection.winner)
        selected = {
            key: winner[key]
            for key in ("candidate", "model_id", "instance_type", "endpoint_name", "prompt_kind", "prompt_template")
        }
        selected["usd_per_1000_requests"] = (winner["cost"] or {}).get("usd_per_1000_requests")
        selected["answered_by"] = winner["answered_by"]
    return _clean(
        {
            "traffic_profile": {**asdict(profile), "peak_requests_per_s": round(profile.peak_requests_per_s, 5)},
            "quality_metric": selection.quality_metric,
            "skipped_records": list(skipped),
            "selected": selected,
            "none_passed": selection.none_passed,
            "message": selection.message,
            "decision_table": selection.table,
            "criteria": list(criteria.values()),
            "candidates": candidates,
        }
    )


def build_report(
    *,
    mode: str,
    region: str,
    records_per_use_case: int,
    quality_bar: Mapping[str, Any],
    poc_model_id: str | None,
    use_cases: Mapping[str, Mapping[str, Any]],
    throughput: Mapping[str, Mapping[str, Any]],
    metric_variants: Mapping[str, str],
    comparability: str,
    prices: Mapping[str, Any],
    created: str | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (see the module docstring for the layout)."""
    if not use_cases:
        raise ValueError("A report needs at least one use case section.")
    return _clean(
        {
            "schema_version": SCHEMA_VERSION,
            "created": created or datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": mode,
            "region": region,
            "records_per_use_case": records_per_use_case,
            "poc_model_id": poc_model_id,
            "quality_bar": dict(quality_bar),
            "prices": dict(prices),
            "metric_variants": dict(metric_variants),
            "comparability": comparability,
            "throughput": dict(throughput),
            "use_cases": dict(use_cases),
        }
    )


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:,.1f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> list[str]:
    if not rows:
        return ["(none)"]
    columns = list(columns or rows[0].keys())
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return lines


def render_markdown(report: Mapping[str, Any]) -> str:
    """The report as Markdown: decision per use case, why the others lost, scores with their variants, costs."""
    variants = report.get("metric_variants", {})
    lines = [
        "# Naxt Corp.: candidate evaluation and selection (notebook 03)",
        "",
        f"Created {report['created']} in **{report['mode']}** mode ({report['region']}); "
        f"{report['records_per_use_case']} records per use case; quality bar from notebook 00 "
        f"(PoC model `{report.get('poc_model_id')}`).",
        "",
        f"> {report['comparability']}",
        "",
        f"Prices: {report['prices'].get('note', '')}",
    ]
    for use_case, section in report["use_cases"].items():
        profile = section["traffic_profile"]
        lines += [
            "",
            f"## {use_case}",
            "",
            f"**Decision:** {section['message']}",
            "",
            f"Traffic profile: {profile['requests_per_day']:,.0f} requests/day, {profile['tokens_in']} tokens in and "
            f"{profile['tokens_out']} out per request, peak {profile['peak_factor']}x the average.",
            "",
            "### Why each candidate won or lost",
            "",
            *_table(section["decision_table"]),
            "",
            "### The bar: each criterion, its source, its threshold and each candidate's value",
            "",
            *_table(_criteria_rows(section.get("criteria", []))),
            "",
            "### Scores (mean over the records; every score names its variant)",
            "",
        ]
        metrics = sorted({m for c in section["candidates"] for m in (c.get("dataset_scores") or {})})
        score_rows = []
        for c in section["candidates"]:
            row: dict[str, Any] = {"candidate": c["candidate"], "answered by": c["answered_by"], "status": c["status"]}
            row.update({variants.get(m, m): (c.get("dataset_scores") or {}).get(m) for m in metrics})
            score_rows.append(row)
        lines += _table(score_rows)
        lines += ["", "### Cost and failures", ""]
        cost_rows = []
        for c in section["candidates"]:
            cost = c.get("cost") or {}
            failures = c.get("failures") or {}
            cost_rows.append(
                {
                    "candidate": c["candidate"],
                    "instance": c["instance_type"],
                    "USD/hour": cost.get("hourly_usd"),
                    "instances": cost.get("instances"),
                    "USD per 1,000 requests": cost.get("usd_per_1000_requests"),
                    "throughput measured on": cost.get("measured_on"),
                    "failed requests": failures.get("invocation_errors"),
                    "skipped records": failures.get("skipped_records"),
                    "latency p50 (s)": c.get("latency_p50_s"),
                    "error": c.get("error"),
                }
            )
        lines += _table(cost_rows)
    return "\n".join(lines) + "\n"


def _criteria_rows(criteria: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for item in criteria:
        row: dict[str, Any] = {
            "criterion": item["criterion"],
            "source": item["source"],
            "threshold": f"{item['direction']} {item['threshold']}",
        }
        for name, value in item["values"].items():
            mark = "" if item["passed"].get(name) else " ✗"
            row[name] = ("not measured" if value is None else f"{value:.3g}") + mark
        rows.append(row)
    return rows


def write_report(report: Mapping[str, Any], folder: str | Path) -> dict[str, Path]:
    """Write ``evaluation_report.json`` and ``evaluation_report.md`` under ``folder``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / JSON_NAME, folder / MARKDOWN_NAME
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return {"json": json_path, "markdown": md_path}


def upload_report(paths: Mapping[str, Path], s3_client: Any, s3_prefix: str) -> dict[str, str]:
    """Upload the written files under ``s3_prefix`` (``s3://bucket/key-prefix``); returns their S3 URIs."""
    if not s3_prefix.startswith("s3://"):
        raise ValueError(f"s3_prefix must be an s3:// URI, got {s3_prefix!r}.")
    bucket, prefix = split_uri(s3_prefix)
    uris = {}
    for kind, path in paths.items():
        key = f"{prefix.strip('/')}/{Path(path).name}".lstrip("/")
        content_type = "application/json" if str(path).endswith(".json") else "text/markdown"
        s3_client.put_object(Bucket=bucket, Key=key, Body=Path(path).read_bytes(), ContentType=content_type)
        uris[kind] = f"s3://{bucket}/{key}"
    return uris


def load_report(source: str | Path, s3_client: Any = None) -> dict[str, Any]:
    """Read a report from a local path or an ``s3://`` URI (for notebooks 04 and 05)."""
    text: str
    if str(source).startswith("s3://"):
        if s3_client is None:
            raise ValueError("Pass s3_client= to read a report from S3.")
        bucket, key = split_uri(str(source))
        text = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8")
    report = json.loads(text)
    if report.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{source} is not an evaluation report of schema version {SCHEMA_VERSION}.")
    return report
