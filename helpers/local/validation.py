"""Request validation as AWS's front end does it, from botocore's service model (no hand-written rules).

AWS checks every request against the operation's input shape before the service sees it: required members,
string ``pattern`` and length, list and map sizes, number ranges and enums, through nested structures, lists and
maps. moto checks almost none of that, so a name such as ``naxt-eval-llama-3.2-1b`` that AWS refuses would pass
locally. :class:`RequestValidation`, a WSGI middleware in front of the local SageMaker, refuses such a request
with AWS's error:

* the SageMaker control plane (JSON protocol, ``X-Amz-Target: SageMaker.<Operation>``): HTTP 400,
  ``{"__type": "ValidationException", "message": ...}``;
* ``sagemaker-runtime`` invocations (rest-json, the endpoint name in the URI, the rest in headers): HTTP 400
  with the runtime's own error code ``ValidationError`` (its model's only client error shape).

Messages follow AWS's wording: ``1 validation error detected: Value 'a.b' at 'endpointName' failed to satisfy
constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``; several
errors are joined with ``; `` after ``N validation errors detected: ``.

Patterns are Java regular expressions, matched against the whole value. Each is compiled once, on first use,
with ``re``, else with the ``regex`` package (Unicode classes such as ``\\p{L}``); one that neither accepts is
skipped and recorded in :data:`SKIPPED_PATTERNS` rather than failing requests.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

log = logging.getLogger("helpers.local.validation")

CONTROL_PLANE = "sagemaker"
RUNTIME = "sagemaker-runtime"
_NUMBER_TYPES = frozenset({"integer", "long", "float", "double"})
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/(?P<service>[^/]+)/aws4_request")
SKIPPED_PATTERNS: dict[str, str] = {}  # pattern -> why it could not be compiled (neither re nor regex)


@functools.lru_cache(maxsize=4)
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


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _join(path: str, name: str) -> str:
    return f"{path}.{_camel(name)}" if path else _camel(name)


def _show(value: Any) -> str:
    """A value as AWS's messages show it (Java's ``toString``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _constraints(shape: Any, value: Any) -> list[str]:
    """The constraints of a scalar, list or map shape that ``value`` breaks (AWS's wording)."""
    meta, kind, broken = shape.metadata, shape.type_name, []
    if kind == "string" and isinstance(value, str):
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            broken.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    if kind in ("string", "blob", "list", "map") and isinstance(value, str | bytes | list | dict | _Body):
        if "max" in meta and len(value) > meta["max"]:
            broken.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta and len(value) < meta["min"]:
            broken.append(f"Member must have length greater than or equal to {meta['min']}")
    if kind == "string" and isinstance(value, str) and meta.get("pattern"):
        pattern = compiled(meta["pattern"])
        if pattern is not None and pattern.fullmatch(value) is None:
            broken.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
    if kind in _NUMBER_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            broken.append(f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta and value < meta["min"]:
            broken.append(f"Member must have value greater than or equal to {meta['min']}")
    return broken


def _failed(value: Any, path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{_show(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def check(shape: Any, value: Any, path: str, errors: list[str]) -> None:
    """Append to ``errors`` every constraint of ``shape`` (and of its members, recursively) that ``value`` breaks."""
    if value is None:
        return
    errors.extend(_failed(value, path, c) for c in _constraints(shape, value))
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        if shape.metadata.get("document"):
            return
        required = set(shape.required_members)
        for name, member in shape.members.items():
            if value.get(name) is None:
                if name in required:
                    errors.append(_failed(None, _join(path, name), "Member must not be null"))
                continue
            check(member, value[name], _join(path, name), errors)
    elif kind == "list" and isinstance(value, list):
        for i, item in enumerate(value, start=1):
            check(shape.member, item, f"{path}.{i}.member", errors)
    elif kind == "map" and isinstance(value, dict):
        key_broken = sorted({c for k in value for c in _constraints(shape.key, k)})
        if key_broken:
            errors.append(_failed(value, path, f"Map keys must satisfy constraint: [{', '.join(key_broken)}]"))
        if shape.value.type_name in ("structure", "list", "map"):
            for key, item in value.items():
                check(shape.value, item, f"{path}.{key}.member", errors)
        else:
            value_broken = sorted({c for v in value.values() if v is not None for c in _constraints(shape.value, v)})
            if value_broken:
                errors.append(_failed(value, path, f"Map value must satisfy constraint: [{', '.join(value_broken)}]"))


def warm() -> None:
    """Load the models that requests are checked against (about 0.3 s), before the first request needs them."""
    for service in (CONTROL_PLANE, RUNTIME):
        service_model(service)
    _runtime_routes()


def errors_for(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Every validation error AWS would report for ``operation`` of ``service`` called with ``params``."""
    model = service_model(service)
    if operation not in model.operation_names:
        return []
    shape = model.operation_model(operation).input_shape
    errors: list[str] = []
    if shape is not None:
        check(shape, params, "", errors)
    return errors


def message(errors: list[str]) -> str:
    """AWS's message for a list of validation errors."""
    count = len(errors)
    return f"{count} validation error{'s' if count != 1 else ''} detected: " + "; ".join(errors)


# ------------------------------------------------------------------------------------------ sagemaker-runtime
@functools.lru_cache(maxsize=1)
def _runtime_routes() -> list[tuple[re.Pattern, str]]:
    """(path regex, operation) for each runtime operation, from the model's ``requestUri`` templates."""
    model = service_model(RUNTIME)
    routes = []
    for name in model.operation_names:
        template = model.operation_model(name).http["requestUri"]
        parts = re.split(r"\{(\w+)\+?\}", template)
        regex_ = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
        routes.append((re.compile(f"^{regex_}$"), name))
    return routes


def runtime_operation(path: str) -> tuple[str, dict[str, str]] | None:
    """The runtime operation a request path is for, with its URI members (decoded), or None."""
    for route, name in _runtime_routes():
        match = route.match(path)
        if match:
            return name, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def runtime_params(operation: str, uri: dict[str, str], environ: dict[str, Any]) -> dict[str, Any]:
    """The members of a runtime request, from its URI, headers and (by size only) body."""
    shape = service_model(RUNTIME).operation_model(operation).input_shape
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        if where == "uri":
            params[name] = uri.get(member.serialization.get("name", name))
        elif where == "header":
            header = member.serialization.get("name", name)
            key = "CONTENT_TYPE" if header.lower() == "content-type" else "HTTP_" + header.upper().replace("-", "_")
            raw = environ.get(key)
            if raw is not None and member.type_name in _NUMBER_TYPES:
                try:
                    raw = int(raw)
                except ValueError:
                    pass
            params[name] = raw
        elif member.type_name == "blob" and shape.serialization.get("payload") == name:
            params[name] = _Body(int(environ.get("CONTENT_LENGTH") or 0))
    return params


class _Body:
    """An invocation's body, known by its length only (the middleware leaves the body unread)."""

    def __init__(self, length: int):
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __str__(self) -> str:
        return f"<{self.length} bytes>"


# ------------------------------------------------------------------------------------------ the middleware
def _refuse(start_response: Callable, code: str, text: str, with_type: bool) -> list[bytes]:
    body = json.dumps({"__type": code, "message": text} if with_type else {"message": text}).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1" if with_type else "application/json"),
        ("Content-Length", str(len(body))),
        ("x-amzn-ErrorType", code),
    ]
    start_response("400 Bad Request", headers)
    return [body]


class RequestValidation:
    """WSGI middleware: refuses SageMaker requests that break their operation's input constraints, as AWS does."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.app(environ, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target.startswith("SageMaker."):
            body = _buffer_body(environ)
            try:
                params = json.loads(body or b"{}") if body is not None else None
            except ValueError:
                params = None  # not JSON: moto answers with its own error
            if isinstance(params, dict):
                errors = errors_for(CONTROL_PLANE, target.partition(".")[2], params)
                if errors:
                    return _refuse(start_response, "ValidationException", message(errors), with_type=True)
            return self.app(environ, start_response)
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        if not target and scope and scope.group("service") == "sagemaker":
            found = runtime_operation(environ.get("PATH_INFO", ""))
            if found:
                operation, uri = found
                errors = errors_for(RUNTIME, operation, runtime_params(operation, uri, environ))
                if errors:
                    return _refuse(start_response, "ValidationError", message(errors), with_type=False)
        return self.app(environ, start_response)


def _buffer_body(environ: dict[str, Any]) -> bytes | None:
    """Read the request body and put it back, so that the app behind reads it as sent; None when its end is
    unknown (no ``Content-Length``, not terminated by the server), and then it is left unread."""
    stream = environ["wsgi.input"]
    if environ.get("CONTENT_LENGTH"):
        body = stream.read(int(environ["CONTENT_LENGTH"]))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        return None
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body
