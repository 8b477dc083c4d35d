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

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REQUIREMENTS",
    "CHECKS",
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

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_FACT = re.compile(
    r"(?P<money>(?:\$|usd\s?)\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|bn|[mk])\b)?)"
    r"|(?P<percent>\d+(?:\.\d+)?\s?(?:%|percent\b))"
    rf"|(?P<date>\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    "a an the and or but of to in on for with at by from as is are was were be been being it its this that these "
    "those i you we they he she my your our their me us them do does did have has had not no so if then than can "
    "could would should will just about into over also what which who how when where please thanks thank yes "
    "there here any all some more most other such only own same too very s t don't can't i'm you're it's".split()
)
_UNKNOWN = re.compile(
    r"\b(?:not (?:covered|addressed|mentioned|included)|isn't covered|aren't covered|(?:no|none of (?:the|our|naxt's))"
    r"[\w\s']{0,40}?(?:polic(?:y|ies)|documents?|passages?)[\w\s']{0,30}?(?:cover|address|mention|answer)|"
    r"(?:can't|cannot|couldn't|could not|unable to) find|(?:don't|do not) (?:know|have (?:that|this|any) information)|"
    r"not (?:able|sure)|rather not guess|do not guess|don't guess)",
    re.IGNORECASE,
)


def _normal(fact: str) -> str:
    fact = fact.lower().replace(",", "").replace(" ", "").replace("usd", "$").replace("percent", "%")
    return re.sub(r"(\d)(st|nd|rd|th)$", r"\1", fact)


def facts(text: str) -> set[str]:
    """The amounts (``$2.4 million``), percentages (``55%``) and dates (``January 24``) in ``text``, normalised."""
    return {_normal(m.group(0)) for m in _FACT.finditer(text or "")}


def faithful(brief: str, transcript: str) -> bool:
    """Every amount, percentage and date of ``brief`` appears in ``transcript`` (a brief with none passes)."""
    return facts(brief) <= facts(transcript)


def _words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def echoes_instructions(answer: str, instructions: str, run: int = 10) -> bool:
    """Whether ``answer`` repeats ``run`` or more consecutive words of ``instructions`` (the prompt without the
    model input: the template's own text). Ten words: an answer may rightly repeat a short phrase the instructions
    dictate (``the Service Desk through NaxtHelp or on ext. 4357`` is eight)."""
    said = _words(answer)
    grams = {tuple(said[i : i + run]) for i in range(len(said) - run + 1)}
    asked = _words(instructions)
    return any(tuple(asked[i : i + run]) in grams for i in range(len(asked) - run + 1))


def _content(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _STOPWORDS and len(w) > 1]


def grounded(answer: str, sources: Iterable[str], share: float = 0.4) -> bool:
    """At least ``share`` of the answer's content words (not stopwords) occur in ``sources`` (the passages and
    the question). An answer with no content word is not grounded. Calibrated on the reference answers: with the
    three passages that retrieval finds, 75% of them pass (they were written from the whole policy, and retrieval
    sometimes finds the right policy's other sections), so the requirement asks 60% of a model's answers."""
    words = _content(answer)
    known = set(_content(" ".join(sources)))
    return bool(words) and sum(w in known for w in words) / len(words) >= share


def says_unknown(answer: str) -> bool:
    """Whether the answer says that no policy covers the question (or points to the Service Desk instead)."""
    return bool(_UNKNOWN.search(answer or ""))


def declines_uncovered(answer: str) -> bool:
    """On a question no policy covers: the answer says so instead of inventing one."""
    return says_unknown(answer)


def answers_covered(answer: str) -> bool:
    """On a question the policies cover: the answer gives content, not a refusal."""
    return not says_unknown(answer) and bool(_content(answer))


def check_summary(brief: str, transcript: str, max_words: int = 120) -> dict[str, bool]:
    """All summary checks for one brief."""
    from .scoring import brief_format_ok

    return {
        "format_ok": brief_format_ok(brief),
        "faithful": faithful(brief, transcript),
        "within_limit": len((brief or "").split()) <= max_words,
    }


def check_answer(
    answer: str, question: str, passages: Iterable[str], covered: bool, instructions: str
) -> dict[str, Any]:
    """All chatbot checks for one answer. A check that does not apply to the question is None (``grounded`` and
    ``answers_covered`` on an uncovered question, ``declines_uncovered`` on a covered one): its rate then counts
    only the questions it applies to."""
    from .scoring import is_polite

    return {
        "no_echo": not echoes_instructions(answer, instructions),
        "grounded": grounded(answer, [*passages, question]) if covered else None,
        "declines_uncovered": None if covered else declines_uncovered(answer),
        "answers_covered": answers_covered(answer) if covered else None,
        "polite": is_polite(answer),
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

    from .prompts import parse_chatbot_input

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
