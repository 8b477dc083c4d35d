"""Shared helpers: date and money formatting, sentence splitting and the repetition-aware phraser."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, timedelta

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

SPEAKER_RE = re.compile(r"^([A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)+): ")
_SPLIT_RE = re.compile(r"(?<=[.!?])\s+")
_NORM_RE = re.compile(r"[^a-z0-9$%]+")
_GREETING_RE = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|morning|afternoon|thanks|thank you|many thanks|"
    r"best|best regards|kind regards|regards|warm regards|all the best|cheers|talk soon|speak soon|"
    r"bye|goodbye|take care|sincerely)\b"
)


def fmt_date(d: date) -> str:
    """Render a date the one way transcripts and summaries use: 'March 4'."""
    return f"{MONTHS[d.month - 1]} {d.day}"


def fmt_day(d: date) -> str:
    """Render a date with its weekday: 'Monday, March 4'."""
    return f"{WEEKDAYS[d.weekday()]}, {fmt_date(d)}"


def business_day(d: date, offset: int) -> date:
    """Return the date `offset` calendar days after `d`, moved forward to a weekday."""
    out = d + timedelta(days=offset)
    while out.weekday() >= 5:
        out += timedelta(days=1)
    return out


def money(x: float) -> str:
    """Format an amount the one way transcripts and summaries use: '$2.4 million' or '$85,000'."""
    if x >= 1_000_000:
        text = f"{x / 1_000_000:.2f}".rstrip("0").rstrip(".")
        return f"${text} million"
    return f"${x:,.0f}"


def pct(x: float) -> str:
    """Format a percentage: '0.85%' or '12%'."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def round_to(x: float, step: float) -> float:
    """Round `x` to a multiple of `step`."""
    return round(x / step) * step


def normalize(sentence: str) -> str:
    """Lower-case a sentence and reduce punctuation to spaces, for repetition counting."""
    return _NORM_RE.sub(" ", sentence.lower()).strip()


def is_greeting(norm: str) -> bool:
    """True for a short greeting or sign-off (exempt from the repetition limit)."""
    return len(norm.split()) <= 5 and bool(_GREETING_RE.match(norm))


def sentences(text: str) -> list[str]:
    """Split a transcript (or a fragment) into normalized sentences, without speaker labels."""
    out = []
    for line in text.splitlines():
        line = SPEAKER_RE.sub("", line.strip())
        for part in _SPLIT_RE.split(line):
            norm = normalize(part)
            if norm:
                out.append(norm)
    return out


def words(text: str) -> int:
    """Count whitespace-separated words."""
    return len(text.split())


class Phraser:
    """Picks phrasing variants so that no sentence is reused in more than `cap` transcripts.

    Variants are tried in a seeded random order; the first whose sentences are all under the cap (and not
    already used in the current transcript) wins, otherwise the least-used variant is taken.
    """

    def __init__(self, rng: random.Random, cap: int) -> None:
        self.rng = rng
        self.cap = cap
        self.doc_freq: Counter[str] = Counter()
        self.current: set[str] = set()

    def start(self) -> None:
        """Begin a new transcript."""
        self.current = set()

    def finish(self, transcript: str) -> None:
        """Record the sentences of a finished transcript."""
        for sent in set(sentences(transcript)):
            if not is_greeting(sent):
                self.doc_freq[sent] += 1

    def pick(self, options: list[str], slots: dict[str, object]) -> str:
        """Return one variant of `options` rendered with `slots`."""
        order = list(range(len(options)))
        self.rng.shuffle(order)
        best, best_score = "", None
        for i in order:
            text = options[i].format(**slots)
            sents = [s for s in sentences(text) if not is_greeting(s)]
            score = max((self.doc_freq[s] for s in sents), default=0)
            if any(s in self.current for s in sents):
                score += 1000
            if score < self.cap:
                best = text
                break
            if best_score is None or score < best_score:
                best, best_score = text, score
        if best_score is not None and best_score >= self.cap:
            best = self._trim(best)
        self.current.update(sentences(best))
        return best

    def _trim(self, text: str) -> str:
        """Drop over-used sentences from a multi-sentence variant when every variant is saturated."""
        parts = _SPLIT_RE.split(text)
        keep = [p for p in parts if all(self.doc_freq[s] < self.cap for s in sentences(p) if not is_greeting(s))]
        return " ".join(keep) if keep else text
