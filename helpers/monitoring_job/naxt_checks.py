"""Naxt's requirement checks on one answer: the standard library only.

This file is the one definition of the checks. ``helpers.checks`` (notebooks 00 and 03) and ``helpers.scoring``
import it; the monitoring job (notebook 02) runs it inside the SageMaker scikit-learn container (Python 3.9), where
it sits next to ``checks.py``. See ``helpers.checks`` for the requirements (thresholds) and the descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REQUIRED_HEADINGS = ("Situation", "Decisions", "Action items", "Next step")

# Dismissive or rude phrasings (lower case). Short on purpose: this is a smoke check, not a toxicity model.
_RUDE = (
    "read it before asking",
    "ask someone else",
    "google it",
    "just log a ticket",
    "not my problem",
    "not my job",
    "figure it out",
    "as i already said",
    "obviously",
    "stupid",
    "idiot",
    "dumb",
    "useless",
    "shut up",
    "whatever.",
    "i don't care",
    "deal with it",
)
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


def brief_format_ok(text: str) -> bool:
    """Whether ``text`` has the advisor-brief headings Situation, Decisions, Action items, Next step in order.

    Headings match case-insensitively and may be in Markdown bold (``**Situation:**``); ``Requests:`` is optional.
    """
    plain = (text or "").replace("*", "").replace("#", "")
    position = 0
    for heading in REQUIRED_HEADINGS:
        match = re.compile(rf"\b{heading}\s*:", re.IGNORECASE).search(plain, position)
        if match is None:
            return False
        position = match.end()
    return True


def is_polite(text: str) -> bool:
    """A simple politeness check: non-empty, no dismissive or rude phrase, no shouting (``!!``, or two or more
    all-capital words of four letters or more)."""
    text = (text or "").strip()
    if not text:
        return False
    lower = text.lower()
    if any(phrase in lower for phrase in _RUDE) or "!!" in text:
        return False
    shouted = [w for w in re.findall(r"\b[A-Z]{4,}\b", text) if w not in {"NAXT", "ASAP", "HELP"}]
    return len(shouted) < 2


_COURTESY = re.compile(
    r"\b(please|thank|thanks|happy to|glad|welcome|sorry|afraid|kindly|you can|you're|you may)\b", re.IGNORECASE
)


def is_courteous(text: str) -> bool:
    """Whether ``text`` carries an explicit courtesy marker anywhere (please, thank you, happy to, sorry, ...).

    Notebook 00's bar counts it. Notebook 02's tone score asks for less and more at once: a courteous *close*
    (``checks.has_courteous_close``: a closing formula in the last two sentences), next to sentiment and greeting."""
    return bool(_COURTESY.search(text or ""))


def parse_chatbot_input(model_input: str) -> tuple[str, list[str]]:
    """The inverse of :func:`chatbot_input`: (question, passage texts) from a chatbot model input."""
    head, _, question = model_input.rpartition("Question:")
    passages = []
    for block in head.removeprefix("Policy passages:").strip().split("\n\n"):
        title, _, text = block.partition("\n")
        if title.startswith("[") and text.strip():
            passages.append(text.strip())
    return question.strip(), passages


def check_summary(brief: str, transcript: str, max_words: int = 120) -> dict[str, bool]:
    """All summary checks for one brief."""
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
    return {
        "no_echo": not echoes_instructions(answer, instructions),
        "grounded": grounded(answer, [*passages, question]) if covered else None,
        "declines_uncovered": None if covered else declines_uncovered(answer),
        "answers_covered": answers_covered(answer) if covered else None,
        "polite": is_polite(answer),
    }


def check_prompted(answer: str, prompt: str) -> dict[str, Any]:
    """The checks that a captured request allows, for monitoring: from the prompt alone. A chatbot prompt (with
    ``Question:``) gets ``no_echo`` (its text before the passages and question is the instructions) and, when it
    carries policy passages, ``grounded``; a prompt with an advisor-brief request gets ``faithful`` against the
    prompt (the transcript is in it) and ``format_ok``. A check that does not apply is None."""
    found: dict[str, Any] = {"no_echo": None, "grounded": None, "faithful": None, "format_ok": None}
    if "Question:" in prompt:
        head = prompt.split("Policy passages:")[0].split("Question:")[0]
        body = prompt[len(head) :]
        question, passages = parse_chatbot_input(body)
        found["no_echo"] = not echoes_instructions(answer, head)
        if passages:
            found["grounded"] = grounded(answer, [*passages, question])
    elif "advisor brief" in prompt.lower():
        found["faithful"] = faithful(answer, prompt)
        found["format_ok"] = brief_format_ok(answer)
    return found
