"""A thin wrapper over Amazon Bedrock's ``Converse`` API (boto3 ``bedrock-runtime``).

The same call works in both modes: on AWS a Bedrock model answers; in local mode the local SageMaker answers it
with a small local model and says so in ``additionalModelResponseFields.local_engine``. :func:`converse` returns
who answered, so a notebook never presents a stand-in's answer as the real model's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["BedrockCallError", "converse", "converse_raw", "converse_many", "answered_by", "run_step"]


class BedrockCallError(RuntimeError):
    """A Converse call failed; the message says what to do."""


_ADVICE = {
    "AccessDeniedException": (
        "Your role may not call this model. In the Bedrock console, open 'Model access' in this region and request "
        "access to the model; make sure the role allows bedrock:InvokeModel."
    ),
    "ResourceNotFoundException": "Check MODEL_ID: use a model id listed in the Bedrock console for this region.",
    "ValidationException": (
        "Check MODEL_ID and the request: some models need an inference profile id (e.g. 'us.' + model id) "
        "or do not accept a system prompt."
    ),
    "ThrottlingException": "You are sending requests too fast for your quota: wait a minute, or use fewer records.",
}


def answered_by(response: dict[str, Any], model_id: str) -> str:
    """Who produced a Converse response: the local engine's label in local mode, else ``model_id``."""
    return (response.get("additionalModelResponseFields") or {}).get("local_engine") or model_id


def _check(model_id: str, user: str, max_tokens: int, temperature: float) -> None:
    if not isinstance(model_id, str) or not model_id.strip():
        raise ValueError("model_id must be a Bedrock model id, e.g. 'anthropic.claude-3-haiku-20240307-v1:0'.")
    if not isinstance(user, str) or not user.strip():
        raise ValueError("The user message is empty: pass the rendered prompt (prompts.render(template, input)).")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive integer (e.g. 150), got {max_tokens!r}.")
    if not 0.0 <= float(temperature) <= 1.0:
        raise ValueError(f"temperature must be between 0 and 1 (0 = most repeatable), got {temperature!r}.")


def converse_raw(
    client: Any, model_id: str, system: str | None, user: str, max_tokens: int = 150, temperature: float = 0.0
) -> tuple[dict[str, Any], float]:
    """Call ``Converse`` with one user message (and an optional system prompt); returns (response, latency_s)."""
    _check(model_id, user, max_tokens, temperature)
    request: dict[str, Any] = {
        "modelId": model_id,
        "messages": [{"role": "user", "content": [{"text": user}]}],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": float(temperature)},
    }
    if system:
        request["system"] = [{"text": system}]
    start = time.perf_counter()
    try:
        response = client.converse(**request)
    except Exception as exc:  # botocore ClientError and friends: say what to do
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code", "")
        if not code:
            raise
        advice = _ADVICE.get(code, "See the error message above.")
        raise BedrockCallError(f"Bedrock Converse with model {model_id!r} failed ({code}: {exc}). {advice}") from exc
    return response, time.perf_counter() - start


def converse(
    client: Any, model_id: str, system: str | None, user: str, max_tokens: int = 150, temperature: float = 0.0
) -> tuple[str, float, str]:
    """One Converse call: returns (answer text, latency in seconds, who answered)."""
    response, latency = converse_raw(client, model_id, system, user, max_tokens, temperature)
    blocks = response.get("output", {}).get("message", {}).get("content", [])
    text = "".join(block.get("text", "") for block in blocks).strip()
    return text, latency, answered_by(response, model_id)


def converse_many(
    client: Any,
    model_id: str,
    prompts: Sequence[str],
    max_tokens: int = 150,
    temperature: float = 0.0,
    system: str | None = None,
) -> pd.DataFrame:
    """Send each prompt in turn; one row per prompt: ``answer``, ``latency_s``, ``input_tokens``,
    ``output_tokens``, ``stop_reason``, ``answered_by``."""
    rows = []
    for prompt in prompts:
        response, latency = converse_raw(client, model_id, system, prompt, max_tokens, temperature)
        blocks = response.get("output", {}).get("message", {}).get("content", [])
        usage = response.get("usage", {})
        rows.append(
            {
                "answer": "".join(block.get("text", "") for block in blocks).strip(),
                "latency_s": round(latency, 3),
                "input_tokens": usage.get("inputTokens"),
                "output_tokens": usage.get("outputTokens"),
                "stop_reason": response.get("stopReason"),
                "answered_by": answered_by(response, model_id),
            }
        )
    return pd.DataFrame(rows)


_REFERENCE = {"summary": ("transcript", "reference_summary"), "chatbot": ("question", "reference_answer")}


def run_step(
    client: Any,
    model_id: str,
    use_case: str,
    step: str,
    records: pd.DataFrame,
    max_tokens: int,
    k: int = 3,
    temperature: float = 0.0,
) -> pd.DataFrame:
    """One PoC iteration: build each record's prompt with the step's template, call Converse, score the answer.

    ``records`` are conversations (``transcript``, ``reference_summary``) for ``summary`` or chatbot pairs
    (``question``, ``reference_answer``) for ``chatbot``; ``k`` passages are retrieved where the step uses them.
    Returns one row per record: ``id``, ``use_case``, ``step``, the :func:`converse_many` columns and the scores.
    """
    from . import checks, prompts, scoring

    if use_case not in _REFERENCE:
        raise ValueError(f"Unknown use case {use_case!r}; use one of: {', '.join(_REFERENCE)}.")
    source, reference = _REFERENCE[use_case]
    missing = [c for c in ("id", source, reference) if c not in records.columns]
    if missing:
        raise ValueError(
            f"records lack column(s) {', '.join(missing)}: pass datasets.load("
            f"{'conversations_eval' if use_case == 'summary' else 'chatbot_eval'}) rows."
        )
    inputs = prompts.model_inputs(use_case, step, list(records[source]), k)
    built = [prompts.render(prompts.template(use_case, step), text) for text in inputs]
    answers = converse_many(client, model_id, built, max_tokens, temperature)
    score = scoring.score_summaries if use_case == "summary" else scoring.score_answers
    scores = score(list(answers["answer"]), list(records[reference]))
    categories = list(records["category"]) if "category" in records else ["covered"] * len(records)
    naxt = checks.score_checks(use_case, list(answers["answer"]), inputs, prompts.template(use_case, step), categories)
    scores = scores.join(naxt[[c for c in naxt.columns if c not in scores.columns]])
    head = pd.DataFrame({"id": list(records["id"]), "use_case": use_case, "step": step})
    return pd.concat([head, answers, scores], axis=1)
