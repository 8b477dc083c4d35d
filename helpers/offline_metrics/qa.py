"""fmeval's QA accuracy scores (F1, precision and recall over words, exact and quasi-exact match), offline."""

from __future__ import annotations

import string
from typing import Any

from fmeval.transforms.transform import Transform
from fmeval.transforms.util import validate_call

from .labels import MODEL_OUTPUT, TARGET_OUTPUT

QA_ACCURACY_SCORE_NAMES = [
    "f1_score",
    "exact_match_score",
    "quasi_exact_match_score",
    "precision_over_words",
    "recall_over_words",
]
_PUNCTUATION = set(string.punctuation)
_ARTICLES = ("a", "an", "the")


def normalize_quac(text: str) -> str:
    """fmeval's ``normalize_text_quac_protocol``: lower case, no punctuation, no articles, single spaces."""
    text = "".join(c for c in text.lower() if c not in _PUNCTUATION)
    return " ".join(w for w in text.split(" ") if w and w not in _ARTICLES)


def qa_scores(model_output: str, target_output: str) -> dict[str, float]:
    """fmeval's five QA accuracy scores of one answer against one reference (same formulas as ``qa_accuracy``)."""
    from nltk.metrics.scores import f_measure, precision, recall

    model_words = set(normalize_quac(model_output.strip()).split())
    target_words = set(normalize_quac(target_output.strip()).split())
    return {
        "f1_score": float(f_measure(target_words, model_words) or 0.0),
        "exact_match_score": float(model_output.strip() == target_output.strip()),
        "quasi_exact_match_score": float(normalize_quac(model_output.strip()) == normalize_quac(target_output.strip())),
        "precision_over_words": float(precision(target_words, model_words) or 0.0),
        "recall_over_words": float(recall(target_words, model_words) or 0.0),
    }


class QAAccuracyOffline(Transform):
    """fmeval's QA accuracy scores (``QAAccuracyScores``): each the best over the references joined by ``<OR>``."""

    def __init__(
        self,
        target_output_key: str = TARGET_OUTPUT,
        model_output_key: str = MODEL_OUTPUT,
        delimiter: str = "<OR>",
    ) -> None:
        """Adds f1_score, exact_match_score, quasi_exact_match_score, precision_over_words, recall_over_words."""
        super().__init__(target_output_key, model_output_key, delimiter)
        self.register_input_output_keys([target_output_key, model_output_key], list(QA_ACCURACY_SCORE_NAMES))
        self.target_output_key, self.model_output_key, self.delimiter = target_output_key, model_output_key, delimiter

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record."""
        output = str(record[self.model_output_key])
        per_target = [qa_scores(output, t) for t in str(record[self.target_output_key]).split(self.delimiter)]
        for name in QA_ACCURACY_SCORE_NAMES:
            record[name] = max(scores[name] for scores in per_target)
        return record
