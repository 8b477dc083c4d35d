"""The checks on captured answers: the processing job's own code (:mod:`helpers.monitoring_job.checks`) on a
DataFrame, and fmeval's Toxicity where the network allows."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..monitoring_job import checks as core
from ..monitoring_job import report


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
    """The run's metrics (see :func:`helpers.monitoring_job.report.summarize`)."""
    rows = checked.to_dict("records")
    if "kind" in checked:
        for row in rows:
            row["kind"] = row["kind"] if row["kind"] != "other" else None
    return report.summarize(rows, malformed)


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
