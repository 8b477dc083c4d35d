"""Monitor an LLM endpoint's outputs (notebook 02): one module per job.

* :mod:`~helpers.monitoring.traffic`: the realistic mix of requests, sent to the endpoint;
* :mod:`~helpers.monitoring.capture`: the endpoint's data capture, read from S3 into pandas;
* :mod:`~helpers.monitoring.checks`: every check on every captured answer, and the run's metrics;
* :mod:`~helpers.monitoring.cloudwatch`: custom metrics and the alarms on them;
* :mod:`~helpers.monitoring.dashboard`: a small matplotlib dashboard;
* :mod:`~helpers.monitoring.jobs`: the same checks as a Processing job, in a Pipeline, on a schedule.

The checks themselves live in :mod:`helpers.monitoring_job.checks`, the script that the scheduled SageMaker
Processing job runs, the parsing and the summary beside it (``capture_format``, ``report``), so the notebook and the
job judge answers the same way.
``from helpers import monitoring`` gives every name below.
"""

from ..monitoring_job.capture_format import CaptureFormatError
from ..monitoring_job.report import NAMESPACE, RISKY_KINDS
from .capture import (
    _hour_of,
    capture_destination,
    capture_prefix,
    join_traffic,
    list_capture_files,
    parse_capture_text,
    read_capture,
    wait_for_capture,
)
from .checks import fmeval_toxicity, run_checks, summarize
from .cloudwatch import alarm_specs, alarm_status, publish_metrics, read_metrics
from .dashboard import FLAG_LABELS, flag_counts, plot_dashboard
from .jobs import (
    JOB_DIR,
    JOB_SCRIPT,
    SKLEARN_VERSION,
    checks_job_args,
    checks_processor,
    delete_prefix,
    delete_schedule_group,
    ensure_schedule_group,
    read_report,
    schedule_pipeline,
)
from .traffic import SYSTEM_PROMPT, build_prompt, live_endpoint, send_traffic, traffic_mix

__all__ = [
    "FLAG_LABELS",
    "JOB_DIR",
    "JOB_SCRIPT",
    "NAMESPACE",
    "RISKY_KINDS",
    "SKLEARN_VERSION",
    "SYSTEM_PROMPT",
    "CaptureFormatError",
    "_hour_of",
    "alarm_specs",
    "alarm_status",
    "build_prompt",
    "capture_destination",
    "capture_prefix",
    "checks_job_args",
    "checks_processor",
    "delete_prefix",
    "delete_schedule_group",
    "ensure_schedule_group",
    "flag_counts",
    "fmeval_toxicity",
    "join_traffic",
    "list_capture_files",
    "live_endpoint",
    "parse_capture_text",
    "plot_dashboard",
    "publish_metrics",
    "read_capture",
    "read_metrics",
    "read_report",
    "run_checks",
    "schedule_pipeline",
    "send_traffic",
    "summarize",
    "traffic_mix",
    "wait_for_capture",
]
