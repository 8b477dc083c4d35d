"""The conversations to review and a model's draft brief for each, as a Ground Truth input manifest (notebook 06).

:func:`review_tasks` and :func:`draft_briefs`: the conversations to review (the summary prompts of
``data/labeling/prompts.jsonl``) and a model's draft brief for each; :func:`write_manifest` writes them as a Ground
Truth input manifest (``source`` = the transcript, ``draft``, ``id``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from string import Template
from typing import Any

import pandas as pd

from ..datasets import load
from ..s3 import split_uri


def review_tasks(n: int) -> pd.DataFrame:
    """The first ``n`` brief-writing prompts of ``data/labeling/prompts.jsonl``: ``id`` (lab-031 ...),
    ``conversation_id`` (a training conversation) and ``transcript``."""
    prompts = load("labeling_prompts")
    briefs = prompts[prompts["task"] == "write_summary"]
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(briefs):
        raise ValueError(f"n must be between 1 and {len(briefs)} (the brief prompts in the labeling data), got {n!r}.")
    chosen = briefs.head(n)
    return pd.DataFrame(
        {"id": chosen["id"], "conversation_id": chosen["conversation_id"], "transcript": chosen["context"]}
    ).reset_index(drop=True)


def practice_task() -> pd.DataFrame:
    """One training conversation that no prompt of the labeling data is about, so no simulated annotator answers
    it: the task a learner labels themselves (``id`` and ``conversation_id`` are the conversation's id)."""
    prompts = load("labeling_prompts")
    conversations = load("conversations_train")
    unused = conversations[~conversations["id"].isin(set(prompts["conversation_id"].dropna()))]
    if unused.empty:
        raise ValueError("Every training conversation has a labeling prompt: no practice task is left.")
    row = unused.iloc[0]
    return pd.DataFrame([{"id": row["id"], "conversation_id": row["id"], "transcript": row["transcript"]}])


def draft_briefs(
    runtime: Any,
    endpoint_name: str,
    model_id: str,
    template: str,
    transcripts: Sequence[str],
    max_new_tokens: int,
    concurrency: int = 4,
    retries: int = 2,
) -> tuple[list[str], str]:
    """A draft brief per transcript from an endpoint, with the prompt template it is evaluated with (fmeval's
    ``$model_input``); returns the drafts (in order) and who answered (a local engine names itself).

    Requests go ``concurrency`` at a time. One that the endpoint fails with a ``ModelError`` (a real-time endpoint
    gives up after 60 seconds, e.g. on a busy instance) is sent again up to ``retries`` times, one at a time, which
    is the quickest way through for a single request; a request that still fails raises its error."""
    from botocore.exceptions import ClientError

    from ..payloads import adapter_for, answered_by, invoke

    adapter = adapter_for(model_id)
    results: dict[int, tuple[str, str]] = {}
    failed: dict[int, Exception] = {}

    def one(index: int) -> None:
        prompt = Template(template).substitute(model_input=transcripts[index])
        try:
            text, _, raw = invoke(runtime, endpoint_name, adapter, prompt, max_new_tokens)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ModelError":
                raise
            failed[index] = exc
            return
        results[index] = (text.strip(), answered_by(raw, model_id))
        failed.pop(index, None)

    pending = list(range(len(transcripts)))
    for attempt in range(retries + 1):
        with ThreadPoolExecutor(max_workers=max(1, concurrency if attempt == 0 else 1)) as pool:
            list(pool.map(one, pending))
        pending = sorted(failed)
        if not pending:
            break
        if attempt < retries:
            print(f"{len(pending)} request(s) failed ({_short(failed[pending[0]])}): sending them again, one at a time")
    if pending:
        raise failed[pending[0]]
    ordered = [results[i] for i in range(len(transcripts))]
    return [text for text, _ in ordered], (ordered[0][1] if ordered else model_id)


def _short(error: Exception) -> str:
    message = str(error)
    return message if len(message) < 160 else message[:157] + "..."


def write_manifest(tasks: pd.DataFrame, s3_client: Any, s3_uri: str) -> str:
    """Write a Ground Truth input manifest: one JSON line per task, ``{"source": transcript, "draft": ...,
    "id": ..., "conversation_id": ...}`` (``source`` is what Ground Truth requires of each line). Returns its URI."""
    missing = {"id", "transcript", "draft"} - set(tasks.columns)
    if missing:
        raise ValueError(f"tasks need the columns id, transcript and draft; missing: {sorted(missing)}")
    lines = []
    for row in tasks.to_dict("records"):
        if not str(row["transcript"] or "").strip():
            raise ValueError(f"Task {row['id']} has no transcript: Ground Truth needs a 'source' on every line.")
        line = {"source": row["transcript"], "draft": row["draft"] or "", "id": row["id"]}
        if row.get("conversation_id"):
            line["conversation_id"] = row["conversation_id"]
        lines.append(json.dumps(line, ensure_ascii=False))
    bucket, key = split_uri(s3_uri)
    s3_client.put_object(Bucket=bucket, Key=key, Body=("\n".join(lines) + "\n").encode("utf-8"))
    return s3_uri


def endpoint_in_service(sm_client: Any, endpoint_name: str | None) -> bool:
    """Whether ``endpoint_name`` exists and is ``InService`` (False for None or an endpoint that is gone)."""
    from botocore.exceptions import ClientError

    if not endpoint_name:
        return False
    try:
        return sm_client.describe_endpoint(EndpointName=endpoint_name)["EndpointStatus"] == "InService"
    except ClientError:
        return False
