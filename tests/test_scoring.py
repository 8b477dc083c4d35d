"""Offline PoC scores and the quality bar (helpers/scoring.py)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import datasets, scoring

BRIEF = (
    "Situation: Wants to move the $14 million portfolio to 55% equities. Requests: Reduce equities. "
    "Decisions: Move the target to 55%. Action items: Daniel Oyelaran — send the questionnaire by January 12. "
    "Next step: meeting on January 24 to approve the allocation."
)


def test_rouge_l_on_small_strings():
    assert scoring.rouge_l("the cat sat on the mat", "the cat sat on the mat") == pytest.approx(1.0)
    # LCS "the cat the mat" = 4 of 6 words on both sides: P = R = F1 = 2/3
    assert scoring.rouge_l("the cat ate the mat", "the cat sat on the mat") == pytest.approx(
        2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6)
    )
    assert scoring.rouge_l("completely different words", "the cat sat on the mat") == 0.0
    assert scoring.rouge_l("Orders ordered", "order") == pytest.approx(2 * 0.5 * 1 / 1.5)  # stemmed
    assert scoring.rouge_l("", "reference") == 0.0


def test_rouge_l_needs_a_reference():
    with pytest.raises(ValueError, match="non-empty reference"):
        scoring.rouge_l("answer", " ")
    with pytest.raises(TypeError, match="must be a string"):
        scoring.rouge_l(42, "reference")


def test_brief_format_check():
    assert scoring.brief_format_ok(BRIEF)
    assert scoring.brief_format_ok(BRIEF.replace("Requests: Reduce equities. ", ""))  # Requests is optional
    assert scoring.brief_format_ok("**Situation:** a. **Decisions:** b. **Action items:** c. **Next step:** d.")
    assert not scoring.brief_format_ok(BRIEF.replace("Next step:", "Then"))
    assert not scoring.brief_format_ok("Next step: x. Situation: a. Decisions: b. Action items: c.")  # order matters
    assert not scoring.brief_format_ok("The client wants to rebalance.")


def test_every_reference_summary_passes_the_format_and_length_checks():
    df = datasets.load("conversations_eval")
    scores = scoring.score_summaries(df.reference_summary, df.reference_summary)
    assert scores.format_ok.all() and scores.within_limit.all()
    assert scores.rougeL.eq(1.0).all() and scores.words.max() <= 120


def test_politeness_check_on_reference_and_rude_answers():
    references = datasets.load("chatbot_eval").reference_answer
    assert all(scoring.is_polite(a) for a in references)
    sys.path.insert(0, str(Path(datasets.DATA_DIR)))
    try:
        rude = importlib.import_module("naxtgen.extras").RUDE
    finally:
        sys.path.remove(str(Path(datasets.DATA_DIR)))
    assert rude and not any(scoring.is_polite(a) for a in rude)
    assert not scoring.is_polite("")
    assert not scoring.is_polite("Open NaxtHelp!! NOW!!")
    assert not scoring.is_polite("READ THE POLICY first.")
    assert scoring.is_polite("Please open NaxtHelp and choose Hardware; the VPN team will help.")


def test_courtesy_marker():
    assert scoring.is_courteous("Please open NaxtHelp.") and scoring.is_courteous("I'm sorry, no policy covers it.")
    assert not scoring.is_courteous("Open NaxtHelp.")


def test_score_frames_have_one_row_per_answer():
    summaries = scoring.score_summaries([BRIEF, "short"], [BRIEF, BRIEF], max_words=10)
    assert list(summaries.columns) == ["rougeL", "words", "within_limit", "format_ok"]
    assert list(summaries.format_ok) == [True, False] and list(summaries.within_limit) == [False, True]
    answers = scoring.score_answers(["Please open NaxtHelp.", "Google it."], ["Open NaxtHelp.", "Open NaxtHelp."])
    assert list(answers.columns) == ["rougeL", "words", "polite", "courteous"]
    assert list(answers.polite) == [True, False] and answers.rougeL[0] > answers.rougeL[1]
    with pytest.raises(ValueError, match="one reference per prediction"):
        scoring.score_answers(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="Nothing to score"):
        scoring.score_answers([], [])


def test_summarize_means_per_step_and_names_rates():
    scores = pd.DataFrame(
        {
            "step": ["a", "a", "b", "b"],
            "rougeL": [0.2, 0.4, 0.5, 0.7],
            "polite": [True, False, True, True],
            "format_ok": [False, False, True, False],
            "answer": ["x", "y", "z", "w"],
        }
    )
    table = scoring.summarize(scores)
    assert list(table.index) == ["a", "b"] and list(table.columns) == ["rougeL", "politeness_rate", "format_ok_rate"]
    assert table.loc["a", "rougeL"] == pytest.approx(0.3) and table.loc["b", "politeness_rate"] == 1.0
    assert table.loc["b", "format_ok_rate"] == 0.5
    with pytest.raises(ValueError, match="add it"):
        scoring.summarize(scores, by="use_case")


def test_sample_records_covers_every_group_deterministically():
    df = datasets.load("chatbot_eval")
    sample = scoring.sample_records(df, 5, "category")
    assert sample.category.value_counts().to_dict() == {"single_doc": 3, "multi_doc": 1, "not_covered": 1}
    assert list(sample.id) == ["qa-006", "qa-008", "qa-010", "qa-111", "qa-129"]
    assert sample.equals(scoring.sample_records(df, 5, "category"))
    conversations = scoring.sample_records(datasets.load("conversations_eval"), 3, "channel")
    assert set(conversations.channel) == {"call", "meeting", "email"}
    with pytest.raises(ValueError, match="lower n"):
        scoring.sample_records(df, 500, "category")
    with pytest.raises(ValueError, match="use one of"):
        scoring.sample_records(df, 2, "topic")


def test_quality_bar_rule():
    measured = {
        "summary": {"rougeL": 0.347, "format_ok_rate": 2 / 3, "max_words": 120},
        "chatbot": {"rougeL": 0.30, "politeness_rate": 1.0},
    }
    bar = scoring.quality_bar(measured, fraction=0.9)
    assert bar == {
        "summary": {"rougeL": 0.31, "format_ok_rate": 0.6, "max_words": 120},
        "chatbot": {"rougeL": 0.27, "politeness_rate": 0.9},
    }
    assert scoring.quality_bar({"chatbot": {"rougeL": 0.3}}, fraction=1.0) == {"chatbot": {"rougeL": 0.3}}
    assert "0.9 x the PoC model's mean" in scoring.quality_bar_rule(0.9)
    with pytest.raises(ValueError, match="fraction must be in"):
        scoring.quality_bar(measured, fraction=1.5)
    with pytest.raises(ValueError, match="score the PoC answers first"):
        scoring.quality_bar({"summary": {}})
    with pytest.raises(ValueError, match="report latency separately"):
        scoring.quality_bar({"summary": {"rougeL": 0.3, "latency_s": 1.2}})
    with pytest.raises(ValueError, match="between 0 and 1"):
        scoring.quality_bar({"summary": {"rougeL": 31.0}})
