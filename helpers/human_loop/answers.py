"""The annotators' answers (notebook 06): a labeling job's, or the shipped annotations where it has none.

* :func:`wait_for_labeling_job` and :func:`job_answers`: a labeling job's status, and each worker's answer read from
  its output (``output.manifest``, then the worker-response file each line points to, or the answers a pass-through
  consolidation put in the label).
* :func:`collect_answers`: the answers of the job, and, for objects it did not label (or for all of them where
  Ground Truth could not be used: :func:`ground_truth_unavailable`), the **shipped annotations**
  (``data/labeling/simulated_annotators.jsonl``, :func:`shipped_answers`), each row saying where it came from.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from ..datasets import load
from ..s3 import split_uri

SHIPPED = "shipped annotations (data/labeling/simulated_annotators.jsonl)"
RUNNING = ("Initializing", "InProgress", "Stopping")
ANSWER_COLUMNS = ["id", "worker", "rating", "corrected_brief", "time_spent_s", "origin"]
GROUND_TRUTH_NOTICE = (
    "Amazon SageMaker Ground Truth is closed to new customers: AWS documents that only accounts that already use it "
    "can go on using it (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-create-labeling-job-api.html)."
)


def ground_truth_unavailable(error: Exception, operation: str = "") -> str:
    """What a refused Ground Truth call means, in plain words, and what the notebook does next."""
    response = getattr(error, "response", {}) or {}
    code = response.get("Error", {}).get("Code", type(error).__name__)
    message = response.get("Error", {}).get("Message", str(error))
    operation = operation or getattr(error, "operation_name", "") or "a Ground Truth call"
    return (
        f"{operation} was refused: {code}: {message}\n{GROUND_TRUTH_NOTICE}\nThis notebook goes on with the "
        f"{SHIPPED}: two annotators' recorded corrections of these conversations, labelled as such in every table "
        "below. Everything after the labeling (consolidation, agreement, fine-tuning, evaluation) is the same."
    )


def wait_for_labeling_job(
    sm_client: Any,
    job_name: str,
    until: Sequence[str] = ("Completed", "Failed", "Stopped"),
    timeout_s: float = 600,
    poll_s: float = 2.0,
    report: Callable[[str], None] | None = print,
) -> dict[str, Any]:
    """Poll ``DescribeLabelingJob`` until the job's status is one of ``until`` or ``timeout_s`` has passed; returns
    the last description. ``report`` gets a line (status and ``LabelCounters``) whenever either changes."""
    deadline, seen = time.monotonic() + timeout_s, None
    while True:
        described = sm_client.describe_labeling_job(LabelingJobName=job_name)
        now = (described["LabelingJobStatus"], json.dumps(described.get("LabelCounters", {}), sort_keys=True))
        if report and now != seen:
            report(_progress(described))
        seen = now
        if described["LabelingJobStatus"] in until or time.monotonic() >= deadline:
            return described
        time.sleep(poll_s)


def _progress(described: dict[str, Any]) -> str:
    counters = described.get("LabelCounters", {})
    return (
        f"{described['LabelingJobName']}: {described['LabelingJobStatus']}, labeled {counters.get('TotalLabeled', 0)}"
        f", unlabeled {counters.get('Unlabeled', 0)}, failed {counters.get('FailedNonRetryableError', 0)}"
    )


def parse_answer(content: dict[str, Any]) -> tuple[int | None, str]:
    """(rating, corrected brief) from the template's ``answerContent``: ``{"corrected_brief": text,
    "rating-1": {"1": bool}, ...}`` (the rating is None when no button was chosen)."""
    chosen = [
        int(value)
        for name, buttons in content.items()
        if name.startswith("rating-") and isinstance(buttons, dict)
        for value, checked in buttons.items()
        if checked and str(value).isdigit()
    ]
    return (chosen[0] if len(chosen) == 1 else None), str(content.get("corrected_brief") or "").strip()


def _read(s3_client: Any, uri: str) -> bytes:
    bucket, key = split_uri(uri)
    return s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()


def _worker(answer: dict[str, Any]) -> str:
    """A simulated annotator's id (local mode says so in the worker metadata), else Ground Truth's worker id."""
    simulated = (answer.get("workerMetadata") or {}).get("localSimulation") or {}
    return simulated.get("annotatorId") or answer.get("workerId", "unknown")


def job_answers(sm_client: Any, s3_client: Any, job_name: str) -> pd.DataFrame:
    """Every worker's answer on every labeled object of a finished labeling job, from its output manifest: one row
    per answer, columns ``id`` (the manifest line's id), ``worker``, ``rating``, ``corrected_brief``,
    ``time_spent_s`` and ``origin`` (the job's name)."""
    described = sm_client.describe_labeling_job(LabelingJobName=job_name)
    output = (described.get("LabelingJobOutput") or {}).get("OutputDatasetS3Uri")
    if not output:
        raise RuntimeError(f"Labeling job {job_name} is {described['LabelingJobStatus']} and has no output yet.")
    label = described["LabelAttributeName"]
    rows = []
    for raw in _read(s3_client, output).decode("utf-8").splitlines():
        line = json.loads(raw) if raw.strip() else {}
        metadata = line.get(f"{label}-metadata") or {}
        if not line or label not in line:  # not labeled (failed, or the job stopped before it)
            continue
        if metadata.get("worker-response-ref"):
            answers = json.loads(_read(s3_client, metadata["worker-response-ref"]))["answers"]
        else:  # a pass-through consolidation put the answers in the label
            answers = [
                {"workerId": a["workerId"], "answerContent": json.loads(a["annotationData"]["content"])}
                for a in line[label].get("annotationsFromAllWorkers", [])
            ]
        for answer in answers:
            rating, corrected = parse_answer(answer.get("answerContent") or {})
            rows.append(
                {
                    "id": line.get("id"),
                    "worker": _worker(answer),
                    "rating": rating,
                    "corrected_brief": corrected,
                    "time_spent_s": answer.get("timeSpentInSeconds"),
                    "origin": f"labeling job {job_name}",
                }
            )
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def rating(draft: str, answer: str) -> int:
    """1-5: how much of the draft the annotator's answer keeps (word-level similarity); the simulated annotators
    of local mode rate drafts with it too."""
    if not draft.strip():
        return 3
    ratio = difflib.SequenceMatcher(None, draft.split(), answer.split(), autojunk=False).ratio()
    return 5 if ratio >= 0.9 else 4 if ratio >= 0.75 else 3 if ratio >= 0.5 else 2 if ratio >= 0.3 else 1


def shipped_answers(tasks: pd.DataFrame) -> pd.DataFrame:
    """The shipped annotations of the tasks (``id`` and ``draft`` columns): each annotator's corrected brief and
    recorded time, and a rating of the draft by the simulated annotators' own rule (how much of the draft the
    correction keeps, 5 to 1). ``origin`` says where they come from."""
    shipped = load("labeling_simulated")
    drafts = dict(zip(tasks["id"], tasks["draft"].fillna(""), strict=True))
    chosen = shipped[shipped["prompt_id"].isin(drafts)]
    rows = [
        {
            "id": row["prompt_id"],
            "worker": row["annotator_id"],
            "rating": rating(drafts[row["prompt_id"]], row["answer"]),
            "corrected_brief": row["answer"],
            "time_spent_s": float(row["time_spent_s"]),
            "origin": SHIPPED,
        }
        for row in chosen.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def collect_answers(
    sm_client: Any,
    s3_client: Any,
    job_name: str | None,
    tasks: pd.DataFrame,
    workers_per_object: int = 2,
    timeout_s: float = 600,
) -> pd.DataFrame:
    """The answers for ``tasks``: the labeling job's (waited for up to ``timeout_s``, then stopped with what it
    has), completed from the shipped annotations for every task with fewer than ``workers_per_object`` answers.
    Without a job (``job_name`` None: Ground Truth refused this account), all of them come from the shipped
    annotations. The ``origin`` column says which is which."""
    if job_name is None:
        print(f"No labeling job ran: every answer below comes from the {SHIPPED}.")
        return shipped_answers(tasks)
    described = wait_for_labeling_job(sm_client, job_name, timeout_s=timeout_s)
    if described["LabelingJobStatus"] in RUNNING:
        print(f"{job_name} is still {described['LabelingJobStatus']} after {timeout_s:.0f} s: stopping it.")
        sm_client.stop_labeling_job(LabelingJobName=job_name)
        described = wait_for_labeling_job(sm_client, job_name, timeout_s=300)
    if described["LabelingJobStatus"] == "Failed":
        print(f"{job_name} failed: {described.get('FailureReason')}")
    answers = job_answers(sm_client, s3_client, job_name) if described.get("LabelingJobOutput") else None
    if answers is None:
        answers = pd.DataFrame(columns=ANSWER_COLUMNS)
    counts = answers.groupby("id").size()
    short = [i for i in tasks["id"] if counts.get(i, 0) < workers_per_object]
    if short:
        print(
            f"{len(short)} task(s) without {workers_per_object} answers from {job_name}: completed from the {SHIPPED}."
        )
        extra = shipped_answers(tasks[tasks["id"].isin(short)])
        answered = set(zip(answers["id"], answers["worker"], strict=True))
        extra = extra[[pair not in answered for pair in zip(extra["id"], extra["worker"], strict=True)]]
        extra = extra[extra.groupby("id").cumcount() < workers_per_object - extra["id"].map(counts).fillna(0)]
        answers = pd.concat([answers, extra], ignore_index=True)
    return answers.reset_index(drop=True)


def quality_hints() -> pd.DataFrame:
    """The shipped annotations' ``quality`` hint (good, fair, poor) per prompt and annotator: for checking a
    consolidation rule *afterwards*, never for choosing (data/README.md)."""
    shipped = load("labeling_simulated")
    return shipped.rename(columns={"prompt_id": "id", "annotator_id": "worker"})[["id", "worker", "quality"]]
