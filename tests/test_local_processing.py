"""The local SageMaker's processing jobs really run: inputs from S3, the script, logs, outputs, status."""

from __future__ import annotations

import io
import json
import re
import sys
import tarfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from helpers.local import processing

SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"


# ------------------------------------------------------------------------------------------ units (no server)
def test_map_path():
    root = Path("/tmp/job")
    assert processing.map_path("/opt/ml/processing/input/x", root) == "/tmp/job/opt/ml/processing/input/x"
    assert processing.map_path("--out=/opt/ml/processing/output", root) == "--out=/tmp/job/opt/ml/processing/output"
    assert processing.map_path("--tone-bar", root) == "--tone-bar" and processing.map_path("0.5", root) == "0.5"


def test_job_log_drops_empty_lines_which_cloudwatch_would_refuse_with_their_batch():
    """A script's blank line never reaches PutLogEvents (its minimum message length is 1): the other lines do."""
    sent: list[list[dict]] = []

    class Logs:
        class exceptions:
            ResourceAlreadyExistsException = RuntimeError

        def create_log_group(self, **_):
            pass

        def create_log_stream(self, **_):
            pass

        def put_log_events(self, logEvents, **_):
            sent.append(logEvents)

    job_log = processing.JobLog(Logs(), "job")
    for line in ["step 1\n", "\n", "", "  \n", "step 2\n"]:
        job_log.write(line)
    job_log.close()
    assert [event["message"] for batch in sent for event in batch] == ["step 1", "  ", "step 2"]


def test_python_entrypoint_runs_with_the_local_python(tmp_path):
    app = {"ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/run.py"], "ContainerArguments": ["-v"]}
    command, cwd = processing.plan_command(app, tmp_path, print)
    assert command == [sys.executable, f"{tmp_path}/opt/ml/processing/input/code/run.py", "-v"] and cwd == tmp_path


def _framework_layout(root: Path, requirements: str | None) -> None:
    code = root / "opt/ml/processing/input/code"
    code.mkdir(parents=True)
    with tarfile.open(code / "sourcedir.tar.gz", "w:gz") as tar:
        files = {"job.py": b"print('hi')\n"}
        if requirements is not None:
            files["requirements.txt"] = requirements.encode()
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    entry = root / "opt/ml/processing/input/entrypoint"
    entry.mkdir(parents=True)
    (entry / "runproc.sh").write_text(
        "#!/bin/bash\n\ncd /opt/ml/processing/input/code/\ntar -xzf sourcedir.tar.gz\n\nset -e\n\n"
        "if [[ -f 'requirements.txt' ]]; then\n    pip install -r requirements.txt\nfi\n\npython job.py \"$@\"\n"
    )


def test_framework_runproc_is_emulated(tmp_path):
    _framework_layout(tmp_path, "pandas>=1\nsome-pkg @ git+https://example.com/x.git ; python_version < '3'\n")
    said: list[str] = []
    app = {
        "ContainerEntrypoint": ["/bin/bash", "/opt/ml/processing/input/entrypoint/runproc.sh"],
        "ContainerArguments": ["--input", "/opt/ml/processing/input/data"],
    }
    command, cwd = processing.plan_command(app, tmp_path, said.append)
    assert cwd == tmp_path / "opt/ml/processing/input/code" and (cwd / "job.py").exists()
    assert command == [sys.executable, "job.py", "--input", f"{tmp_path}/opt/ml/processing/input/data"]
    assert any(line.startswith("requirements.txt: pandas ") for line in said)
    assert "requirements.txt: skipped some-pkg (its marker 'python_version < \"3\"' does not apply)" in said


def test_missing_requirement_fails_with_a_clear_reason(tmp_path):
    _framework_layout(tmp_path, "surely-not-installed-package-xyz==1.0\n")
    app = {"ContainerEntrypoint": ["/bin/bash", "/opt/ml/processing/input/entrypoint/runproc.sh"]}
    with pytest.raises(processing.JobSetupError, match="needs surely-not-installed-package-xyz.*does not pip install"):
        processing.plan_command(app, tmp_path, print)


@pytest.mark.parametrize(
    "app",
    [
        {"ContainerEntrypoint": ["java", "-jar", "/opt/ml/processing/input/code/app.jar"], "ImageUri": "my-image"},
        {"ImageUri": "my-image"},
    ],
)
def test_other_containers_cannot_run_locally(tmp_path, app):
    with pytest.raises(processing.JobSetupError, match="local mode runs Python processing scripts.*my-image"):
        processing.plan_command(app, tmp_path, print)


# ------------------------------------------------------------------------------------------ against the server
def _wait(sm, name: str, timeout: float = 120) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        described = sm.describe_processing_job(ProcessingJobName=name)
        if described["ProcessingJobStatus"] not in ("InProgress", "Stopping"):
            return described
        time.sleep(0.2)
    raise AssertionError(f"{name} still running after {timeout} s")


def _log_lines(ctx, name: str) -> list[str]:
    logs = ctx.boto_session.client("logs")
    streams = logs.describe_log_streams(logGroupName=processing.LOG_GROUP, logStreamNamePrefix=name + "/")
    if not streams["logStreams"]:
        return []  # the job has not started writing yet
    (stream,) = streams["logStreams"]
    assert re.fullmatch(re.escape(name) + r"/algo-1-\d{10}", stream["logStreamName"])
    events = logs.get_log_events(
        logGroupName=processing.LOG_GROUP, logStreamName=stream["logStreamName"], startFromHead=True
    )
    return [e["message"] for e in events["events"]]


def _script_job(ctx, s3, sm, script: str, *, inputs: bool = True, stopping: int | None = None, **extra) -> str:
    """Create a job that runs ``script`` with python3, as ScriptProcessor does; returns its name."""
    name = f"test-proc-{uuid.uuid4().hex[:8]}"
    base = f"{ctx.prefix}/test-processing/{name}"
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/code/run.py", Body=script.encode())
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/data/a/one.txt", Body=b"1\n")
    s3.put_object(Bucket=ctx.bucket, Key=f"{base}/data/b/two.txt", Body=b"22\n")
    job_inputs = [
        {
            "InputName": "code",
            "S3Input": {
                "S3Uri": f"s3://{ctx.bucket}/{base}/code/run.py",
                "LocalPath": "/opt/ml/processing/input/code",
                "S3DataType": "S3Prefix",
                "S3InputMode": "File",
            },
        }
    ]
    if inputs:
        job_inputs.append(
            {
                "InputName": "data",
                "S3Input": {
                    "S3Uri": f"s3://{ctx.bucket}/{base}/data",
                    "LocalPath": "/opt/ml/processing/input/data",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        )
    sm.create_processing_job(
        ProcessingJobName=name,
        RoleArn=ctx.role,
        AppSpecification={
            "ImageUri": SKLEARN_IMAGE,
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/run.py"],
            "ContainerArguments": ["--data", "/opt/ml/processing/input/data"],
        },
        ProcessingInputs=job_inputs,
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": "out",
                    "S3Output": {
                        "S3Uri": f"s3://{ctx.bucket}/{base}/out",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30}
        },
        StoppingCondition={"MaxRuntimeInSeconds": stopping or 600},
        Tags=ctx.tags,
        **extra,
    )
    return name


COPY_SCRIPT = """\
import json, os, sys, time
from pathlib import Path
time.sleep(1)
data = Path(sys.argv[sys.argv.index("--data") + 1])
files = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())
print("files:", files)
print("greeting:", os.environ.get("GREETING"))
root = str(data)[: str(data).index("/opt/ml/")]  # the job's /opt/ml lives in a temporary folder
config = json.loads(Path(root + "/opt/ml/config/processingjobconfig.json").read_text())
out = Path(root + "/opt/ml/processing/output")
(out / "nested").mkdir(parents=True)
(out / "nested" / "result.json").write_text(json.dumps({"files": files, "job": config["ProcessingJobName"]}))
print("done", file=sys.stderr)
"""


def test_job_runs_in_the_background_with_inputs_outputs_logs(ctx, s3, sm):
    name = _script_job(ctx, s3, sm, COPY_SCRIPT, Environment={"GREETING": "hello from Naxt"})
    first = sm.describe_processing_job(ProcessingJobName=name)
    assert first["ProcessingJobStatus"] == "InProgress" and "ProcessingEndTime" not in first
    assert first["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 1  # moto drops it; the SDK needs it
    assert first["Environment"] == {"GREETING": "hello from Naxt"}

    done = _wait(sm, name)
    assert done["ProcessingJobStatus"] == "Completed", done.get("FailureReason")
    assert done["ProcessingStartTime"] <= done["ProcessingEndTime"]
    base = f"{ctx.prefix}/test-processing/{name}"
    result = json.loads(s3.get_object(Bucket=ctx.bucket, Key=f"{base}/out/nested/result.json")["Body"].read())
    assert result == {"files": ["a/one.txt", "b/two.txt"], "job": name}
    lines = _log_lines(ctx, name)
    assert "files: ['a/one.txt', 'b/two.txt']" in lines and "greeting: hello from Naxt" in lines
    assert "done" in lines  # stderr too
    assert any(line.startswith("[local SageMaker] input 'data': 2 object(s)") for line in lines)
    listed = sm.list_processing_jobs(NameContains=name)["ProcessingJobSummaries"]
    assert [j["ProcessingJobStatus"] for j in listed] == ["Completed"]
    assert ctx.tags[0] in sm.list_tags(ResourceArn=done["ProcessingJobArn"])["Tags"]


def test_failing_script_fails_the_job_with_its_reason(ctx, s3, sm):
    name = _script_job(ctx, s3, sm, "print('checking')\nraise ValueError('capture folder is empty')\n")
    done = _wait(sm, name)
    assert done["ProcessingJobStatus"] == "Failed"
    assert done["FailureReason"].startswith("AlgorithmError: the script exited with code 1")
    assert "ValueError: capture folder is empty" in done["FailureReason"]
    assert "checking" in _log_lines(ctx, name)
    base = f"{ctx.prefix}/test-processing/{name}"
    assert "Contents" not in s3.list_objects_v2(Bucket=ctx.bucket, Prefix=f"{base}/out/")  # no outputs on failure


def test_empty_input_prefix_fails_like_sagemaker(ctx, s3, sm):
    name = f"test-proc-{uuid.uuid4().hex[:8]}"
    sm.create_processing_job(
        ProcessingJobName=name,
        RoleArn=ctx.role,
        AppSpecification={"ImageUri": SKLEARN_IMAGE, "ContainerEntrypoint": ["python3", "/opt/ml/x.py"]},
        ProcessingInputs=[
            {
                "InputName": "capture",
                "S3Input": {
                    "S3Uri": f"s3://{ctx.bucket}/{ctx.prefix}/nothing-here-{name}/",
                    "LocalPath": "/opt/ml/processing/input/capture",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                },
            }
        ],
        ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 5}},
    )
    done = _wait(sm, name)
    assert done["ProcessingJobStatus"] == "Failed"
    assert done["FailureReason"].startswith("ClientError: No S3 objects found under S3 URL")
    assert "'capture'" in done["FailureReason"]


def test_image_without_a_python_entrypoint_fails_clearly(ctx, sm):
    name = f"test-proc-{uuid.uuid4().hex[:8]}"
    sm.create_processing_job(
        ProcessingJobName=name,
        RoleArn=ctx.role,
        AppSpecification={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:latest"},
        ProcessingResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 5}},
    )
    done = _wait(sm, name)
    assert done["ProcessingJobStatus"] == "Failed"
    assert (
        "local mode runs Python processing scripts" in done["FailureReason"] and "spark:latest" in done["FailureReason"]
    )


def test_duplicate_name_and_missing_resources_are_rejected(ctx, s3, sm):
    name = _script_job(ctx, s3, sm, "print('once')\n")
    with pytest.raises(ClientError, match="a job with this name already exists"):
        sm.create_processing_job(
            ProcessingJobName=name,
            RoleArn=ctx.role,
            AppSpecification={"ImageUri": SKLEARN_IMAGE},
            ProcessingResources={
                "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 5}
            },
        )
    _wait(sm, name)


def test_stop_and_max_runtime(ctx, s3, sm):
    sleeper = "import time\nprint('sleeping', flush=True)\ntime.sleep(60)\n"
    name = _script_job(ctx, s3, sm, sleeper)
    deadline = time.time() + 30
    while "sleeping" not in _log_lines(ctx, name) and time.time() < deadline:
        time.sleep(0.2)
    sm.stop_processing_job(ProcessingJobName=name)
    stopped = _wait(sm, name, timeout=20)
    assert stopped["ProcessingJobStatus"] == "Stopped"

    limited = _script_job(ctx, s3, sm, sleeper, stopping=2)
    started = time.time()
    done = _wait(sm, limited, timeout=30)
    assert done["ProcessingJobStatus"] == "Stopped" and time.time() - started < 20
    assert "MaxRuntimeInSeconds (2 s) exceeded" in done["ExitMessage"]


def capture_line(answer: str, when: datetime) -> str:
    """One data-capture record as SageMaker writes it."""
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {
                    "observedContentType": "application/json",
                    "mode": "INPUT",
                    "data": json.dumps({"inputs": "Question?", "parameters": {"max_new_tokens": 40}}),
                    "encoding": "JSON",
                },
                "endpointOutput": {
                    "observedContentType": "application/json",
                    "mode": "OUTPUT",
                    "data": json.dumps([{"generated_text": answer}]),
                    "encoding": "JSON",
                },
            },
            "eventMetadata": {"eventId": str(uuid.uuid4()), "inferenceTime": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
            "eventVersion": "0",
        }
    )


class _FastClock:
    """``time`` for sagemaker.session: its log tailing polls every 10 s and checks the job every 30 s;
    here a requested sleep advances a virtual clock and really waits at most 0.2 s."""

    def __init__(self) -> None:
        self.offset = 0.0

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, 0.2))
        self.offset += max(0.0, seconds - 0.2)

    def time(self) -> float:
        return time.time() + self.offset

    def __getattr__(self, name: str):
        return getattr(time, name)


def test_framework_processor_runs_the_checks_with_logs(ctx, s3, monkeypatch, capsys):
    import sagemaker.session

    from helpers import monitoring
    from helpers.s3 import split_uri

    endpoint = f"ep-{uuid.uuid4().hex[:6]}"
    capture_uri = ctx.s3_uri("test-processing-capture")
    bucket, prefix = split_uri(capture_uri)
    now = datetime.now(UTC)
    body = "\n".join(
        [
            capture_line("Hello! Use Naxt Rooms. Let me know.", now),
            capture_line("Call 617-555-0142 now", now),
            "not a record",
        ]
    )
    s3.put_object(
        Bucket=bucket, Key=f"{prefix}/{endpoint}/AllTraffic/{now:%Y/%m/%d/%H}/00-00-000-a.jsonl", Body=body.encode()
    )
    report_uri = ctx.s3_uri("test-processing-reports", endpoint)
    processor = monitoring.checks_processor(ctx.session, ctx.role, "ml.m5.large", ctx.tags, ctx.s3_uri("code"))
    job = monitoring.checks_job_args(capture_uri, endpoint, report_uri, ctx.region, tone_bar=0.5, since_hours=1)

    monkeypatch.setattr(sagemaker.session, "time", _FastClock())
    processor.run(**job, wait=True, logs=True)
    printed = capsys.readouterr().out
    assert "[local SageMaker] requirements.txt: alt-profanity-check" in printed
    assert "Parsed 2 records; 1 malformed lines" in printed
    assert "Published 15 metrics to CloudWatch namespace Naxt/GenAIMonitoring" in printed

    described = processor.latest_job.describe()
    assert described["ProcessingJobStatus"] == "Completed"
    report, markdown = monitoring.read_report(s3, report_uri)
    assert report["summary"]["PIILeaks"] == 1 and report["summary"]["MalformedRecords"] == 1
    assert "| PIILeaks | 1 |" in markdown
    cw = ctx.boto_session.client("cloudwatch")
    metrics = cw.list_metrics(Namespace=monitoring.NAMESPACE, Dimensions=[{"Name": "EndpointName", "Value": endpoint}])
    assert {"PIILeaks", "ToneScoreAvg", "Requests"} <= {m["MetricName"] for m in metrics["Metrics"]}


def test_sdk_log_tailing_prints_the_log_and_raises_on_failure(ctx, s3, sm, capsys):
    """processor.run(logs=True) goes through Session.logs_for_processing_job: locally it returns when the job
    ends (the SDK's own loop asks for the status only every 30 s), prints the log, and raises on failure."""
    from sagemaker.exceptions import UnexpectedStatusException

    name = _script_job(ctx, s3, sm, COPY_SCRIPT, Environment={"GREETING": "hello from the log"})
    started = time.perf_counter()
    ctx.session.logs_for_processing_job(name, wait=True)
    assert time.perf_counter() - started < 25  # not the SDK's 30 s status interval
    assert "greeting: hello from the log" in capsys.readouterr().out
    assert sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"] == "Completed"

    failing = _script_job(ctx, s3, sm, "raise ValueError('no captures today')\n")
    with pytest.raises(UnexpectedStatusException, match="no captures today"):
        ctx.session.logs_for_processing_job(failing, wait=True)
    assert "ValueError: no captures today" in capsys.readouterr().out
