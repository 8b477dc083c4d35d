"""A dated table of SageMaker real-time inference on-demand prices (us-east-1, USD per instance-hour).

Approximate list prices, as published on the SageMaker pricing page around the date below. Prices change and
differ by region: check https://aws.amazon.com/sagemaker/pricing/ before making decisions with them.
"""

from __future__ import annotations

PRICES_AS_OF = "2025-10"
PRICES_REGION = "us-east-1"

HOSTING_USD_PER_HOUR: dict[str, float] = {
    "ml.t3.medium": 0.05,
    "ml.m5.large": 0.115,
    "ml.m5.xlarge": 0.23,
    "ml.m5.2xlarge": 0.461,
    "ml.m5.4xlarge": 0.922,
    "ml.c5.xlarge": 0.204,
    "ml.c5.2xlarge": 0.408,
    "ml.c5.4xlarge": 0.816,
    "ml.m7i.large": 0.121,
    "ml.m7i.xlarge": 0.242,
    "ml.m7i.2xlarge": 0.484,
    "ml.g4dn.xlarge": 0.736,
    "ml.g4dn.12xlarge": 4.89,
    "ml.p3.2xlarge": 3.825,
    "ml.g5.xlarge": 1.408,
    "ml.g5.2xlarge": 1.515,
    "ml.g5.4xlarge": 2.03,
    "ml.g5.8xlarge": 3.06,
    "ml.g5.12xlarge": 7.09,
    "ml.g5.24xlarge": 10.18,
    "ml.g5.48xlarge": 20.36,
    "ml.g6.xlarge": 1.006,
    "ml.g6.2xlarge": 1.222,
    "ml.g6.12xlarge": 5.752,
    "ml.g6.48xlarge": 16.72,
    "ml.inf2.xlarge": 0.99,
    "ml.inf2.24xlarge": 8.15,
    "ml.p4d.24xlarge": 37.688,
    "ml.p5.48xlarge": 113.07,
}


def hourly_price(instance_type: str) -> float | None:
    """USD per hour for one instance, or None when the table does not list it."""
    return HOSTING_USD_PER_HOUR.get(instance_type)


def price_note() -> str:
    """The caption to show next to any price taken from this table."""
    return (
        f"On-demand SageMaker real-time inference list prices, {PRICES_REGION}, as of {PRICES_AS_OF} "
        "(approximate; check the SageMaker pricing page)."
    )
