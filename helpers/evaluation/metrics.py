"""Which metrics score each use case, in each mode, and how the modes' numbers differ."""

from __future__ import annotations

from .. import offline_metrics as om
from .cluster import bertscore_actor

LOCAL_METRICS = {
    "summary": ["rouge", "rougeL", "meteor_no_wordnet", "bertscore_minilm", "format_ok", "within_limit", "words"],
    "chatbot": [
        *om.QA_ACCURACY_SCORE_NAMES,
        "bertscore_minilm",
        "rougeL",
        "offensive_prob",
        "polite",
        "courteous",
        "tone_score",
        "words",
    ],
}
FAILURE_COLUMNS = [om.INVOCATION_ERROR, om.SCORING_ERROR]


def metric_pipeline(use_case: str, mode: str) -> om.FusedMetrics:
    """The metric transforms that score a use case, fused into one Ray stage.

    local: the offline transforms of :mod:`helpers.offline_metrics`; aws: only the workshop's own checks (and
    ROUGE-L, the bar's metric), which run after fmeval's stock algorithms.
    """
    checks = om.ResponseChecks(use_case)
    rouge_l = om.OfflineRouge("rougeL", "rougeL")
    if mode == "aws":
        extra = [om.OffensiveLanguage()] if use_case == "chatbot" else []
        return om.FusedMetrics([rouge_l, *extra, checks])
    if use_case == "summary":
        return om.FusedMetrics(
            [
                om.OfflineRouge("rouge", "rouge2"),
                rouge_l,
                om.MeteorNoWordNet(),
                om.MiniLMBertScore(bertscore_actor()),
                checks,
            ]
        )
    return om.FusedMetrics(
        [om.QAAccuracyOffline(), om.MiniLMBertScore(bertscore_actor()), rouge_l, om.OffensiveLanguage(), checks]
    )


def metric_variants(mode: str) -> dict[str, str]:
    """Every score name of this mode with its variant label."""
    names = set(LOCAL_METRICS["summary"] + LOCAL_METRICS["chatbot"] + FAILURE_COLUMNS)
    if mode == "aws":
        names = (names - {"meteor_no_wordnet", "bertscore_minilm"}) | {"meteor", "bertscore", "toxicity"}
    return {name: om.label(name) for name in sorted(names)}


def comparability_note(mode: str) -> str:
    """Why this run's numbers cannot be compared with a run in the other mode."""
    if mode == "aws":
        return (
            "Scores come from the real models and fmeval's stock metrics (BERTScore with deberta-xlarge-mnli, METEOR "
            "with WordNet, detoxify). Local-mode runs use stand-in models and offline metric variants: do not compare "
            "numbers across modes."
        )
    return (
        "Local mode: answers come from local stand-ins (named in 'answered by'), never from the models they stand "
        "in for, and three metrics are offline variants (BERTScore with MiniLM instead of deberta-xlarge-mnli, "
        "METEOR without WordNet synonyms, alt-profanity-check instead of detoxify). ROUGE and the QA word scores "
        "use the stock formulas, but on a stand-in's outputs. None of these numbers is comparable with an aws-mode "
        "run; throughput is this machine's CPU, costed on the AWS instance each candidate would need."
    )
