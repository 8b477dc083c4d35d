"""Evaluation data: the records of one use case as the JSON Lines file fmeval reads through a ``DataConfig``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..s3 import split_uri


class EvaluationError(RuntimeError):
    """An evaluation could not run; the message says why and what to do."""


USE_CASES = ("summary", "chatbot")


@dataclass
class EvalSet:
    """The records of one use case, as a JSON Lines file fmeval reads (locally and in S3)."""

    use_case: str
    rows: list[dict[str, Any]]
    skipped: list[dict[str, str]]
    local_path: Path | None = None
    s3_uri: str | None = None

    @property
    def dataset_name(self) -> str:
        """fmeval's ``dataset_name``."""
        return f"naxt_{self.use_case}"

    def data_config(self, input_column: str) -> Any:
        """fmeval's ``DataConfig`` for this set, with ``input_column`` as the model input."""
        from fmeval.constants import MIME_TYPE_JSONLINES
        from fmeval.data_loaders.data_config import DataConfig

        if not self.rows or input_column not in self.rows[0]:
            raise ValueError(f"The {self.use_case} set has no column {input_column!r}.")
        return DataConfig(
            dataset_name=self.dataset_name,
            dataset_uri=self.s3_uri or str(self.local_path),
            dataset_mime_type=MIME_TYPE_JSONLINES,
            model_input_location=input_column,
            target_output_location="target_output",
            category_location="category",
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def build_eval_set(use_case: str, records: pd.DataFrame, k_passages: int = 3) -> EvalSet:
    """Rows for fmeval from dataset records: ``id``, the model input columns, ``target_output``, ``category``.

    A record without a reference (or without its input) cannot be scored: it is left out with a message and
    counted in ``skipped``; the other records are kept.
    """
    if use_case not in USE_CASES:
        raise ValueError(f"use_case must be one of {USE_CASES}, got {use_case!r}.")
    from .. import prompts

    reference, source, category = (
        ("reference_summary", "transcript", "channel")
        if use_case == "summary"
        else ("reference_answer", "question", "category")
    )
    rows, skipped = [], []
    for record in records.to_dict("records"):
        missing = [c for c in (reference, source) if _blank(record.get(c))]
        if missing:
            skipped.append({"id": str(record.get("id")), "reason": f"missing {' and '.join(missing)}"})
            continue
        row = {"id": record["id"], "target_output": record[reference], "category": record.get(category) or "none"}
        if use_case == "summary":
            row["transcript"] = record["transcript"]
        else:
            from ..retrieval import retrieve

            row["question_only"] = prompts.chatbot_input(record["question"])
            row["question_with_passages"] = prompts.chatbot_input(
                record["question"], retrieve(record["question"], k_passages)
            )
        rows.append(row)
    for item in skipped:
        print(f"Skipped {use_case} record {item['id']}: {item['reason']} (it cannot be scored; the rest can).")
    if not rows:
        raise EvaluationError(f"No {use_case} record has both an input and a reference: nothing to evaluate.")
    return EvalSet(use_case, rows, skipped)


def save_eval_set(eval_set: EvalSet, folder: Path, s3_client: Any = None, s3_uri: str | None = None) -> EvalSet:
    """Write the set as JSON Lines under ``folder`` and, with ``s3_uri``, upload it (fmeval then reads S3)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{eval_set.dataset_name}.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in eval_set.rows), encoding="utf-8")
    eval_set.local_path = path
    if s3_uri:
        bucket, key = split_uri(s3_uri)
        s3_client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        eval_set.s3_uri = s3_uri
    return eval_set


def load_eval_set(use_case: str, s3_uri: str, s3_client: Any, folder: Path) -> EvalSet:
    """The evaluation set a notebook saved to S3 (notebook 03's ``evaluation_data``), as it was: same records."""
    bucket, key = split_uri(s3_uri)
    text = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not rows:
        raise EvaluationError(f"{s3_uri} holds no records: run notebook 03 again to write the evaluation set.")
    eval_set = EvalSet(use_case, rows, [])
    folder.mkdir(parents=True, exist_ok=True)
    eval_set.local_path = folder / f"{eval_set.dataset_name}.jsonl"
    eval_set.local_path.write_text(text, encoding="utf-8")
    eval_set.s3_uri = s3_uri
    return eval_set
