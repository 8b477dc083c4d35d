"""Selecting the cheapest candidate that passes the quality bar: checks, ties, none passing, Pareto front."""

from __future__ import annotations

import pytest

from helpers import selection as sel

BAR = {"rougeL": 0.3, "format_ok_rate": 0.5, "max_latency_s": 2.0, "max_words": 120}


def outcome(name: str, usd: float | None, quality: float, scores: dict | None = None, error: str | None = None):
    measured = sel.measured_for_bar(scores or {"rougeL": quality, "format_ok": 1.0}, latency_s=1.0, words=80)
    return sel.Outcome(name, usd, quality, sel.check_bar(measured, BAR), error)


def test_check_bar_directions_rates_and_unmeasured() -> None:
    measured = sel.measured_for_bar({"rougeL": 0.31, "format_ok": 0.4, "polite": 0.9}, latency_s=2.5)
    checks = {c.threshold_name: c for c in sel.check_bar(measured, {**BAR, "politeness_rate": 0.8})}
    assert checks["rougeL"].passed and checks["rougeL"].direction == ">="
    assert not checks["format_ok_rate"].passed and checks["format_ok_rate"].measured == 0.4
    assert not checks["max_latency_s"].passed and checks["max_latency_s"].metric == "latency_s"
    assert checks["max_latency_s"].describe() == "latency_s 2.5 > 2"
    assert not checks["max_words"].passed and checks["max_words"].describe() == "max_words not measured"
    assert checks["politeness_rate"].passed and checks["politeness_rate"].measured == 0.9


def test_check_bar_boundaries_pass_and_bad_input_fails_clearly() -> None:
    checks = sel.check_bar({"rougeL": 0.3, "latency_s": 2.0}, {"rougeL": 0.3, "max_latency_s": 2.0})
    assert all(c.passed for c in checks)
    assert not sel.check_bar({"rougeL": float("nan")}, {"rougeL": 0.1})[0].passed
    with pytest.raises(ValueError, match="notebook 00"):
        sel.check_bar({}, {})
    with pytest.raises(ValueError, match="not a number"):
        sel.check_bar({}, {"rougeL": "high"})


def test_select_cheapest_passing_and_explains_the_losers() -> None:
    outcomes = [
        outcome("big", 5.0, 0.6),
        outcome("small", 1.0, 0.2),  # cheapest, fails rougeL
        outcome("medium", 2.0, 0.4),
        outcome("broken", None, 0.0, error="ModelError: endpoint failed"),
    ]
    result = sel.select(outcomes, "rougeL")
    assert result.winner == "medium" and not result.none_passed
    rows = {r["candidate"]: r for r in result.table}
    assert [r["candidate"] for r in result.table] == ["medium", "big", "small", "broken"]
    assert rows["medium"]["verdict"] == "selected"
    assert rows["big"]["reason"] == "passes, but more expensive: USD 5.00 vs USD 2.00 per 1,000 requests (medium)"
    assert rows["small"]["reason"] == "failed: rougeL 0.2 < 0.3"
    assert rows["broken"]["reason"] == "not evaluated: ModelError: endpoint failed"
    assert "USD 2.00" in result.message


def test_select_ties_on_cost_go_to_quality_then_name() -> None:
    result = sel.select([outcome("b", 1.0, 0.5), outcome("a", 1.0, 0.4), outcome("c", 1.0, 0.5)], "rougeL")
    assert result.winner == "b"
    reasons = {r["candidate"]: r["reason"] for r in result.table}
    assert reasons["a"] == "passes, same cost as b, lower rougeL (0.4 vs 0.5)"
    assert reasons["c"].startswith("passes, same cost as b")
    # same inputs in another order: same choice
    assert sel.select([outcome("c", 1.0, 0.5), outcome("b", 1.0, 0.5)], "rougeL").winner == "b"


def test_select_none_passing_points_to_fine_tuning() -> None:
    result = sel.select([outcome("x", 1.0, 0.1), outcome("y", 2.0, 0.2, {"rougeL": 0.2, "format_ok": 0.0})], "rougeL")
    assert result.winner is None and result.none_passed
    assert "notebook 04" in result.message
    assert all(r["verdict"] == "lost" for r in result.table)
    assert result.table[0]["candidate"] == "x"  # fewest failed checks first
    assert "format_ok_rate 0 < 0.5" in result.table[1]["reason"]
    assert result.as_dict()["none_passed"] is True


def test_select_validates_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sel.select([], "rougeL")
    with pytest.raises(ValueError, match="unique"):
        sel.select([outcome("a", 1.0, 0.5), outcome("a", 2.0, 0.5)], "rougeL")


def test_pareto_front() -> None:
    points = [("cheap-bad", 1.0, 0.2), ("mid", 2.0, 0.5), ("dominated", 3.0, 0.4), ("best", 5.0, 0.7)]
    assert sel.pareto_front(points) == ["cheap-bad", "mid", "best"]
    assert sel.pareto_front([("a", 1.0, 0.5), ("b", 1.0, 0.5)]) == ["a", "b"]


def test_hand_off_keeps_only_the_winners_endpoints():
    """03 deploys every candidate; cleanup keeps the endpoint of each use case's winner (one model may win both)."""
    won = sel.Selection("small", "rougeL", [], "small wins")
    none = sel.Selection(None, "rougeL", [], "none passes")
    endpoints = {"small": "naxt-eval-small-1", "big": "naxt-eval-big-1"}
    assert sel.hand_off({"summary": none, "chatbot": won}, endpoints) == {
        "chatbot": {"candidate": "small", "endpoint_name": "naxt-eval-small-1"}
    }
    assert sel.hand_off({"summary": won, "chatbot": won}, endpoints).keys() == {"summary", "chatbot"}
    assert sel.hand_off({"summary": none}, endpoints) == {}
