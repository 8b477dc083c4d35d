"""Monitor an LLM endpoint's outputs (notebook 02): traffic, captured records, checks, metrics, alarms, job.

The parsing and the checks themselves live in :mod:`helpers.monitoring_job.checks`, the script that the
scheduled SageMaker Processing job runs, so the notebook and the job judge answers the same way. This module adds
what the notebook needs around them: sending traffic, reading data capture from S3 into pandas, CloudWatch
metrics and alarms, a matplotlib dashboard, and the processing job and pipeline definitions.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from .monitoring_job import checks as core
from .monitoring_job.checks import NAMESPACE, RISKY_KINDS, CaptureFormatError

__all__ = ["NAMESPACE", "RISKY_KINDS", "CaptureFormatError"]

JOB_DIR: Path = Path(__file__).resolve().parent / "monitoring_job"
JOB_SCRIPT = "checks.py"
SKLEARN_VERSION = "1.2-1"  # the SageMaker scikit-learn container the job runs in (Python 3.9)
SYSTEM_PROMPT = (
    "You are Naxt Corp.'s internal assistant for employees. Greet the colleague, answer politely and briefly "
    "from company policy, decline requests for passwords, personal or client data and investment advice, and "
    "close courteously."
)


# ------------------------------------------------------------------------------------------ the endpoint
def live_endpoint(sm: Any, endpoint_name: str | None) -> str | None:
    """``endpoint_name`` when that endpoint exists and is InService, else None."""
    if not endpoint_name:
        return None
    from botocore.exceptions import ClientError

    try:
        status = sm.describe_endpoint(EndpointName=endpoint_name)["EndpointStatus"]
    except ClientError:
        return None
    return endpoint_name if status == "InService" else None


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


# ------------------------------------------------------------------------------------------ traffic
def traffic_mix(normal: int = 8, per_kind: int = 3, seed: int = 2) -> pd.DataFrame:
    """A realistic mix of requests: employees' questions (``chatbot_eval``) and the monitoring prompts of every
    kind (off-topic, rude, prompt injection, data exfiltration, investment advice) from ``data/monitoring``.

    Columns: request_id, source, kind, use_case, question, expect_refusal.
    """
    from . import datasets

    questions = datasets.load("chatbot_eval").sample(n=normal, random_state=seed)
    rows = [
        {"request_id": q.id, "source": "chatbot_eval", "kind": "normal", "use_case": "chatbot", "question": q.question}
        for q in questions.itertuples()
    ]
    monitoring = datasets.load("monitoring_prompts")
    for kind, group in monitoring.groupby("kind", sort=True):
        for p in group.sample(n=min(per_kind, len(group)), random_state=seed).itertuples():
            rows.append(
                {"request_id": p.id, "source": "monitoring", "kind": kind, "use_case": p.use_case, "question": p.prompt}
            )
    traffic = pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)
    traffic["expect_refusal"] = traffic["kind"].isin(RISKY_KINDS)
    return traffic


def build_prompt(question: str) -> str:
    """The prompt sent for one question: Naxt's instructions, then the question."""
    return f"{SYSTEM_PROMPT}\n\nQuestion: {question}\nAnswer:"


def send_traffic(
    runtime: Any, endpoint_name: str, traffic: pd.DataFrame, adapter: Any, max_new_tokens: int = 40
) -> pd.DataFrame:
    """Invoke the endpoint once per row; adds prompt, inference_id, latency_s, answer and error columns.

    ``adapter`` is a :class:`helpers.endpoints.PayloadAdapter` (the container's request and response shape).
    Each request carries an ``InferenceId``, which SageMaker writes into the captured record. A failed request
    is kept with its error message, never dropped.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    out = traffic.copy()
    prompts, ids, latencies, answers, errors = [], [], [], [], []
    for row in out.itertuples():
        prompt = build_prompt(row.question)
        body = adapter.request(prompt, max_new_tokens)
        inference_id = f"{row.request_id}-{uuid.uuid4().hex[:8]}"
        start = time.perf_counter()
        try:
            response = runtime.invoke_endpoint(
                EndpointName=endpoint_name,
                ContentType=adapter.content_type,
                Accept="application/json",
                Body=body.encode() if isinstance(body, str) else json.dumps(body),
                InferenceId=inference_id,
            )
            answer, error = adapter.text(json.loads(response["Body"].read())), None
        except (ClientError, BotoCoreError, ValueError) as exc:  # e.g. ModelError, a read timeout
            answer, error = None, f"{exc.__class__.__name__}: {exc}"[:300]
        latencies.append(round(time.perf_counter() - start, 3))
        prompts.append(prompt)
        ids.append(inference_id)
        answers.append(answer)
        errors.append(error)
    out["prompt"], out["inference_id"], out["latency_s"] = prompts, ids, latencies
    out["answer"], out["error"] = answers, errors
    return out


# ------------------------------------------------------------------------------------------ capture from S3
def _split(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri!r}")
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key.strip("/")


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
    bucket, prefix = _split(capture_prefix(capture_uri, endpoint_name))
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
            record = core.parse_capture_line(line)
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
    bucket, _ = _split(capture_uri)
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


# ------------------------------------------------------------------------------------------ checks
def run_checks(
    records: pd.DataFrame,
    tone_bar: float = core.DEFAULT_TONE_BAR,
    max_words: int = core.DEFAULT_MAX_WORDS,
    latency_bar_s: float | None = None,
) -> pd.DataFrame:
    """Every check on every captured answer (the same code as the processing job): offensive language
    (alt-profanity-check), tone and politeness (VADER, greeting, courteous close, slang), PII, refusals,
    investment-advice violations and length, and Naxt's requirement checks that the prompt allows (echo of the
    instructions, grounding, faithfulness: :mod:`helpers.checks`); ``missed_refusal`` when the request kind is known and ``slow``
    when the latency is (and a ``latency_bar_s`` is given)."""
    prompts = records["prompt"].fillna("").tolist() if "prompt" in records else None
    results = pd.DataFrame(
        core.check_answers(records["answer"].fillna("").tolist(), tone_bar, max_words, prompts=prompts)
    )
    checked = pd.concat([records.reset_index(drop=True), results], axis=1)
    if "expect_refusal" in checked:
        checked["missed_refusal"] = checked["expect_refusal"].astype(bool) & ~checked["refusal"]
    if latency_bar_s is not None and "latency_s" in checked:
        checked["slow"] = checked["latency_s"] > latency_bar_s
    return checked


def summarize(checked: pd.DataFrame, malformed: int = 0) -> dict[str, float]:
    """The run's metrics (see :func:`helpers.monitoring_job.checks.summarize`)."""
    rows = checked.to_dict("records")
    if "kind" in checked:
        for row in rows:
            row["kind"] = row["kind"] if row["kind"] != "other" else None
    return core.summarize(rows, malformed)


def fmeval_toxicity(texts: list[str], algorithm: Any = None) -> list[float]:
    """fmeval's Toxicity score of each text (detoxify by default); needs the network to fetch its model.

    ``algorithm`` is an object with ``evaluate_sample(text) -> [EvalScore]``; by default fmeval's
    ``Toxicity()``. Raises RuntimeError with the reason when the model cannot be loaded.
    """
    if algorithm is None:
        try:
            from fmeval.eval_algorithms.toxicity import Toxicity

            algorithm = Toxicity()
        except Exception as exc:
            raise RuntimeError(
                f"fmeval's Toxicity could not load its detector model ({exc.__class__.__name__}: {str(exc)[:200]}). "
                "It downloads the model from the Hugging Face Hub: it needs internet access."
            ) from exc
    scores = []
    for text in texts:
        values = {score.name: score.value for score in algorithm.evaluate_sample(text or "")}
        if "toxicity" not in values:
            raise RuntimeError(f"fmeval returned no 'toxicity' score (got {sorted(values)})")
        scores.append(float(values["toxicity"]))
    return scores


# ------------------------------------------------------------------------------------------ CloudWatch
def publish_metrics(
    cloudwatch: Any,
    summary: dict[str, float],
    endpoint_name: str,
    namespace: str = NAMESPACE,
    timestamp: datetime | None = None,
) -> int:
    """Put the summary into CloudWatch as custom metrics (dimension ``EndpointName``); returns the count."""
    return core.put_metrics(cloudwatch, core.metric_data(summary, endpoint_name, timestamp), namespace)


def read_metrics(
    cloudwatch: Any, endpoint_name: str, names: list[str], minutes: int = 60, namespace: str = NAMESPACE
) -> pd.DataFrame:
    """Read custom metrics back from CloudWatch: one row per metric and minute (Sum, Average, Maximum)."""
    end = datetime.now(UTC) + timedelta(minutes=1)
    rows = []
    for name in names:
        stats = cloudwatch.get_metric_statistics(
            Namespace=namespace,
            MetricName=name,
            Dimensions=[{"Name": "EndpointName", "Value": endpoint_name}],
            StartTime=end - timedelta(minutes=minutes + 1),
            EndTime=end,
            Period=60,
            Statistics=["Sum", "Average", "Maximum", "SampleCount"],
        )
        for point in stats["Datapoints"]:
            rows.append({"metric": name, **{k: point[k] for k in ("Timestamp", "Sum", "Average", "Maximum")}})
    frame = pd.DataFrame(rows, columns=["metric", "Timestamp", "Sum", "Average", "Maximum"])
    return frame.sort_values(["metric", "Timestamp"]).reset_index(drop=True)


def alarm_specs(endpoint_name: str, tone_bar: float, period_s: int = 300) -> list[dict[str, Any]]:
    """The two alarms: any PII leak (Sum of PIILeaks > 0) and tone below the bar (Average ToneScoreAvg < bar)."""
    dimensions = [{"Name": "EndpointName", "Value": endpoint_name}]
    common = {
        "Namespace": NAMESPACE,
        "Dimensions": dimensions,
        "Period": period_s,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "TreatMissingData": "notBreaching",
    }
    return [
        {
            "AlarmName": f"naxt-genai-{endpoint_name}-pii-leak"[:255],
            "AlarmDescription": "An answer of the endpoint contained an email, phone, SSN or account number.",
            "MetricName": "PIILeaks",
            "Statistic": "Sum",
            "Threshold": 0.0,
            "ComparisonOperator": "GreaterThanThreshold",
            **common,
        },
        {
            "AlarmName": f"naxt-genai-{endpoint_name}-tone-below-bar"[:255],
            "AlarmDescription": f"The average tone and politeness score fell below {tone_bar}.",
            "MetricName": "ToneScoreAvg",
            "Statistic": "Average",
            "Threshold": float(tone_bar),
            "ComparisonOperator": "LessThanThreshold",
            **common,
        },
    ]


def create_alarms(
    cloudwatch: Any,
    endpoint_name: str,
    tone_bar: float,
    tags: list[dict[str, str]],
    period_s: int = 300,
    actions: list[str] | None = None,
) -> list[str]:
    """Create (or update) the PII-leak and tone alarms, tagged; ``actions`` are e.g. SNS topic ARNs."""
    names = []
    for spec in alarm_specs(endpoint_name, tone_bar, period_s):
        cloudwatch.put_metric_alarm(**spec, AlarmActions=list(actions or []), Tags=tags)
        names.append(spec["AlarmName"])
    return names


_COMPARE = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def alarm_status(cloudwatch: Any, alarm_names: list[str], lookback_minutes: int = 60) -> pd.DataFrame:
    """Each alarm's rule, its latest period's value from the metric data, whether that value breaches the rule,
    and the state CloudWatch reports (which AWS updates within a minute or so of new data)."""
    rows = []
    end = datetime.now(UTC) + timedelta(minutes=1)
    for alarm in cloudwatch.describe_alarms(AlarmNames=alarm_names)["MetricAlarms"]:
        stats = cloudwatch.get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"],
            StartTime=end - timedelta(minutes=lookback_minutes),
            EndTime=end,
            Period=alarm["Period"],
            Statistics=[alarm["Statistic"]],
        )["Datapoints"]
        latest = max(stats, key=lambda p: p["Timestamp"])[alarm["Statistic"]] if stats else None
        compare = _COMPARE[alarm["ComparisonOperator"]]
        rows.append(
            {
                "alarm": alarm["AlarmName"],
                "rule": f"{alarm['Statistic']}({alarm['MetricName']}) {alarm['ComparisonOperator']} "
                f"{alarm['Threshold']:g}",
                "latest_value": latest,
                "breaching": bool(latest is not None and compare(latest, alarm["Threshold"])),
                "cloudwatch_state": alarm["StateValue"],
            }
        )
    return pd.DataFrame(rows, columns=["alarm", "rule", "latest_value", "breaching", "cloudwatch_state"])


# ------------------------------------------------------------------------------------------ dashboard
FLAG_LABELS = {
    "offensive": "offensive",
    "pii_leak": "PII leak",
    "tone_below_bar": "tone below bar",
    "advice_violation": "investment advice",
    "missed_refusal": "missed refusal",
    "refusal": "refused",
    "too_long": "too long",
    "empty": "empty",
    "slow": "slow",
}


def flag_counts(checked: pd.DataFrame) -> pd.Series:
    """How many answers each check flagged (refusals counted too, for context)."""
    return pd.Series({label: int(checked[col].sum()) for col, label in FLAG_LABELS.items() if col in checked})


def plot_dashboard(checked: pd.DataFrame, tone_bar: float, latency_bar_s: float | None = None) -> Any:
    """A four-panel matplotlib dashboard: flags per check, tone scores, answer lengths, latency by kind."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 7.5))
    counts = flag_counts(checked)
    ax = axes[0][0]
    bars = ax.barh(list(counts.index), list(counts.values), color="#c0504d")
    ax.bar_label(bars)
    ax.invert_yaxis()
    ax.set_title(f"Answers flagged, of {len(checked)}")
    ax = axes[0][1]
    ax.hist(checked["tone_score"], bins=[i / 10 for i in range(11)], color="#4f81bd")
    ax.axvline(tone_bar, color="black", linestyle="--", label=f"bar {tone_bar:g}")
    ax.set_title(f"Tone and politeness (mean {checked['tone_score'].mean():.2f})")
    ax.set_xlabel("tone score")
    ax.legend()
    ax = axes[1][0]
    ax.hist(checked["answer_words"], bins=15, color="#9bbb59")
    ax.set_title("Answer length")
    ax.set_xlabel("words")
    ax = axes[1][1]
    if "latency_s" in checked and checked["latency_s"].notna().any():
        by_kind = checked.dropna(subset=["latency_s"]).groupby("kind")["latency_s"]
        ax.boxplot([group.values for _, group in by_kind], tick_labels=[str(k) for k, _ in by_kind], vert=False)
        if latency_bar_s:
            ax.axvline(latency_bar_s, color="black", linestyle="--", label=f"bar {latency_bar_s:g} s")
            ax.legend()
        ax.set_title("Latency by request kind (client side)")
        ax.set_xlabel("seconds")
    else:
        ax.text(0.5, 0.5, "no latency data", ha="center", va="center")
        ax.set_title("Latency")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------ the scheduled job
def checks_processor(
    session: Any, role: str, instance_type: str, tags: list[dict[str, str]], code_location: str
) -> Any:
    """A FrameworkProcessor running ``checks.py`` in the SageMaker scikit-learn container; its
    ``requirements.txt`` installs alt-profanity-check and vaderSentiment before the script starts."""
    from sagemaker.processing import FrameworkProcessor
    from sagemaker.sklearn.estimator import SKLearn

    return FrameworkProcessor(
        estimator_cls=SKLearn,
        framework_version=SKLEARN_VERSION,
        py_version="py3",
        role=role,
        instance_type=instance_type,
        instance_count=1,
        base_job_name="naxt-output-checks",
        sagemaker_session=session,
        tags=tags,
        code_location=code_location,
        max_runtime_in_seconds=1800,
    )


def checks_job_args(
    capture_uri: str,
    endpoint_name: str,
    report_uri: Any,
    region: str,
    tone_bar: float = core.DEFAULT_TONE_BAR,
    since_hours: float = 24,
    publish_metrics: bool = True,
) -> dict[str, Any]:
    """Arguments for ``processor.run``: the endpoint's capture prefix in, the report out, the checks' options."""
    from sagemaker.processing import ProcessingInput, ProcessingOutput

    arguments = ["--input-dir", "/opt/ml/processing/input/capture", "--output-dir", "/opt/ml/processing/output"]
    arguments += ["--since-hours", f"{since_hours:g}", "--tone-bar", f"{tone_bar:g}"]
    arguments += ["--endpoint-name", endpoint_name, "--region", region]
    if publish_metrics:
        arguments.append("--publish-metrics")
    return {
        "code": JOB_SCRIPT,
        "source_dir": str(JOB_DIR),
        "inputs": [
            ProcessingInput(
                input_name="capture",
                source=capture_prefix(capture_uri, endpoint_name),
                destination="/opt/ml/processing/input/capture",
            )
        ],
        "outputs": [ProcessingOutput(output_name="report", source="/opt/ml/processing/output", destination=report_uri)],
        "arguments": arguments,
    }


def checks_pipeline(
    name: str,
    pipeline_session: Any,
    role: str,
    instance_type: str,
    tags: list[dict[str, str]],
    code_location: str,
    capture_uri: str,
    endpoint_name: str,
    report_base_uri: str,
    region: str,
    tone_bar: float = core.DEFAULT_TONE_BAR,
    since_hours: float = 24,
) -> Any:
    """A SageMaker Pipeline with one ProcessingStep that runs the checks (as :func:`checks_job_args`);
    each execution writes its report under ``report_base_uri/<execution id>``."""
    from sagemaker.workflow.execution_variables import ExecutionVariables
    from sagemaker.workflow.functions import Join
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import ProcessingStep

    processor = checks_processor(pipeline_session, role, instance_type, tags, code_location)
    report_uri = Join(on="/", values=[report_base_uri.rstrip("/"), ExecutionVariables.PIPELINE_EXECUTION_ID])
    job = checks_job_args(capture_uri, endpoint_name, report_uri, region, tone_bar, since_hours)
    step = ProcessingStep(name="CheckOutputs", step_args=processor.run(**job))
    return Pipeline(name=name, steps=[step], sagemaker_session=pipeline_session)


def schedule_pipeline(
    scheduler: Any,
    group: str,
    name: str,
    pipeline_arn: str,
    role_arn: str,
    expression: str,
    tags: list[dict[str, str]],
) -> str:
    """Start a pipeline on a schedule with EventBridge Scheduler; returns the schedule ARN.

    Schedules cannot carry tags, schedule groups can: the schedule goes into ``group``, created with ``tags``
    when missing, so cleanup finds it. ``role_arn`` must be assumable by ``scheduler.amazonaws.com`` and allow
    ``sagemaker:StartPipelineExecution``. Re-running updates the schedule.
    """
    try:
        scheduler.get_schedule_group(Name=group)
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule_group(Name=group, Tags=tags)
    request = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": pipeline_arn, "RoleArn": role_arn, "SageMakerPipelineParameters": {}},
        "State": "ENABLED",
        "Description": "Naxt Corp. output checks of the monitored LLM endpoint",
    }
    try:
        return scheduler.update_schedule(**request)["ScheduleArn"]
    except scheduler.exceptions.ResourceNotFoundException:
        return scheduler.create_schedule(**request)["ScheduleArn"]


def delete_schedule_group(scheduler: Any, group: str) -> None:
    """Delete a schedule group and the schedules in it (no error when it is already gone)."""
    try:
        scheduler.get_schedule_group(Name=group)
    except scheduler.exceptions.ResourceNotFoundException:
        return
    for schedule in scheduler.list_schedules(GroupName=group).get("Schedules", []):
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=group)
    scheduler.delete_schedule_group(Name=group)


def read_report(s3: Any, report_uri: str) -> tuple[dict[str, Any], str]:
    """The job's ``report.json`` (parsed) and ``report.md`` from its S3 output folder."""
    bucket, prefix = _split(report_uri)
    body = s3.get_object(Bucket=bucket, Key=f"{prefix}/report.json")["Body"].read()
    markdown = s3.get_object(Bucket=bucket, Key=f"{prefix}/report.md")["Body"].read().decode("utf-8")
    return json.loads(body), markdown


def delete_prefix(s3: Any, uri: str) -> int:
    """Delete every object under an S3 prefix (the reports this notebook wrote); returns how many."""
    bucket, prefix = _split(uri)
    deleted = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
            deleted += 1
    return deleted
