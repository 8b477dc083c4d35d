"""Checks of the model output alone (no reference): offensive language, and the workshop's response checks."""

from __future__ import annotations

from typing import Any

from fmeval.transforms.transform import Transform
from fmeval.transforms.util import validate_call

from .labels import MODEL_OUTPUT


class OffensiveLanguage(Transform):
    """Probability that the model output is offensive, from ``alt-profanity-check`` (offline; not detoxify)."""

    def __init__(self, model_output_key: str = MODEL_OUTPUT, output_key: str = "offensive_prob") -> None:
        """Adds ``output_key`` (0 to 1) to each record."""
        super().__init__(model_output_key, output_key)
        self.register_input_output_keys([model_output_key], [output_key])
        self.model_output_key, self.output_key = model_output_key, output_key

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record."""
        from profanity_check import predict_prob

        record[self.output_key] = float(predict_prob([record[self.model_output_key] or ""])[0])
        return record


# ------------------------------------------------------------------------------------------ workshop checks
_SUMMARY_CHECKS = ("format_ok", "within_limit", "words")
_CHATBOT_CHECKS = ("polite", "courteous", "tone_score", "words")


class ResponseChecks(Transform):
    """The workshop's own response checks, as 0/1 (or numeric) columns that fmeval aggregates into rates.

    ``summary``: ``format_ok`` (advisor-brief headings, notebook 00), ``within_limit`` (at most ``max_words``),
    ``words``. ``chatbot``: ``polite`` and ``courteous`` (notebook 00), ``tone_score`` (notebook 02's check:
    VADER sentiment, greeting, courteous close, no slang), ``words``.
    """

    def __init__(self, use_case: str, model_output_key: str = MODEL_OUTPUT, max_words: int = 120) -> None:
        """``use_case``: ``summary`` or ``chatbot``."""
        if use_case not in ("summary", "chatbot"):
            raise ValueError(f"use_case must be 'summary' or 'chatbot', got {use_case!r}.")
        super().__init__(use_case, model_output_key, max_words)
        outputs = list(_SUMMARY_CHECKS if use_case == "summary" else _CHATBOT_CHECKS)
        self.register_input_output_keys([model_output_key], outputs)
        self.use_case, self.model_output_key, self.max_words = use_case, model_output_key, max_words

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Check one record."""
        from .. import scoring

        text = record[self.model_output_key] or ""
        words = scoring.word_count(text)
        record["words"] = float(words)
        if self.use_case == "summary":
            record["format_ok"] = float(scoring.brief_format_ok(text))
            record["within_limit"] = float(words <= self.max_words)
        else:
            from ..monitoring_job import checks

            record["polite"] = float(scoring.is_polite(text))
            record["courteous"] = float(scoring.is_courteous(text))
            record["tone_score"] = float(checks.check_answers([text])[0]["tone_score"])
        return record
