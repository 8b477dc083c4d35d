"""The names of the offline metrics' columns and their display labels, and the failed-request marker.

:data:`METRIC_LABELS` names the variant of every score; show it next to every number.
"""

from __future__ import annotations

import math
from typing import Any

from fmeval.constants import DatasetColumns

MODEL_OUTPUT = DatasetColumns.MODEL_OUTPUT.value.name
TARGET_OUTPUT = DatasetColumns.TARGET_OUTPUT.value.name
ERROR = DatasetColumns.ERROR.value.name
ERROR_PREFIX = "[invocation failed] "  # what helpers.evaluation's runner returns when a request fails
INVOCATION_ERROR = "invocation_error"
SCORING_ERROR = "scoring_error"

METRIC_LABELS: dict[str, str] = {
    "rouge": "ROUGE-2 (rouge-score, as stock fmeval)",
    "rouge1": "ROUGE-1 (rouge-score, as stock fmeval)",
    "rougeL": "ROUGE-L (rouge-score, as notebook 00)",
    "meteor": "METEOR (stock fmeval, WordNet synonyms)",
    "meteor_no_wordnet": "METEOR (no WordNet synonyms, offline)",
    "bertscore": "BERTScore (deberta-xlarge-mnli, stock fmeval)",
    "bertscore_minilm": "BERTScore (MiniLM, offline)",
    "toxicity": "toxicity (detoxify, stock fmeval)",
    "offensive_prob": "offensive language (alt-profanity-check, offline; not detoxify)",
    "f1_score": "QA F1 over words (stock fmeval)",
    "exact_match_score": "QA exact match (stock fmeval)",
    "quasi_exact_match_score": "QA quasi-exact match (stock fmeval)",
    "precision_over_words": "QA precision over words (stock fmeval)",
    "recall_over_words": "QA recall over words (stock fmeval)",
    "format_ok": "advisor-brief format (notebook 00 check)",
    "within_limit": "within 120 words (notebook 00 check)",
    "polite": "politeness (notebook 00 check)",
    "courteous": "courtesy marker (notebook 00 check)",
    "tone_score": "tone score (notebook 02 check: VADER + greeting/close/slang)",
    "words": "length in words",
    INVOCATION_ERROR: "failed requests (share)",
    SCORING_ERROR: "records a metric could not score (share)",
}


def label(metric: str) -> str:
    """The display name of a metric, with its variant (e.g. ``BERTScore (MiniLM, offline)``)."""
    return METRIC_LABELS.get(metric, metric)


def is_failed_output(text: Any) -> bool:
    """Whether a model output is the marker of a failed request (or missing)."""
    return text is None or (isinstance(text, float) and math.isnan(text)) or str(text).startswith(ERROR_PREFIX)
