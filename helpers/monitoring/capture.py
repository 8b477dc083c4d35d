"""SageMaker data capture: where an endpoint captures to, and its captured records read from S3 into pandas."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from ..monitoring_job.capture_format import CaptureFormatError, parse_capture_line
from ..monitoring_job.report import RISKY_KINDS
from ..s3 import split_uri


def capture_destination(sm: Any, endpoint_name: str) -> str:
    """The S3 URI the endpoint captures to; a clear error when data capture is off."""
    config = sm.describe_endpoint(EndpointName=endpoint_name).get("DataCaptureConfig") or {}
    uri = config.get("DestinationS3Uri")
    if not config.get("EnableCapture", bool(uri)) or not uri:
        raise ValueError(
            f"Endpoint {endpoint_name} does not capture data. Redeploy it with a DataCaptureConfig "
            "(notebook 01 does), or let this notebook deploy its own endpoint."
        )
    return uri.rstrip("/")


def capture_prefix(capture_uri: str, endpoint_name: str) -> str:
    """``s3://.../<endpoint>/``: where an endpoint's captured files are."""
    return f"{capture_uri.rstrip('/')}/{endpoint_name}/"


def _hour_of(key: str) -> datetime | None:
    """The hour folder (``.../YYYY/MM/DD/HH/file.jsonl``) of a capture key, or None when it has none."""
    parts = key.split("/")
    try:
        year, month, day, hour = (int(p) for p in parts[-5:-1])
        return datetime(year, month, day, hour, tzinfo=UTC)
    except (ValueError, TypeError):
        return None


def list_capture_files(s3: Any, capture_uri: str, endpoint_name: str, since: datetime | None = None) -> list[str]:
    """Keys of the endpoint's capture files; with ``since``, hour folders before it are skipped.

    Keys outside the ``YYYY/MM/DD/HH`` layout are always listed (and read), never silently skipped.
    """
    bucket, prefix = split_uri(capture_prefix(capture_uri, endpoint_name))
    prefix = prefix.strip("/")
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    first_hour = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0) if since else None
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            key = item["Key"]
            if not key.endswith(".jsonl"):
                continue
            hour = _hour_of(key)
            if first_hour is None or hour is None or hour >= first_hour:
                keys.append(key)
    return sorted(keys)


def parse_capture_text(text: str, source: str = "") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse one capture file's text: (records, malformed lines with file, line and error)."""
    records, malformed = [], []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = parse_capture_line(line)
        except CaptureFormatError as exc:
            malformed.append({"file": source, "line": lineno, "error": str(exc)})
            continue
        record.update(file=source, line=lineno)
        records.append(record)
    return records, malformed


_RECORD_COLUMNS = [
    "event_id",
    "inference_id",
    "inference_time",
    "prompt",
    "max_new_tokens",
    "answer",
    "local_engine",
    "file",
    "line",
]


def read_capture(
    s3: Any, capture_uri: str, endpoint_name: str, since: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read an endpoint's captured records from S3 into pandas.

    Returns ``(records, malformed)``: one row per captured request (prompt, answer, times, source file and
    line) and one row per line that is not a capture record, with the reason; nothing is dropped silently.
    With ``since``, only records whose ``inferenceTime`` is at or after it.
    """
    bucket, _ = split_uri(capture_uri)
    records: list[dict[str, Any]] = []
    malformed: list[dict[str, Any]] = []
    for key in list_capture_files(s3, capture_uri, endpoint_name, since):
        text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", errors="replace")
        good, bad = parse_capture_text(text, key)
        records += good
        malformed += bad
    frame = pd.DataFrame(records, columns=_RECORD_COLUMNS)
    frame["inference_time"] = pd.to_datetime(frame["inference_time"], utc=True)
    if since is not None:
        start = pd.Timestamp(since)
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        frame = frame[frame["inference_time"] >= start.floor("s")]
    frame = frame.sort_values(["inference_time", "file", "line"]).reset_index(drop=True)
    return frame, pd.DataFrame(malformed, columns=["file", "line", "error"])


def wait_for_capture(
    s3: Any,
    capture_uri: str,
    endpoint_name: str,
    expected: int,
    since: datetime | None = None,
    timeout_s: float = 600,
    poll_s: float = 15,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`read_capture` until at least ``expected`` records are there (SageMaker writes capture files
    to S3 a minute or two after the requests); a TimeoutError says how many arrived."""
    deadline = time.time() + timeout_s
    while True:
        records, malformed = read_capture(s3, capture_uri, endpoint_name, since)
        if len(records) >= expected:
            return records, malformed
        if time.time() >= deadline:
            raise TimeoutError(
                f"{len(records)} of {expected} captured records arrived in {capture_prefix(capture_uri, endpoint_name)}"
                f" within {timeout_s:.0f} s. Check the endpoint's DataCaptureConfig (sampling percentage, capture "
                "options) and wait a little longer."
            )
        time.sleep(poll_s)


def join_traffic(records: pd.DataFrame, traffic: pd.DataFrame) -> pd.DataFrame:
    """Add what the sender knew (request_id, kind, use_case, question, latency_s) to captured records.

    Matches on ``InferenceId`` where the capture has it, else on the exact prompt (in order, for repeats).
    Captured records from other traffic keep kind ``other``.
    """
    extra = ["request_id", "kind", "use_case", "question", "latency_s"]
    out = records.reset_index(drop=True).assign(_row=lambda f: range(len(f)))
    by_id = traffic.dropna(subset=["inference_id"]).set_index("inference_id")[extra]
    has_id = out["inference_id"].isin(by_id.index)
    matched = out[has_id].join(by_id, on="inference_id")
    rest = out[~has_id].assign(_n=lambda f: f.groupby("prompt").cumcount())
    sent = traffic.assign(_n=traffic.groupby("prompt").cumcount())[["prompt", "_n", *extra]]
    rest = rest.merge(sent, on=["prompt", "_n"], how="left").drop(columns="_n")
    parts = [part for part in (matched, rest) if len(part)]
    joined = pd.concat(parts) if parts else out.reindex(columns=[*out.columns, *extra])
    joined = joined.sort_values("_row").drop(columns="_row").reset_index(drop=True)
    joined["kind"] = joined["kind"].fillna("other")
    joined["expect_refusal"] = joined["kind"].isin(RISKY_KINDS)
    return joined
