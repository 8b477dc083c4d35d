"""The SageMaker data-capture format, read by the output checks (:mod:`checks`, the Processing job's script).

A capture file (``*.jsonl``) holds one record a line: the request (``endpointInput``) and the answer
(``endpointOutput``), each JSON, CSV or base64, and ``eventMetadata``. Parsed, a record is a flat dict: the prompt
(the user's words, without a chat template), the answer's text, its time and ids. The standard library only: it runs
in the job's container (Python 3.9), beside ``checks.py``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_UTC = timezone.utc  # noqa: UP017 - datetime.UTC is Python 3.11+, the container has 3.9


class CaptureFormatError(ValueError):
    """A data-capture line that is not a SageMaker capture record (the message says why)."""


def _decode(part: dict[str, Any], what: str) -> str:
    """The text of an ``endpointInput``/``endpointOutput`` block, whatever its encoding."""
    if not isinstance(part, dict) or "data" not in part:
        raise CaptureFormatError(f"captureData.{what} has no 'data'")
    data, encoding = part["data"], str(part.get("encoding", "JSON")).upper()
    if not isinstance(data, str):
        raise CaptureFormatError(f"captureData.{what}.data is {type(data).__name__}, not a string")
    if encoding == "BASE64":
        try:
            return base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise CaptureFormatError(f"captureData.{what}.data is not valid base64 UTF-8 ({exc})") from None
    if encoding in ("JSON", "CSV"):
        return data
    raise CaptureFormatError(f"captureData.{what}.encoding {encoding!r} is not JSON, CSV or BASE64")


def prompt_text(body: str, content_type: str = "application/json") -> tuple[str, int | None]:
    """(prompt, max_new_tokens) from a request body: TGI/LMI ``inputs``, Messages API, or plain text."""
    if "json" not in content_type:
        return body, None
    try:
        request = json.loads(body)
    except ValueError:
        raise CaptureFormatError("endpointInput is not valid JSON") from None
    if isinstance(request, dict) and isinstance(request.get("inputs"), str):
        params = request.get("parameters") or {}
        return _user_turn(request["inputs"]), params.get("max_new_tokens") if isinstance(params, dict) else None
    if isinstance(request, dict) and isinstance(request.get("messages"), list):
        users = [m.get("content", "") for m in request["messages"] if isinstance(m, dict) and m.get("role") == "user"]
        if users:
            return str(users[-1]), request.get("max_tokens")
    raise CaptureFormatError("endpointInput has neither 'inputs' (TGI/LMI) nor user 'messages'")


# The last user turn of a prompt written in an instruct model's chat template (ChatML, Llama 3, Gemma, Zephyr and
# Phi-3, Llama 2 and Mistral's [INST]): what the user asked, without the template's markup and system line.
_USER_TURN = re.compile(
    r"(?:<\|im_start\|>user|<\|start_header_id\|>user<\|end_header_id\|>|<start_of_turn>user|<\|user\|>|\[INST\])"
    r"\s*(?:<<SYS>>.*?<</SYS>>\s*)?(.*?)\s*(?:<\|im_end\|>|<\|eot_id\|>|<end_of_turn>|</s>|<\|end\|>|\[/INST\]|$)",
    re.S,
)


def _user_turn(inputs: str) -> str:
    """A TGI/LMI ``inputs`` as the user wrote it: its last user turn when it carries a chat template, else as is."""
    turns = _USER_TURN.findall(inputs)
    return turns[-1] if turns else inputs


def answer_text(payload: Any, prompt: str = "") -> str:
    """The generated text from a response: TGI ``[{"generated_text"}]``, LMI ``{"generated_text"}``,
    a chat completion ``{"choices"}`` or a summariser's ``{"summary_text"}``. A leading echo of the prompt is cut."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        payload = payload[0]
    text = None
    if isinstance(payload, dict):
        if isinstance(payload.get("generated_text"), str):
            text = payload["generated_text"]
        elif isinstance(payload.get("summary_text"), str):
            text = payload["summary_text"]
        elif isinstance(payload.get("choices"), list) and payload["choices"]:
            text = ((payload["choices"][0] or {}).get("message") or {}).get("content")
    if not isinstance(text, str):
        shape = type(payload).__name__ + (f" with keys {sorted(payload)[:5]}" if isinstance(payload, dict) else "")
        raise CaptureFormatError(f"unrecognised response shape ({shape}); expected generated_text")
    if prompt and text.startswith(prompt):
        text = text[len(prompt) :]
    return text.strip()


def parse_capture_line(line: str) -> dict[str, Any]:
    """One capture record as a flat dict; raises :class:`CaptureFormatError` for a line that is not one."""
    try:
        record = json.loads(line)
    except ValueError as exc:
        raise CaptureFormatError(f"not JSON ({exc})") from None
    if not isinstance(record, dict) or not isinstance(record.get("captureData"), dict):
        raise CaptureFormatError("no 'captureData' object")
    capture, meta = record["captureData"], record.get("eventMetadata") or {}
    if "endpointOutput" not in capture:
        raise CaptureFormatError("no captureData.endpointOutput (is output capture turned off?)")
    if "endpointInput" not in capture:
        raise CaptureFormatError("no captureData.endpointInput (is input capture turned off?)")
    in_type = capture["endpointInput"].get("observedContentType", "application/json")
    out_type = capture["endpointOutput"].get("observedContentType", "application/json")
    prompt, max_new_tokens = prompt_text(_decode(capture["endpointInput"], "endpointInput"), in_type)
    raw_answer = _decode(capture["endpointOutput"], "endpointOutput")
    try:
        payload = json.loads(raw_answer) if "json" in out_type else raw_answer
    except ValueError:
        raise CaptureFormatError("endpointOutput is not valid JSON") from None
    answer = payload.strip() if isinstance(payload, str) else answer_text(payload, prompt)
    engine = None
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        engine = payload[0].get("local_engine")
    elif isinstance(payload, dict):
        engine = payload.get("local_engine")
    if not meta.get("eventId") or not meta.get("inferenceTime"):
        raise CaptureFormatError("eventMetadata lacks eventId or inferenceTime")
    try:
        parse_time(str(meta["inferenceTime"]))
    except ValueError:
        raise CaptureFormatError(f"eventMetadata.inferenceTime {meta['inferenceTime']!r} is not an ISO time") from None
    return {
        "event_id": meta["eventId"],
        "inference_id": meta.get("inferenceId"),
        "inference_time": meta["inferenceTime"],
        "prompt": prompt,
        "max_new_tokens": max_new_tokens,
        "answer": answer,
        "local_engine": engine,
    }


def parse_time(value: str) -> datetime:
    """A capture ``inferenceTime`` (``2024-05-01T12:00:00Z``, optionally with fractions) as aware UTC."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(_UTC)


def read_capture_dir(folder: Path, since: datetime | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse every ``*.jsonl`` under ``folder``: (records, malformed lines with file, line and error)."""
    records: list[dict[str, Any]] = []
    malformed: list[dict[str, Any]] = []
    for path in sorted(folder.rglob("*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = parse_capture_line(line)
                except CaptureFormatError as exc:
                    malformed.append({"file": str(path.relative_to(folder)), "line": lineno, "error": str(exc)})
                    continue
                if since is not None and parse_time(record["inference_time"]) < since:
                    continue
                record.update(file=str(path.relative_to(folder)), line=lineno)
                records.append(record)
    return records, malformed
