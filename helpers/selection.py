"""Pick "the cheapest model that gets the job done": hold each candidate to the quality bar, then compare costs.

The quality bar comes from notebook 00 (``helpers.scoring.quality_bar``), one dict per use case:

* a metric name (``rougeL``) or a rate (``format_ok_rate``, ``politeness_rate``): higher is better, the
  candidate's value must be at least the threshold;
* ``max_<metric>`` (``max_latency_s``, ``max_words``): lower is better, the value must be at most the threshold;
* ``min_<metric>``: an explicit lower bound.

A metric the evaluation did not measure fails its check (with the reason), rather than being skipped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

_RATE_ALIASES = {"politeness_rate": "polite"}  # notebook 00 names the rate of its `polite` column so


@dataclass(frozen=True)
class Check:
    """One threshold of the bar, applied to one candidate."""

    threshold_name: str
    metric: str
    direction: str  # ">=" or "<="
    threshold: float
    measured: float | None
    passed: bool

    def describe(self) -> str:
        """``rougeL 0.21 < 0.30`` (failed), ``rougeL 0.35 >= 0.30`` (passed) or ``rougeL not measured``."""
        if self.measured is None:
            return f"{self.threshold_name} not measured"
        if self.passed:
            return f"{self.metric} {_fmt(self.measured)} {self.direction} {_fmt(self.threshold)}"
        opposite = "<" if self.direction == ">=" else ">"
        return f"{self.metric} {_fmt(self.measured)} {opposite} {_fmt(self.threshold)}"


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def measured_for_bar(scores: Mapping[str, Any], **extra: Any) -> dict[str, float | None]:
    """Name a candidate's numbers the way the bar does: every score, ``<score>_rate`` for each score (the mean of a
    0/1 check is a rate), ``politeness_rate`` for ``polite``, plus ``extra`` (e.g. ``latency_s``, ``words``)."""
    measured: dict[str, float | None] = {}
    for name, value in scores.items():
        measured[name] = _number(value)
        measured.setdefault(f"{name}_rate", _number(value))
    for rate, column in _RATE_ALIASES.items():
        if column in scores:
            measured[rate] = _number(scores[column])
    for name, value in extra.items():
        measured[name] = _number(value)
    return measured


def check_bar(measured: Mapping[str, float | None], bar: Mapping[str, Any]) -> list[Check]:
    """Apply every threshold of ``bar`` to ``measured`` (see :func:`measured_for_bar`), in the bar's order."""
    if not bar:
        raise ValueError("The quality bar is empty: run notebook 00, which sets it, or pass thresholds.")
    checks = []
    for name, threshold in bar.items():
        limit = _number(threshold)
        if limit is None:
            raise ValueError(f"Threshold {name!r} is {threshold!r}, not a number.")
        if name.startswith("max_"):
            metric, direction = name[len("max_") :], "<="
        elif name.startswith("min_"):
            metric, direction = name[len("min_") :], ">="
        else:
            metric, direction = name, ">="
        value = _number(measured.get(metric))
        passed = value is not None and (value <= limit if direction == "<=" else value >= limit - 1e-12)
        checks.append(Check(name, metric, direction, limit, value, passed))
    return checks


@dataclass
class Outcome:
    """One candidate for one use case: did it run, its checks, its cost and its main quality number."""

    name: str
    usd_per_1000: float | None
    quality: float | None
    checks: list[Check] = field(default_factory=list)
    error: str | None = None  # set when the candidate could not be evaluated or costed

    @property
    def passes(self) -> bool:
        """Evaluated, costed and every threshold passed."""
        return self.error is None and self.usd_per_1000 is not None and all(c.passed for c in self.checks)

    @property
    def failed_checks(self) -> list[Check]:
        """The thresholds it missed."""
        return [c for c in self.checks if not c.passed]


@dataclass
class Selection:
    """The choice for one use case and why every other candidate lost."""

    winner: str | None
    quality_metric: str
    table: list[dict[str, Any]]
    message: str

    @property
    def none_passed(self) -> bool:
        """No candidate passed the bar: fine-tune (notebook 04) or revisit the candidates."""
        return self.winner is None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {**asdict(self), "none_passed": self.none_passed}


def select(outcomes: Sequence[Outcome], quality_metric: str) -> Selection:
    """The cheapest candidate that passes every threshold; ties on cost go to the higher ``quality_metric``, then
    to the name (so the choice is stable). The table has one row per candidate, the winner first, with the reason
    each other one lost: a failed threshold, an error, or a higher cost."""
    if not outcomes:
        raise ValueError("select() needs at least one candidate outcome.")
    names = [o.name for o in outcomes]
    if len(set(names)) != len(names):
        raise ValueError(f"Candidate names must be unique, got {names}.")

    def rank(o: Outcome) -> tuple:
        return (o.usd_per_1000, -(o.quality if o.quality is not None else -math.inf), o.name)

    passing = sorted((o for o in outcomes if o.passes), key=rank)
    winner = passing[0] if passing else None
    rows = []
    for o in ([winner] if winner else []) + sorted((o for o in outcomes if o is not winner), key=_order):
        rows.append(
            {
                "candidate": o.name,
                "passes_bar": o.passes,
                "usd_per_1000": None if o.usd_per_1000 is None else round(o.usd_per_1000, 4),
                quality_metric: None if o.quality is None else round(o.quality, 4),
                "verdict": "selected" if o is winner else "lost",
                "reason": _reason(o, winner, quality_metric),
            }
        )
    if winner:
        message = (
            f"Selected {winner.name}: the cheapest candidate that passes every threshold "
            f"(USD {winner.usd_per_1000:.2f} per 1,000 requests)."
        )
    else:
        message = (
            "No candidate passes every threshold of the quality bar. Cheaper models do not get this job done "
            "as they are: fine-tune one (notebook 04) or revisit the candidates and prompts."
        )
    return Selection(winner.name if winner else None, quality_metric, rows, message)


def _order(o: Outcome) -> tuple:
    """Losers: passing ones first (by cost), then failing ones (fewest failed checks), then errors."""
    if o.error is not None:
        return (2, 0, math.inf, o.name)
    if o.passes:
        return (0, 0, o.usd_per_1000, o.name)
    return (1, len(o.failed_checks), o.usd_per_1000 if o.usd_per_1000 is not None else math.inf, o.name)


def _reason(o: Outcome, winner: Outcome | None, quality_metric: str) -> str:
    if o is winner:
        return "cheapest candidate that passes every threshold"
    if o.error is not None:
        return f"not evaluated: {o.error}"
    if not o.passes:
        return "failed: " + "; ".join(c.describe() for c in o.failed_checks)
    assert winner is not None and o.usd_per_1000 is not None and winner.usd_per_1000 is not None
    if math.isclose(o.usd_per_1000, winner.usd_per_1000, rel_tol=1e-9):
        ours = "n/a" if o.quality is None else _fmt(o.quality)
        theirs = "n/a" if winner.quality is None else _fmt(winner.quality)
        return f"passes, same cost as {winner.name}, lower {quality_metric} ({ours} vs {theirs})"
    return (
        f"passes, but more expensive: USD {o.usd_per_1000:.2f} vs USD {winner.usd_per_1000:.2f} "
        f"per 1,000 requests ({winner.name})"
    )


def pareto_front(points: Sequence[tuple[str, float, float]]) -> list[str]:
    """Names of the (name, cost, quality) points that no other point beats on both: cheaper-or-equal and
    better-or-equal, strictly better on one. Sorted by cost."""
    front = []
    for name, cost, quality in points:
        dominated = any((c <= cost and q >= quality) and (c < cost or q > quality) for n, c, q in points if n != name)
        if not dominated:
            front.append((cost, -quality, name))
    return [name for _, _, name in sorted(front)]


def hand_off(selections: Mapping[str, Selection], endpoints: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The endpoints to keep live: for each use case decided "deploy", its winner and the winner's endpoint.

    ``endpoints``: candidate name -> endpoint name. Cleanup deletes every other candidate's endpoint; these stay
    for the application (and billing, in aws mode) until notebook 99."""
    return {
        use_case: {"candidate": s.winner, "endpoint_name": endpoints[s.winner]}
        for use_case, s in selections.items()
        if s.winner
    }
