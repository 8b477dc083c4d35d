"""Load the Naxt Corp. workshop datasets as pandas DataFrames and upload them to S3.

Every record is fictional. The files live under ``data/`` (see ``data/README.md`` for the data card).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

DATA_DIR: Path = Path(__file__).resolve().parent.parent / "data"

# name -> (path relative to DATA_DIR, required fields)
_SETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "conversations_eval": (
        "conversations/eval.jsonl",
        (
            "id",
            "client_id",
            "client_name",
            "date",
            "channel",
            "advisor",
            "topics",
            "client_requests",
            "decisions",
            "action_items",
            "sentiment",
            "next_contact",
            "transcript",
            "reference_summary",
        ),
    ),
    "conversations_train": ("conversations/train.jsonl", ()),
    "chatbot_eval": ("chatbot/eval.jsonl", ("id", "question", "reference_answer", "sources", "category")),
    "chatbot_finetune": ("chatbot/finetune.jsonl", ()),
    "finetune_train": ("finetune/train/train.jsonl", ("instruction", "context", "response")),
    "finetune_validation": ("finetune/validation/validation.jsonl", ()),
    "labeling_prompts": ("labeling/prompts.jsonl", ("id", "source", "task", "prompt", "context")),
    "labeling_simulated": (
        "labeling/simulated_annotators.jsonl",
        ("prompt_id", "annotator_id", "answer", "quality"),
    ),
    "monitoring_prompts": ("monitoring/prompts.jsonl", ("id", "prompt", "kind", "use_case")),
    "policies": ("policies", ()),
}
_SAME_FIELDS = {
    "conversations_train": "conversations_eval",
    "chatbot_finetune": "chatbot_eval",
    "finetune_validation": "finetune_train",
}
# Sets uploaded as a whole directory (JumpStart reads a channel prefix, not a single file).
_DIRECTORY_SETS = {"finetune_train", "finetune_validation", "policies"}
_ALIASES = {"finetune": ("finetune_train", "finetune_validation")}


def list_sets() -> list[str]:
    """Names accepted by :func:`load` and :func:`upload`."""
    return list(_SETS)


def _check_name(name: str) -> None:
    if name not in _SETS:
        valid = ", ".join(list_sets() + list(_ALIASES))
        raise ValueError(f"unknown dataset {name!r}; valid names: {valid}")


def _required(name: str) -> tuple[str, ...]:
    return _SETS[_SAME_FIELDS.get(name, name)][1]


def path_of(name: str, data_dir: Path | None = None) -> Path:
    """Path of a dataset's file (or directory, for ``policies``)."""
    _check_name(name)
    return (data_dir or DATA_DIR) / _SETS[name][0]


def read_jsonl(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Parse a JSON Lines file strictly; errors name the file and the 1-based line."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                raise ValueError(f"{path}:{lineno}: empty line")
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{lineno}: expected a JSON object, got {type(row).__name__}")
            missing = [k for k in required if k not in row]
            if missing:
                raise ValueError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
            rows.append(row)
    return rows


def load_policies(data_dir: Path | None = None) -> dict[str, str]:
    """Policy documents as {file stem: Markdown text}, sorted by stem."""
    folder = (data_dir or DATA_DIR) / "policies"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def load(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """Load one dataset as a DataFrame (``policies`` gives columns doc_id, title, markdown)."""
    _check_name(name)
    if name == "policies":
        docs = load_policies(data_dir)
        return pd.DataFrame(
            [
                {"doc_id": stem, "title": text.splitlines()[0].lstrip("# ").strip(), "markdown": text}
                for stem, text in docs.items()
            ]
        )
    return pd.DataFrame(read_jsonl(path_of(name, data_dir), _required(name)))


def _upload_root(name: str) -> str:
    """What one upload covers, relative to the data folder: a file, or a folder for directory sets."""
    rel = _SETS[name][0]
    return rel.rsplit("/", 1)[0] if name in _DIRECTORY_SETS and rel.endswith(".jsonl") else rel


def _files(name: str, data_dir: Path | None) -> list[Path]:
    target = (data_dir or DATA_DIR) / _upload_root(name)
    if name in _DIRECTORY_SETS:
        return sorted(p for p in target.iterdir() if p.is_file())
    return [target]


def upload(
    name_or_names: str | list[str] | tuple[str, ...],
    bucket: str,
    prefix: str = "datasets",
    s3_client: Any = None,
    data_dir: Path | None = None,
) -> dict[str, str]:
    """Upload datasets byte-for-byte to ``s3://bucket/prefix/<path under data/>``.

    Returns {name: S3 URI}; the URI is the object for single files and the folder prefix (ending in ``/``) for
    ``finetune_train`` (train.jsonl plus template.json), ``finetune_validation`` and ``policies``. The alias
    ``finetune`` uploads both fine-tuning channels.
    """
    names = [name_or_names] if isinstance(name_or_names, str) else list(name_or_names)
    expanded: list[str] = []
    for name in names:
        expanded += list(_ALIASES.get(name, (name,)))
    for name in expanded:
        _check_name(name)
    if s3_client is None:
        import boto3

        s3_client = boto3.client("s3")
    root = data_dir or DATA_DIR
    base = prefix.strip("/")
    uris: dict[str, str] = {}
    for name in expanded:
        for path in _files(name, data_dir):
            key = f"{base}/{path.relative_to(root).as_posix()}" if base else path.relative_to(root).as_posix()
            s3_client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        rel = _upload_root(name)
        key = f"{base}/{rel}" if base else rel
        uris[name] = f"s3://{bucket}/{key}/" if name in _DIRECTORY_SETS else f"s3://{bucket}/{key}"
    return uris
