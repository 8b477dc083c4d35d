"""Human-in-the-loop instruction data for notebook 06: drafts to review, the labeling job's answers, consolidation,
agreement between annotators, and the rows of a fine-tuning set.

* :func:`review_tasks` and :func:`draft_briefs`: the conversations to review (the summary prompts of
  ``data/labeling/prompts.jsonl``) and a model's draft brief for each; :func:`write_manifest` writes them as a
  Ground Truth input manifest (``source`` = the transcript, ``draft``, ``id``).
* :func:`wait_for_labeling_job` and :func:`job_answers`: a labeling job's status, and each worker's answer read from
  its output (``output.manifest``, then the worker-response file each line points to, or the answers a pass-through
  consolidation put in the label).
* :func:`collect_answers`: the answers of the job, and, for objects it did not label (or for all of them where
  Ground Truth could not be used: :func:`ground_truth_unavailable`), the **shipped annotations**
  (``data/labeling/simulated_annotators.jsonl``, :func:`shipped_answers`), each row saying where it came from.
* :func:`consolidate`, :func:`agreement`, :func:`plot_agreement`: one correction per object by a rule the notebook
  shows, and how much two annotators agree (ROUGE-L between their corrections, their ratings of the draft).
* :func:`channel_rows` and :func:`merge_instruction_rows`: the rows a training job trained on, and the fine-tuning
  set: reviewed briefs plus conversations of the base instruction data.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from string import Template
from typing import Any

import pandas as pd

from .datasets import load
from .s3 import split_uri

__all__ = [
    "SHIPPED",
    "review_tasks",
    "practice_task",
    "draft_briefs",
    "write_manifest",
    "endpoint_in_service",
    "ground_truth_unavailable",
    "wait_for_labeling_job",
    "parse_answer",
    "job_answers",
    "shipped_answers",
    "collect_answers",
    "quality_hints",
    "consolidate",
    "agreement",
    "agreement_summary",
    "plot_agreement",
    "channel_rows",
    "merge_instruction_rows",
]

SHIPPED = "shipped annotations (data/labeling/simulated_annotators.jsonl)"
RUNNING = ("Initializing", "InProgress", "Stopping")
ANSWER_COLUMNS = ["id", "worker", "rating", "corrected_brief", "time_spent_s", "origin"]
GROUND_TRUTH_NOTICE = (
    "Amazon SageMaker Ground Truth is closed to new customers: AWS documents that only accounts that already use it "
    "can go on using it (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-create-labeling-job-api.html)."
)


# ------------------------------------------------------------------------------------------ tasks and drafts
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

    from .payloads import adapter_for, answered_by, invoke

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


# ------------------------------------------------------------------------------------------ the labeling job
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


# ------------------------------------------------------------------------------------------ consolidation, agreement
def consolidate(answers: pd.DataFrame, preference: Callable[[pd.Series], Any]) -> pd.DataFrame:
    """One answer per object: the one with the highest ``preference(answer)`` (ties: the first answer). Adds
    ``answers`` (how many the object had) and ``preference`` (the chosen answer's key)."""
    if answers.empty:
        raise ValueError("No answers to consolidate.")
    scored = answers.assign(preference=answers.apply(preference, axis=1))
    chosen = []
    for _, group in scored.groupby("id", sort=False):
        best = max(range(len(group)), key=lambda i: group["preference"].iloc[i])
        chosen.append(group.iloc[best].to_dict() | {"answers": len(group)})
    return pd.DataFrame(chosen).reset_index(drop=True)


def agreement(answers: pd.DataFrame) -> pd.DataFrame:
    """Per object with two answers or more: the first two workers (by name), ROUGE-L between their corrected briefs (1.0:
    the same words in the same order), their ratings of the draft and the difference."""
    from .scoring import rouge_l

    rows = []
    for object_id, group in answers.groupby("id", sort=False):
        if len(group) < 2:
            continue
        a, b = group.sort_values("worker", kind="stable").head(2).to_dict("records")
        texts = (a["corrected_brief"].strip(), b["corrected_brief"].strip())
        similarity = rouge_l(*texts) if all(texts) else float(texts[0] == texts[1])
        rows.append(
            {
                "id": object_id,
                "worker_1": a["worker"],
                "worker_2": b["worker"],
                "rougeL_between_corrections": round(similarity, 4),
                "rating_1": a["rating"],
                "rating_2": b["rating"],
                "rating_difference": None
                if pd.isna(a["rating"]) or pd.isna(b["rating"])
                else abs(int(a["rating"]) - int(b["rating"])),
            }
        )
    return pd.DataFrame(rows)


def agreement_summary(per_object: pd.DataFrame) -> dict[str, float | int | None]:
    """Mean and lowest ROUGE-L between corrections; the share of objects whose two ratings are equal, and within
    one point; Cohen's kappa with quadratic weights (None when it is undefined: a single rating value)."""
    from sklearn.metrics import cohen_kappa_score

    rated = per_object.dropna(subset=["rating_1", "rating_2"])
    first, second = rated["rating_1"].astype(int), rated["rating_2"].astype(int)
    kappa = None
    if len(set(first) | set(second)) > 1:
        kappa = float(cohen_kappa_score(first, second, weights="quadratic", labels=[1, 2, 3, 4, 5]))
    return {
        "objects": len(per_object),
        "mean_rougeL_between_corrections": float(per_object["rougeL_between_corrections"].mean()),
        "min_rougeL_between_corrections": float(per_object["rougeL_between_corrections"].min()),
        "rating_exact_agreement": float((first == second).mean()) if len(rated) else None,
        "rating_within_one": float(((first - second).abs() <= 1).mean()) if len(rated) else None,
        "rating_kappa_quadratic": kappa,
    }


def plot_agreement(per_object: pd.DataFrame) -> Any:
    """Two panels: ROUGE-L between the two corrections per object, and the two ratings of each draft against each
    other (a count per cell of the 5 x 5 grid; the diagonal is agreement)."""
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [3, 2]})
    ordered = per_object.sort_values("rougeL_between_corrections")
    left.barh(ordered["id"], ordered["rougeL_between_corrections"], color="tab:blue")
    left.set(xlim=(0, 1.02), xlabel="ROUGE-L between the two corrected briefs", title="corrections")
    left.tick_params(axis="y", labelsize=7)
    grid = np.zeros((5, 5), dtype=int)
    for r1, r2 in per_object[["rating_1", "rating_2"]].dropna().astype(int).itertuples(index=False):
        grid[r2 - 1, r1 - 1] += 1
    right.imshow(grid, origin="lower", cmap="Blues", extent=(0.5, 5.5, 0.5, 5.5))
    for (y, x), count in np.ndenumerate(grid):
        if count:
            right.text(x + 1, y + 1, str(count), ha="center", va="center", fontsize=9)
    right.set(xlabel="rating of worker 1", ylabel="rating of worker 2", title="ratings of the draft (1-5)")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------ fine-tuning rows
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
