"""Naxt's requirement checks: each fails a deliberately bad answer and passes the references; the combined bar."""

from __future__ import annotations

import pytest

from helpers import checks, datasets, prompts, scoring
from helpers.retrieval import retrieve


@pytest.mark.parametrize("check", list(checks.BAD_EXAMPLES))
def test_each_check_fails_its_bad_example(check):
    assert checks.run_example(check) is False
    assert check in checks.CHECKS  # and it is described, one line, for the notebooks


def test_every_reference_brief_passes_the_summary_checks():
    for split in ("conversations_eval", "conversations_train"):
        for row in datasets.load(split).itertuples():
            assert checks.check_summary(row.reference_summary, row.transcript) == {
                "format_ok": True,
                "faithful": True,
                "within_limit": True,
            }, row.id


def test_reference_answers_pass_the_chatbot_checks_at_the_required_rates():
    """The references, given the passages retrieval finds, clear every chatbot requirement: the bar is reachable."""
    records = datasets.load("chatbot_eval")
    template = prompts.template("chatbot", "retrieval_tone")
    inputs = [prompts.chatbot_input(q, retrieve(q, 3)) for q in records.question]
    table = checks.score_checks("chatbot", list(records.reference_answer), inputs, template, list(records.category))
    rates = {"politeness_rate" if c == "polite" else f"{c}_rate": float(table[c].mean()) for c in table}
    for name, required in checks.REQUIREMENTS["chatbot"].items():
        assert rates[name] >= required, (name, rates[name])
    uncovered = (records.category == "not_covered").sum()
    assert table["grounded"].isna().sum() == uncovered and table["declines_uncovered"].notna().sum() == uncovered


def test_facts_are_normalised_and_compared_exactly():
    assert checks.facts("Move $2.4 million (30%) by March 15th; 12 percent later, USD 1,500.") == {
        "$2.4million",
        "30%",
        "march15",
        "12%",
        "$1500",
    }
    assert checks.faithful("Sell 30% by March 15.", "We sell 30 % of it by March 15, 2024.")
    assert not checks.faithful("Sell 35% by March 15.", "We sell 30% of it by March 15.")


def test_echo_needs_ten_words_in_a_row():
    instructions = "Answer the employee's question using only the policy passages below. Be brief."
    assert checks.echoes_instructions(
        "Answer the employee's question using only the policy passages below: X.", instructions
    )
    assert not checks.echoes_instructions("Sure: answer the employee's question using only the passages.", instructions)


def test_scope_refusals_and_answers():
    assert checks.declines_uncovered("I'm sorry, none of Naxt's policies cover gym memberships.")
    assert not checks.declines_uncovered("Yes: up to 50 a month.")
    assert not checks.answers_covered("I'm sorry, none of Naxt's policies cover that.")
    assert checks.answers_covered("Order it in NaxtHelp under Hardware.")
    found = checks.check_answer("Order it in NaxtHelp.", "How?", ["Order it in NaxtHelp."], True, "Be brief.")
    assert found["declines_uncovered"] is None and found["answers_covered"] and found["grounded"]


def test_the_bar_is_the_stricter_of_naxt_and_the_poc():
    measured = {
        "summary": {"rougeL": 0.5, "format_ok_rate": 0.0, "faithful_rate": 1.0, "max_words": 150},
        "chatbot": {"rougeL": 0.3, "politeness_rate": 1.0},
    }
    bar, sources = scoring.combined_bar(measured, checks.REQUIREMENTS, fraction=0.9)
    assert bar["summary"]["format_ok_rate"] == 0.8 and sources["summary"]["format_ok_rate"] == "Naxt requirement"
    assert bar["summary"]["rougeL"] == 0.45 and sources["summary"]["rougeL"] == "PoC x 0.9"
    assert bar["summary"]["max_words"] == 120 and sources["summary"]["max_words"] == "Naxt requirement"
    assert bar["summary"]["faithful_rate"] == 0.95  # 0.9 x 1.0 = 0.9 < 0.95
    assert bar["chatbot"]["no_echo_rate"] == 1.0 and sources["chatbot"]["no_echo_rate"] == "Naxt requirement"
    assert bar["chatbot"]["politeness_rate"] == 0.95 and sources["chatbot"]["politeness_rate"] == "Naxt requirement"


def test_the_extractive_baseline_never_answers_with_the_instructions():
    from helpers.local.engines import ExtractiveEngine
    from helpers.local.payloads import GenerationRequest

    engine = ExtractiveEngine()
    record = datasets.load("chatbot_eval").iloc[0]
    template = prompts.template("chatbot", "retrieval_tone")
    model_input = prompts.chatbot_input(record.question, retrieve(record.question, 3))
    answer = engine.generate(GenerationRequest(prompt=prompts.render(template, model_input), max_new_tokens=60)).text
    assert not checks.echoes_instructions(answer, checks.instructions_of(template))
    assert checks.grounded(answer, [model_input])
    conversation = datasets.load("conversations_eval").iloc[0]
    brief_template = prompts.template("summary", "tone")
    brief = engine.generate(
        GenerationRequest(prompt=prompts.render(brief_template, conversation.transcript), max_new_tokens=80)
    ).text
    assert not checks.echoes_instructions(brief, checks.instructions_of(brief_template))
    assert checks.faithful(brief, conversation.transcript)
