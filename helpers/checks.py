"""Naxt's requirements as checks on one answer, defined once and used by notebooks 00 (the bar), 03 (selection)
and 02 (monitoring).

Summaries (advisor briefs):
* ``format_ok``: the advisor-brief headings Situation, Decisions, Action items, Next step, in that order;
* ``faithful``: every amount, percentage and date in the brief appears in its transcript;
* ``within_limit``: at most 120 words.

Chatbot answers:
* ``no_echo``: the answer does not repeat the prompt's instructions (ten words in a row or more);
* ``grounded``: most of the answer's content words come from the policy passages it was given (or the question);
* ``declines_uncovered``: a question no policy covers gets "I don't know" (and a pointer to the Service Desk), not
  an invented answer;
* ``answers_covered``: a covered question gets an answer, not a refusal;
* ``polite``: no dismissive or rude phrase, no shouting.

Each check returns a bool; :func:`check_summary` and :func:`check_answer` apply them all to one record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .monitoring_job.naxt_checks import (  # the one definition of each check (stdlib only: the job runs it too)
    answers_covered,
    brief_format_ok,
    check_answer,
    check_summary,
    declines_uncovered,
    echoes_instructions,
    facts,
    faithful,
    grounded,
    is_polite,
    says_unknown,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REQUIREMENTS",
    "CHECKS",
    "brief_format_ok",
    "is_polite",
    "facts",
    "faithful",
    "echoes_instructions",
    "grounded",
    "says_unknown",
    "declines_uncovered",
    "answers_covered",
    "check_summary",
    "check_answer",
    "score_checks",
    "instructions_of",
]

# Naxt's requirements, whatever the PoC model scored: the share of records that must pass each check.
REQUIREMENTS: dict[str, dict[str, float]] = {
    "summary": {"format_ok_rate": 0.8, "faithful_rate": 0.95, "max_words": 120},
    "chatbot": {
        "no_echo_rate": 1.0,
        "grounded_rate": 0.6,
        "declines_uncovered_rate": 0.8,
        "answers_covered_rate": 0.8,
        "politeness_rate": 0.95,
    },
}

# One line per check: what it tests (shown in the notebooks and the report).
CHECKS: dict[str, str] = {
    "format_ok": "the brief has Situation:, Decisions:, Action items:, Next step: in that order",
    "faithful": "every amount, percentage and date in the brief appears in its transcript",
    "within_limit": "the brief has at most 120 words",
    "no_echo": "the answer does not repeat ten or more words in a row of the prompt's instructions",
    "grounded": "on a covered question, at least 40% of the answer's content words are in the passages or question",
    "declines_uncovered": "a question no policy covers gets 'I don't know', not an invented answer",
    "answers_covered": "a question the policies cover gets an answer, not a refusal",
    "polite": "no dismissive or rude phrase, no shouting",
}


def instructions_of(template: str) -> str:
    """A prompt template without its model input: the text a model must not repeat."""
    return template.replace("$model_input", " ")


def score_checks(
    use_case: str, answers: Sequence[str], model_inputs: Sequence[str], template: str, categories: Sequence[str]
) -> pd.DataFrame:
    """One row of checks per answer, from what the model was given: the transcript (summary), or the question and
    passages of :func:`helpers.prompts.chatbot_input` with the record's category (``not_covered`` or another).
    Columns are nullable booleans: ``grounded`` is missing on an uncovered question, so its rate counts covered
    questions only."""
    import pandas as pd

    from .monitoring_job.naxt_checks import parse_chatbot_input

    rows = []
    for answer, model_input, category in zip(answers, model_inputs, categories, strict=True):
        answer = answer if isinstance(answer, str) else ""
        if use_case == "summary":
            rows.append(check_summary(answer, model_input))
        else:
            question, passages = parse_chatbot_input(model_input)
            covered = category != "not_covered"
            rows.append(check_answer(answer, question, passages, covered, instructions_of(template)))
    return pd.DataFrame(rows).astype("boolean")


# One deliberately bad answer per check, with what it is checked against (shown in notebook 00; tests use them).
_TRANSCRIPT = (
    "Advisor: We agreed to move $2.4 million, about 30% of the portfolio, into municipal bonds.\n"
    "Client: Good. Please send the paperwork by March 15."
)
_PASSAGES = [
    "Order a laptop in NaxtHelp under Hardware. Your line manager approves it; delivery takes 5 business days."
]
BAD_EXAMPLES: dict[str, dict[str, Any]] = {
    "format_ok": {"answer": "The client wants to move money into bonds; paperwork follows.", "transcript": _TRANSCRIPT},
    "faithful": {
        "answer": "Situation: moving $3 million into bonds. Decisions: sell 30%. Action items: advisor — send paperwork "
        "by March 15. Next step: call on March 20.",
        "transcript": _TRANSCRIPT,
    },
    "within_limit": {"answer": "Situation: " + "word " * 130, "transcript": _TRANSCRIPT},
    "no_echo": {
        "answer": "Answer the employee's question using only the policy passages below. Order it in NaxtHelp.",
        "question": "How do I order a laptop?",
        "passages": _PASSAGES,
        "covered": True,
    },
    "grounded": {
        "answer": "Laptops are shipped overnight from the Berlin warehouse after the CFO signs a form.",
        "question": "How do I order a laptop?",
        "passages": _PASSAGES,
        "covered": True,
    },
    "declines_uncovered": {
        "answer": "Yes, Naxt reimburses gym memberships up to 50 a month.",
        "question": "Does Naxt reimburse gym memberships?",
        "passages": _PASSAGES,
        "covered": False,
    },
    "answers_covered": {
        "answer": "I'm sorry, I can't find that in Naxt's policies.",
        "question": "How do I order a laptop?",
        "passages": _PASSAGES,
        "covered": True,
    },
    "polite": {
        "answer": "Obviously you order it in NaxtHelp. Read it before asking.",
        "question": "How do I order a laptop?",
        "passages": _PASSAGES,
        "covered": True,
    },
}
INSTRUCTIONS_EXAMPLE = "Answer the employee's question using only the policy passages below. Be polite and brief."


def run_example(check: str, example: dict[str, Any] | None = None) -> bool:
    """Apply one check to an example of :data:`BAD_EXAMPLES` (or any dict of the same shape); returns its result."""
    example = example or BAD_EXAMPLES[check]
    if "transcript" in example:
        return check_summary(example["answer"], example["transcript"])[check]
    found = check_answer(
        example["answer"], example["question"], example["passages"], example["covered"], INSTRUCTIONS_EXAMPLE
    )
    return bool(found[check])
