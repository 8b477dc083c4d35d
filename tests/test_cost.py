"""The cost model of notebook 03: tokens, throughput, instances and USD per 1,000 requests."""

from __future__ import annotations

import itertools
import time

import pytest

from helpers import cost
from helpers.pricing import hourly_price


def test_estimate_tokens_from_words() -> None:
    assert cost.estimate_tokens("one two three") == 4
    assert cost.estimate_tokens("") == 0
    assert cost.estimate_tokens(None) == 0


def test_traffic_profile_peak_rate_and_validation() -> None:
    profile = cost.TrafficProfile(requests_per_day=86_400, tokens_in=100, tokens_out=50, peak_factor=2)
    assert profile.peak_requests_per_s == pytest.approx(2.0)
    with pytest.raises(ValueError, match="requests_per_day"):
        cost.TrafficProfile(requests_per_day=0, tokens_in=1, tokens_out=1)
    with pytest.raises(ValueError, match="peak_factor"):
        cost.TrafficProfile(requests_per_day=10, tokens_in=1, tokens_out=1, peak_factor=0.5)
    with pytest.raises(ValueError, match="target_utilisation"):
        cost.TrafficProfile(requests_per_day=10, tokens_in=1, tokens_out=1, target_utilisation=0)


def test_estimate_cost_known_values() -> None:
    measured = cost.Throughput(requests=4, concurrency=4, wall_s=10.0, tokens_in=400, tokens_out=200)
    assert measured.requests_per_s == pytest.approx(0.4)
    assert measured.tokens_out_per_s == pytest.approx(20.0)
    # same request shape as measured: capacity 0.4 req/s; peak 8,640/day x 3 = 0.3 req/s; 0.3 / (0.4 x 0.7) -> 2
    profile = cost.TrafficProfile(requests_per_day=8_640, tokens_in=100, tokens_out=50)
    estimate = cost.estimate_cost(measured, profile, "ml.m5.xlarge")
    assert estimate.hourly_usd == 0.23
    assert estimate.capacity_requests_per_s == pytest.approx(0.4)
    assert estimate.instances == 2
    assert estimate.usd_per_day == pytest.approx(2 * 24 * 0.23)
    assert estimate.usd_per_1000_requests == pytest.approx(11.04 / 8_640 * 1000)


def test_low_traffic_still_pays_one_always_on_instance() -> None:
    measured = cost.Throughput(requests=8, concurrency=4, wall_s=1.0, tokens_in=800, tokens_out=400)
    profile = cost.TrafficProfile(requests_per_day=1_000, tokens_in=100, tokens_out=50)
    estimate = cost.estimate_cost(measured, profile, "ml.m5.large")
    assert estimate.instances == 1
    assert estimate.usd_per_1000_requests == pytest.approx(24 * 0.115)


def test_longer_answers_need_more_capacity() -> None:
    measured = cost.Throughput(requests=4, concurrency=4, wall_s=10.0, tokens_in=0, tokens_out=200)
    short = cost.estimate_cost(measured, cost.TrafficProfile(10_000, 0, 50), "ml.m5.xlarge")
    long = cost.estimate_cost(measured, cost.TrafficProfile(10_000, 0, 100), "ml.m5.xlarge")
    assert long.capacity_requests_per_s == pytest.approx(short.capacity_requests_per_s / 2)
    # prompt tokens count at input_token_weight (0.05): 1,000 prompt tokens = 50 generated ones
    assert cost.work_per_request(1_000, 50) == pytest.approx(100.0)


def test_estimate_cost_errors_are_clear() -> None:
    measured = cost.Throughput(requests=4, concurrency=4, wall_s=1.0, tokens_in=4, tokens_out=4)
    profile = cost.TrafficProfile(1_000, 10, 10)
    with pytest.raises(ValueError, match="helpers/pricing.py"):
        cost.estimate_cost(measured, profile, "ml.nonexistent.xlarge")
    assert cost.estimate_cost(measured, profile, "ml.nonexistent.xlarge", hourly_usd=1.0).hourly_usd == 1.0
    failed = cost.Throughput(requests=4, concurrency=4, wall_s=1.0, tokens_in=0, tokens_out=0, errors=4)
    with pytest.raises(ValueError, match="4 of 4 failed"):
        cost.estimate_cost(failed, profile, "ml.m5.large")


def test_measure_throughput_with_a_fake_clock_counts_errors() -> None:
    ticks = itertools.count()
    clock = lambda: float(next(ticks))  # noqa: E731 - every reading advances one second

    def call(prompt: str) -> str:
        if prompt == "bad":
            raise RuntimeError("endpoint error")
        return "three word answer"

    result = cost.measure_throughput(call, ["a b c", "bad", "d e f"], concurrency=1, clock=clock)
    assert result.requests == 3 and result.errors == 1 and result.succeeded == 2
    assert result.tokens_out == 8 and result.tokens_in == 8
    assert result.latencies_s == [1.0, 1.0]
    assert result.wall_s == pytest.approx(7.0)  # start, 3 x (start, end), end
    assert result.as_dict()["latency_p50_s"] == 1.0


def test_measure_throughput_runs_requests_concurrently() -> None:
    def call(prompt: str) -> str:
        time.sleep(0.2)
        return prompt

    result = cost.measure_throughput(call, ["x"] * 4, concurrency=4)
    assert result.wall_s < 0.6  # four 0.2 s requests at once, not 0.8 s in a row
    assert result.requests_per_s > 6
    with pytest.raises(ValueError, match="at least one prompt"):
        cost.measure_throughput(call, [])
    with pytest.raises(ValueError, match="concurrency"):
        cost.measure_throughput(call, ["x"], concurrency=0)


def test_every_instance_type_the_catalogue_recommends_has_a_price() -> None:
    from helpers.local import catalog

    defaults = {spec["default_inference_instance_type"] for spec in catalog.load_specs().values()}
    assert defaults and all(hourly_price(t) is not None for t in defaults), sorted(
        t for t in defaults if hourly_price(t) is None
    )
