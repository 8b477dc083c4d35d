"""Processing jobs that really run, in the local SageMaker.

Stock moto marks a processing job Completed at creation, runs nothing, and drops ``ProcessingResources``
(the SDK's log tailing then fails with KeyError). With :func:`apply`, ``CreateProcessingJob``:

1. keeps the whole request (``ProcessingResources``, ``Environment`` ...), answers at once, and marks the job
   ``InProgress``; the rest happens in a background thread;
2. makes a temporary folder laid out like the container's ``/opt/ml`` and copies each ``S3Input`` prefix from
   the local S3 into its ``LocalPath`` (an empty prefix fails the job, as on AWS);
3. rewrites the container command to run on this machine: ``python3 <script>`` (ScriptProcessor,
   SKLearnProcessor) runs with the local ``sys.executable``; the SDK FrameworkProcessor's ``runproc.sh`` is
   emulated (unpack ``sourcedir.tar.gz``, check ``requirements.txt`` against the local Python instead of
   ``pip install``, run the script). Every ``/opt/ml/...`` path in the entrypoint, arguments and environment
   is mapped into the temporary folder. Other images cannot run locally and fail the job with a clear reason;
4. streams the script's stdout and stderr into CloudWatch Logs, group ``/aws/sagemaker/ProcessingJobs``, stream
   ``<job>/algo-1-<epoch>``, so ``processor.run(wait=True, logs=True)`` prints them as on AWS;
5. uploads each ``S3Output`` folder to S3 and ends ``Completed``; a non-zero exit ends ``Failed`` with a
   ``FailureReason`` naming the exit code and the last line of output. ``MaxRuntimeInSeconds`` and
   ``StopProcessingJob`` are honoured.

The script gets the local SageMaker's URL as ``AWS_ENDPOINT_URL`` (like a container gets its role's
credentials), so boto3 calls inside it reach the local S3 and CloudWatch.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import config, jobs
from .patching import install

log = logging.getLogger("helpers.local.processing")

LOG_GROUP = "/aws/sagemaker/ProcessingJobs"
_PYTHON = re.compile(r"(?:.*/)?python(?:\d+(?:\.\d+)?)?")
_SHELL = re.compile(r"(?:.*/)?(?:ba)?sh")
_RUNNING: dict[str, subprocess.Popen] = {}
_LOCK = threading.Lock()


class JobSetupError(Exception):
    """The job cannot run; the message becomes its ``FailureReason``."""


# ------------------------------------------------------------------------------------------ paths and commands
def map_path(value: str, root: Path) -> str:
    """Map a container path (``/opt/ml/...``, also inside ``--flag=/opt/ml/...``) into ``root``."""
    if value.startswith("/opt/ml"):
        return str(root) + value
    if value.startswith("-") and "=/opt/ml" in value:
        flag, _, path = value.partition("=")
        return f"{flag}={root}{path}"
    return value


def check_requirements(path: Path, say: Callable[[str], None]) -> None:
    """Check ``requirements.txt`` against the local Python (local mode does not pip install).

    A missing package fails the job; a different version is used as it is, with a note in the log.
    """
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement

    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            say(f"requirements.txt: skipped '{line}' (not a plain requirement)")
            continue
        if req.marker is not None and not req.marker.evaluate():
            say(f"requirements.txt: skipped {req.name} (its marker '{req.marker}' does not apply)")
            continue
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            raise JobSetupError(
                f"ClientError: requirements.txt needs {req.name}, which the local Python ({sys.executable}) does "
                "not have. Local mode does not pip install: add it to the workshop's environment."
            ) from None
        matches = not req.specifier or req.specifier.contains(version, prereleases=True)
        note = "" if matches else f" (asked {req.specifier}; local mode uses the local version)"
        say(f"requirements.txt: {req.name} {version} from the local Python{note}")


def plan_command(app: dict[str, Any], root: Path, say: Callable[[str], None]) -> tuple[list[str], Path]:
    """The command (and working folder) that runs the job's container command on this machine."""
    entrypoint = [str(part) for part in app.get("ContainerEntrypoint") or []]
    arguments = [map_path(str(a), root) for a in app.get("ContainerArguments") or []]
    if entrypoint and _PYTHON.fullmatch(entrypoint[0]):
        command = [sys.executable] + [map_path(p, root) for p in entrypoint[1:]] + arguments
        return command, root
    if len(entrypoint) >= 2 and _SHELL.fullmatch(entrypoint[0]) and entrypoint[1].endswith(".sh"):
        return _framework_command(Path(map_path(entrypoint[1], root)), arguments, root, say)
    raise JobSetupError(
        "ClientError: local mode runs Python processing scripts: a ContainerEntrypoint of ['python3', "
        "'<script>'] (ScriptProcessor, SKLearnProcessor) or the SageMaker SDK FrameworkProcessor's runproc.sh. "
        f"This job's entrypoint is {entrypoint or 'the image default'}, and image {app.get('ImageUri')} does "
        "not run on this machine."
    )


def _framework_command(
    script: Path, arguments: list[str], root: Path, say: Callable[[str], None]
) -> tuple[list[str], Path]:
    """Emulate the FrameworkProcessor's runproc.sh: cd, untar sourcedir.tar.gz, requirements, run."""
    if not script.exists():
        raise JobSetupError(f"ClientError: the entrypoint script {script.relative_to(root)} was not in any input.")
    text = script.read_text()
    cd = re.search(r"^\s*cd\s+(\S+)\s*$", text, re.M)
    run = [line for line in text.splitlines() if line.rstrip().endswith('"$@"')]
    if not cd or not run:
        raise JobSetupError(
            f"ClientError: local mode understands the SageMaker SDK FrameworkProcessor's runproc.sh; "
            f"{script.name} is a different shell script and cannot run locally."
        )
    workdir = Path(map_path(cd.group(1).rstrip("/"), root))
    bundle = workdir / "sourcedir.tar.gz"
    if "sourcedir.tar.gz" in text:
        if not bundle.exists():
            raise JobSetupError("ClientError: sourcedir.tar.gz was not in the code input.")
        with tarfile.open(bundle) as tar:
            tar.extractall(workdir, filter="data")
    if "requirements.txt" in text and (workdir / "requirements.txt").exists():
        check_requirements(workdir / "requirements.txt", say)
    tokens = shlex.split(run[-1])[:-1]  # drop "$@"
    if len(tokens) < 2 or not _PYTHON.fullmatch(tokens[0]):
        raise JobSetupError(f"ClientError: local mode runs Python scripts; runproc.sh runs {' '.join(tokens)!r}.")
    return [sys.executable, *tokens[1:], *arguments], workdir


# ------------------------------------------------------------------------------------------ S3 in and out
def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def download_inputs(s3: Any, inputs: list[dict[str, Any]], root: Path, say: Callable[[str], None]) -> None:
    """Copy each ``S3Input`` prefix into its mapped ``LocalPath``; fail like SageMaker on bad inputs."""
    for item in inputs or []:
        name = item.get("InputName", "input")
        source = item.get("S3Input")
        if not source:
            raise JobSetupError(f"ClientError: input '{name}' is not an S3Input; local mode reads S3 inputs only.")
        if source.get("S3InputMode", "File") != "File" or source.get("S3DataType", "S3Prefix") != "S3Prefix":
            raise JobSetupError(
                f"ClientError: input '{name}': local mode supports S3InputMode File with S3DataType S3Prefix."
            )
        bucket, prefix = _split(source["S3Uri"])
        target = Path(map_path(source["LocalPath"], root))
        target.mkdir(parents=True, exist_ok=True)
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [obj["Key"] for obj in page.get("Contents", [])]
        if not keys:
            raise JobSetupError(
                f'ClientError: No S3 objects found under S3 URL "{source["S3Uri"]}" given in input data source '
                f"'{name}'. Please ensure that the bucket exists and that objects exist under that S3 prefix."
            )
        base = prefix if prefix.endswith("/") or not prefix else prefix.rsplit("/", 1)[0] + "/"
        for key in keys:
            if key.endswith("/"):
                continue
            if key == prefix:
                relative = key.rsplit("/", 1)[-1]
            elif key.startswith(prefix.rstrip("/") + "/"):
                relative = key[len(prefix.rstrip("/")) + 1 :]
            else:  # a literal prefix such as .../ep matching .../ep2/x: keep the path below the parent folder
                relative = key[len(base) :] if base != "/" else key
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, key, str(destination))
        say(f"input '{name}': {len(keys)} object(s) from {source['S3Uri']} to {source['LocalPath']}")


def upload_outputs(s3: Any, output_config: dict[str, Any], root: Path, say: Callable[[str], None]) -> None:
    """Upload every file under each output's mapped ``LocalPath`` to its ``S3Uri``."""
    for item in (output_config or {}).get("Outputs") or []:
        destination = item.get("S3Output")
        name = item.get("OutputName", "output")
        if not destination:
            say(f"output '{name}' is not an S3Output; skipped in local mode")
            continue
        folder = Path(map_path(destination["LocalPath"], root))
        bucket, prefix = _split(destination["S3Uri"])
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
        for path in files:
            key = "/".join(p for p in [prefix.rstrip("/"), path.relative_to(folder).as_posix()] if p)
            s3.upload_file(str(path), bucket, key)
        say(f"output '{name}': {len(files)} file(s) from {destination['LocalPath']} to {destination['S3Uri']}")


# ------------------------------------------------------------------------------------------ CloudWatch Logs
class JobLog:
    """Writes lines to the job's CloudWatch Logs stream: batched, and flushed at least every 0.5 s."""

    def __init__(self, logs: Any, job_name: str, group: str = LOG_GROUP):
        self.logs = logs
        self.group = group
        self.stream = f"{job_name}/algo-1-{int(time.time())}"
        self.buffer: list[dict[str, Any]] = []
        self.tail: list[str] = []
        self.lock = threading.Lock()
        self.closed = threading.Event()
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=self.stream)
        threading.Thread(target=self._flush_regularly, name=f"logs-{job_name}", daemon=True).start()

    def write(self, line: str) -> None:
        """Queue one line (flushed when 100 are queued, or by the timer). An empty line is dropped, as the
        container log drivers drop it: CloudWatch Logs refuses an empty message, and with it the whole batch."""
        line = line.rstrip("\n")
        if not line:
            return
        with self.lock:
            self.buffer.append({"timestamp": int(time.time() * 1000), "message": line})
            if line.strip():
                self.tail = (self.tail + [line])[-5:]
            full = len(self.buffer) >= 100
        if full:
            self.flush()

    def flush(self) -> None:
        """Send queued lines."""
        with self.lock:
            events, self.buffer = self.buffer, []
            if events:
                self.logs.put_log_events(logGroupName=self.group, logStreamName=self.stream, logEvents=events)

    def close(self) -> None:
        """Flush and stop the timer."""
        self.closed.set()
        self.flush()

    def _flush_regularly(self) -> None:
        while not self.closed.wait(0.5):
            try:
                self.flush()
            except Exception:  # logged; the job goes on
                log.warning("could not write the logs of %s", self.stream, exc_info=True)


# ------------------------------------------------------------------------------------------ running a job
def _set(job: Any, **attrs: Any) -> None:
    from moto.core.utils import utcnow

    for key, value in attrs.items():
        setattr(job, key, value)
    job.last_modified_time = utcnow()


def _environment(request: dict[str, Any], root: Path, url: str, region: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WORKSHOP_")) and k != "PYTHONPATH"}
    env.update({k: map_path(str(v), root) for k, v in (request.get("Environment") or {}).items()})
    env.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
        AWS_REGION=region,
        AWS_DEFAULT_REGION=region,
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _write_config(request: dict[str, Any], root: Path) -> None:
    folder = root / "opt/ml/config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "processingjobconfig.json").write_text(json.dumps(request, indent=2, default=str))
    (folder / "resourceconfig.json").write_text(json.dumps({"current_host": "algo-1", "hosts": ["algo-1"]}))


def run_job(job: Any, request: dict[str, Any], url: str, region: str) -> None:
    """Run one processing job to its end (the background thread's body)."""
    from moto.core.utils import utcnow

    name = job.processing_job_name
    root = Path(tempfile.mkdtemp(prefix=f"processing-{name[:40]}-"))
    job_log: JobLog | None = None
    final: dict[str, Any] = {}
    try:
        s3, logs = jobs.clients(url, region, "s3", "logs")
        job_log = JobLog(logs, name)

        def say(message: str) -> None:
            job_log.write(f"[local SageMaker] {message}")

        _set(job, processing_start_time=utcnow())
        for sub in ("input", "output"):
            (root / "opt/ml/processing" / sub).mkdir(parents=True, exist_ok=True)
        _write_config(request, root)
        download_inputs(s3, request.get("ProcessingInputs") or [], root, say)
        for item in (request.get("ProcessingOutputConfig") or {}).get("Outputs") or []:
            if item.get("S3Output"):
                Path(map_path(item["S3Output"]["LocalPath"], root)).mkdir(parents=True, exist_ok=True)
        command, cwd = plan_command(request.get("AppSpecification") or {}, root, say)
        say(f"running {' '.join(shlex.quote(c) for c in command)} (in {cwd})")
        stopped_early = job.processing_job_status == "Stopping"  # StopProcessingJob before the script started
        rc = -1 if stopped_early else _run(name, command, cwd, _environment(request, root, url, region), job_log, job)
        if job.processing_job_status == "Stopping":
            final = {"processing_job_status": "Stopped", "exit_message": "Stopped by StopProcessingJob"}
        elif rc is None:  # as on AWS, a job past its MaxRuntimeInSeconds is stopped
            limit = (request.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
            say(f"MaxRuntimeInSeconds ({limit} s) exceeded: the job was stopped")
            final = {"processing_job_status": "Stopped", "exit_message": f"MaxRuntimeInSeconds ({limit} s) exceeded"}
        elif rc == 0:
            upload_outputs(s3, request.get("ProcessingOutputConfig") or {}, root, say)
            final = {"processing_job_status": "Completed", "exit_message": "Completed: the script exited with code 0"}
        else:
            last = job_log.tail[-1] if job_log.tail else "no output"
            reason = f"AlgorithmError: the script exited with code {rc}: {last}"[:1024]
            final = {"processing_job_status": "Failed", "failure_reason": reason, "exit_message": reason}
    except JobSetupError as exc:
        if job_log:
            job_log.write(str(exc))
        final = {"processing_job_status": "Failed", "failure_reason": str(exc)[:1024]}
    except Exception as exc:  # never leave a job InProgress
        log.exception("processing job %s failed in the local runner", name)
        reason = f"InternalServerError: local runner: {exc}"[:1024]
        final = {"processing_job_status": "Failed", "failure_reason": reason}
    finally:
        jobs.tidy_up(job_log, root, name, log)
        _set(job, processing_end_time=utcnow(), **final)


def _run(name: str, command: list[str], cwd: Path, env: dict[str, str], job_log: JobLog, job: Any) -> int | None:
    """Run the command, streaming its output to the log; None when it ran past MaxRuntimeInSeconds."""
    limit = float((getattr(job, "stopping_condition", None) or {}).get("MaxRuntimeInSeconds") or 86400)
    process = jobs.start(command, cwd, env)
    with _LOCK:
        _RUNNING[name] = process
    if job.processing_job_status == "Stopping":  # stopped while the process was starting
        process.terminate()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        process.kill()

    timer = jobs.timer(limit, kill)
    try:
        rc = jobs.follow(process, job_log.write)
    finally:
        timer.cancel()
        with _LOCK:
            _RUNNING.pop(name, None)
    return None if timed_out.is_set() else rc


# ------------------------------------------------------------------------------------------ the API patches
def _server_url(response: Any) -> str:
    host = (response.headers or {}).get("Host") or (response.headers or {}).get("host")
    return f"http://{host}" if host else config.url()


def _create_processing_job(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ValidationError

    backend = self.sagemaker_backend
    name = self._get_param("ProcessingJobName")
    if name in backend.processing_jobs:
        raise ValidationError(
            message="Job name must be unique within an AWS account and region, and a job with this name already "
            f"exists ({backend.processing_jobs[name].arn})"
        )
    resources = self._get_param("ProcessingResources")
    if not resources:
        raise ValidationError(message="ProcessingResources is required: ClusterConfig with InstanceCount and type.")
    request = {
        key: self._get_param(key)
        for key in (
            "ProcessingJobName",
            "ProcessingInputs",
            "ProcessingOutputConfig",
            "ProcessingResources",
            "StoppingCondition",
            "AppSpecification",
            "Environment",
            "NetworkConfig",
            "RoleArn",
            "ExperimentConfig",
        )
    }
    job = backend.create_processing_job(
        app_specification=request["AppSpecification"],
        experiment_config=request["ExperimentConfig"],
        network_config=request["NetworkConfig"],
        processing_inputs=request["ProcessingInputs"],
        processing_job_name=name,
        processing_output_config=request["ProcessingOutputConfig"],
        role_arn=request["RoleArn"],
        stopping_condition=request["StoppingCondition"],
        tags=self._get_param("Tags"),
    )
    # Attributes become describe fields (moto camel-cases them): ProcessingResources, Environment, FailureReason ...
    _set(
        job,
        processing_job_status="InProgress",
        processing_end_time=None,
        processing_resources=resources,
        environment=request["Environment"],
    )
    thread = threading.Thread(
        target=run_job, args=(job, request, _server_url(self), self.region), name=f"processing-{name}", daemon=True
    )
    thread.start()
    return ActionResult({"ProcessingJobArn": job.arn})


def _stop_processing_job(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    name = self._get_param("ProcessingJobName")
    job = self.sagemaker_backend.processing_jobs.get(name)
    with _LOCK:
        process = _RUNNING.get(name)
    if job is not None and job.processing_job_status == "InProgress":
        _set(job, processing_job_status="Stopping")  # the runner thread ends it as Stopped
        if process is not None:
            process.terminate()
        return EmptyResult()
    self.sagemaker_backend.stop_processing_job(name)  # moto's answer (including the not-found error)
    return EmptyResult()


@functools.cache
def apply() -> None:
    """Install the processing-job runner into moto (once)."""
    from moto.sagemaker import responses

    install(responses.SageMakerResponse, _create_processing_job, _stop_processing_job)
