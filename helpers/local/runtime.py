"""The data plane of the local SageMaker: InvokeEndpoint, its streaming variant, and Bedrock Converse.

A WSGI middleware sits in front of moto's server. Requests for ``sagemaker-runtime`` invocations and
``bedrock-runtime`` Converse are answered here by local engines; everything else goes to moto. Each
invocation is captured to S3 when the endpoint config enables data capture (SageMaker's real format and
path layout) and emits ``AWS/SageMaker`` CloudWatch metrics.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import logging
import random
import re
import struct
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import catalog_link, config, training
from .engines import EngineError, EngineTimeout, EngineUnavailable, get_engine
from .payloads import (
    GenerationRequest,
    PayloadError,
    format_response,
    format_stream_chunk,
    parse_request,
    parse_summarization_request,
)

log = logging.getLogger("helpers.local.runtime")

_INVOKE = re.compile(r"^/endpoints/(?P<name>[^/]+)/(?P<kind>invocations|invocations-response-stream)$")
_CONVERSE = re.compile(r"^/model/(?P<model>[^/]+)/(?P<kind>converse|converse-stream)$")
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


class InvocationError(Exception):
    """An error answered in SageMaker's (or Bedrock's) own error format."""

    def __init__(self, status: int, code: str, message: str, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra or {}


@dataclass
class Target:
    """What serves an endpoint: the engine, the container's response shape and the label to show."""

    endpoint: str
    variant: str
    engine: str
    shape: str
    label: str
    capture: dict[str, Any]
    adapter: str | None = None  # local folder of the LoRA adapter in the model's data, served on the base model


def _json_response(start_response: Callable, status: int, body: Any, headers: dict[str, str] | None = None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 424: "Failed Dependency", 500: "Server Error"}
    all_headers = {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}
    start_response(f"{status} {reason.get(status, 'Error')}", list(all_headers.items()))
    return [data]


def _error_response(start_response: Callable, err: InvocationError):
    body = {"message": err.message, "Message": err.message, **err.extra}
    return _json_response(start_response, err.status, body, {"x-amzn-ErrorType": err.code})


# What a request can fail with once it has reached the engine (each one's answer: _failure_response).
_ENGINE_FAILURES = (PayloadError, EngineUnavailable, EngineTimeout, EngineError)


def _failure_response(start_response: Callable, region: str, target: Target, started: float, exc: Exception):
    """The answer to a request that failed with one of ``_ENGINE_FAILURES``, counted as an error in the metrics:
    ``ModelError`` for a request the model refused, a timeout, or a server error."""
    emit_metrics(region, target, time.perf_counter() - started, error=True)
    if isinstance(exc, PayloadError | EngineUnavailable):
        return _error_response(start_response, model_error(region, target, exc))
    if isinstance(exc, EngineTimeout):
        return _error_response(start_response, timeout_error(target))
    return _error_response(start_response, server_error(region, target, exc))


# ------------------------------------------------------------------------------------------ event stream
def _event_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return struct.pack("!B", len(raw_name)) + raw_name + b"\x07" + struct.pack("!H", len(raw_value)) + raw_value


def encode_event(event_type: str, payload: bytes, message_type: str = "event") -> bytes:
    """Encode one message of the AWS event-stream binary format (what botocore's EventStream reads)."""
    headers = b"".join(
        [
            _event_header(":event-type" if message_type == "event" else ":exception-type", event_type),
            _event_header(":content-type", "application/octet-stream"),
            _event_header(":message-type", message_type),
        ]
    )
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(headers))
    prelude_crc = struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + prelude_crc + headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


# ------------------------------------------------------------------------------------------ the middleware
class LocalRuntime:
    """WSGI middleware answering invocations with local engines; passes everything else to moto."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group("service") if scope else ""
        region = scope.group("region") if scope else config.DEFAULT_REGION
        if environ.get("REQUEST_METHOD") == "POST":
            if service == "sagemaker" and (m := _INVOKE.match(path)):
                return self._invoke(environ, start_response, region, m.group("name"), m.group("kind"))
            if service == "bedrock" and (m := _CONVERSE.match(path)):
                return self._converse(environ, start_response, region, m.group("model"), m.group("kind"))
        return self.app(environ, start_response)

    # -------------------------------------------------------------------------------- sagemaker-runtime
    def _invoke(self, environ: dict, start_response: Callable, region: str, name: str, kind: str):
        from urllib.parse import unquote

        name = unquote(name)
        body = _read_body(environ)
        content_type = environ.get("CONTENT_TYPE") or "application/json"
        inference_id = environ.get("HTTP_X_AMZN_SAGEMAKER_INFERENCE_ID")  # the InferenceId request parameter
        started = time.perf_counter()
        try:
            target = resolve_endpoint(region, name)
        except InvocationError as err:
            return _error_response(start_response, err)
        try:
            if target.shape == "hf-summarization":
                request = parse_summarization_request(body, content_type)
                request.adapter = target.adapter
                result = run_engine(target.engine, request)
                answer = json.dumps({"summary_text": result.text, "local_engine": target.label}).encode()
                return self._answer(start_response, region, target, body, content_type, answer, started, inference_id)
            request = parse_request(body, content_type)
            request.adapter = target.adapter
            if kind == "invocations-response-stream":
                request.stream = True
                return self._stream(start_response, region, target, request, body, content_type, started, inference_id)
            if request.stream:
                raise PayloadError("`stream: true` needs InvokeEndpointWithResponseStream.")
            result = run_engine(target.engine, request)
            answer = json.dumps(format_response(request, result, target.shape, target.label)).encode()
        except _ENGINE_FAILURES as exc:
            return _failure_response(start_response, region, target, started, exc)
        return self._answer(start_response, region, target, body, content_type, answer, started, inference_id)

    def _answer(self, start_response, region, target, body, content_type, answer, started, inference_id=None):
        latency = time.perf_counter() - started
        capture(region, target, body, content_type, answer, "application/json", inference_id)
        emit_metrics(region, target, latency)
        headers = {
            "x-Amzn-Invoked-Production-Variant": target.variant,
            "X-Amzn-SageMaker-Custom-Attributes": f"local-engine={target.engine}",
        }
        return _json_response(start_response, 200, answer, headers)

    def _stream(self, start_response, region, target, request, body, content_type, started, inference_id=None):
        engine = get_engine(target.engine)
        pieces_iter = iter(engine.stream(request))
        try:  # the first piece comes before the 200, so a request the container rejects is a ModelError
            first = [next(pieces_iter)]
        except StopIteration:
            first = []
        except _ENGINE_FAILURES as exc:
            return _failure_response(start_response, region, target, started, exc)

        def events() -> Iterator[bytes]:
            pieces = []
            try:
                for i, piece in enumerate(itertools.chain(first, pieces_iter)):
                    pieces.append(piece)
                    yield encode_event("PayloadPart", format_stream_chunk(request, piece, i))
                text = "".join(pieces)
                if request.shape != "messages":
                    yield encode_event("PayloadPart", format_stream_chunk(request, "", len(pieces), final=text))
            except Exception as exc:  # reported in-stream, as SageMaker does
                log.exception("stream failed")
                payload = json.dumps({"Message": str(exc), "ErrorCode": "ModelStreamError"}).encode()
                yield encode_event("ModelStreamError", payload, message_type="exception")
                return
            finally:  # also when the client went away: the server closes this generator, the engine stops
                close = getattr(pieces_iter, "close", None)
                if close:
                    close()
            out = json.dumps(format_response(request, _as_result(text), target.shape, target.label)).encode()
            capture(region, target, body, content_type, out, "application/json", inference_id)
            emit_metrics(region, target, time.perf_counter() - started)

        headers = [
            ("Content-Type", "application/vnd.amazon.eventstream"),
            ("X-Amzn-SageMaker-Content-Type", "text/event-stream"),
            ("x-Amzn-Invoked-Production-Variant", target.variant),
            ("X-Amzn-SageMaker-Custom-Attributes", f"local-engine={target.engine}"),
        ]
        start_response("200 OK", headers)
        return events()

    # -------------------------------------------------------------------------------- bedrock-runtime
    def _converse(self, environ: dict, start_response: Callable, region: str, model_id: str, kind: str):
        from urllib.parse import unquote

        model_id = unquote(model_id)
        started = time.perf_counter()
        try:
            data = json.loads(_read_body(environ) or b"{}")
            request = converse_request(data)
            if kind == "converse-stream":
                raise InvocationError(400, "ValidationException", "ConverseStream is not served by local mode.")
            result = run_engine("smollm2", request)
        except InvocationError as err:
            return _error_response(start_response, err)
        except (PayloadError, json.JSONDecodeError) as exc:
            return _error_response(start_response, InvocationError(400, "ValidationException", str(exc)))
        label = f"SmolLM2-135M-Instruct (local stand-in for Bedrock model {model_id})"
        body = {
            "output": {"message": {"role": "assistant", "content": [{"text": result.text}]}},
            "stopReason": "end_turn" if result.finish_reason == "stop" else "max_tokens",
            "usage": {
                "inputTokens": result.prompt_tokens,
                "outputTokens": result.completion_tokens,
                "totalTokens": result.prompt_tokens + result.completion_tokens,
            },
            "metrics": {"latencyMs": int((time.perf_counter() - started) * 1000)},
            "additionalModelResponseFields": {"local_engine": label},
        }
        return _json_response(start_response, 200, body)


def _read_body(environ: dict) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    return stream.read(length) if length else stream.read()


def _as_result(text: str):
    from .payloads import GenerationResult

    return GenerationResult(text, 0, 0)


def run_engine(name: str, request: GenerationRequest):
    """Run one request on a named engine."""
    return get_engine(name).generate(request)


def converse_request(data: dict[str, Any]) -> GenerationRequest:
    """Turn a Bedrock Converse body into a GenerationRequest (system prompts become a system message)."""
    messages: list[dict[str, str]] = []
    system = " ".join(block.get("text", "") for block in data.get("system") or [])
    if system:
        messages.append({"role": "system", "content": system})
    for i, message in enumerate(data.get("messages") or []):
        role = message.get("role")
        if role not in {"user", "assistant"}:
            raise InvocationError(400, "ValidationException", f"messages.{i}.role must be user or assistant")
        text = " ".join(block.get("text", "") for block in message.get("content") or [] if "text" in block)
        messages.append({"role": role, "content": text})
    if not any(m["role"] == "user" for m in messages):
        raise InvocationError(400, "ValidationException", "A conversation must start with a user message.")
    inference = data.get("inferenceConfig") or {}
    return GenerationRequest(
        messages=messages,
        max_new_tokens=int(inference.get("maxTokens", 256)),
        temperature=float(inference.get("temperature", 0.0)),
        top_p=float(inference.get("topP", 1.0)),
        stop=list(inference.get("stopSequences") or []),
        shape="messages",
    )


# ------------------------------------------------------------------------------------------ resolution
def _sagemaker_backend(region: str):
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[config.ACCOUNT_ID][region]


def resolve_endpoint(region: str, name: str) -> Target:
    """Find the engine that serves an endpoint, from its config's first variant and that variant's model."""
    backend = _sagemaker_backend(region)
    endpoint = backend.endpoints.get(name)
    if endpoint is None or endpoint.endpoint_status != "InService":
        state = "not found" if endpoint is None else f"in status {endpoint.endpoint_status}"
        raise InvocationError(400, "ValidationError", f"Endpoint {name} of account {config.ACCOUNT_ID} {state}.")
    ep_config = backend.endpoint_configs.get(endpoint.endpoint_config_name)
    variants = ep_config.production_variants if ep_config else []
    if not variants:
        raise InvocationError(400, "ValidationError", f"Endpoint {name} has no production variant.")
    variant = variants[0]
    model = backend._models.get(variant.get("ModelName", ""))
    if model is None:
        raise InvocationError(
            424,
            "ModelError",
            f"Received server error (500) from primary: model '{variant.get('ModelName')}' of endpoint {name} "
            "was deleted.",
            {"OriginalStatusCode": 500, "OriginalMessage": "model not found"},
        )
    from .registry import serving_container

    container, package_tags = serving_container(model)  # a model package's container, when the model names one
    engine, shape, label = catalog_link.engine_for_model(container, model.tags, package_tags, endpoint.tags)
    adapter = catalog_link.adapter_for_model(container) if engine == "smollm2" else None
    if adapter:
        uri = catalog_link.artifact_uri(container) or ""
        job = training.trained_by(region, uri)
        source = f"training job {job}" if job else uri
        label = label.replace("SmolLM2-135M-Instruct", f"SmolLM2-135M-Instruct + LoRA adapter from {source}", 1)
    capture_config = ep_config.data_capture_config or {}
    return Target(name, variant["VariantName"], engine, shape, label, capture_config, adapter)


def timeout_error(target: Target) -> InvocationError:
    """SageMaker's ModelError when the container does not answer in time."""
    return InvocationError(
        424,
        "ModelError",
        'Received server error (0) from primary with message "Your invocation timed out while waiting for a '
        f"response from container primary (local engine {target.engine}, WORKSHOP_INVOCATION_TIMEOUT_S). Review "
        'the latency metrics for each container in Amazon CloudWatch, resolve the issue, and try again."',
        {"OriginalStatusCode": 0, "OriginalMessage": "invocation timed out"},
    )


def model_error(region: str, target: Target, exc: Exception) -> InvocationError:
    """SageMaker's ModelError for a body the container rejected."""
    original = json.dumps({"error": str(exc), "error_type": "validation"})
    message = (
        f'Received client error (422) from primary with message "{original}". '
        f"See the local SageMaker log ({config.log_file()}) for more information."
    )
    return InvocationError(
        424,
        "ModelError",
        message,
        {
            "OriginalStatusCode": 422,
            "OriginalMessage": original,
            "LogStreamArn": f"arn:aws:logs:{region}:{config.ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/{target.endpoint}",
        },
    )


def server_error(region: str, target: Target, exc: Exception) -> InvocationError:
    """SageMaker's ModelError when the container itself failed (HTTP 500 inside it)."""
    original = json.dumps({"error": str(exc), "error_type": "server"})
    return InvocationError(
        424,
        "ModelError",
        f'Received server error (500) from primary with message "{original}". '
        f"See the local SageMaker log ({config.log_file()}) for more information.",
        {
            "OriginalStatusCode": 500,
            "OriginalMessage": original,
            "LogStreamArn": f"arn:aws:logs:{region}:{config.ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/{target.endpoint}",
        },
    )


# ------------------------------------------------------------------------------------------ capture + metrics
def capture(
    region: str,
    target: Target,
    body: bytes,
    content_type: str,
    answer: bytes,
    answer_type: str,
    inference_id: str | None = None,
) -> str | None:
    """Write one invocation to S3 in SageMaker's data-capture format; returns the key, or None.

    The request's ``InferenceId``, when it has one, is recorded as ``eventMetadata.inferenceId``, as on AWS.
    """
    cfg = target.capture
    if not cfg or not cfg.get("EnableCapture", True) or not cfg.get("DestinationS3Uri"):
        return None
    if random.uniform(0, 100) >= float(cfg.get("InitialSamplingPercentage", 100)):
        return None
    modes = {
        opt.get("CaptureMode")
        for opt in cfg.get("CaptureOptions") or [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]
    }
    json_types = set((cfg.get("CaptureContentTypeHeader") or {}).get("JsonContentTypes") or ["application/json"])

    def part(data: bytes, observed: str, mode: str) -> dict[str, str]:
        if observed in json_types or "json" in observed:
            return {"observedContentType": observed, "mode": mode, "data": data.decode("utf-8"), "encoding": "JSON"}
        return {
            "observedContentType": observed,
            "mode": mode,
            "data": base64.b64encode(data).decode(),
            "encoding": "BASE64",
        }

    now = datetime.now(UTC)
    record: dict[str, Any] = {"captureData": {}}
    if "Input" in modes:
        record["captureData"]["endpointInput"] = part(body, content_type, "INPUT")
    if "Output" in modes:
        record["captureData"]["endpointOutput"] = part(answer, answer_type, "OUTPUT")
    record["eventMetadata"] = {"eventId": str(uuid.uuid4())}
    if inference_id:
        record["eventMetadata"]["inferenceId"] = inference_id
    record["eventMetadata"]["inferenceTime"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    record["eventVersion"] = "0"
    bucket, _, prefix = cfg["DestinationS3Uri"].removeprefix("s3://").partition("/")
    key = "/".join(
        p
        for p in [
            prefix.rstrip("/"),
            target.endpoint,
            target.variant,
            now.strftime("%Y/%m/%d/%H"),
            f"{now.strftime('%M-%S')}-{now.microsecond // 1000:03d}-{uuid.uuid4()}.jsonl",
        ]
        if p
    )
    from moto.s3.models import s3_backends

    try:
        s3_backends[config.ACCOUNT_ID]["aws"].put_object(bucket, key, (json.dumps(record) + "\n").encode())
    except Exception:  # a missing bucket must not fail the invocation, as on AWS
        log.warning("data capture to s3://%s/%s failed", bucket, key, exc_info=True)
        return None
    return key


def emit_metrics(region: str, target: Target, latency_s: float, error: bool = False) -> None:
    """Publish the AWS/SageMaker endpoint metrics for one invocation."""
    from moto.cloudwatch.models import cloudwatch_backends

    dims = [{"Name": "EndpointName", "Value": target.endpoint}, {"Name": "VariantName", "Value": target.variant}]
    now = datetime.now(UTC).replace(tzinfo=None)  # moto compares naive UTC datetimes
    data = [
        {"MetricName": "Invocations", "Value": 1.0, "Unit": "Count"},
        {"MetricName": "InvocationsPerInstance", "Value": 1.0, "Unit": "Count"},
        {"MetricName": "Invocation4XXErrors", "Value": 1.0 if error else 0.0, "Unit": "Count"},
        {"MetricName": "Invocation5XXErrors", "Value": 0.0, "Unit": "Count"},
        {"MetricName": "ModelLatency", "Value": latency_s * 1e6, "Unit": "Microseconds"},
        {"MetricName": "OverheadLatency", "Value": 1000.0, "Unit": "Microseconds"},
    ]
    for item in data:
        item.update(Dimensions=dims, Timestamp=now)
    try:
        cloudwatch_backends[config.ACCOUNT_ID][region].put_metric_data("AWS/SageMaker", data)
    except Exception:
        log.warning("metrics for %s failed", target.endpoint, exc_info=True)
