"""The workshop state file."""

from __future__ import annotations

import pytest

from helpers import state


def test_save_load_get_forget(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_STATE_FILE", str(tmp_path / "s" / "state.json"))
    assert state.load() == {}
    state.save(endpoint_name="ep-1", quality_bar={"rougeL": 0.2})
    state.save(model_id="m")
    assert state.get("endpoint_name") == "ep-1" and state.load()["quality_bar"] == {"rougeL": 0.2}
    state.forget("endpoint_name")
    with pytest.raises(KeyError, match="Run the earlier notebooks"):
        state.get("endpoint_name")


def test_corrupt_state_is_a_clear_error(monkeypatch, tmp_path):
    file = tmp_path / "state.json"
    file.write_text("{oops")
    monkeypatch.setenv("WORKSHOP_STATE_FILE", str(file))
    with pytest.raises(ValueError, match="delete it and re-run"):
        state.load()
