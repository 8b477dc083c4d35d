"""The workshop state file: what one notebook leaves for the next (quality bar, prompts, endpoint names).

A small JSON file, ``WORKSHOP_STATE_FILE`` or ``.workshop/state.json`` at the repository root. It holds names
and settings only, never data; the resources themselves live in SageMaker and S3.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]


def path() -> Path:
    """Where the state file lives."""
    return Path(os.environ.get("WORKSHOP_STATE_FILE") or _REPO / ".workshop" / "state.json")


def load() -> dict[str, Any]:
    """The whole state (empty when no notebook has saved anything yet)."""
    file = path()
    if not file.exists():
        return {}
    try:
        return json.loads(file.read_text())
    except ValueError as exc:
        raise ValueError(f"The workshop state file {file} is not valid JSON ({exc}); delete it and re-run.") from None


def get(key: str) -> Any:
    """One value; a clear error names the notebook to run when it is missing."""
    data = load()
    if key not in data:
        raise KeyError(
            f"'{key}' is not in the workshop state ({path()}). Run the earlier notebooks first (00, then 01 ...)."
        )
    return data[key]


def save(**values: Any) -> dict[str, Any]:
    """Merge ``values`` into the state and write it atomically; returns the new state."""
    data = load()
    data.update(values)
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    tmp.replace(file)
    return data


def forget(*keys: str) -> None:
    """Remove keys (cleanup)."""
    data = load()
    for key in keys:
        data.pop(key, None)
    file = path()
    if file.exists():
        file.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
