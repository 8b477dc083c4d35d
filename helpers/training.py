"""Fine-tuning for notebook 04: instruction data in JumpStart's layout, the job's loss curves, and its cost.

JumpStart's instruction-tuning recipes read a ``training`` channel of JSON Lines rows and a ``template.json``
``{"prompt": "...{field}...", "completion": "{field}"}`` that turns each row into a prompt and the completion the
model should learn. Here the prompt is the *same* template the endpoint is evaluated with (notebook 00's, with
fmeval's ``$model_input``), so the model is trained on exactly what it will be asked.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from .evaluation import check_template
from .s3 import split_uri

__all__ = [
    "jumpstart_template",
    "instruction_rows",
    "upload_channel",
    "fine_tunable",
    "recipe_hyperparameters",
    "loss_curves",
    "plot_loss_curves",
    "TrainingCost",
    "training_cost",
    "amortised_usd_per_1000",
]


def jumpstart_template(prompt_template: str, input_field: str = "transcript", completion_field: str = "brief") -> dict:
    """JumpStart's ``template.json`` from an fmeval prompt template: ``$model_input`` becomes ``{input_field}``
    (literal braces are doubled, as Python's ``str.format`` that the recipes use needs)."""
    check_template(prompt_template)
    prompt = prompt_template.replace("{", "{{").replace("}", "}}").replace("$model_input", "{" + input_field + "}")
    return {"prompt": prompt, "completion": "{" + completion_field + "}"}


def instruction_rows(conversations: pd.DataFrame, n: int) -> list[dict[str, str]]:
    """The first ``n`` conversations as rows ``{"id", "transcript", "brief"}`` (the brief is the reference summary
    an advisor wrote); a conversation without a transcript or brief is refused with its id."""
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(conversations):
        raise ValueError(f"n must be between 1 and {len(conversations)} (the conversations available), got {n!r}.")
    rows = []
    for record in conversations.head(n).to_dict("records"):
        missing = [c for c in ("transcript", "reference_summary") if not str(record.get(c) or "").strip()]
        if missing:
            raise ValueError(f"Conversation {record.get('id')} has no {' or '.join(missing)}: fix or drop it.")
        rows.append({"id": record["id"], "transcript": record["transcript"], "brief": record["reference_summary"]})
    return rows


def upload_channel(rows: list[dict[str, Any]], template: dict[str, str], s3_client: Any, s3_uri: str) -> str:
    """Write ``train.jsonl`` and ``template.json`` under ``s3_uri`` (a folder); returns the folder's URI.

    Every row must have the fields the template uses: a missing one is refused here, before any job starts."""
    import string

    needed = {name for part in template.values() for _, name, _, _ in string.Formatter().parse(part) if name}
    for number, row in enumerate(rows, start=1):
        missing = needed - set(row)
        if missing:
            raise ValueError(f"Row {number} has no field {sorted(missing)[0]!r}, which template.json uses.")
    bucket, prefix = split_uri(s3_uri.rstrip("/"))
    body = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/train.jsonl", Body=body.encode("utf-8"))
    s3_client.put_object(Bucket=bucket, Key=f"{prefix}/template.json", Body=json.dumps(template).encode("utf-8"))
    return f"s3://{bucket}/{prefix}/"


def fine_tunable(candidates: list[dict[str, Any]], session: Any) -> pd.DataFrame:
    """Notebook 03's candidates of one use case (its report's ``candidates``) with whether JumpStart can fine-tune
    their model, cheapest first (USD per 1,000 requests)."""
    from .jumpstart import describe_models

    facts = describe_models(sorted({c["model_id"] for c in candidates}), session).set_index("model_id")
    rows = [
        {
            "candidate": c["candidate"],
            "model_id": c["model_id"],
            "prompt_kind": c.get("prompt_kind"),
            "USD per 1,000 requests": (c.get("cost") or {}).get("usd_per_1000_requests"),
            "fine_tunable": bool(facts.loc[c["model_id"]].get("fine_tunable", False)),
            "missed": "; ".join(
                f"{k['threshold_name']} {k['measured']!s} vs {k['threshold']}" for k in c.get("checks", [])
                if not k.get("passed")
            ),
        }
        for c in candidates
    ]  # fmt: skip
    return pd.DataFrame(rows).sort_values(["USD per 1,000 requests", "candidate"], na_position="last")


def recipe_hyperparameters(model_id: str, wanted: dict[str, str], session: Any) -> tuple[dict[str, str], list[str]]:
    """The settings of ``wanted`` that this model's JumpStart recipe has (recipes differ: Llama's has no ``bf16``),
    and the names left out. Values are checked by the recipe itself when the job starts."""
    from sagemaker import hyperparameters

    defaults = hyperparameters.retrieve_default(
        model_id=model_id, model_version="*", region=session.boto_region_name, sagemaker_session=session
    )
    kept = {name: str(value) for name, value in wanted.items() if name in defaults}
    return kept, sorted(set(wanted) - set(kept))


def loss_curves(job_name: str, session: Any) -> pd.DataFrame:
    """The job's loss metrics as CloudWatch holds them (``TrainingJobAnalytics``): one row per point, columns
    ``timestamp`` (seconds since the job started), ``metric_name``, ``value``."""
    from sagemaker.analytics import TrainingJobAnalytics

    frame = TrainingJobAnalytics(job_name, sagemaker_session=session, period=1).dataframe()
    if frame.empty:
        raise RuntimeError(f"No metrics in CloudWatch for training job {job_name} yet: is it still starting?")
    return frame[frame["metric_name"].str.contains("loss")].reset_index(drop=True)


def plot_loss_curves(frame: pd.DataFrame, ax: Any = None) -> Any:
    """Training and validation loss against time (one line per metric)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    for name, points in frame.groupby("metric_name"):
        ax.plot(points["timestamp"], points["value"], marker="o", ms=3, label=name.split(":")[-1])
    ax.set(xlabel="seconds since the job started", ylabel="loss per completion token")
    ax.legend(fontsize=8)
    return ax


@dataclass(frozen=True)
class TrainingCost:
    """What a training job costs: billable seconds on its instance type at that type's hourly price."""

    job_name: str
    instance_type: str
    instance_count: int
    billable_seconds: int
    usd_per_hour: float
    usd: float
    measured_on: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


def training_cost(description: dict[str, Any], measured_on: str) -> TrainingCost:
    """The cost of a finished job from ``DescribeTrainingJob``: SageMaker bills training per second of
    ``BillableTimeInSeconds`` on each instance (prices: :mod:`helpers.pricing`, on-demand, as for hosting)."""
    from .pricing import hourly_price

    resources = description["ResourceConfig"]
    seconds = int(description.get("BillableTimeInSeconds") or 0)
    price = hourly_price(resources["InstanceType"])
    if price is None:
        raise ValueError(f"No price for {resources['InstanceType']} in helpers.pricing: add it to cost this job.")
    count = int(resources.get("InstanceCount", 1))
    return TrainingCost(
        description["TrainingJobName"], resources["InstanceType"], count, seconds, price,
        price * count * seconds / 3600, measured_on,
    )  # fmt: skip


def amortised_usd_per_1000(serving_usd_per_1000: float, training_usd: float, requests: int) -> float:
    """USD per 1,000 requests with the training cost spread over ``requests`` requests (the volume the tuned
    model is expected to serve before it is retrained)."""
    if requests <= 0:
        raise ValueError(f"requests must be positive (the volume that pays for the training), got {requests!r}.")
    return serving_usd_per_1000 + training_usd / requests * 1000
