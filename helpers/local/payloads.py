"""Request and response shapes of the serving containers that local engines speak.

Two shapes cover JumpStart text models:

* TGI / LMI: ``{"inputs": str, "parameters": {...}}`` answered by ``[{"generated_text": ...}]`` (TGI)
  or ``{"generated_text": ...}`` (LMI).
* Messages API: ``{"messages": [...], "max_tokens": ...}`` answered by an OpenAI-style chat completion.

A body the real container would reject raises :class:`PayloadError` with a message as clear as the
container's own.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

MAX_NEW_TOKENS_LIMIT = 2048


class PayloadError(ValueError):
    """The request body is one the serving container would reject (HTTP 4xx inside the container)."""


@dataclass
class GenerationRequest:
    """One generation request, whatever shape it arrived in."""

    messages: list[dict[str, str]] | None = None
    prompt: str | None = None
    max_new_tokens: int = 128
    temperature: float = 0.0
    top_p: float = 1.0
    stop: list[str] = field(default_factory=list)
    stream: bool = False
    shape: str = "tgi"  # "tgi" or "messages"
    adapter: str | None = None  # folder of a LoRA adapter to serve the request with (from the endpoint's model)


@dataclass
class GenerationResult:
    """What an engine produced."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str = "stop"  # "stop" or "length"


_CHAT_PATTERNS = [
    # Llama 3
    re.compile(r"<\|start_header_id\|>(system|user|assistant)<\|end_header_id\|>\s*(.*?)(?:<\|eot_id\|>|$)", re.S),
    # ChatML (SmolLM2, Qwen)
    re.compile(r"<\|im_start\|>(system|user|assistant)\s*(.*?)(?:<\|im_end\|>|$)", re.S),
    # Gemma
    re.compile(r"<start_of_turn>(user|model)\s*(.*?)(?:<end_of_turn>|$)", re.S),
    # Zephyr, Phi-3
    re.compile(r"<\|(system|user|assistant)\|>\s*(.*?)(?:</s>|<\|end\|>|(?=<\|(?:system|user|assistant)\|>)|$)", re.S),
]
_INST = re.compile(r"\[INST\]\s*(?:<<SYS>>\s*(.*?)\s*<</SYS>>\s*)?(.*?)\s*\[/INST\]\s*([^\[]*)", re.S)


def parse_chat_markup(text: str) -> list[dict[str, str]] | None:
    """Turn a prompt written in a known chat template (Llama 2/3, Mistral, Gemma, ChatML, Zephyr, Phi-3) into messages.

    Returns None when the text carries no chat markup, i.e. it is a plain completion prompt.
    """
    for pattern in _CHAT_PATTERNS:
        turns = pattern.findall(text)
        if turns:
            messages = []
            for role, content in turns:
                role = "assistant" if role == "model" else role
                content = content.strip()
                if role == "assistant" and not content:
                    continue  # the open generation slot
                messages.append({"role": role, "content": content})
            return messages or None
    turns = _INST.findall(text)
    if turns:
        messages = []
        for system, user, answer in turns:
            if system:
                messages.append({"role": "system", "content": system.strip()})
            messages.append({"role": "user", "content": user.strip()})
            if answer.strip().replace("</s>", ""):
                messages.append({"role": "assistant", "content": answer.replace("</s>", "").strip()})
        return messages
    return None


def _number(params: dict[str, Any], key: str, default: float, low: float, high: float, kind: type) -> Any:
    value = params.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PayloadError(f"Input validation error: `{key}` must be a number, got {value!r}")
    if kind is int and int(value) != value:
        raise PayloadError(f"Input validation error: `{key}` must be an integer, got {value!r}")
    if not low <= value <= high:
        raise PayloadError(f"Input validation error: `{key}` must be between {low} and {high}, got {value!r}")
    return kind(value)


def _stops(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(s, str) for s in value):
        return value
    raise PayloadError(f"Input validation error: `stop` must be a string or a list of strings, got {value!r}")


def parse_request(body: bytes, content_type: str | None = "application/json") -> GenerationRequest:
    """Parse an InvokeEndpoint body in the TGI or Messages API shape into a :class:`GenerationRequest`."""
    if content_type and "json" not in content_type:
        raise PayloadError(f"Unsupported content type '{content_type}': this container accepts application/json only.")
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"Failed to deserialize the JSON body into the target type: {exc}") from None
    if not isinstance(data, dict):
        raise PayloadError("Failed to deserialize the JSON body: expected a JSON object.")
    if "messages" in data:
        return _parse_messages(data)
    if "inputs" in data:
        return _parse_tgi(data)
    raise PayloadError(
        "Failed to deserialize the JSON body: missing field `inputs` (TGI shape "
        '{"inputs": "...", "parameters": {...}}) or `messages` (Messages API shape).'
    )


def _parse_tgi(data: dict[str, Any]) -> GenerationRequest:
    inputs = data["inputs"]
    if not isinstance(inputs, str) or not inputs.strip():
        raise PayloadError("Input validation error: `inputs` must be a non-empty string")
    params = data.get("parameters") or {}
    if not isinstance(params, dict):
        raise PayloadError("Input validation error: `parameters` must be a JSON object")
    request = GenerationRequest(
        prompt=inputs,
        max_new_tokens=_number(params, "max_new_tokens", 128, 1, MAX_NEW_TOKENS_LIMIT, int),
        temperature=_number(params, "temperature", 0.0, 0.0, 100.0, float),
        top_p=_number(params, "top_p", 1.0, 0.0, 1.0, float),
        stop=_stops(params.get("stop")),
        stream=bool(data.get("stream", False)),
        shape="tgi",
    )
    if params.get("do_sample") is False:
        request.temperature = 0.0
    return request


def _parse_messages(data: dict[str, Any]) -> GenerationRequest:
    messages = data["messages"]
    if not isinstance(messages, list) or not messages:
        raise PayloadError("Input validation error: `messages` must be a non-empty list")
    clean = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in {"system", "user", "assistant"}:
            raise PayloadError(f"Input validation error: messages[{i}] needs a `role` of system, user or assistant")
        content = message.get("content")
        if isinstance(content, list):  # OpenAI content parts
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        if not isinstance(content, str):
            raise PayloadError(f"Input validation error: messages[{i}].content must be a string")
        clean.append({"role": message["role"], "content": content})
    max_tokens = data.get("max_tokens", data.get("max_new_tokens", 128))
    return GenerationRequest(
        messages=clean,
        max_new_tokens=_number({"max_tokens": max_tokens}, "max_tokens", 128, 1, MAX_NEW_TOKENS_LIMIT, int),
        temperature=_number(data, "temperature", 0.0, 0.0, 2.0, float),
        top_p=_number(data, "top_p", 1.0, 0.0, 1.0, float),
        stop=_stops(data.get("stop")),
        stream=bool(data.get("stream", False)),
        shape="messages",
    )


def format_response(request: GenerationRequest, result: GenerationResult, shape: str, engine_label: str) -> dict | list:
    """Build the container's JSON answer; ``shape`` is the container's (``tgi`` list or ``lmi`` dict).

    Every answer names the local engine in a ``local_engine`` field, so a stand-in is never mistaken for the
    model it stands in for.
    """
    if request.shape == "messages":
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": engine_label,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": result.text},
                    "finish_reason": result.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": result.prompt_tokens,
                "completion_tokens": result.completion_tokens,
                "total_tokens": result.prompt_tokens + result.completion_tokens,
            },
            "local_engine": engine_label,
        }
    answer = {"generated_text": result.text, "local_engine": engine_label}
    return answer if shape == "lmi" else [answer]


def format_stream_chunk(request: GenerationRequest, text: str, index: int, final: str | None = None) -> bytes:
    """One streamed chunk in the container's streaming format (TGI server-sent events or chat deltas)."""
    if request.shape == "messages":
        chunk = {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
        }
    else:
        chunk = {
            "token": {"id": index, "text": text, "logprob": 0.0, "special": False},
            "generated_text": final,
            "details": None,
        }
    return f"data:{json.dumps(chunk)}\n\n".encode()


def parse_summarization_request(body: bytes, content_type: str | None) -> GenerationRequest:
    """The Hugging Face summarization container's request: raw text (``application/x-text``) or JSON inputs."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("The request body must be UTF-8 text.") from None
    if content_type and "json" in content_type:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PayloadError(f"Failed to deserialize the JSON body: {exc}") from None
        text = data.get("inputs") if isinstance(data, dict) else data
    if not isinstance(text, str) or not text.strip():
        raise PayloadError("The request must contain the text to summarize (Content-Type application/x-text).")
    return GenerationRequest(prompt=text, max_new_tokens=100, shape="hf-summarization")
