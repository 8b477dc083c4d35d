"""Request validation as AWS's front end does it, from botocore's service model (no hand-written rules).

AWS checks every request against the operation's input shape before the service sees it: required members,
string ``pattern`` and length, list and map sizes, number ranges and enums, through nested structures, lists and
maps. moto checks almost none of that, so a name such as ``naxt-eval-llama-3.2-1b`` that AWS refuses would pass
locally. :class:`RequestValidation`, a WSGI middleware in front of the local SageMaker, refuses such a request
with AWS's error, for every service the local server answers.

Which service: the SigV4 ``Authorization`` header's credential scope names the signing name; which operation and
where its members are: the protocol, as botocore sends it:

* JSON protocol (``X-Amz-Target: <targetPrefix>.<Operation>``, the members in a JSON body): the SageMaker
  control plane, CloudWatch Logs, and CloudWatch (its model lists ``smithy-rpc-v2-cbor``, ``json`` and ``query``;
  botocore sends ``json``, ``awsQueryCompatible``). CloudWatch's ``query`` and CBOR forms, which botocore does
  not send, pass unchecked.
* rest-json (the operation from the method, the path and the literal query keys of the model's ``requestUri``
  templates; the members from the URI, the query string, the headers and the JSON body): ``sagemaker-runtime``
  (signing name ``sagemaker``), EventBridge Scheduler and the Bedrock runtime (signing name ``bedrock``). A blob
  payload (an invocation's body) is known by its ``Content-Length`` only, never read. A request that matches
  no route, or two equally well, passes unchecked.
* rest-xml, S3 (path-style requests only): the URI, header and query-string members; the body is never read
  (an object's body can be large), so its members are neither checked nor counted as missing.

The error, per service (code, then its source):

* SageMaker: ``ValidationException`` (HTTP 400, ``{"__type": ..., "message": ...}``), as AWS answers names
  that break a pattern.
* sagemaker-runtime: ``ValidationError``, the runtime model's only client error shape.
* CloudWatch Logs: ``InvalidParameterException`` (e.g. ``1 validation error detected: Value 'a:b' at
  'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern:
  [\\.\\-_/#A-Za-z0-9]+``, quoted in aws-embedded-metrics-node#160 and aws-embedded-metrics-java#65).
* CloudWatch: operations whose model lists ``InvalidParameterValue`` (PutMetricData, GetMetricStatistics,
  ListMetrics, ...) answer in CloudWatch's parameter wording: ``MissingParameter`` ``The parameter Namespace is
  required.``, ``InvalidParameterValue`` ``The parameter MetricData.member.1.Unit must be a value in the set
  [ Seconds, ... ].`` or ``... must be shorter than 257 characters.``, several joined by newlines (quoted in
  collectd-cloudwatch#46, amazon-cloudwatch-agent#240, AWSSDK.jl#2); a broken pattern is worded as AWS words
  GetMetricData's (telegraf#5420), other kinds (minimum lengths, ranges, map keys) by analogy, no sample of
  AWS's having been found. The other operations (PutMetricAlarm, ...) answer ``ValidationError`` (the model's
  ``ValidationException`` shape) in the wording below (tflint#101). As a JSON-protocol, query-compatible
  service, the code also travels in ``x-amzn-query-error: <code>;Sender``, which botocore reads.
* EventBridge Scheduler and the Bedrock runtime: ``ValidationException`` (rest-json: ``x-amzn-ErrorType`` and
  ``{"message": ...}``), their models' shape, as quoted in webiny-js#5445 and n8n#9084.
* S3: ``InvalidArgument`` with ``ArgumentName`` and ``ArgumentValue`` (S3's XML error), its code for a request
  argument it refuses. S3 words such errors per argument, not from the model (a copy source without a key:
  ``Invalid copy source object key``), so the message is the constraint's wording below; enum values are not
  checked for S3, which answers them with argument-specific codes (``InvalidStorageClass``, ...) or takes
  unknown ones. The S3 model constrains little else: the copy source's pattern, ``max-buckets``' range.

Messages otherwise follow AWS's wording: ``1 validation error detected: Value 'a.b' at 'endpointName' failed to
satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``; several
errors are joined with ``; `` after ``N validation errors detected: ``.

Patterns are Java regular expressions, matched against the whole value. Each is compiled once, on first use,
with ``re``, else with the ``regex`` package (Unicode classes such as ``\\p{L}``); one that neither accepts is
skipped and recorded in :data:`SKIPPED_PATTERNS` rather than failing requests. A request the middleware cannot
read for sure (not JSON, too large, a form it does not parse), and any failure inside it, passes on unchecked: a
missed check is better than a refusal AWS would not give.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import escape

log = logging.getLogger("helpers.local.validation")

CONTROL_PLANE = "sagemaker"
RUNTIME = "sagemaker-runtime"
_NUMBER_TYPES = frozenset({"integer", "long", "float", "double"})
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/(?P<service>[^/]+)/aws4_request")
_MAX_BUFFERED = 32 * 1024 * 1024  # a JSON body larger than this passes unchecked (and unbuffered)
SKIPPED_PATTERNS: dict[str, str] = {}  # pattern -> why it could not be compiled (neither re nor regex)


@dataclass(frozen=True)
class Service:
    """How AWS refuses a request of one service: the error code, and constraint kinds it does not check."""

    name: str  # botocore's service name
    code: str
    skip: frozenset[str] = frozenset()


SERVICES = {
    s.name: s
    for s in (
        Service(CONTROL_PLANE, "ValidationException"),
        Service(RUNTIME, "ValidationError"),
        Service("logs", "InvalidParameterException"),
        Service("cloudwatch", "ValidationError"),
        Service("scheduler", "ValidationException"),
        Service("bedrock-runtime", "ValidationException"),
        Service("s3", "InvalidArgument", skip=frozenset({"enum"})),
    )
}
JSON_SERVICES = (CONTROL_PLANE, "logs", "cloudwatch")  # found by X-Amz-Target
REST_SERVICES = {"sagemaker": RUNTIME, "scheduler": "scheduler", "bedrock": "bedrock-runtime", "s3": "s3"}  # by scope


@functools.lru_cache(maxsize=16)
def service_model(service: str) -> Any:
    """botocore's model of ``service`` (loaded once; the same botocore as the clients')."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@functools.cache
def compiled(pattern: str) -> Any | None:
    """The pattern compiled for whole-value matching, or None (recorded in SKIPPED_PATTERNS) when it cannot be."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        first_error = str(exc)
    try:
        import regex  # Java's \\p{L}, \\p{ASCII}, \\z ... (a dependency of transformers)

        return regex.compile(pattern)
    except ImportError:
        pass
    except Exception as exc:  # regex.error
        first_error = f"{first_error}; regex: {exc}"
    SKIPPED_PATTERNS[pattern] = first_error
    log.warning("pattern %r cannot be compiled, not checked (%s)", pattern, first_error)
    return None


# ------------------------------------------------------------------------------------------ the check
class _Unread:
    """A member the middleware did not read (a body it leaves alone): present, never checked."""

    def __repr__(self) -> str:
        return "UNREAD"


UNREAD = _Unread()


class _Body:
    """A blob payload (an invocation's body), known by its length only (the middleware leaves the body unread)."""

    def __init__(self, length: int):
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __str__(self) -> str:
        return f"<{self.length} bytes>"


@dataclass(frozen=True)
class Violation:
    """One broken constraint: where (member names, list positions from 1, map keys as ``("key", k)``), the value,
    the kind (required, enum, max_length, min_length, pattern, max_value, min_value, map_keys, map_values), its
    limit, and AWS's wording of the constraint."""

    path: tuple
    value: Any
    kind: str
    limit: Any
    constraint: str

    def __str__(self) -> str:
        shown = "null" if self.value is None else f"'{_show(self.value)}'"
        return f"Value {shown} at '{member_path(self.path)}' failed to satisfy constraint: {self.constraint}"


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def member_path(path: tuple) -> str:
    """A member's path as AWS's validation messages write it: ``productionVariants.1.member.variantName``."""
    return _written(path, index="{}.member", entry="{}.member", name=_camel)


def parameter_path(path: tuple) -> str:
    """A member's path as query-protocol parameters name it: ``MetricData.member.1.Dimensions.member.2.Value``."""
    return _written(path, index="member.{}", entry="entry.{}", name=str)


def _written(path: tuple, index: str, entry: str, name: Callable[[str], str]) -> str:
    """``path`` in one notation: a list position (an int) through the template ``index``, a map key (a tuple whose
    second item is the key) through ``entry``, a member's name through ``name``."""
    parts = []
    for part in path:
        if isinstance(part, int):
            parts.append(index.format(part))
        elif isinstance(part, tuple):
            parts.append(entry.format(part[1]))
        else:
            parts.append(name(part))
    return ".".join(parts)


def _show(value: Any) -> str:
    """A value as AWS's messages show it (Java's ``toString``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _length(kind: str, value: Any) -> int:
    if kind == "blob" and isinstance(value, str):  # base64 in a JSON body: the decoded length
        return len(value) * 3 // 4 - value[-2:].count("=")
    return len(value)


def _constraints(shape: Any, value: Any) -> list[tuple[str, Any, str]]:
    """(kind, limit, AWS's wording) of each constraint of a scalar, list or map shape that ``value`` breaks."""
    meta, kind, broken = shape.metadata, shape.type_name, []
    if kind == "string" and isinstance(value, str):
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            broken.append(("enum", enum, f"Member must satisfy enum value set: [{', '.join(enum)}]"))
    if kind in ("string", "blob", "list", "map") and isinstance(value, str | bytes | list | dict | _Body):
        length = _length(kind, value)
        if "max" in meta and length > meta["max"]:
            broken.append(("max_length", meta["max"], f"Member must have length less than or equal to {meta['max']}"))
        if "min" in meta and length < meta["min"]:
            text = f"Member must have length greater than or equal to {meta['min']}"
            broken.append(("min_length", meta["min"], text))
    if kind == "string" and isinstance(value, str) and meta.get("pattern"):
        pattern = compiled(meta["pattern"])
        if pattern is not None and pattern.fullmatch(value) is None:
            text = f"Member must satisfy regular expression pattern: {meta['pattern']}"
            broken.append(("pattern", meta["pattern"], text))
    if kind in _NUMBER_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            broken.append(("max_value", meta["max"], f"Member must have value less than or equal to {meta['max']}"))
        if "min" in meta and value < meta["min"]:
            text = f"Member must have value greater than or equal to {meta['min']}"
            broken.append(("min_value", meta["min"], text))
    return broken


def check(shape: Any, value: Any, path: tuple, errors: list[Violation]) -> None:
    """Append to ``errors`` every constraint of ``shape`` (and of its members, recursively) that ``value`` breaks."""
    if value is None or value is UNREAD:
        return
    errors.extend(Violation(path, value, k, limit, text) for k, limit, text in _constraints(shape, value))
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if shape.metadata.get("document"):
            return
        required = set(shape.required_members)
        for name, member in shape.members.items():
            if value.get(name) is None:
                if name in required:
                    errors.append(Violation((*path, name), None, "required", None, "Member must not be null"))
                continue
            check(member, value[name], (*path, name), errors)
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value, start=1):
            check(shape.member, item, (*path, i), errors)
    elif kind == "map" and isinstance(value, dict):
        key_broken = sorted({text for k in value for _, _, text in _constraints(shape.key, k)})
        if key_broken:
            text = f"Map keys must satisfy constraint: [{', '.join(key_broken)}]"
            errors.append(Violation(path, value, "map_keys", None, text))
        if shape.value.type_name in ("structure", "list", "map"):
            for key, item in value.items():
                check(shape.value, item, (*path, ("key", key)), errors)
        else:
            value_broken = sorted(
                {text for v in value.values() if v is not None for _, _, text in _constraints(shape.value, v)}
            )
            if value_broken:
                text = f"Map value must satisfy constraint: [{', '.join(value_broken)}]"
                errors.append(Violation(path, value, "map_values", None, text))


def violations(service: str, operation: str, params: dict[str, Any]) -> list[Violation]:
    """Every constraint of ``operation``'s input that ``params`` break (none for an operation the model lacks)."""
    model = service_model(service)
    if operation not in model.operation_names:
        return []
    shape = model.operation_model(operation).input_shape
    errors: list[Violation] = []
    if shape is not None:
        check(shape, params, (), errors)
    return errors


def errors_for(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Every validation error AWS would report for ``operation`` of ``service`` called with ``params``."""
    return [str(v) for v in violations(service, operation, params)]


def message(errors: list[str]) -> str:
    """AWS's message for a list of validation errors."""
    count = len(errors)
    return f"{count} validation error{'s' if count != 1 else ''} detected: " + "; ".join(str(e) for e in errors)


def warm() -> None:
    """Load the models and routes that requests are checked against (about 0.5 s), before the first request."""
    for service in SERVICES:
        service_model(service)
    _json_targets()
    for service in REST_SERVICES.values():
        _routes(service)


# ------------------------------------------------------------------------------------------ the answer
def _declares(service: str, operation: str, code: str) -> bool:
    """Whether the model lists an error with ``code`` for ``operation``."""
    model = service_model(service)
    if operation not in model.operation_names:
        return False
    return any(shape.error_code == code for shape in model.operation_model(operation).error_shapes)


def _parameter_wording(v: Violation) -> str:
    """CloudWatch's wording of a broken constraint (its query-protocol parameter names)."""
    name = parameter_path(v.path)
    if v.kind == "required":
        return f"The parameter {name} is required."
    if v.kind == "enum":
        return f"The parameter {name} must be a value in the set [ {', '.join(v.limit)} ]."
    if v.kind == "max_length" and isinstance(v.value, str):
        return f"The parameter {name} must be shorter than {v.limit + 1} characters."
    if v.kind == "pattern":
        return f"The value {_show(v.value)} for parameter {name} is not matching the expected pattern {v.limit}."
    return f"The value {_show(v.value)} for parameter {name} failed to satisfy constraint: {v.constraint}."


def wording(service: str, operation: str, found: list[Violation]) -> tuple[str, str]:
    """AWS's error code and message for a request of ``service`` that breaks the constraints ``found``."""
    if service_model(service).is_query_compatible and _declares(service, operation, "InvalidParameterValue"):
        missing = [v for v in found if v.kind == "required"]
        if missing and _declares(service, operation, "MissingParameter"):
            return "MissingParameter", "\n".join(_parameter_wording(v) for v in missing)
        return "InvalidParameterValue", "\n".join(_parameter_wording(v) for v in found)
    return SERVICES[service].code, message([str(v) for v in found])


def _respond(start_response: Callable, headers: dict[str, str], body: bytes) -> list[bytes]:
    start_response("400 Bad Request", [*headers.items(), ("Content-Length", str(len(body)))])
    return [body]


def _error_type(service: str, code: str) -> str:
    """The JSON ``__type`` for ``code``: the name of the model's error shape with that code (query-compatible
    services keep their old codes in ``x-amzn-query-error``), else the code itself."""
    model = service_model(service)
    if model.is_query_compatible:
        for shape in model.error_shapes:
            if shape.error_code == code:
                return shape.name
    return code


def refusal_for(service: str, operation: str, protocol: str, found: list[Violation]) -> Callable | None:
    """A WSGI answer (called with ``start_response``) refusing the request as AWS does, or None to let it pass."""
    found = [v for v in found if v.kind not in SERVICES[service].skip]
    if not found:
        return None
    code, text = wording(service, operation, found)
    model = service_model(service)
    if protocol == "json":
        headers = {
            "Content-Type": f"application/x-amz-json-{model.metadata.get('jsonVersion', '1.1')}",
            "x-amzn-ErrorType": code,
        }
        if model.is_query_compatible:
            headers["x-amzn-query-error"] = f"{code};Sender"
        body = json.dumps({"__type": _error_type(service, code), "message": text}).encode()
    elif protocol == "rest-json":
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        body = json.dumps({"message": text}).encode()
    else:  # rest-xml (S3): the argument, by its name on the wire
        first = found[0]
        member = model.operation_model(operation).input_shape.members[first.path[0]]
        argument = member.serialization.get("name", first.path[0])
        value = "" if first.value is None else _show(first.value)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{escape(text)}</Message>"
            f"<ArgumentName>{escape(argument)}</ArgumentName><ArgumentValue>{escape(value)}</ArgumentValue>"
            "<RequestId>local</RequestId></Error>"
        ).encode()
        headers = {"Content-Type": "application/xml"}
    return lambda start_response: _respond(start_response, headers, body)


# ------------------------------------------------------------------------------------------ JSON protocol
@functools.lru_cache(maxsize=1)
def _json_targets() -> dict[str, str]:
    """``targetPrefix`` -> service, for the JSON-protocol services."""
    return {service_model(s).metadata["targetPrefix"]: s for s in JSON_SERVICES}


# ------------------------------------------------------------------------------------------ rest protocols
@dataclass(frozen=True)
class Route:
    """One operation's ``requestUri``: method, path regex, literal query keys and required located members."""

    operation: str
    method: str
    path: re.Pattern
    labels: tuple[str, ...]
    query: tuple[tuple[str, str | None], ...]
    required: tuple[tuple[str, str], ...]  # (location, name on the wire) of required header/querystring members
    known: frozenset[str]  # the query keys it reads: literal ones and its querystring members' names


@functools.cache
def _routes(service: str) -> tuple[Route, ...]:
    """The routes of a rest service, from its model's ``requestUri`` templates."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        template, _, literal = op.http["requestUri"].partition("?")
        parts = re.split(r"\{(\w+)(\+?)\}", template)
        labels, regex_ = [], ""
        for i in range(0, len(parts), 3):
            regex_ += re.escape(parts[i])
            if i + 1 < len(parts):
                regex_ += f"(?P<g{len(labels)}>{'.+' if parts[i + 2] else '[^/]+'})"
                labels.append(parts[i + 1])
        if regex_ != "/":
            regex_ = regex_.rstrip("/") + "/?"
        query = tuple(
            (k, v if "=" in item else None) for item in literal.split("&") if item for k, _, v in [item.partition("=")]
        )
        shape, required, known = op.input_shape, [], {k for k, _ in query}
        for member_name, member in shape.members.items() if shape is not None else ():
            where, wire = member.serialization.get("location"), member.serialization.get("name", member_name)
            if where == "querystring":
                known.add(wire)
            if where in ("header", "querystring") and member_name in shape.required_members:
                required.append((where, wire))
        path = re.compile(f"^{regex_}$")
        routes.append(Route(name, op.http["method"], path, tuple(labels), query, tuple(required), frozenset(known)))
    return tuple(routes)


def _header(environ: dict[str, Any], name: str) -> str | None:
    key = name.upper().replace("-", "_")
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return environ.get(key)
    return environ.get("HTTP_" + key)


def route(
    service: str, method: str, path: str, query: dict[str, list[str]], environ: dict[str, Any]
) -> tuple[str, dict[str, str]] | None:
    """The operation a rest request is for, with its URI members (decoded), or None (none, or more than one).

    Of the routes that match the method, the path, their literal query keys and their required header and
    query-string members, the one that needs the most of those wins; a tie goes to the one that knows more of the
    request's query keys (ListBuckets reads ``max-buckets``, ListDirectoryBuckets, also ``GET /``, does not)."""
    best: list[tuple[tuple[int, int], Route, re.Match]] = []
    for r in _routes(service):
        if r.method != method:
            continue
        match = r.path.match(path)
        if match is None:
            continue
        if any(k not in query or (v is not None and v not in query[k]) for k, v in r.query):
            continue
        if any((query.get(n) if where == "querystring" else _header(environ, n)) is None for where, n in r.required):
            continue
        score = (len(r.query) + len(r.required), len(r.known.intersection(query)))
        if best and score < best[0][0]:
            continue
        if best and score > best[0][0]:
            best = []
        best.append((score, r, match))
    if len(best) != 1:
        return None
    _, r, match = best[0]
    return r.operation, {label: unquote(match.group(f"g{i}")) for i, label in enumerate(r.labels)}


def _scalar(member: Any, raw: str | None) -> Any:
    """A header or query-string value as the member's type (UNREAD when it is not one to check)."""
    if raw is None:
        return None
    kind = member.type_name
    if kind == "string":
        return raw
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return UNREAD
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            return UNREAD
    return UNREAD  # booleans, timestamps, lists in headers, jsonvalue: no constraint of the model's to check


def rest_params(
    service: str, operation: str, uri: dict[str, str], query: dict[str, list[str]], environ: dict[str, Any]
) -> dict[str, Any]:
    """The members of a rest request: URI, query string, headers, a blob payload by its length, and (rest-json)
    the JSON body; what the middleware does not read is :data:`UNREAD`."""
    model = service_model(service)
    shape = model.operation_model(operation).input_shape
    params: dict[str, Any] = {}
    if shape is None:
        return params
    payload = shape.serialization.get("payload")
    body_members = []
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if where == "uri":
            params[name] = uri.get(wire)
        elif where == "querystring":
            values = query.get(wire)
            if member.type_name == "map":
                params[name] = UNREAD
            elif values is None:
                params[name] = None
            else:
                params[name] = list(values) if member.type_name == "list" else _scalar(member, values[0])
        elif where == "header":
            params[name] = _scalar(member, _header(environ, wire))
        elif where or member.serialization.get("hostLabel"):
            params[name] = UNREAD  # header maps (x-amz-meta-*), host labels, status codes
        elif name == payload and (
            member.type_name == "blob"
            or member.serialization.get("streaming")
            or member.serialization.get("eventstream")
        ):
            length = environ.get("CONTENT_LENGTH")
            params[name] = _Body(int(length)) if member.type_name == "blob" and length else UNREAD
        else:
            body_members.append(name)
    if body_members:
        body = _json_body(environ) if model.metadata["protocol"] == "rest-json" else UNREAD
        for name in body_members:
            if name == payload:
                params[name] = body if isinstance(body, dict) or body is None else UNREAD
            elif body is None:
                params[name] = None
            elif isinstance(body, dict):
                params[name] = body.get(shape.members[name].serialization.get("name", name))
            else:
                params[name] = UNREAD
    return params


def _json_body(environ: dict[str, Any]) -> Any:
    """The request's JSON body (None when empty), or UNREAD when it cannot be read safely or is not JSON."""
    body = _buffer_body(environ)
    if body is None:
        return UNREAD
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return UNREAD


def _raw_path(environ: dict[str, Any]) -> str:
    """The request path as sent (percent-encoded: an encoded ``/`` stays inside its label)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        return environ.get("PATH_INFO", "")
    if not raw.startswith("/"):
        raw = urlsplit(raw).path or "/"
    return raw.partition("?")[0]


_IP_HOST = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|localhost)(:\d+)?$")


def _path_style(environ: dict[str, Any]) -> bool:
    """Whether an S3 request names its bucket in the path (the host an address, as the workshop's clients send)."""
    return bool(_IP_HOST.match(environ.get("HTTP_HOST", ""))) and not environ.get("HTTP_X_AMZ_ACCOUNT_ID")


# ------------------------------------------------------------------------------------------ the middleware
class RequestValidation:
    """WSGI middleware: refuses requests that break their operation's input constraints, as AWS does."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        try:
            answer = self.refusal(environ)
        except Exception:  # a fault here must never refuse a request: it passes on unchecked
            log.exception("request validation failed; the request passes unchecked")
            answer = None
        if answer is not None:
            return answer(start_response)
        return self.app(environ, start_response)

    @staticmethod
    def refusal(environ: dict[str, Any]) -> Callable | None:
        """AWS's refusal of the request, or None when it passes (or is not one this middleware reads)."""
        method = environ.get("REQUEST_METHOD", "")
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            prefix, _, operation = target.partition(".")
            service = _json_targets().get(prefix)
            if method != "POST" or service is None:
                return None
            params = _json_body(environ)
            if not isinstance(params, dict):
                return None  # not JSON: moto answers with its own error
            return refusal_for(service, operation, "json", violations(service, operation, params))
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = REST_SERVICES.get(scope.group("service")) if scope else None
        if service is None or (service == "s3" and not _path_style(environ)):
            return None
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            query.setdefault(key, []).append(value)
        found = route(service, method, _raw_path(environ), query, environ)
        if found is None:
            return None
        operation, uri = found
        params = rest_params(service, operation, uri, query, environ)
        protocol = service_model(service).metadata["protocol"]
        return refusal_for(service, operation, protocol, violations(service, operation, params))


def _buffer_body(environ: dict[str, Any]) -> bytes | None:
    """Read the request body and put it back, so that the app behind reads it as sent; None when its end is
    unknown (no ``Content-Length``, not terminated by the server) or it is too large, and then it is left unread."""
    stream = environ["wsgi.input"]
    if environ.get("CONTENT_LENGTH"):
        length = int(environ["CONTENT_LENGTH"])
        if length > _MAX_BUFFERED:
            return None
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read(_MAX_BUFFERED + 1)
        if len(body) > _MAX_BUFFERED:  # put back what was read, followed by the rest, unread
            environ["wsgi.input"] = _Chain(body, stream)
            return None
    else:
        return None
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class _Chain(io.RawIOBase):
    """A stream that reads ``head`` first, then ``rest``."""

    def __init__(self, head: bytes, rest: Any):
        self.head, self.rest = io.BytesIO(head), rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.head.read(size)
        if size is None or size < 0:
            return data + self.rest.read()
        if len(data) < size:
            data += self.rest.read(size - len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
