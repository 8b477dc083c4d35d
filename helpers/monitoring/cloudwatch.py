"""CloudWatch: the checks' custom metrics (put and read back) and the alarms on them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from ..monitoring_job.report import NAMESPACE, metric_data, put_metrics


def publish_metrics(
    cloudwatch: Any,
    summary: dict[str, float],
    endpoint_name: str,
    namespace: str = NAMESPACE,
    timestamp: datetime | None = None,
) -> int:
    """Put the summary into CloudWatch as custom metrics (dimension ``EndpointName``); returns the count."""
    return put_metrics(cloudwatch, metric_data(summary, endpoint_name, timestamp), namespace)


def read_metrics(
    cloudwatch: Any, endpoint_name: str, names: list[str], minutes: int = 60, namespace: str = NAMESPACE
) -> pd.DataFrame:
    """Read custom metrics back from CloudWatch: one row per metric and minute (Sum, Average, Maximum)."""
    end = datetime.now(UTC) + timedelta(minutes=1)
    rows = []
    for name in names:
        stats = cloudwatch.get_metric_statistics(
            Namespace=namespace,
            MetricName=name,
            Dimensions=[{"Name": "EndpointName", "Value": endpoint_name}],
            StartTime=end - timedelta(minutes=minutes + 1),
            EndTime=end,
            Period=60,
            Statistics=["Sum", "Average", "Maximum", "SampleCount"],
        )
        for point in stats["Datapoints"]:
            rows.append({"metric": name, **{k: point[k] for k in ("Timestamp", "Sum", "Average", "Maximum")}})
    frame = pd.DataFrame(rows, columns=["metric", "Timestamp", "Sum", "Average", "Maximum"])
    return frame.sort_values(["metric", "Timestamp"]).reset_index(drop=True)


def alarm_specs(endpoint_name: str, tone_bar: float, period_s: int = 300) -> list[dict[str, Any]]:
    """The two alarms: any PII leak (Sum of PIILeaks > 0) and tone below the bar (Average ToneScoreAvg < bar)."""
    dimensions = [{"Name": "EndpointName", "Value": endpoint_name}]
    common = {
        "Namespace": NAMESPACE,
        "Dimensions": dimensions,
        "Period": period_s,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        "TreatMissingData": "notBreaching",
    }
    return [
        {
            "AlarmName": f"naxt-genai-{endpoint_name}-pii-leak"[:255],
            "AlarmDescription": "An answer of the endpoint contained an email, phone, SSN or account number.",
            "MetricName": "PIILeaks",
            "Statistic": "Sum",
            "Threshold": 0.0,
            "ComparisonOperator": "GreaterThanThreshold",
            **common,
        },
        {
            "AlarmName": f"naxt-genai-{endpoint_name}-tone-below-bar"[:255],
            "AlarmDescription": f"The average tone and politeness score fell below {tone_bar}.",
            "MetricName": "ToneScoreAvg",
            "Statistic": "Average",
            "Threshold": float(tone_bar),
            "ComparisonOperator": "LessThanThreshold",
            **common,
        },
    ]


_COMPARE = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


def alarm_status(cloudwatch: Any, alarm_names: list[str], lookback_minutes: int = 60) -> pd.DataFrame:
    """Each alarm's rule, its latest period's value from the metric data, whether that value breaches the rule,
    and the state CloudWatch reports (which AWS updates within a minute or so of new data)."""
    rows = []
    end = datetime.now(UTC) + timedelta(minutes=1)
    for alarm in cloudwatch.describe_alarms(AlarmNames=alarm_names)["MetricAlarms"]:
        stats = cloudwatch.get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"],
            StartTime=end - timedelta(minutes=lookback_minutes),
            EndTime=end,
            Period=alarm["Period"],
            Statistics=[alarm["Statistic"]],
        )["Datapoints"]
        latest = max(stats, key=lambda p: p["Timestamp"])[alarm["Statistic"]] if stats else None
        compare = _COMPARE[alarm["ComparisonOperator"]]
        rows.append(
            {
                "alarm": alarm["AlarmName"],
                "rule": f"{alarm['Statistic']}({alarm['MetricName']}) {alarm['ComparisonOperator']} "
                f"{alarm['Threshold']:g}",
                "latest_value": latest,
                "breaching": bool(latest is not None and compare(latest, alarm["Threshold"])),
                "cloudwatch_state": alarm["StateValue"],
            }
        )
    return pd.DataFrame(rows, columns=["alarm", "rule", "latest_value", "breaching", "cloudwatch_state"])
