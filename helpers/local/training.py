"""Training jobs that really run, in the local SageMaker.

Stock moto marks a training job Completed at creation, runs nothing, replaces ``MetricDefinitions`` with a fake,
and has no ``StopTrainingJob``. With :func:`apply`, ``CreateTrainingJob`` keeps the whole request, answers at once
with the job ``InProgress``, and a background thread runs the job as SageMaker and its training toolkit do:

1. ``Starting``: a temporary folder laid out like the container's ``/opt/ml`` (``input/data/<channel>``,
   ``input/config/hyperparameters.json``, ``resourceconfig.json``, ``inputdataconfig.json``, ``model/``,
   ``output/data``, ``output/failure``);
2. ``Downloading``: each channel's S3 prefix copied from the local S3 (an empty prefix fails the job, as on AWS),
   and the job's code: the ``sagemaker_submit_directory`` hyperparameter (``sourcedir.tar.gz`` in S3 or in a
   channel) unpacked into ``/opt/ml/code``;
3. ``Training``: the job's own entry point (``sagemaker_program``) run with the local Python, at a lower CPU
   priority than the server (live endpoints are not starved), as the toolkit runs it: hyperparameters as
   ``--name value`` arguments and ``SM_HP_*``, channels as ``SM_CHANNEL_*``, ``SM_MODEL_DIR``,
   ``SM_OUTPUT_DATA_DIR`` ... Its output goes line by line to CloudWatch Logs (group ``/aws/sagemaker/TrainingJobs``,
   stream ``<job>/algo-1-<epoch>``); the job's ``MetricDefinitions`` regexes are applied to each line and the values
   published to CloudWatch (namespace ``/aws/sagemaker/TrainingJobs``, dimension ``TrainingJobName``, the line's
   time) and kept for ``FinalMetricDataList``, so the SDK's ``TrainingJobAnalytics`` reads them;
4. ``Uploading``: ``/opt/ml/model`` to ``<S3OutputPath>/<job>/output/model.tar.gz``, or file by file under
   ``<job>/output/model/`` when ``OutputDataConfig.CompressionType`` is ``NONE``; ``/opt/ml/output/data`` to
   ``output.tar.gz``; then ``Completed`` with ``ModelArtifacts``, ``TrainingTimeInSeconds`` and
   ``BillableTimeInSeconds``.

A non-zero exit ends ``Failed``, its ``FailureReason`` built from ``/opt/ml/output/failure`` (else the last lines of
output). ``StopTrainingJob`` (``Stopping`` then ``Stopped``) and ``StoppingCondition.MaxRuntimeInSeconds``
(``Stopped`` with secondary status ``MaxRuntimeExceeded``) send the script SIGTERM, wait for it a grace period
(AWS: 120 s; here ``WORKSHOP_TRAINING_STOP_GRACE_S``, default 30), kill it, and upload what it saved in the model
folder, as AWS does.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import jobs, processing
from .patching import install
from .processing import JobLog, JobSetupError, map_path

log = logging.getLogger("helpers.local.training")

LOG_GROUP = "/aws/sagemaker/TrainingJobs"
METRICS_NAMESPACE = "/aws/sagemaker/TrainingJobs"
NICENESS = 10
_RUNNING: dict[str, subprocess.Popen] = {}
_LOCK = threading.Lock()
_REQUEST_KEYS = (
    "TrainingJobName",
    "HyperParameters",
    "AlgorithmSpecification",
    "RoleArn",
    "InputDataConfig",
    "OutputDataConfig",
    "ResourceConfig",
    "VpcConfig",
    "StoppingCondition",
    "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption",
    "EnableManagedSpotTraining",
    "CheckpointConfig",
    "DebugHookConfig",
    "DebugRuleConfigurations",
    "TensorBoardOutputConfig",
    "ExperimentConfig",
    "ProfilerConfig",
    "ProfilerRuleConfigurations",
    "Environment",
    "RetryStrategy",
    "RemoteDebugConfig",
    "InfraCheckConfig",
)
_TERMINAL = ("Completed", "Failed", "Stopped")


def stop_grace_s() -> float:
    """Seconds a stopped job's script gets to save its model after SIGTERM (AWS: 120)."""
    return float(os.environ.get("WORKSHOP_TRAINING_STOP_GRACE_S", "30"))


# ------------------------------------------------------------------------------------------ the toolkit's view
def decode_hyperparameters(raw: dict[str, str] | None) -> dict[str, Any]:
    """Hyperparameters as the training toolkit reads them: each value JSON-decoded when it can be."""
    decoded: dict[str, Any] = {}
    for key, value in (raw or {}).items():
        try:
            decoded[key] = json.loads(value)
        except (TypeError, ValueError):
            decoded[key] = value
    return decoded


def _arg(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in sorted(value.items()))
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, list) else str(value)


def script_arguments(hyperparameters: dict[str, Any]) -> list[str]:
    """``--name value`` for every hyperparameter but the SDK's own ``sagemaker_*`` ones, sorted (the toolkit's
    ``to_cmd_args``)."""
    args: list[str] = []
    for key in sorted(hyperparameters):
        if not key.startswith("sagemaker_"):
            args += [f"--{key}" if len(key) > 1 else f"-{key}", _arg(hyperparameters[key])]
    return args


def toolkit_environment(request: dict[str, Any], hyperparameters: dict[str, Any], root: Path) -> dict[str, str]:
    """The ``SM_*`` variables the SageMaker training toolkit gives the entry point (paths mapped into ``root``)."""
    ml = str(root / "opt/ml")
    user = {k: v for k, v in hyperparameters.items() if not k.startswith("sagemaker_")}
    channels = sorted(c["ChannelName"] for c in request.get("InputDataConfig") or [])
    resource = request.get("ResourceConfig") or {}
    program = str(hyperparameters.get("sagemaker_program", ""))
    env = {
        "SM_HPS": json.dumps(user),
        "SM_CHANNELS": json.dumps(channels),
        "SM_MODEL_DIR": f"{ml}/model",
        "SM_OUTPUT_DIR": f"{ml}/output",
        "SM_OUTPUT_DATA_DIR": f"{ml}/output/data",
        "SM_OUTPUT_INTERMEDIATE_DIR": f"{ml}/output/intermediate",
        "SM_INPUT_DIR": f"{ml}/input",
        "SM_INPUT_CONFIG_DIR": f"{ml}/input/config",
        "SM_CURRENT_HOST": "algo-1",
        "SM_CURRENT_INSTANCE_TYPE": str(resource.get("InstanceType", "")),
        "SM_HOSTS": json.dumps(["algo-1"]),
        "SM_NETWORK_INTERFACE_NAME": "eth0",
        "SM_NUM_CPUS": str(os.cpu_count() or 1),
        "SM_NUM_GPUS": "0",
        "SM_LOG_LEVEL": str(hyperparameters.get("sagemaker_container_log_level", 20)),
        "SM_USER_ENTRY_POINT": program,
        "SM_MODULE_NAME": program.rsplit(".", 1)[0],
        "SM_MODULE_DIR": str(hyperparameters.get("sagemaker_submit_directory", "")),
        "SM_USER_ARGS": json.dumps(script_arguments(hyperparameters)),
        "SM_RESOURCE_CONFIG": json.dumps(_resource_config(request)),
        "SM_INPUT_DATA_CONFIG": json.dumps(_input_data_config(request)),
        "SM_FRAMEWORK_PARAMS": "{}",
        "TRAINING_JOB_NAME": str(request["TrainingJobName"]),
    }
    for name in channels:
        env[f"SM_CHANNEL_{name.upper()}"] = f"{ml}/input/data/{name}"
    for key, value in user.items():
        env[f"SM_HP_{key.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    env["SM_TRAINING_ENV"] = json.dumps(
        {
            "channel_input_dirs": {n: env[f"SM_CHANNEL_{n.upper()}"] for n in channels},
            "current_host": "algo-1",
            "hosts": ["algo-1"],
            "hyperparameters": user,
            "job_name": request["TrainingJobName"],
            "model_dir": env["SM_MODEL_DIR"],
            "output_data_dir": env["SM_OUTPUT_DATA_DIR"],
            "output_dir": env["SM_OUTPUT_DIR"],
            "user_entry_point": program,
            "num_cpus": int(env["SM_NUM_CPUS"]),
            "num_gpus": 0,
        }
    )
    return env


def _resource_config(request: dict[str, Any]) -> dict[str, Any]:
    instance_type = (request.get("ResourceConfig") or {}).get("InstanceType", "")
    return {
        "current_host": "algo-1",
        "current_instance_type": instance_type,
        "current_group_name": "homogeneousCluster",
        "hosts": ["algo-1"],
        "instance_groups": [
            {"instance_group_name": "homogeneousCluster", "instance_type": instance_type, "hosts": ["algo-1"]}
        ],
        "network_interface_name": "eth0",
    }


def _input_data_config(request: dict[str, Any]) -> dict[str, Any]:
    default_mode = (request.get("AlgorithmSpecification") or {}).get("TrainingInputMode", "File")
    config = {}
    for item in request.get("InputDataConfig") or []:
        source = (item.get("DataSource") or {}).get("S3DataSource") or {}
        config[item["ChannelName"]] = {
            "TrainingInputMode": item.get("InputMode") or default_mode,
            "S3DistributionType": source.get("S3DataDistributionType", "FullyReplicated"),
            "RecordWrapperType": item.get("RecordWrapperType", "None"),
            **({"ContentType": item["ContentType"]} if item.get("ContentType") else {}),
        }
    return config


def lay_out(request: dict[str, Any], root: Path) -> None:
    """Create ``/opt/ml`` under ``root`` with the toolkit's config files."""
    ml = root / "opt/ml"
    for sub in ("input/config", "input/data", "model", "output/data", "output/intermediate", "code"):
        (ml / sub).mkdir(parents=True, exist_ok=True)
    config = ml / "input/config"
    (config / "hyperparameters.json").write_text(json.dumps(request.get("HyperParameters") or {}, indent=2))
    (config / "resourceconfig.json").write_text(json.dumps(_resource_config(request), indent=2))
    (config / "inputdataconfig.json").write_text(json.dumps(_input_data_config(request), indent=2))
    (config / "trainingjobconfig.json").write_text(json.dumps(request, indent=2, default=str))


# ------------------------------------------------------------------------------------------ S3 in
def download_channels(s3: Any, request: dict[str, Any], root: Path, say: Callable[[str], None]) -> None:
    """Copy each channel's S3 data into ``/opt/ml/input/data/<channel>``; refuse what local mode cannot read."""
    default_mode = (request.get("AlgorithmSpecification") or {}).get("TrainingInputMode", "File")
    for item in request.get("InputDataConfig") or []:
        name = item["ChannelName"]
        source = (item.get("DataSource") or {}).get("S3DataSource")
        if not source:
            raise JobSetupError(f"ClientError: channel '{name}' is not an S3 data source; local mode reads S3 only.")
        mode = item.get("InputMode") or default_mode
        if mode not in ("File", "FastFile") or source.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise JobSetupError(
                f"ClientError: channel '{name}': local mode supports input mode File (or FastFile) with S3DataType "
                f"S3Prefix, not {mode} with {source.get('S3DataType')}."
            )
        processing.download_inputs(
            s3,
            [
                {
                    "InputName": name,
                    "S3Input": {
                        "S3Uri": source["S3Uri"],
                        "LocalPath": f"/opt/ml/input/data/{name}",
                        "S3InputMode": "File",
                        "S3DataType": "S3Prefix",
                    },
                }
            ],
            root,
            say,
        )


def fetch_code(s3: Any, hyperparameters: dict[str, Any], image: str, root: Path, say: Callable[[str], None]) -> Path:
    """Unpack ``sagemaker_submit_directory`` into ``/opt/ml/code``; return the entry point's path."""
    program = hyperparameters.get("sagemaker_program")
    submit = hyperparameters.get("sagemaker_submit_directory")
    if not program or not submit:
        raise JobSetupError(
            "ClientError: local mode runs script-mode training jobs: hyperparameters sagemaker_program and "
            "sagemaker_submit_directory (the SageMaker SDK's Estimator with entry_point, or JumpStartEstimator). "
            f"Image {image} has no entry point this machine can run."
        )
    code = root / "opt/ml/code"
    submit = str(submit)
    if submit.startswith("s3://"):
        bucket, key = processing._split(submit)
        bundle = code / Path(key).name
        try:
            s3.download_file(bucket, key, str(bundle))
        except Exception as exc:
            raise JobSetupError(f"ClientError: could not read sagemaker_submit_directory {submit}: {exc}") from None
    else:
        bundle = Path(map_path(submit, root))
        if not bundle.exists():
            raise JobSetupError(f"ClientError: sagemaker_submit_directory {submit} is not in any channel.")
    if bundle.is_dir():
        shutil.copytree(bundle, code, dirs_exist_ok=True)
    else:
        try:
            with tarfile.open(bundle) as tar:
                tar.extractall(code, filter="data")
        except tarfile.TarError as exc:
            raise JobSetupError(f"ClientError: sagemaker_submit_directory {submit} is not a tar.gz: {exc}") from None
    say(f"code: {submit} unpacked into /opt/ml/code")
    entry = code / str(program)
    if not entry.is_file():
        found = sorted(str(p.relative_to(code)) for p in code.rglob("*") if p.is_file())[:10]
        raise JobSetupError(
            f"ClientError: sagemaker_program {program} is not in sagemaker_submit_directory (it holds: {found})."
        )
    if (code / "requirements.txt").exists():
        processing.check_requirements(code / "requirements.txt", say)
    return entry


# ------------------------------------------------------------------------------------------ S3 out
def _output_prefix(request: dict[str, Any]) -> tuple[str, str]:
    bucket, prefix = processing._split(request["OutputDataConfig"]["S3OutputPath"])
    job = request["TrainingJobName"]
    return bucket, "/".join(p for p in [prefix.strip("/"), job, "output"] if p)


def upload_model(s3: Any, request: dict[str, Any], root: Path, say: Callable[[str], None]) -> str | None:
    """Upload ``/opt/ml/model`` (tar.gz, or file by file for CompressionType NONE) and ``/opt/ml/output/data``;
    return ``S3ModelArtifacts``, or None when the model folder is empty and nothing was uploaded."""
    bucket, prefix = _output_prefix(request)
    model = root / "opt/ml/model"
    files = sorted(p for p in model.rglob("*") if p.is_file())
    uri = None
    if (request["OutputDataConfig"].get("CompressionType") or "GZIP") == "NONE":
        for path in files:
            s3.upload_file(str(path), bucket, f"{prefix}/model/{path.relative_to(model).as_posix()}")
        uri = f"s3://{bucket}/{prefix}/model/" if files else None
    elif files:
        uri = f"s3://{bucket}/{prefix}/model.tar.gz"
        s3.put_object(Bucket=bucket, Key=f"{prefix}/model.tar.gz", Body=_tar_gz(model))
    say(f"model: {len(files)} file(s) from /opt/ml/model to {uri or '(nothing uploaded)'}")
    data = root / "opt/ml/output/data"
    if any(p.is_file() for p in data.rglob("*")):
        s3.put_object(Bucket=bucket, Key=f"{prefix}/output.tar.gz", Body=_tar_gz(data))
    return uri


def _tar_gz(folder: Path) -> bytes:
    import io

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=path.relative_to(folder).as_posix())
    return raw.getvalue()


# ------------------------------------------------------------------------------------------ metrics
class Metrics:
    """Applies the job's ``MetricDefinitions`` to log lines; publishes each value to CloudWatch at once."""

    def __init__(self, cloudwatch: Any, job_name: str, definitions: list[dict[str, str]] | None):
        self.cloudwatch = cloudwatch
        self.job_name = job_name
        self.patterns: list[tuple[str, re.Pattern]] = []
        for definition in definitions or []:
            try:
                self.patterns.append((definition["Name"], re.compile(definition["Regex"])))
            except (KeyError, re.error):
                log.warning("%s: metric definition %r skipped (not a valid regex)", job_name, definition)
        self.final: dict[str, dict[str, Any]] = {}
        self.published = 0

    def observe(self, line: str) -> None:
        """Find every metric in one line; publish them with the line's time."""
        from datetime import UTC, datetime

        data = []
        now = datetime.now(UTC)
        for name, pattern in self.patterns:
            match = pattern.search(line)
            if not match:
                continue
            try:
                value = float(match.group(1) if match.groups() else match.group(0))
            except ValueError:
                continue
            data.append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "TrainingJobName", "Value": self.job_name}],
                    "Timestamp": now,
                    "Value": value,
                    "Unit": "None",
                }
            )
            self.final[name] = {"MetricName": name, "Value": value, "Timestamp": now.replace(tzinfo=None)}
        if data:
            try:
                self.cloudwatch.put_metric_data(Namespace=METRICS_NAMESPACE, MetricData=data)
                self.published += len(data)
            except Exception:  # logged; the job goes on
                log.warning("could not publish the metrics of %s", self.job_name, exc_info=True)


# ------------------------------------------------------------------------------------------ job state
def _now() -> Any:
    from moto.core.utils import utcnow

    return utcnow()


def _secondary(job: Any, status: str, message: str, final: bool = False) -> None:
    """Move the job to a secondary status, closing the previous transition."""
    now = _now()
    transitions = job.secondary_status_transitions
    if transitions and "EndTime" not in transitions[-1]:
        transitions[-1]["EndTime"] = now
    entry = {"Status": status, "StartTime": now, "StatusMessage": message}
    if final:
        entry["EndTime"] = now
    transitions.append(entry)
    job.secondary_status = status
    job.last_modified_time = now


def _finish(job: Any, status: str, secondary: str, message: str, **attrs: Any) -> None:
    """End the job: its status, times and billable seconds."""
    for key, value in attrs.items():
        setattr(job, key, value)
    end = _now()
    job.training_end_time = end
    if job.training_start_time is not None:
        seconds = max(1, round((end - job.training_start_time).total_seconds()))
        job.training_time_in_seconds = job.billable_time_in_seconds = seconds
    _secondary(job, secondary, message, final=True)
    job.training_job_status = status


def _failure_reason(root: Path, rc: int, command: list[str], job_log: JobLog) -> str:
    failure = root / "opt/ml/output/failure"
    text = failure.read_text(errors="replace").strip() if failure.exists() else ""
    if not text:
        text = "\n".join(job_log.tail[-3:]) or "no output"
    command_text = " ".join(shlex.quote(c) for c in command)
    reason = f'AlgorithmError: ExecuteUserScriptError:\nExitCode {rc}\nErrorMessage "{text}"\nCommand "{command_text}"'
    return f"{reason}, exit code: {rc}"[:1024]


def run_job(job: Any, request: dict[str, Any], url: str, region: str) -> None:
    """Run one training job to its end (the background thread's body)."""
    name = request["TrainingJobName"]
    root = Path(tempfile.mkdtemp(prefix=f"training-{name[:40]}-"))
    job_log: JobLog | None = None
    end: tuple[str, str, str, dict[str, Any]]
    try:
        s3, logs, cloudwatch = jobs.clients(url, region, "s3", "logs", "cloudwatch")
        job_log = JobLog(logs, name, group=LOG_GROUP)

        def say(message: str) -> None:
            job_log.write(f"[local SageMaker] {message}")

        lay_out(request, root)
        job.training_start_time = _now()
        if job.training_job_status == "InProgress":
            _secondary(job, "Downloading", "Downloading input data")
            download_channels(s3, request, root, say)
            hyperparameters = decode_hyperparameters(request.get("HyperParameters"))
            image = (request.get("AlgorithmSpecification") or {}).get("TrainingImage", "the image")
            entry = fetch_code(s3, hyperparameters, image, root, say)
        if job.training_job_status != "InProgress":
            end = _stopped(job, s3, request, root, say)
            return
        _secondary(job, "Training", "Training image download completed. Training in progress.")
        command = [sys.executable, entry.name, *script_arguments(hyperparameters)]
        say(f"running {' '.join(shlex.quote(c) for c in command)} (in /opt/ml/code, at lower CPU priority)")
        env = processing._environment(request, root, url, region)
        env.update(toolkit_environment(request, hyperparameters, root))
        metrics = Metrics(cloudwatch, name, (request.get("AlgorithmSpecification") or {}).get("MetricDefinitions"))
        rc = _run(job, command, entry.parent, env, job_log, metrics)
        job.final_metric_data_list = list(metrics.final.values())
        if job.training_job_status == "Stopping":
            end = _stopped(job, s3, request, root, say)
        elif rc != 0:
            end = (
                "Failed",
                "Failed",
                "Training job failed",
                {"failure_reason": _failure_reason(root, rc, command, job_log)},
            )
        else:
            _secondary(job, "Uploading", "Uploading generated training model")
            uri = upload_model(s3, request, root, say)
            end = ("Completed", "Completed", "Training job completed", {"model_artifacts": _artifacts(uri)})
    except JobSetupError as exc:
        if job_log:
            job_log.write(str(exc))
        end = ("Failed", "Failed", "Training job failed", {"failure_reason": str(exc)[:1024]})
    except Exception as exc:  # never leave a job InProgress
        log.exception("training job %s failed in the local runner", name)
        end = (
            "Failed",
            "Failed",
            "Training job failed",
            {"failure_reason": f"InternalServerError: local runner: {exc}"[:1024]},
        )
    finally:
        jobs.tidy_up(job_log, root, name, log)
        status, secondary, message, attrs = end
        _finish(job, status, secondary, message, **attrs)


def _artifacts(uri: str | None) -> dict[str, str] | None:
    return {"S3ModelArtifacts": uri} if uri else None


def _stopped(
    job: Any, s3: Any, request: dict[str, Any], root: Path, say: Callable[[str], None]
) -> tuple[str, str, str, dict[str, Any]]:
    """How a stopped job (StopTrainingJob or MaxRuntimeInSeconds) ends, after uploading what its model folder
    holds, as AWS does."""
    uri = upload_model(s3, request, root, say)
    if job.stop_cause == "MaxRuntimeExceeded":
        limit = (request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
        say(f"MaxRuntimeInSeconds ({limit} s) exceeded: the job was stopped")
        message = "Training job runtime exceeded MaxRuntimeInSeconds provided"
        return "Stopped", "MaxRuntimeExceeded", message, {"model_artifacts": _artifacts(uri)}
    return "Stopped", "Stopped", "Training job stopped", {"model_artifacts": _artifacts(uri)}


def _run(job: Any, command: list[str], cwd: Path, env: dict[str, str], job_log: JobLog, metrics: Metrics) -> int:
    """Run the entry point at lower priority, streaming its output to the log and the metrics."""
    nice = shutil.which("nice")
    process = jobs.start(([nice, "-n", str(NICENESS)] if nice else []) + command, cwd, env)
    if not nice:  # no nice(1): lower the priority of the process itself, before it starts its threads
        try:
            os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
        except OSError:
            log.warning("could not lower the priority of %s", job.training_job_name)
    with _LOCK:
        _RUNNING[job.training_job_name] = process
    if job.training_job_status == "Stopping":  # stopped while the process was starting
        _terminate(process)
    limit = (job.request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds") or 86400
    elapsed = (_now() - job.training_start_time).total_seconds()

    def max_runtime() -> None:
        if process.poll() is None and job.training_job_status == "InProgress":
            job.stop_cause = "MaxRuntimeExceeded"
            job.training_job_status = "Stopping"
            _secondary(job, "Stopping", "Stopping the training job")
            _terminate(process)

    timer = jobs.timer(max(0.0, float(limit) - elapsed), max_runtime)
    try:
        return jobs.follow(process, job_log.write, metrics.observe)
    finally:
        timer.cancel()
        with _LOCK:
            _RUNNING.pop(job.training_job_name, None)


def _terminate(process: subprocess.Popen) -> None:
    """SIGTERM now, SIGKILL after the grace period if the script has not exited."""
    if process.poll() is not None:
        return
    process.terminate()

    def kill() -> None:
        if process.poll() is None:
            process.kill()

    jobs.timer(stop_grace_s(), kill)


def kill_running() -> None:
    """Kill every training script still running (the server is stopping: no orphan keeps the CPU busy)."""
    with _LOCK:
        processes = list(_RUNNING.values())
    for process in processes:
        if process.poll() is None:
            process.kill()


# ------------------------------------------------------------------------------------------ the API patches
def _error(code: str, message: str) -> Exception:
    from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound

    from .extensions import _resource_limit_exceeded

    kinds = {"ResourceInUse": ResourceInUseException, "ResourceNotFound": ResourceNotFound}
    return kinds[code](message) if code in kinds else _resource_limit_exceeded()(message)


def _validate(backend: Any, request: dict[str, Any]) -> None:
    from moto.sagemaker.exceptions import ValidationError

    from .extensions import ZERO_QUOTA_FAMILIES, is_instance_type

    name = request["TrainingJobName"]
    if name in backend.training_jobs:
        raise _error(
            "ResourceInUse",
            "Training job names must be unique within an AWS account and region, and a training job with this "
            f"name already exists ({backend.training_jobs[name].arn})",
        )
    algorithm = request.get("AlgorithmSpecification") or {}
    if not algorithm.get("TrainingImage") and not algorithm.get("AlgorithmName"):
        raise ValidationError(
            message="Either TrainingImage or AlgorithmName must be specified in AlgorithmSpecification."
        )
    for definition in algorithm.get("MetricDefinitions") or []:
        try:
            re.compile(definition.get("Regex", ""))
        except re.error as exc:
            raise ValidationError(
                message=f"Metric definition '{definition.get('Name')}' has an invalid regex: {exc}"
            ) from None
    instance_type = (request.get("ResourceConfig") or {}).get("InstanceType", "")
    if not is_instance_type(instance_type):
        raise ValidationError(
            message=f"1 validation error detected: Value '{instance_type}' at 'resourceConfig.instanceType' failed "
            "to satisfy constraint: Member must be a SageMaker training instance type such as ml.m5.xlarge"
        )
    family = instance_type.split(".")[1]
    if family in ZERO_QUOTA_FAMILIES:
        count = (request.get("ResourceConfig") or {}).get("InstanceCount", 1)
        raise _error(
            "ResourceLimitExceeded",
            f"The account-level service limit '{instance_type} for training job usage' is 0 Instances, with current "
            f"utilization of 0 Instances and a request delta of {count} Instances. Please use AWS Service Quotas to "
            "request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to "
            "request an increase for this quota.",
        )
    if (request.get("ResourceConfig") or {}).get("InstanceCount", 1) != 1:
        raise ValidationError(message="Local mode runs training jobs on one instance: set InstanceCount to 1.")
    problem = eula_problem(request)
    if problem:
        raise ValidationError(message=problem)


def eula_problem(request: dict[str, Any]) -> str | None:
    """Why a job that trains a gated JumpStart model (its ``model`` channel is the model's artifact) is refused
    without the EULA accepted (``ModelAccessConfig.AcceptEula`` in that channel, or the older ``accept_eula``
    environment variable), else None."""
    from . import catalog

    accepted_env = str((request.get("Environment") or {}).get("accept_eula", "")).lower() == "true"
    for channel in request.get("InputDataConfig") or []:
        source = (channel.get("DataSource") or {}).get("S3DataSource") or {}
        model_id = catalog.model_id_from_artifact(source.get("S3Uri", ""))
        if not model_id or not catalog.is_gated(model_id):
            continue
        access = (source.get("ModelAccessConfig") or {}).get("AcceptEula")
        if access in (True, "true", "True") or accepted_env:
            continue
        return (
            f"Model '{model_id}' is gated: you must accept its end-user license agreement (EULA) to train it. Read "
            "the EULA, then pass accept_eula=True to JumpStartEstimator.fit() (ModelAccessConfig.AcceptEula=true "
            f"in channel '{channel.get('ChannelName')}' of CreateTrainingJob)."
        )
    return None


def _create_training_job(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.sagemaker_backend
    request = {key: self._get_param(key) for key in _REQUEST_KEYS}
    _validate(backend, request)
    job = backend.create_training_job(
        training_job_name=request["TrainingJobName"],
        hyper_parameters=request["HyperParameters"],
        algorithm_specification=copy.deepcopy(request["AlgorithmSpecification"]),  # moto overwrites its metrics
        role_arn=request["RoleArn"],
        input_data_config=request["InputDataConfig"],
        output_data_config=request["OutputDataConfig"],
        resource_config=request["ResourceConfig"],
        vpc_config=request["VpcConfig"],
        stopping_condition=request["StoppingCondition"],
        tags=self._get_param("Tags"),
        enable_network_isolation=request["EnableNetworkIsolation"] or False,
        enable_inter_container_traffic_encryption=request["EnableInterContainerTrafficEncryption"] or False,
        enable_managed_spot_training=request["EnableManagedSpotTraining"] or False,
        checkpoint_config=request["CheckpointConfig"],
        debug_hook_config=request["DebugHookConfig"],
        debug_rule_configurations=request["DebugRuleConfigurations"],
        tensor_board_output_config=request["TensorBoardOutputConfig"],
        experiment_config=request["ExperimentConfig"],
    )
    job.request = request
    job.training_job_status = "InProgress"
    job.secondary_status_transitions = []
    job.final_metric_data_list = []
    job.model_artifacts = None
    job.training_start_time = job.training_end_time = None
    job.training_time_in_seconds = job.billable_time_in_seconds = None
    job.failure_reason = None
    job.stop_cause = None
    _secondary(job, "Starting", "Preparing the instances for training")
    threading.Thread(
        target=run_job,
        args=(job, request, processing._server_url(self), self.region),
        name=f"training-{job.training_job_name}",
        daemon=True,
    ).start()
    return ActionResult({"TrainingJobArn": job.arn})


def describe(job: Any) -> dict[str, Any]:
    """DescribeTrainingJob's answer for a job: the request as sent, and the job's state."""
    request = job.request
    algorithm = dict(request.get("AlgorithmSpecification") or {})  # with the defaults AWS fills in
    algorithm.setdefault("TrainingInputMode", "File")
    algorithm.setdefault("EnableSageMakerMetricsTimeSeries", False)
    output = {"KmsKeyId": "", **(request.get("OutputDataConfig") or {})}
    channels = [
        {"CompressionType": "None", "RecordWrapperType": "None", **channel}
        for channel in request.get("InputDataConfig") or []
    ]
    answer = {
        "TrainingJobName": job.training_job_name,
        "TrainingJobArn": job.arn,
        "ModelArtifacts": job.model_artifacts,
        "TrainingJobStatus": job.training_job_status,
        "SecondaryStatus": job.secondary_status,
        "FailureReason": job.failure_reason,
        "HyperParameters": request.get("HyperParameters"),
        "AlgorithmSpecification": algorithm,
        "RoleArn": request.get("RoleArn"),
        "InputDataConfig": channels or None,
        "OutputDataConfig": output,
        "ResourceConfig": request.get("ResourceConfig"),
        "VpcConfig": request.get("VpcConfig"),
        "StoppingCondition": request.get("StoppingCondition"),
        "CreationTime": job.creation_time,
        "TrainingStartTime": job.training_start_time,
        "TrainingEndTime": job.training_end_time,
        "LastModifiedTime": job.last_modified_time,
        "SecondaryStatusTransitions": [dict(t) for t in job.secondary_status_transitions],
        "FinalMetricDataList": list(job.final_metric_data_list),
        "EnableNetworkIsolation": bool(request.get("EnableNetworkIsolation")),
        "EnableInterContainerTrafficEncryption": bool(request.get("EnableInterContainerTrafficEncryption")),
        "EnableManagedSpotTraining": bool(request.get("EnableManagedSpotTraining")),
        "TrainingTimeInSeconds": job.training_time_in_seconds,
        "BillableTimeInSeconds": job.billable_time_in_seconds,
    }
    for key in _REQUEST_KEYS:
        if key not in answer and request.get(key) is not None:
            answer[key] = request[key]
    return {k: v for k, v in answer.items() if v is not None}


def trained_by(region: str, artifact_uri: str) -> str | None:
    """The name of the training job whose model artifacts are ``artifact_uri`` (a ``model.tar.gz`` or the
    uncompressed prefix), or None: how a tuned endpoint's label names the job that tuned it."""
    from moto.sagemaker.models import sagemaker_backends

    from . import config

    wanted = artifact_uri.rstrip("/")
    jobs = sagemaker_backends[config.ACCOUNT_ID][region].training_jobs
    for job in list(jobs.values()):
        produced = ((getattr(job, "model_artifacts", None) or {}).get("S3ModelArtifacts") or "").rstrip("/")
        if produced and produced == wanted and hasattr(job, "request"):
            return job.training_job_name
    return None


def _describe_training_job(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ValidationError

    job = self.sagemaker_backend.training_jobs.get(self._get_param("TrainingJobName"))
    if job is None or not hasattr(job, "request"):
        if job is not None:  # created before the patches (not in a running server)
            return ActionResult(self.sagemaker_backend.describe_training_job(job.training_job_name))
        raise ValidationError(message="Requested resource not found.")
    return ActionResult(describe(job))


def _list_training_jobs(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import AWSValidationException

    max_results = self._get_int_param("MaxResults") or 100
    sort_by = self._get_param("SortBy", "CreationTime")
    sort_order = self._get_param("SortOrder", "Ascending")
    status = self._get_param("StatusEquals")
    errors = []
    if not 1 <= max_results <= 100:
        errors.append(
            f"Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must have value less than "
            "or equal to 100"
        )
    for value, field, allowed in (
        (sort_by, "sortBy", ["Name", "CreationTime", "Status"]),
        (sort_order, "sortOrder", ["Ascending", "Descending"]),
        (status, "statusEquals", ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]),
    ):
        if value is not None and value not in allowed:
            errors.append(
                f"Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: "
                f"[{', '.join(allowed)}]"
            )
    if errors:
        raise AWSValidationException(f"{len(errors)} validation errors detected: {';'.join(errors)}")
    jobs = list(self.sagemaker_backend.training_jobs.values())
    name_contains = self._get_param("NameContains")
    filters = [
        (name_contains, lambda j: name_contains.lower() in j.training_job_name.lower()),
        (status, lambda j: j.training_job_status == status),
    ]
    jobs = within_times([j for j in jobs if all(check(j) for given, check in filters if given is not None)], self)
    key = {
        "Name": lambda j: j.training_job_name,
        "CreationTime": lambda j: j.creation_time,
        "Status": lambda j: j.training_job_status,
    }[sort_by]
    jobs.sort(key=key, reverse=sort_order == "Descending")
    start = int(self._get_param("NextToken") or 0)
    page = jobs[start : start + max_results]
    summaries = []
    for job in page:
        summary = {
            "TrainingJobName": job.training_job_name,
            "TrainingJobArn": job.arn,
            "CreationTime": job.creation_time,
            "TrainingEndTime": job.training_end_time,
            "LastModifiedTime": job.last_modified_time,
            "TrainingJobStatus": job.training_job_status,
            "SecondaryStatus": getattr(job, "secondary_status", None),
        }
        summaries.append({k: v for k, v in summary.items() if v is not None})
    answer: dict[str, Any] = {"TrainingJobSummaries": summaries}
    if start + max_results < len(jobs):
        answer["NextToken"] = str(start + max_results)
    return ActionResult(answer)


def within_times(jobs: list[Any], handler: Any) -> list[Any]:
    """The jobs inside a List call's ``CreationTime{After,Before}`` and ``LastModifiedTime{After,Before}`` (each job
    has ``creation_time`` and ``last_modified_time``); shared by the List handlers of training and labeling jobs."""
    for param, test in (
        ("CreationTimeAfter", lambda j, t: j.creation_time > t),
        ("CreationTimeBefore", lambda j, t: j.creation_time < t),
        ("LastModifiedTimeAfter", lambda j, t: j.last_modified_time > t),
        ("LastModifiedTimeBefore", lambda j, t: j.last_modified_time < t),
    ):
        value = handler._get_param(param)
        if value is not None:
            moment = _as_datetime(value)
            jobs = [j for j in jobs if test(j, moment)]
    return jobs


def _as_datetime(value: Any) -> Any:
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromtimestamp(float(value), UTC).replace(tzinfo=None)
    except (TypeError, ValueError):
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)


def _stop_training_job(self: Any) -> Any:
    from moto.core.responses import EmptyResult
    from moto.sagemaker.exceptions import ValidationError

    name = self._get_param("TrainingJobName")
    job = self.sagemaker_backend.training_jobs.get(name)
    if job is None:
        raise _error("ResourceNotFound", "Requested resource not found.")
    if job.training_job_status != "InProgress":
        raise ValidationError(
            message=f"The request was rejected because the training job is in status {job.training_job_status}."
        )
    job.stop_cause = "StopTrainingJob"
    job.training_job_status = "Stopping"
    _secondary(job, "Stopping", "Stopping the training job")
    with _LOCK:
        process = _RUNNING.get(name)
    if process is not None:
        _terminate(process)
    return EmptyResult()


@functools.cache
def apply() -> None:
    """Install the training-job runner into moto (once)."""
    from moto.sagemaker import responses

    cls = responses.SageMakerResponse
    install(cls, _create_training_job, _describe_training_job, _list_training_jobs, _stop_training_job)
