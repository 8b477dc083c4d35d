"""The traffic notebook 02 sends: a realistic mix of employees' questions and risky prompts, sent to the endpoint."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pandas as pd

from ..monitoring_job.report import RISKY_KINDS

SYSTEM_PROMPT = (
    "You are Naxt Corp.'s internal assistant for employees. Greet the colleague, answer politely and briefly "
    "from company policy, decline requests for passwords, personal or client data and investment advice, and "
    "close courteously."
)


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


def traffic_mix(normal: int = 8, per_kind: int = 3, seed: int = 2) -> pd.DataFrame:
    """A realistic mix of requests: employees' questions (``chatbot_eval``) and the monitoring prompts of every
    kind (off-topic, rude, prompt injection, data exfiltration, investment advice) from ``data/monitoring``.

    Columns: request_id, source, kind, use_case, question, expect_refusal.
    """
    from .. import datasets

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

    ``adapter`` is a :class:`helpers.payloads.PayloadAdapter` (the container's request and response shape).
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
