"""Small offline scores for the PoC (notebook 00): no model, no network, a few milliseconds per record.

* ROUGE-L F1 (the ``rouge-score`` package, with stemming) against the reference;
* length in words, and for summaries whether it stays within the advisor brief's 120 words;
* format check: the advisor-brief headings ``Situation:``, ``Decisions:``, ``Action items:``, ``Next step:`` in
  that order (``Requests:`` may be dropped, as in the reference summaries);
* a simple politeness check for chatbot answers: not empty, no dismissive or rude phrase, no shouting.

Also the quality bar that later notebooks hold candidate models to (:func:`quality_bar`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from .monitoring_job import naxt_checks
from .monitoring_job.naxt_checks import brief_format_ok, is_polite  # defined once, with Naxt's other checks

__all__ = [
    "BRIEF_HEADINGS",
    "rouge_l",
    "word_count",
    "brief_format_ok",
    "is_polite",
    "is_courteous",
    "score_summaries",
    "score_answers",
    "sample_records",
    "summarize",
    "quality_bar",
    "quality_bar_rule",
    "combined_bar",
]

BRIEF_HEADINGS: tuple[str, ...] = ("Situation", "Requests", "Decisions", "Action items", "Next step")
MAX_SUMMARY_WORDS = 120
_RATE_NAMES = {"polite": "politeness_rate"}  # boolean column -> name of its rate in summaries and the bar


@lru_cache(maxsize=1)
def _scorer() -> Any:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)


def _check_text(value: Any, name: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}.")
    return value


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 of ``prediction`` against ``reference`` (0 to 1; stemmed, case-insensitive)."""
    prediction, reference = _check_text(prediction, "prediction"), _check_text(reference, "reference")
    if not reference.strip():
        raise ValueError("rouge_l() needs a non-empty reference text to score against.")
    return float(_scorer().score(reference, prediction)["rougeL"].fmeasure)


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(_check_text(text, "text").split())


def is_courteous(text: str) -> bool:
    """Whether ``text`` carries an explicit courtesy marker (please, thank you, happy to, sorry, ...): the one
    definition, :func:`helpers.monitoring_job.naxt_checks.is_courteous`, next to Naxt's other checks."""
    return naxt_checks.is_courteous(_check_text(text, "text"))


def _pair(predictions: Sequence[str], references: Sequence[str]) -> tuple[list[str], list[str]]:
    predictions, references = list(predictions), list(references)
    if len(predictions) != len(references):
        raise ValueError(
            f"Got {len(predictions)} predictions and {len(references)} references: pass one reference per prediction."
        )
    if not predictions:
        raise ValueError("Nothing to score: pass at least one prediction and its reference.")
    return predictions, references


def score_summaries(
    predictions: Sequence[str], references: Sequence[str], max_words: int = MAX_SUMMARY_WORDS
) -> pd.DataFrame:
    """One row per summary: ``rougeL``, ``words``, ``within_limit`` (at most ``max_words``), ``format_ok``."""
    predictions, references = _pair(predictions, references)
    return pd.DataFrame(
        {
            "rougeL": [rouge_l(p, r) for p, r in zip(predictions, references, strict=True)],
            "words": [word_count(p) for p in predictions],
            "within_limit": [word_count(p) <= max_words for p in predictions],
            "format_ok": [brief_format_ok(p) for p in predictions],
        }
    )


def score_answers(predictions: Sequence[str], references: Sequence[str]) -> pd.DataFrame:
    """One row per chatbot answer: ``rougeL``, ``words``, ``polite`` and ``courteous`` (has a courtesy marker)."""
    predictions, references = _pair(predictions, references)
    return pd.DataFrame(
        {
            "rougeL": [rouge_l(p, r) for p, r in zip(predictions, references, strict=True)],
            "words": [word_count(p) for p in predictions],
            "polite": [is_polite(p) for p in predictions],
            "courteous": [is_courteous(p) for p in predictions],
        }
    )


def sample_records(df: pd.DataFrame, n: int, by: str) -> pd.DataFrame:
    """``n`` rows in file order with every value of column ``by`` represented: one each first, the rest shared
    in proportion to the groups' sizes. Deterministic, so every run scores the same records."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer (how many records to score), got {n!r}.")
    if by not in df.columns:
        raise ValueError(f"Column {by!r} is not in the DataFrame; use one of: {', '.join(map(str, df.columns))}.")
    if n > len(df):
        raise ValueError(f"Asked for {n} records but the DataFrame has only {len(df)}; lower n.")
    sizes = df[by].value_counts(sort=False)
    groups = list(dict.fromkeys(df[by]))  # order of first appearance
    quota = {g: 0 for g in groups}
    for g in groups[:n]:
        quota[g] = 1
    for _ in range(n - sum(quota.values())):  # give each extra record to the group furthest below its share
        g = max(groups, key=lambda g: (sizes[g] / len(df) * n - quota[g]) if quota[g] < sizes[g] else -math.inf)
        quota[g] += 1
    chosen = [i for g in groups for i in df.index[df[by] == g][: quota[g]]]
    return df.loc[sorted(chosen, key=df.index.get_loc)]


def summarize(scores: pd.DataFrame, by: str = "step") -> pd.DataFrame:
    """Mean of every numeric or boolean column per ``by`` value (booleans become rates), in order of appearance."""
    if by not in scores.columns:
        raise ValueError(f"Column {by!r} is not in the scores; add it (e.g. scores['step'] = ...) before summarize().")
    numeric = [c for c in scores.columns if c != by and pd.api.types.is_numeric_dtype(scores[c])]
    table = scores.groupby(by, sort=False)[numeric].mean()
    rates = {c: _RATE_NAMES.get(c, f"{c}_rate") for c in numeric if pd.api.types.is_bool_dtype(scores[c].dtype)}
    return table.rename(columns=rates)


def quality_bar(measured: dict[str, dict[str, float]], fraction: float = 0.9) -> dict[str, dict[str, float]]:
    """Per-metric thresholds from the PoC model's measured means: the bar a cheaper candidate must clear.

    Rule: a quality metric (``rougeL`` or a ``*_rate``; higher is better) gets ``fraction`` x the PoC model's mean,
    rounded down to 0.01. A fixed requirement (a key starting with ``max_``, e.g. ``max_words``) is copied as is.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1] (e.g. 0.9 = within 10% of the PoC model), got {fraction!r}.")
    bar: dict[str, dict[str, float]] = {}
    for use_case, metrics in measured.items():
        if not metrics:
            raise ValueError(f"No measured metrics for {use_case!r}; score the PoC answers first.")
        bar[use_case] = {}
        for name, value in metrics.items():
            if name == "rougeL" or name.endswith("_rate"):
                if not 0 <= float(value) <= 1:
                    raise ValueError(f"{use_case}.{name} = {value!r} is not a score between 0 and 1.")
                bar[use_case][name] = math.floor(float(value) * fraction * 100 + 1e-9) / 100
            elif name.startswith("max_"):
                bar[use_case][name] = value
            else:
                raise ValueError(
                    f"{use_case}.{name} is neither a quality metric (rougeL, *_rate) nor a fixed limit (max_*): "
                    "leave it out of the bar (report latency separately)."
                )
    return bar


def quality_bar_rule(fraction: float) -> str:
    """The rule :func:`quality_bar` applies, in words (saved next to the bar so later notebooks can quote it)."""
    return (
        f"quality metrics (rougeL, *_rate): {fraction:g} x the PoC model's mean score on the PoC records, rounded "
        "down to 0.01; max_words: fixed by the advisor-brief format."
    )


def combined_bar(
    measured: dict[str, dict[str, float]], requirements: dict[str, dict[str, float]], fraction: float = 0.9
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """The bar that candidates must clear, and where each threshold comes from.

    Each metric's threshold is the stricter of Naxt's absolute requirement (:data:`helpers.checks.REQUIREMENTS`)
    and the PoC-relative one of :func:`quality_bar` (``fraction`` x the PoC model's score): the higher for a
    quality metric or rate, the lower for a ``max_*`` limit. A weak PoC model therefore cannot lower the bar below
    what Naxt requires. Sources: ``Naxt requirement``, ``PoC x 0.9`` or ``both`` (equal).
    """
    relative = quality_bar(measured, fraction)
    bar: dict[str, dict[str, float]] = {}
    sources: dict[str, dict[str, str]] = {}
    poc = f"PoC x {fraction:g}"
    for use_case in [*relative, *(u for u in requirements if u not in relative)]:
        ours, naxt = relative.get(use_case, {}), requirements.get(use_case, {})
        bar[use_case], sources[use_case] = {}, {}
        for name in [*ours, *(n for n in naxt if n not in ours)]:
            options = {poc: ours.get(name), "Naxt requirement": naxt.get(name)}
            given = {k: float(v) for k, v in options.items() if v is not None}
            pick = min if name.startswith("max_") else max
            threshold = pick(given.values())
            chosen = [k for k, v in given.items() if v == threshold]
            bar[use_case][name] = threshold
            sources[use_case][name] = "both" if len(chosen) == 2 else chosen[0]
    return bar, sources
