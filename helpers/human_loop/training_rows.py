"""The rows of a fine-tuning set (notebook 06): what a training job trained on, and reviewed briefs merged with
conversations of the base instruction data."""

from __future__ import annotations

import json
from typing import Any

from .answers import _read


def channel_rows(sm_client: Any, s3_client: Any, training_job: str, channel: str = "training") -> list[dict]:
    """The JSON Lines rows a training job's channel held (``train.jsonl`` under its S3 prefix): exactly the data
    that job trained on."""
    described = sm_client.describe_training_job(TrainingJobName=training_job)
    found = [c for c in described["InputDataConfig"] if c["ChannelName"] == channel]
    if not found:
        raise ValueError(f"Training job {training_job} has no '{channel}' channel.")
    prefix = found[0]["DataSource"]["S3DataSource"]["S3Uri"].rstrip("/")
    text = _read(s3_client, f"{prefix}/train.jsonl").decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def merge_instruction_rows(
    reviewed: list[dict[str, str]], base: list[dict[str, str]], n_base: int
) -> list[dict[str, str]]:
    """The fine-tuning rows: every reviewed brief, then the first ``n_base`` rows of the base instruction data about
    *other* conversations (a conversation with a reviewed brief is not trained twice). Each row keeps ``id``,
    ``transcript`` and ``brief`` and says where its brief came from (``origin``)."""
    reviewed_ids = {row["id"] for row in reviewed}
    others = [row for row in base if row["id"] not in reviewed_ids][: max(0, n_base)]
    merged = [{**row, "origin": row.get("origin", "human-reviewed")} for row in reviewed]
    merged += [{**row, "origin": row.get("origin", "base instruction data")} for row in others]
    for row in merged:
        missing = [k for k in ("id", "transcript", "brief") if not str(row.get(k) or "").strip()]
        if missing:
            raise ValueError(f"Row {row.get('id')} has no {' or '.join(missing)}.")
    return merged
