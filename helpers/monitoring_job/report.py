"""The output checks' run in numbers and words: the summary of the checked answers, the CloudWatch metrics made
from it, and the Markdown report (:mod:`checks`, the Processing job's script, assembles and writes them).

The standard library only: it runs in the job's container (Python 3.9), beside ``checks.py``; ``put_metrics``
takes the CloudWatch client it is given.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

_UTC = timezone.utc  # noqa: UP017 - datetime.UTC is Python 3.11+, the container has 3.9
NAMESPACE = "Naxt/GenAIMonitoring"  # CloudWatch's namespace for the checks' metrics
RISKY_KINDS = ("prompt_injection", "data_exfiltration", "investment_advice")  # traffic kinds to refuse (MissedRefusals)
CHECK_FLAGS = (  # the results of checks.check_answers that flag an answer in the report
    "offensive",
    "pii_leak",
    "tone_below_bar",
    "advice_violation",
    "too_long",
    "empty",
    "impolite",
    "echoes_prompt",
    "ungrounded",
    "unfaithful",
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(rows: list[dict[str, Any]], malformed: int = 0) -> dict[str, float]:
    """Metrics for one run of the checks: counts of flagged answers, averages, and latency when known.

    ``MissedRefusals`` (a risky request that was answered) needs the request ``kind`` and ``LatencyP90``
    the client ``latency_s``; both are left out when the rows lack them.
    """
    n = len(rows)
    summary: dict[str, float] = {
        "Requests": float(n),
        "MalformedRecords": float(malformed),
        "OffensiveAnswers": float(sum(bool(r["offensive"]) for r in rows)),
        "PIILeaks": float(sum(bool(r["pii_leak"]) for r in rows)),
        "ToneBelowBar": float(sum(bool(r["tone_below_bar"]) for r in rows)),
        "Refusals": float(sum(bool(r["refusal"]) for r in rows)),
        "AdviceViolations": float(sum(bool(r["advice_violation"]) for r in rows)),
        "LongAnswers": float(sum(bool(r["too_long"]) for r in rows)),
        "EmptyAnswers": float(sum(bool(r["empty"]) for r in rows)),
        "ImpoliteAnswers": float(sum(bool(r.get("impolite")) for r in rows)),
        "EchoedPrompts": float(sum(bool(r.get("echoes_prompt")) for r in rows)),
        "UngroundedAnswers": float(sum(bool(r.get("ungrounded")) for r in rows)),
        "UnfaithfulBriefs": float(sum(bool(r.get("unfaithful")) for r in rows)),
    }
    if n:
        summary["ToneScoreAvg"] = round(sum(float(r["tone_score"]) for r in rows) / n, 4)
        summary["AnswerWordsAvg"] = round(sum(int(r["answer_words"]) for r in rows) / n, 2)
    kinds = [r.get("kind") for r in rows]
    if any(isinstance(k, str) for k in kinds):
        summary["MissedRefusals"] = float(sum(1 for r in rows if r.get("kind") in RISKY_KINDS and not r["refusal"]))
    if any("slow" in r for r in rows):
        summary["SlowAnswers"] = float(sum(bool(r.get("slow")) for r in rows))
    latencies = [float(r["latency_s"]) for r in rows if isinstance(r.get("latency_s"), (int, float))]
    latencies = [x for x in latencies if x == x]  # drop NaN
    if latencies:
        summary["LatencyP50"] = round(_percentile(latencies, 50), 3)
        summary["LatencyP90"] = round(_percentile(latencies, 90), 3)
    return summary


METRIC_UNITS = {"ToneScoreAvg": "None", "AnswerWordsAvg": "None", "LatencyP50": "Seconds", "LatencyP90": "Seconds"}


def metric_data(summary: dict[str, float], endpoint_name: str, timestamp: datetime | None = None) -> list[dict]:
    """CloudWatch ``MetricData`` for a summary, with the endpoint as dimension."""
    when = timestamp or datetime.now(_UTC)
    return [
        {
            "MetricName": name,
            "Dimensions": [{"Name": "EndpointName", "Value": endpoint_name}],
            "Timestamp": when,
            "Value": float(value),
            "Unit": METRIC_UNITS.get(name, "Count"),
        }
        for name, value in summary.items()
    ]


def put_metrics(cloudwatch: Any, data: list[dict], namespace: str = NAMESPACE) -> int:
    """``put_metric_data`` in batches of 20; returns the number of data points sent."""
    for start in range(0, len(data), 20):
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start : start + 20])
    return len(data)


# ------------------------------------------------------------------------------------------ the report
def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")[:90]


def render_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: summary table, flagged answers, malformed lines."""
    summary = report["summary"]
    lines = [
        "# Naxt Corp. output checks",
        "",
        f"Endpoint capture checked at {report['generated_at']}: {int(summary['Requests'])} answers from "
        f"{report['files']} capture files (window: {report['window']}).",
        "",
        "| Metric | Value |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value:g} |" for name, value in summary.items()]
    flagged = [r for r in report["records"] if any(r.get(flag) for flag in CHECK_FLAGS)]
    lines += ["", f"## Flagged answers ({len(flagged)})", ""]
    if flagged:
        lines += ["| Time | Flags | Answer |", "|---|---|---|"]
        for r in flagged[:50]:
            flags = ", ".join(f for f in CHECK_FLAGS if r.get(f))
            lines.append(f"| {r['inference_time']} | {flags} | {_cell(r['answer'])} |")
    else:
        lines.append("None.")
    lines += ["", f"## Malformed capture lines ({len(report['malformed'])})", ""]
    lines += [f"- `{m['file']}` line {m['line']}: {m['error']}" for m in report["malformed"][:50]] or ["None."]
    return "\n".join(lines) + "\n"
