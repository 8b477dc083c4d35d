"""Cost model: measured endpoint throughput plus a traffic profile gives USD per 1,000 requests.

A real-time SageMaker endpoint bills per instance-hour while it runs, busy or idle. So the cost of a use case is
the number of instances its peak traffic needs (at least one, always on) times the hourly price, spread over the
requests of a day:

    capacity     = measured requests/s x (work per measured request / work per profile request)
    instances    = max(1, ceil(peak requests/s / (capacity x target utilisation)))
    USD per day  = instances x 24 x hourly price
    USD / 1,000  = USD per day / requests per day x 1,000

Work per request counts generated tokens fully and prompt tokens at ``input_token_weight`` (0.05 by default: the
prompt is processed in parallel, about 20 prompt tokens cost as much time as one generated token on a GPU
server). Tokens are estimated from words (``tokens ~ words x 4/3``) so that every container is measured the same
way. A local stand-in's throughput is measured on this machine's CPU and costed on the AWS instance it would
need: the report says so.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from .pricing import PRICES_AS_OF, PRICES_REGION, hourly_price

TOKENS_PER_WORD = 4 / 3
SECONDS_PER_DAY = 86_400


def estimate_tokens(text: str) -> int:
    """Tokens in ``text``, estimated as words x 4/3 (the same rule for every model and container)."""
    return round(len(str(text or "").split()) * TOKENS_PER_WORD)


@dataclass(frozen=True)
class TrafficProfile:
    """A use case's traffic: requests per day and the average tokens in (prompt) and out (answer) per request.

    ``peak_factor``: the busiest hour's rate over the day's average rate (3 = a third of the day's traffic
    would arrive in the busiest 8 hours); ``target_utilisation``: the share of an instance's capacity to plan
    for at peak, leaving headroom for bursts.
    """

    requests_per_day: float
    tokens_in: int
    tokens_out: int
    peak_factor: float = 3.0
    target_utilisation: float = 0.7

    def __post_init__(self) -> None:
        if self.requests_per_day <= 0:
            raise ValueError(f"requests_per_day must be positive, got {self.requests_per_day!r}.")
        if self.tokens_in < 0 or self.tokens_out < 1:
            raise ValueError(f"tokens_in must be >= 0 and tokens_out >= 1, got {self.tokens_in}, {self.tokens_out}.")
        if self.peak_factor < 1:
            raise ValueError(f"peak_factor is peak rate / average rate, so at least 1; got {self.peak_factor!r}.")
        if not 0 < self.target_utilisation <= 1:
            raise ValueError(f"target_utilisation must be in (0, 1], got {self.target_utilisation!r}.")

    @property
    def peak_requests_per_s(self) -> float:
        """Requests per second in the busiest hour."""
        return self.requests_per_day / SECONDS_PER_DAY * self.peak_factor


@dataclass
class Throughput:
    """What a short load test measured on one endpoint."""

    requests: int
    concurrency: int
    wall_s: float
    tokens_in: int
    tokens_out: int
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0

    @property
    def succeeded(self) -> int:
        """Requests that returned an answer."""
        return self.requests - self.errors

    @property
    def requests_per_s(self) -> float:
        """Answered requests per second of wall time."""
        return self.succeeded / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def tokens_out_per_s(self) -> float:
        """Generated tokens (estimated) per second of wall time."""
        return self.tokens_out / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def latency_p50_s(self) -> float | None:
        """Median latency of the answered requests."""
        return statistics.median(self.latencies_s) if self.latencies_s else None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            **{k: v for k, v in asdict(self).items() if k != "latencies_s"},
            "requests_per_s": round(self.requests_per_s, 4),
            "tokens_out_per_s": round(self.tokens_out_per_s, 2),
            "latency_p50_s": None if self.latency_p50_s is None else round(self.latency_p50_s, 3),
        }


def measure_throughput(
    call: Callable[[str], str],
    prompts: Sequence[str],
    concurrency: int = 4,
    clock: Callable[[], float] = time.perf_counter,
) -> Throughput:
    """Send every prompt through ``call`` (prompt -> answer text), ``concurrency`` at a time; time it all.

    A failed request is counted in ``errors`` and does not stop the test.
    """
    if not prompts:
        raise ValueError("measure_throughput needs at least one prompt.")
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency!r}.")

    def one(prompt: str) -> tuple[str | None, float]:
        start = clock()
        try:
            answer: str | None = call(prompt)
        except Exception:  # counted, not raised: a load test reports failures
            answer = None
        return answer, clock() - start

    start = clock()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, prompts))
    wall = clock() - start
    answered = [(p, a, s) for p, (a, s) in zip(prompts, results, strict=True) if a is not None]
    return Throughput(
        requests=len(prompts),
        concurrency=concurrency,
        wall_s=wall,
        tokens_in=sum(estimate_tokens(p) for p, _, _ in answered),
        tokens_out=sum(estimate_tokens(a) for _, a, _ in answered),
        latencies_s=[s for _, _, s in answered],
        errors=len(prompts) - len(answered),
    )


def work_per_request(tokens_in: float, tokens_out: float, input_token_weight: float = 0.05) -> float:
    """Work units of one request: generated tokens plus prompt tokens at ``input_token_weight``."""
    return tokens_out + input_token_weight * tokens_in


@dataclass(frozen=True)
class CostEstimate:
    """The cost of serving a traffic profile with one candidate on one instance type."""

    instance_type: str
    hourly_usd: float
    capacity_requests_per_s: float
    instances: int
    usd_per_day: float
    usd_per_1000_requests: float
    measured_on: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def estimate_cost(
    throughput: Throughput,
    profile: TrafficProfile,
    instance_type: str,
    hourly_usd: float | None = None,
    measured_on: str = "the endpoint's own instance",
    input_token_weight: float = 0.05,
) -> CostEstimate:
    """USD per 1,000 requests of ``profile`` on ``instance_type`` (price from :mod:`helpers.pricing` by default).

    ``measured_on`` says where the throughput was measured (e.g. "this machine's CPU (local stand-in)").
    """
    price = hourly_price(instance_type) if hourly_usd is None else hourly_usd
    if price is None:
        raise ValueError(
            f"No hourly price for {instance_type} in helpers/pricing.py (prices as of {PRICES_AS_OF}, "
            f"{PRICES_REGION}): add it from the SageMaker pricing page, or pass hourly_usd=."
        )
    if throughput.succeeded == 0 or throughput.wall_s <= 0:
        raise ValueError(
            f"The throughput test answered no request ({throughput.errors} of {throughput.requests} failed): "
            "a cost cannot be estimated. Check the endpoint."
        )
    measured_work = work_per_request(
        throughput.tokens_in / throughput.succeeded, throughput.tokens_out / throughput.succeeded, input_token_weight
    )
    profile_work = work_per_request(profile.tokens_in, profile.tokens_out, input_token_weight)
    capacity = throughput.requests_per_s * (measured_work / profile_work if measured_work > 0 else 1.0)
    instances = max(1, math.ceil(profile.peak_requests_per_s / (capacity * profile.target_utilisation)))
    per_day = instances * 24 * price
    return CostEstimate(
        instance_type=instance_type,
        hourly_usd=price,
        capacity_requests_per_s=capacity,
        instances=instances,
        usd_per_day=per_day,
        usd_per_1000_requests=per_day / profile.requests_per_day * 1000,
        measured_on=measured_on,
        note=f"prices as of {PRICES_AS_OF}, {PRICES_REGION}, on-demand",
    )
