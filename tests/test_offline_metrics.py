"""The offline metric transforms of notebook 03: known values on small strings, stock equivalence, failures."""

from __future__ import annotations

import pickle

import pytest

from helpers import offline_metrics as om

REF = "the cat sat on the mat"
HYP = "the cat sat on a mat"


def score(transform, model_output: str, target_output: str) -> dict:
    return transform({"model_output": model_output, "target_output": target_output})


def test_rouge2_and_rougel_known_values() -> None:
    # bigrams: 3 of 5 shared -> P = R = F = 0.6; LCS: 5 of 6 words -> F = 5/6
    assert score(om.OfflineRouge(), HYP, REF)["rouge"] == pytest.approx(0.6)
    assert score(om.OfflineRouge("rougeL", "rougeL"), HYP, REF)["rougeL"] == pytest.approx(5 / 6)
    assert score(om.OfflineRouge("rouge1", "rouge1"), "dogs bark", REF)["rouge1"] == 0.0


def test_rouge_uses_the_stemmer_like_stock_fmeval() -> None:
    assert score(om.OfflineRouge("r1", "rouge1"), "cats sitting", "cat sits")["r1"] == pytest.approx(1.0)
    no_stem = om.OfflineRouge("r1", "rouge1", use_stemmer=False)
    assert score(no_stem, "cats sitting", "cat sits")["r1"] == 0.0


def test_rouge_takes_the_best_reference() -> None:
    record = score(om.OfflineRouge("rougeL", "rougeL"), "order a laptop", "book a room<OR>order a laptop")
    assert record["rougeL"] == pytest.approx(1.0)


def test_rouge_rejects_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="rouge_type"):
        om.OfflineRouge("x", "rouge9")


def test_meteor_without_wordnet_known_values() -> None:
    meteor = om.MeteorNoWordNet()
    assert score(meteor, REF, REF)["meteor_no_wordnet"] == pytest.approx(0.9976851851851852)
    assert score(meteor, "on the mat sat the cat", REF)["meteor_no_wordnet"] == pytest.approx(0.5)
    assert score(meteor, "dogs bark loudly", REF)["meteor_no_wordnet"] == 0.0


def test_meteor_gives_no_credit_for_synonyms() -> None:
    meteor = om.MeteorNoWordNet()
    synonym = score(meteor, "the automobile is fast", "the car is fast")["meteor_no_wordnet"]
    nonsense = score(meteor, "the xyzzy is fast", "the car is fast")["meteor_no_wordnet"]
    assert synonym == pytest.approx(nonsense)
    assert 0.5 < synonym < 0.9


def test_qa_scores_known_values_and_match_stock_fmeval() -> None:
    scores = om.qa_scores("You can order a laptop in NaxtBuy.", "Order a laptop in NaxtBuy.")
    # normalised words: reference {order, laptop, in, naxtbuy}, answer adds {you, can}: P = 4/6, R = 1
    assert scores["precision_over_words"] == pytest.approx(4 / 6)
    assert scores["recall_over_words"] == pytest.approx(1.0)
    assert scores["f1_score"] == pytest.approx(0.8)
    assert scores["exact_match_score"] == 0.0 and scores["quasi_exact_match_score"] == 0.0
    assert om.qa_scores(" The answer. ", "answer")["quasi_exact_match_score"] == 1.0

    stock = om.import_stock_metrics().qa_accuracy.QA_ACCURACY_SCORES_TO_FUNCS
    pairs = [
        ("You can order a laptop in NaxtBuy.", "Order a laptop in NaxtBuy."),
        ("The VPN needs MFA, then log in.", "Log in to the VPN with MFA!"),
        ("", "Nothing here"),
        ("Same text", "Same text"),
    ]
    for output, target in pairs:
        ours = om.qa_scores(output, target)
        for name, fn in stock.items():
            assert ours[name] == pytest.approx(fn(output, target)), (name, output, target)


def test_qa_transform_takes_the_best_reference() -> None:
    record = score(om.QAAccuracyOffline(), "Use NaxtHelp.", "Call ext. 4357.<OR>Use NaxtHelp.")
    assert record["exact_match_score"] == 1.0 and record["f1_score"] == 1.0


def test_stock_modules_import_offline_without_importing_evaluate() -> None:
    import sys

    modules = om.import_stock_metrics()
    assert hasattr(modules.summarization_metrics, "MeteorScore")
    assert not isinstance(sys.modules.get("evaluate"), om._EvaluatePlaceholder)


def test_offensive_language_separates_insults_from_polite_text() -> None:
    offensive = om.OffensiveLanguage()
    rude = score(offensive, "You are a stupid idiot, shut up.", "x")["offensive_prob"]
    polite = score(offensive, "Thank you for asking: please use NaxtBuy to order a laptop.", "x")["offensive_prob"]
    assert rude > 0.5 > polite


def test_response_checks_summary_and_chatbot() -> None:
    brief = (
        "Situation: Ana reviews her plan. Decisions: rebalance. Action items: Ana Ruiz — send forms by "
        "March 3. Next step: call on March 10 to review."
    )
    summary = score(om.ResponseChecks("summary"), brief, "x")
    assert summary == {**summary, "format_ok": 1.0, "within_limit": 1.0, "words": 25.0}
    assert score(om.ResponseChecks("summary", max_words=10), brief, "x")["within_limit"] == 0.0
    chatbot = score(om.ResponseChecks("chatbot"), "Hello! Please order it in NaxtBuy. Happy to help.", "x")
    assert chatbot["polite"] == 1.0 and chatbot["courteous"] == 1.0 and chatbot["tone_score"] > 0.8
    assert score(om.ResponseChecks("chatbot"), "Google it, idiot.", "x")["polite"] == 0.0
    with pytest.raises(ValueError, match="use_case"):
        om.ResponseChecks("email")


def test_bertscore_minilm_orders_similarity() -> None:
    helper = om.MiniLMBertScoreHelper()
    bert = om.MiniLMBertScore(helper)
    same = score(bert, REF, REF)["bertscore_minilm"]
    paraphrase = score(bert, "A cat was sitting on the mat.", REF)["bertscore_minilm"]
    unrelated = score(bert, "Quarterly revenue rose sharply.", REF)["bertscore_minilm"]
    assert same == pytest.approx(1.0, abs=1e-4)
    assert unrelated < paraphrase < same
    assert score(bert, "", REF)["bertscore_minilm"] == 0.0
    assert pickle.loads(pickle.dumps(helper))._num_layers == 6
    with pytest.raises(ValueError, match="bertscore_model"):
        om.MiniLMBertScore()


def test_fused_metrics_scores_records_and_counts_failures() -> None:
    fused = om.FusedMetrics([om.OfflineRouge(), om.QAAccuracyOffline()])
    assert fused.metric_keys == ["rouge", *om.QA_ACCURACY_SCORE_NAMES]
    ok = fused({"model_output": HYP, "target_output": REF})
    assert ok["rouge"] == pytest.approx(0.6) and ok["invocation_error"] == 0.0 and ok["error"] is None

    failed = fused({"model_output": om.ERROR_PREFIX + "ModelError: 424", "target_output": REF})
    assert failed["invocation_error"] == 1.0 and failed["error"] == "ModelError: 424"
    assert failed["rouge"] == 0.0 and failed["f1_score"] == 0.0 and failed["model_output"] == ""
    assert om.is_failed_output(None) and not om.is_failed_output("fine")


def test_fused_metrics_keeps_going_when_one_metric_fails() -> None:
    class Broken(om.ReferenceMetric):
        def compute_metric(self, target_output: str, model_output: str) -> float:
            raise RuntimeError("boom")

    fused = om.FusedMetrics([Broken("broken"), om.OfflineRouge()])
    record = fused({"model_output": HYP, "target_output": REF})
    assert record["broken"] == 0.0 and record["scoring_error"] == 1.0
    assert record["rouge"] == pytest.approx(0.6)
    assert "RuntimeError: boom" in record["error"]
    with pytest.raises(ValueError, match="same output key"):
        om.FusedMetrics([om.OfflineRouge(), om.OfflineRouge()])


def test_transforms_rebuild_from_their_arguments_as_ray_does() -> None:
    for transform in (om.OfflineRouge("rougeL", "rougeL"), om.MeteorNoWordNet(), om.QAAccuracyOffline()):
        rebuilt = type(transform)(*transform.args, **transform.kwargs)
        assert rebuilt(dict(model_output=HYP, target_output=REF)) == transform(
            dict(model_output=HYP, target_output=REF)
        )
    fused = om.FusedMetrics([om.OfflineRouge()])
    rebuilt = pickle.loads(pickle.dumps(type(fused)(*fused.args, **fused.kwargs)))
    assert rebuilt({"model_output": HYP, "target_output": REF})["rouge"] == pytest.approx(0.6)


def test_every_metric_has_a_variant_label() -> None:
    assert om.label("bertscore_minilm") == "BERTScore (MiniLM, offline)"
    assert "no WordNet" in om.label("meteor_no_wordnet")
    assert "not detoxify" in om.label("offensive_prob")
    assert om.label("unknown_metric") == "unknown_metric"
