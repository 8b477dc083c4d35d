"""SageMaker Pipelines that really execute, in the local SageMaker.

Stock moto 5.2.5 stores a pipeline and marks every execution ``Succeeded`` at once: nothing runs, and
``ListPipelineExecutionSteps``, ``StopPipelineExecution`` and ``RetryPipelineExecution`` are missing. With
:func:`apply`, the pipeline definition the SageMaker SDK writes (``Pipeline.definition()``, schema version
2020-12-01) is checked at ``CreatePipeline`` / ``UpdatePipeline``, and ``StartPipelineExecution`` runs it:

* parameters: the definition's defaults, overridden by ``PipelineParameters`` (each converted to its declared type;
  an unknown name, a value of the wrong type, a value outside ``EnumValues`` or a parameter with neither a value nor
  a default is refused with a ``ValidationException``);
* order: each step waits for its ``DependsOn`` steps and for every step its expressions read (``Get`` of
  ``Steps.<name>...``, property files); the steps of a ``Condition`` step's ``IfSteps`` / ``ElseSteps`` run only
  after it, and only the branch it chose. Steps run one at a time, in that order (the machine has few cores);
* expressions: ``Get`` (``Parameters.*``, ``Execution.*``, ``Steps.<name>.<property path>`` read from the step's
  job description, e.g. ``ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri`` or
  ``ModelArtifacts.S3ModelArtifacts``), ``Std:Join`` and ``Std:JsonGet`` (a property file: the JSON file that the
  producing processing step wrote under the S3 output named in its ``PropertyFiles``);
* steps, with the same API calls a user would make, sent to this server (so the jobs are the real local jobs,
  validated as AWS validates requests, listed by ``ListProcessingJobs`` / ``ListTrainingJobs``, and tagged
  ``sagemaker:pipeline-execution-arn`` and ``sagemaker:pipeline-step-name`` as SageMaker tags them): Processing
  (``CreateProcessingJob``), Training (``CreateTrainingJob``), Model (``CreateModel``), RegisterModel
  (``CreateModelPackage``), Condition (``Equals``, ``GreaterThan``, ``GreaterThanOrEqualTo``, ``LessThan``,
  ``LessThanOrEqualTo``, ``In``, ``Not``, ``Or``) and Fail. Jobs are named as SageMaker names them:
  ``pipelines-<execution id>-<step name>-<random>``. Other step types fail with a reason that says so;
* ``ListPipelineExecutionSteps``: one row per step started, newest first (AWS's order), with ``StepStatus``
  (``Starting``, ``Executing``, ``Stopping``, ``Stopped``, ``Failed``, ``Succeeded``), times, ``Metadata`` (the job,
  model or package ARN, ``Condition.Outcome``, ``Fail.ErrorMessage``), ``FailureReason``, ``AttemptCount`` and,
  for a cached step, ``CacheHitResult``;
* ``DescribePipelineExecution``: ``Executing`` → ``Succeeded`` / ``Failed`` (``FailureReason`` "Step failure: One or
  multiple steps failed.", as on AWS; the failed step's own reason is in its row) / ``Stopped`` (``Stopping`` in
  between). After a step fails no further step starts;
* ``StopPipelineExecution`` stops the running job and starts nothing more; ``RetryPipelineExecution`` runs a failed
  execution's failed steps again (``AttemptCount`` + 1), and the steps after them;
* step caching (``CacheConfig``): a step whose cache-key arguments (AWS's list per step type: for processing
  ``AppSpecification``, ``Environment``, ``ProcessingInputs``; for training ``AlgorithmSpecification``,
  ``HyperParameters``, ``InputDataConfig`` ...), once resolved, equal those of a successful run of the same step of
  the same pipeline within ``ExpireAfter`` reuses that run: ``Succeeded`` with ``CacheHitResult``, no job;
* ``DeletePipeline`` refuses a pipeline with an execution in progress, as AWS documents.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import re
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import processing
from .patching import check_first, conflict_error, install, not_found_error, utcnow, validation_error

log = logging.getLogger("helpers.local.pipelines")

STEP_FAILURE = "Step failure: One or multiple steps failed."
EXECUTION_VARIABLES = (
    "PipelineExecutionId",
    "PipelineExecutionArn",
    "PipelineName",
    "PipelineArn",
    "StartDateTime",
    "CurrentDateTime",
)
PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean")
RUNNABLE = ("Processing", "Training", "Model", "RegisterModel", "Condition", "Fail")
# AWS's default cache-key attributes per step type (Developer Guide: "Default cache key attributes by pipeline step
# type"); the other step types run here are not cached.
CACHE_KEYS = {
    "Processing": ("AppSpecification", "Environment", "ProcessingInputs"),
    "Training": (
        "AlgorithmSpecification",
        "CheckpointConfig",
        "DebugHookConfig",
        "DebugRuleConfigurations",
        "Environment",
        "HyperParameters",
        "InputDataConfig",
    ),
}
RUNNING = ("Executing", "Stopping")
POLL_S = 0.25
_PATH_TOKEN = re.compile(
    r"\.?(?:(?P<name>[^.\[\]'\"]+)|\[(?P<index>\d+)\]|\['(?P<key>[^']*)'\]|\[\"(?P<dkey>[^\"]*)\"\])"
)
# The API call each job-like step makes: its Arguments are that call's request (the service names the job itself).
OPERATIONS = {
    "Processing": "CreateProcessingJob",
    "Training": "CreateTrainingJob",
    "Model": "CreateModel",
    "RegisterModel": "CreateModelPackage",
}
EXPRESSIONS = ("Get", "Std:Join", "Std:JsonGet")


class DefinitionError(ValueError):
    """The pipeline definition is invalid; the message is AWS's ``ValidationException`` message."""


class StepFailure(Exception):
    """The step fails; the message becomes its ``FailureReason``."""


# ------------------------------------------------------------------------------------------ the definition
@dataclass
class StepDef:
    """One step of a definition (top level, or in a condition step's branch)."""

    name: str
    type: str
    body: dict[str, Any]
    branch_of: str | None = None  # the condition step whose IfSteps / ElseSteps hold this step
    branch: str | None = None  # "IfSteps" or "ElseSteps"
    needs: list[str] = field(default_factory=list)  # steps that must have succeeded first


@dataclass
class Definition:
    """A parsed, checked pipeline definition."""

    raw: dict[str, Any]
    parameters: dict[str, dict[str, Any]]
    steps: dict[str, StepDef]
    order: list[str]  # a topological order of every step, definition order among equals


def _expressions(value: Any, skip_branches: bool = False) -> list[str]:
    """Every ``Get`` reference in a definition value (inside ``Std:Join`` and ``Std:JsonGet`` too)."""
    found: list[str] = []
    if isinstance(value, dict):
        if set(value) == {"Get"} and isinstance(value["Get"], str):
            return [value["Get"]]
        for key, item in value.items():
            if skip_branches and key in ("IfSteps", "ElseSteps"):
                continue
            found += _expressions(item)
    elif isinstance(value, list):
        for item in value:
            found += _expressions(item)
    return found


def _unparsable(detail: str) -> DefinitionError:
    return DefinitionError(f"Unable to parse pipeline definition. {detail}")


def parse_definition(text: str) -> Definition:
    """Parse and check a pipeline definition as SageMaker does at ``CreatePipeline``; raise :class:`DefinitionError`."""
    try:
        raw = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise _unparsable(f"Invalid JSON: {exc}.") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("Steps"), list):
        raise _unparsable("Expecting a JSON object with a 'Steps' array.")
    parameters: dict[str, dict[str, Any]] = {}
    for item in raw.get("Parameters") or []:
        name, kind = (item or {}).get("Name"), (item or {}).get("Type")
        if not name or kind not in PARAMETER_TYPES:
            raise _unparsable(f"Parameter {json.dumps(item)} needs a Name and a Type in {list(PARAMETER_TYPES)}.")
        if name in parameters:
            raise _unparsable(f"Duplicate parameter name: {name}.")
        parameters[name] = item
    steps: dict[str, StepDef] = {}

    def add(bodies: Any, parent: str | None, branch: str | None) -> None:
        for body in bodies or []:
            if not isinstance(body, dict) or not body.get("Name") or not body.get("Type"):
                raise _unparsable(f"Every step needs a Name and a Type: {json.dumps(body)[:200]}.")
            name = body["Name"]
            if name in steps:
                raise _unparsable(f"Duplicate step name: {name}. Step names must be unique within a pipeline.")
            steps[name] = StepDef(name, body["Type"], body, parent, branch)
            if body["Type"] == "Condition":
                arguments = body.get("Arguments") or {}
                add(arguments.get("IfSteps"), name, "IfSteps")
                add(arguments.get("ElseSteps"), name, "ElseSteps")

    add(raw["Steps"], None, None)
    for step in steps.values():
        needs: list[str] = [step.branch_of] if step.branch_of else []
        for dependency in step.body.get("DependsOn") or []:
            if dependency not in steps:
                raise _unparsable(f"Step {step.name} depends on step {dependency}, which is not in the pipeline.")
            if steps[dependency].type == "Fail":
                raise _unparsable(f"{step.name} can not depends on {dependency}: a Fail step ends the execution.")
            needs.append(dependency)
        for reference in _expressions(step.body.get("Arguments"), skip_branches=step.type == "Condition"):
            needs += _check_reference(reference, step.name, parameters, steps)
        step.needs = list(dict.fromkeys(n for n in needs if n))
        if step.name in step.needs:
            raise _unparsable(f"Step {step.name} depends on itself.")
        if step.type in OPERATIONS:
            unknown = _unknown_member(step.type, step.body.get("Arguments"))
            if unknown:
                raise _unparsable(f"Unknown Argument member '{unknown}'.")
    return Definition(raw, parameters, steps, _order(steps))


def _unknown_member(step_type: str, arguments: Any) -> str | None:
    """The first argument member that the step's API operation does not have (as the service refuses it)."""
    from .validation import service_model

    shape = service_model("sagemaker").operation_model(OPERATIONS[step_type]).input_shape
    if step_type == "RegisterModel" and isinstance(arguments, dict) and "ModelPackageName" in arguments:
        return "ModelPackageName"  # the service names the version itself
    return _unknown_in(shape, arguments)


def _unknown_in(shape: Any, value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in EXPRESSIONS:
        return None  # evaluated at run time
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key not in shape.members:
                return key
            found = _unknown_in(shape.members[key], item)
            if found:
                return found
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            found = _unknown_in(shape.member, item)
            if found:
                return found
    elif shape.type_name == "map" and isinstance(value, dict):
        for item in value.values():
            found = _unknown_in(shape.value, item)
            if found:
                return found
    return None


def _check_reference(reference: str, step: str, parameters: dict[str, Any], steps: dict[str, StepDef]) -> list[str]:
    """The steps that a ``Get`` reference reads; refuse one to a parameter, variable, step or file that is not there."""
    root, _, rest = reference.partition(".")
    if root == "Parameters":
        if rest not in parameters:
            raise _unparsable(f"Step {step} refers to parameter {rest} (Get {reference}), which is not defined.")
        return []
    if root == "Execution":
        if rest not in EXECUTION_VARIABLES:
            raise _unparsable(f"Step {step} refers to an unknown execution variable: {reference}.")
        return []
    if root == "Steps":
        name, _, path = rest.partition(".")
        if name not in steps:
            raise _unparsable(f"Step {step} refers to step {name} (Get {reference}), which is not in the pipeline.")
        if path.startswith("PropertyFiles."):
            file_name = path.split(".", 1)[1]
            files = [f.get("PropertyFileName") for f in steps[name].body.get("PropertyFiles") or []]
            if file_name not in files:
                raise _unparsable(f"Step {step} refers to property file {file_name} of step {name}, which has none.")
        if steps[name].type == "Fail":
            raise _unparsable(f"{step} can not depends on {name}: a Fail step ends the execution.")
        return [name]
    raise _unparsable(f"Step {step} has an invalid Get expression: {reference}.")


def _order(steps: dict[str, StepDef]) -> list[str]:
    """Kahn's topological order (definition order among ready steps); refuse a cycle."""
    waiting = {name: set(step.needs) for name, step in steps.items()}
    order: list[str] = []
    while waiting:
        ready = [name for name, needs in waiting.items() if not needs]
        if not ready:
            cycle = sorted(waiting)
            raise _unparsable(
                f"The pipeline's steps must form a directed acyclic graph; these steps depend on each other in a "
                f"cycle (DependsOn and property references): {', '.join(cycle)}."
            )
        name = ready[0]
        order.append(name)
        del waiting[name]
        for needs in waiting.values():
            needs.discard(name)
    return order


# ------------------------------------------------------------------------------------------ values
def text(value: Any) -> str:
    """A value as the pipeline service writes it into a string (``Std:Join``, a Fail message): ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def convert_parameter(name: str, kind: str, raw: Any) -> Any:
    """A parameter value (a string in ``PipelineParameters``) as its declared type."""
    try:
        if kind == "Integer":
            if isinstance(raw, bool):
                raise ValueError
            number = float(raw)
            if not number.is_integer():
                raise ValueError
            return int(number)
        if kind == "Float":
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)
        if kind == "Boolean":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in ("true", "false"):
                return str(raw).lower() == "true"
            raise ValueError
    except (TypeError, ValueError):
        raise validation_error(f"Value '{raw}' of pipeline parameter {name} is not a valid {kind}.") from None
    return str(raw)


def resolve_parameters(definition: Definition, given: list[dict[str, Any]] | None, pipeline: str) -> dict[str, Any]:
    """The execution's parameter values: defaults, then the overrides; refuse what AWS refuses."""
    overrides: dict[str, Any] = {}
    for item in given or []:
        name = item.get("Name")
        if name in overrides:
            raise validation_error(f"Pipeline parameter {name} is given more than once.")
        overrides[name] = item.get("Value")
    unknown = sorted(set(overrides) - set(definition.parameters))
    if unknown:
        raise validation_error(
            f"Pipeline parameters {unknown} are not defined in pipeline {pipeline}, whose parameters are "
            f"{sorted(definition.parameters)}."
        )
    values: dict[str, Any] = {}
    for name, spec in definition.parameters.items():
        if name in overrides:
            value = convert_parameter(name, spec["Type"], overrides[name])
        elif spec.get("DefaultValue") is not None:
            value = convert_parameter(name, spec["Type"], spec["DefaultValue"])
        else:
            raise validation_error(f"Pipeline parameter {name} has no default value, and no value was given for it.")
        enum = spec.get("EnumValues")
        if enum and value not in enum:
            raise validation_error(f"Value '{value}' of pipeline parameter {name} is not one of its EnumValues {enum}.")
        values[name] = value
    return values


def read_path(document: Any, path: str, what: str) -> Any:
    """Follow a property path (``A.B[0].C``, ``Outputs['name']``) or a JsonGet path (``$.a.b``) into a document.

    A string index into a list picks the item whose ``...Name`` member (``OutputName``, ``ChannelName``,
    ``MetricName`` ...) is that string, as the SDK's property paths do.
    """
    value = document
    position = 0
    path = path.removeprefix("$").lstrip(".") if path.startswith("$") else path
    while position < len(path):
        match = _PATH_TOKEN.match(path, position)
        if not match or match.end() == position:
            raise StepFailure(f"Invalid path '{path}' for {what}.")
        position = match.end()
        name, index = match.group("name"), match.group("index")
        key = match.group("key") if match.group("key") is not None else match.group("dkey")
        try:
            if name is not None:
                value = value[name]
            elif index is not None:
                value = value[int(index)]
            elif isinstance(value, list):
                value = next(
                    item
                    for item in value
                    if isinstance(item, dict) and any(k.endswith("Name") and v == key for k, v in item.items())
                )
            else:
                value = value[key]
        except (KeyError, IndexError, TypeError, StopIteration):
            raise StepFailure(f"'{path}' was not found in {what}.") from None
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def compare(kind: str, left: Any, right: Any) -> bool:
    """A comparison condition: numbers as numbers (a numeric string against a number too), else as strings."""
    a, b = _number(left), _number(right)
    if (a is None) != (b is None):
        try:
            a = a if a is not None else float(left)
            b = b if b is not None else float(right)
        except (TypeError, ValueError):
            a = b = None
    if a is None or b is None:
        if isinstance(left, bool) and isinstance(right, bool):
            a, b = float(left), float(right)
        else:
            a, b = text(left), text(right)  # type: ignore[assignment]
    if kind == "Equals":
        return a == b
    if kind == "GreaterThan":
        return a > b
    if kind == "GreaterThanOrEqualTo":
        return a >= b
    if kind == "LessThan":
        return a < b
    if kind == "LessThanOrEqualTo":
        return a <= b
    raise StepFailure(f"Unknown condition type: {kind}.")


def parse_duration(value: str | None) -> timedelta | None:
    """An ISO 8601 duration as the CacheConfig's ``ExpireAfter`` allows (``P30D``, ``PT1H``, ``T30m``, ``30d``)."""
    if not value:
        return None
    match = re.fullmatch(
        r"P?(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", value.upper()
    )
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=365 * years + 30 * months + 7 * weeks + days, hours=hours, minutes=minutes, seconds=seconds)


def coerce(shape: Any, value: Any) -> Any:
    """A resolved argument as the API member's type (a number from a parameter into a string member ...)."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: coerce(shape.members[k], v) if k in shape.members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: coerce(shape.value, v) for k, v in value.items()}
    if kind == "string" and isinstance(value, bool | int | float):
        return text(value)
    if kind in ("integer", "long") and isinstance(value, str | float) and not isinstance(value, bool):
        try:
            return int(float(value))
        except ValueError:
            return value
    if kind in ("float", "double") and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


# ------------------------------------------------------------------------------------------ executions
@dataclass
class StepRun:
    """One step of one execution, as ``ListPipelineExecutionSteps`` shows it."""

    name: str
    display_name: str | None
    description: str | None
    type: str
    start_time: datetime
    status: str = "Starting"
    end_time: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    failure_reason: str | None = None
    attempt_count: int = 1
    cache_hit: str | None = None  # the execution whose run this step reused
    cache_key: str | None = None
    origin: tuple[str, datetime] | None = None  # (execution that really ran it, when it ended)
    properties: dict[str, Any] = field(default_factory=dict)
    sequence: int = 0

    def row(self) -> dict[str, Any]:
        """The step as a ``PipelineExecutionStep``."""
        row = {
            "StepName": self.name,
            "StepDisplayName": self.display_name,
            "StepDescription": self.description,
            "StartTime": self.start_time,
            "EndTime": self.end_time,
            "StepStatus": self.status,
            "FailureReason": self.failure_reason,
            "Metadata": self.metadata or None,
            "AttemptCount": self.attempt_count,
            "CacheHitResult": {"SourcePipelineExecutionArn": self.cache_hit} if self.cache_hit else None,
        }
        return {k: v for k, v in row.items() if v is not None}


class Execution:
    """A pipeline execution and the thread that runs it (stored where moto keeps a pipeline's executions)."""

    def __init__(
        self,
        backend: Any,
        pipeline: Any,
        definition_text: str,
        definition: Definition,
        parameters: dict[str, Any],
        display_name: str | None,
        description: str | None,
        parallelism: dict[str, Any] | None,
        url: str,
    ):
        from moto.sagemaker.utils import arn_formatter

        self.backend = backend
        self.pipeline = pipeline
        self.id = "".join(random.choices(string.ascii_lowercase + string.digits, k=12))
        self.arn = arn_formatter(
            "pipeline", f"{pipeline.pipeline_name}/execution/{self.id}", backend.account_id, backend.region_name
        )
        self.pipeline_definition_for_execution = definition_text
        self.definition = definition
        self.parameters = parameters
        self.pipeline_parameters = [{"Name": k, "Value": text(v)} for k, v in parameters.items()]
        self.creation_time = self.start_time = self.last_modified_time = utcnow()
        self.pipeline_execution_display_name = display_name or f"execution-{int(time.time() * 1000)}"
        self.pipeline_execution_description = description
        self.parallelism_configuration = parallelism
        self.pipeline_execution_status = "Executing"
        self.pipeline_execution_failure_reason: str | None = None
        self.created_by = self.last_modified_by = getattr(pipeline, "created_by", {})
        self.url = url
        self.steps: dict[str, StepRun] = {}
        self.attempts: dict[str, int] = {}
        self.lock = threading.Lock()
        self.stop_requested = threading.Event()
        self.thread: threading.Thread | None = None
        self._files: dict[str, Any] = {}
        self._sequence = 0
        self._clients: tuple[Any, Any] | None = None

    # ---------------------------------------------------------------- state for the API
    def describe(self) -> dict[str, Any]:
        """``DescribePipelineExecution``'s answer."""
        experiment = self.definition.raw.get("PipelineExperimentConfig")
        answer = {
            "PipelineArn": self.pipeline.arn,
            "PipelineExecutionArn": self.arn,
            "PipelineExecutionDisplayName": self.pipeline_execution_display_name,
            "PipelineExecutionStatus": self.pipeline_execution_status,
            "PipelineExecutionDescription": self.pipeline_execution_description,
            "PipelineExperimentConfig": self._resolve_quietly(experiment) if experiment else None,
            "FailureReason": self.pipeline_execution_failure_reason,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "CreatedBy": self.created_by,
            "LastModifiedBy": self.last_modified_by,
            "ParallelismConfiguration": self.parallelism_configuration,
        }
        return {k: v for k, v in answer.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        """A ``PipelineExecutionSummary``: the members botocore's model gives that shape, read from :meth:`describe`
        (where the failure reason is ``FailureReason``) and the execution's ``StartTime``."""
        from .validation import service_model

        described = self.describe()
        described.update(StartTime=self.start_time, PipelineExecutionFailureReason=described.get("FailureReason"))
        members = service_model("sagemaker").shape_for("PipelineExecutionSummary").members
        return {name: described[name] for name in members if described.get(name) is not None}

    def rows(self, descending: bool = True) -> list[dict[str, Any]]:
        """The steps started so far, newest first unless ``descending`` is False."""
        with self.lock:
            runs = sorted(self.steps.values(), key=lambda r: r.sequence, reverse=descending)
            return [run.row() for run in runs]

    def _set_status(self, status: str, reason: str | None = None) -> None:
        self.pipeline_execution_status = status
        self.pipeline_execution_failure_reason = reason
        self.last_modified_time = utcnow()

    # ---------------------------------------------------------------- control
    def start(self) -> None:
        """Run the execution in a background thread."""
        self.thread = threading.Thread(target=self._run, name=f"pipeline-{self.id}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """``StopPipelineExecution``: stop the running job, start nothing more."""
        if self.pipeline_execution_status in ("Stopping", "Stopped"):
            return
        if self.pipeline_execution_status != "Executing":
            raise conflict_error(
                f"Pipeline execution {self.arn} is in status {self.pipeline_execution_status}; only an executing "
                "pipeline execution can be stopped."
            )
        self._set_status("Stopping")
        self.stop_requested.set()

    def retry(self) -> None:
        """``RetryPipelineExecution``: run the failed steps again, and the steps after them."""
        if self.pipeline_execution_status != "Failed":
            raise conflict_error(
                f"Pipeline execution {self.arn} is in status {self.pipeline_execution_status}; only a failed "
                "pipeline execution can be retried."
            )
        with self.lock:
            for name, run in list(self.steps.items()):
                if run.status in ("Failed", "Stopped"):
                    self.attempts[name] = run.attempt_count
                    del self.steps[name]
        self.stop_requested.clear()
        self._set_status("Executing")
        self.start()

    # ---------------------------------------------------------------- the run
    def _run(self) -> None:
        try:
            while not self.stop_requested.is_set():
                name = self._next_step()
                if name is None:
                    break
                self._run_step(self.definition.steps[name])
                if self.steps[name].status == "Failed":
                    break  # a failed step ends the execution: nothing more starts
        except Exception:  # never leave an execution Executing
            log.exception("pipeline execution %s failed in the local runner", self.arn)
        finally:
            if self.stop_requested.is_set():
                self._set_status("Stopped")
            elif any(run.status == "Failed" for run in self.steps.values()):
                self._set_status("Failed", STEP_FAILURE)
            else:
                self._set_status("Succeeded")
            log.info("pipeline execution %s: %s", self.arn, self.pipeline_execution_status)

    def _next_step(self) -> str | None:
        """The first step, in dependency order, that has not run and whose prerequisites all succeeded."""
        for name in self.definition.order:
            if name in self.steps:
                continue
            step = self.definition.steps[name]
            if any(self.steps.get(n) is None or self.steps[n].status != "Succeeded" for n in step.needs):
                continue
            if step.branch_of:
                outcome = self.steps[step.branch_of].properties.get("Outcome")
                if (step.branch == "IfSteps") != bool(outcome):
                    continue  # the other branch was chosen
            return name
        return None

    def _run_step(self, step: StepDef) -> None:
        with self.lock:
            self._sequence += 1
            run = StepRun(
                step.name,
                step.body.get("DisplayName"),
                step.body.get("Description"),
                step.type,
                utcnow(),
                attempt_count=self.attempts.get(step.name, 0) + 1,
                sequence=self._sequence,
            )
            self.steps[step.name] = run
        try:
            if step.type not in RUNNABLE:
                raise StepFailure(
                    f"ClientError: local mode runs Processing, Training, Model, RegisterModel, Condition and Fail "
                    f"steps; step {step.name} is a {step.type} step, which cannot run on this machine."
                )
            run.status = "Executing"
            getattr(self, f"_step_{step.type.lower()}")(step, run)
        except StepFailure as exc:
            run.failure_reason = str(exc)[:1024] or None
            run.status = "Failed"
        except Exception as exc:
            log.exception("step %s of %s failed in the local runner", step.name, self.arn)
            run.failure_reason = f"InternalServerError: local pipeline runner: {exc}"[:1024]
            run.status = "Failed"
        finally:
            run.end_time = utcnow()
            self.last_modified_time = run.end_time

    # ---------------------------------------------------------------- expressions
    def resolve(self, value: Any) -> Any:
        """A definition value with every ``Get``, ``Std:Join`` and ``Std:JsonGet`` evaluated."""
        if isinstance(value, dict):
            if set(value) == {"Get"} and isinstance(value["Get"], str):
                return self._get(value["Get"])
            if set(value) == {"Std:Join"}:
                spec = value["Std:Join"] or {}
                return text(spec.get("On", "")).join(text(self.resolve(v)) for v in spec.get("Values") or [])
            if set(value) == {"Std:JsonGet"}:
                return self._json_get(value["Std:JsonGet"] or {})
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _resolve_quietly(self, value: Any) -> Any:
        try:
            return self.resolve(value)
        except StepFailure:
            return None

    def _get(self, reference: str) -> Any:
        root, _, rest = reference.partition(".")
        if root == "Parameters":
            return self.parameters[rest]
        if root == "Execution":
            return {
                "PipelineExecutionId": self.id,
                "PipelineExecutionArn": self.arn,
                "PipelineName": self.pipeline.pipeline_name,
                "PipelineArn": self.pipeline.arn,
                "StartDateTime": self.start_time,
                "CurrentDateTime": utcnow(),
            }[rest]
        name, _, path = rest.partition(".")
        run = self.steps.get(name)
        if run is None or run.status != "Succeeded":
            raise StepFailure(f"Cannot evaluate {reference}: step {name} has not succeeded.")
        return read_path(run.properties, path, f"the properties of step {name}") if path else run.properties

    def _json_get(self, spec: dict[str, Any]) -> Any:
        path = spec.get("Path") or ""
        if "PropertyFile" in spec:
            reference = (spec["PropertyFile"] or {}).get("Get", "")
            step_name, file_name = reference.removeprefix("Steps.").split(".PropertyFiles.", 1)
            uri = self._property_file_uri(step_name, file_name)
        else:
            uri = text(self.resolve(spec.get("S3Uri")))
        document = self._read_json(uri)
        return read_path(document, path, f"the JSON file {uri}")

    def _property_file_uri(self, step_name: str, file_name: str) -> str:
        step = self.definition.steps[step_name]
        spec = next(f for f in step.body.get("PropertyFiles") or [] if f.get("PropertyFileName") == file_name)
        outputs = self._get(f"Steps.{step_name}.ProcessingOutputConfig.Outputs")
        output = next((o for o in outputs if o.get("OutputName") == spec.get("OutputName")), None)
        if output is None or not (output.get("S3Output") or {}).get("S3Uri"):
            raise StepFailure(
                f"Property file {file_name} of step {step_name}: the step has no S3 output named "
                f"{spec.get('OutputName')}."
            )
        return output["S3Output"]["S3Uri"].rstrip("/") + "/" + str(spec.get("FilePath", "")).lstrip("/")

    def _read_json(self, uri: str) -> Any:
        if uri in self._files:
            return self._files[uri]
        if not uri.startswith("s3://"):
            raise StepFailure(f"JsonGet reads JSON files from S3; {uri} is not an S3 URI.")
        bucket, key = processing._split(uri)
        s3 = self.clients()[1]
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as exc:
            raise StepFailure(f"JsonGet could not read {uri}: {exc}") from None
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise StepFailure(f"JsonGet: {uri} is not a JSON file ({exc}).") from None
        self._files[uri] = document
        return document

    def _condition(self, condition: dict[str, Any]) -> bool:
        kind = condition.get("Type")
        if kind == "Not":
            return not self._condition(condition.get("Condition") or {})
        if kind == "Or":
            return any(self._condition(c) for c in condition.get("Conditions") or [])
        if kind == "In":
            query = self.resolve(condition.get("QueryValue"))
            return any(compare("Equals", query, self.resolve(v)) for v in condition.get("Values") or [])
        return compare(kind, self.resolve(condition.get("LeftValue")), self.resolve(condition.get("RightValue")))

    # ---------------------------------------------------------------- the steps
    def clients(self) -> tuple[Any, Any]:
        """(sagemaker, s3) clients to this server, as the pipeline's role would call SageMaker."""
        if self._clients is None:
            import boto3
            from botocore.config import Config

            session = boto3.session.Session(
                aws_access_key_id="local", aws_secret_access_key="local", region_name=self.backend.region_name
            )
            # no client-side checks: the server checks requests as AWS does, and its error is the step's reason
            config = Config(parameter_validation=False, retries={"max_attempts": 1})
            self._clients = (
                session.client("sagemaker", endpoint_url=self.url, config=config),
                session.client("s3", endpoint_url=self.url),
            )
        return self._clients

    def _request(self, operation: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """The API request for a step: its resolved arguments, typed as the operation's input."""
        from .validation import service_model

        shape = service_model("sagemaker").operation_model(operation).input_shape
        return coerce(shape, {**arguments, **extra})

    def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        method = re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
        try:
            answer = getattr(self.clients()[0], method)(**request)
        except ClientError as exc:
            detail = exc.response.get("Error", {}).get("Message") or str(exc)
            raise StepFailure(f"ClientError: Failed to invoke sagemaker:{operation}. Error Details: {detail}") from None
        answer.pop("ResponseMetadata", None)
        return answer

    def _tags(self, step: StepDef, arguments: dict[str, Any]) -> list[dict[str, str]]:
        system = [
            {"Key": "sagemaker:pipeline-execution-arn", "Value": self.arn},
            {"Key": "sagemaker:pipeline-step-name", "Value": step.name},
        ]
        return [t for t in arguments.get("Tags") or [] if not str(t.get("Key", "")).startswith("sagemaker:")] + system

    def _name(self, step: StepDef) -> str:
        """``pipelines-<execution id>-<step name>-<random>``, as SageMaker names a step's job or model."""
        part = re.sub(r"[^a-z0-9-]+", "-", step.name.lower()).strip("-")[:20].strip("-") or "step"
        suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=10))
        return f"pipelines-{self.id}-{part}-{suffix}"

    def _cached(self, step: StepDef, run: StepRun, arguments: dict[str, Any]) -> bool:
        """Reuse a successful earlier run of this step with the same cache-key arguments, if caching is on."""
        config = step.body.get("CacheConfig") or {}
        if not config.get("Enabled") or step.type not in CACHE_KEYS:
            return False
        key_values = {key: arguments.get(key) for key in CACHE_KEYS[step.type]}
        run.cache_key = hashlib.sha256(
            json.dumps([step.type, key_values], sort_keys=True, default=str).encode()
        ).hexdigest()
        expire = parse_duration(config.get("ExpireAfter"))
        now = utcnow()
        candidates = []
        for execution in list(self.pipeline.pipeline_executions.values()):
            if execution is self or not isinstance(execution, Execution):
                continue
            earlier = execution.steps.get(step.name)
            if earlier is None or earlier.status != "Succeeded" or earlier.cache_key != run.cache_key:
                continue
            origin = earlier.origin or (execution.arn, earlier.end_time or now)
            if expire is None or now - origin[1] <= expire:
                candidates.append((origin[1], origin, earlier))
        if not candidates:
            return False
        _, origin, earlier = max(candidates, key=lambda c: c[0])  # the most recent successful run
        run.properties = dict(earlier.properties)
        run.metadata = dict(earlier.metadata)
        run.cache_hit, run.origin = origin[0], origin
        run.status = "Succeeded"
        return True

    def _job(self, step: StepDef, run: StepRun, kind: str) -> None:
        """A processing or training step: create the job, wait for its end, stop it when the execution stops."""
        arguments = self.resolve(step.body.get("Arguments") or {})
        if self._cached(step, run, arguments):
            return
        name = self._name(step)
        name_key, status_key = f"{kind}JobName", f"{kind}JobStatus"
        request = self._request(f"Create{kind}Job", arguments, **{name_key: name, "Tags": self._tags(step, arguments)})
        arn = self._call(f"Create{kind}Job", **request)[f"{kind}JobArn"]
        run.metadata = {f"{kind}Job": {"Arn": arn}}
        stop_sent = False
        while True:
            described = self._call(f"Describe{kind}Job", **{name_key: name})
            status = described[status_key]
            if status in ("Completed", "Failed", "Stopped"):
                break
            if self.stop_requested.is_set() and not stop_sent:
                run.status = "Stopping"
                try:
                    self._call(f"Stop{kind}Job", **{name_key: name})
                except StepFailure:
                    log.warning("could not stop %s %s", kind, name, exc_info=True)
                stop_sent = True
            time.sleep(POLL_S)
        if status == "Completed":
            run.properties = described
            run.origin = (self.arn, utcnow())
            run.status = "Succeeded"
        elif status == "Stopped" and self.stop_requested.is_set():
            run.status = "Stopped"
        else:
            raise StepFailure(described.get("FailureReason") or f"{kind} job {name} ended {status}.")

    def _step_processing(self, step: StepDef, run: StepRun) -> None:
        self._job(step, run, "Processing")

    def _step_training(self, step: StepDef, run: StepRun) -> None:
        self._job(step, run, "Training")

    def _step_model(self, step: StepDef, run: StepRun) -> None:
        arguments = self.resolve(step.body.get("Arguments") or {})
        name = self._name(step)
        request = self._request("CreateModel", arguments, ModelName=name, Tags=self._tags(step, arguments))
        arn = self._call("CreateModel", **request)["ModelArn"]
        run.metadata = {"Model": {"Arn": arn}}
        run.properties = self._call("DescribeModel", ModelName=name)
        run.status = "Succeeded"

    def _step_registermodel(self, step: StepDef, run: StepRun) -> None:
        arguments = self.resolve(step.body.get("Arguments") or {})
        request = self._request("CreateModelPackage", arguments, Tags=self._tags(step, arguments))
        arn = self._call("CreateModelPackage", **request)["ModelPackageArn"]
        run.metadata = {"RegisterModel": {"Arn": arn}}
        run.properties = self._call("DescribeModelPackage", ModelPackageName=arn)
        run.status = "Succeeded"

    def _step_condition(self, step: StepDef, run: StepRun) -> None:
        conditions = (step.body.get("Arguments") or {}).get("Conditions") or []
        outcome = all(self._condition(c) for c in conditions)
        run.metadata = {"Condition": {"Outcome": "True" if outcome else "False"}}
        run.properties = {"Outcome": outcome}
        run.status = "Succeeded"

    def _step_fail(self, step: StepDef, run: StepRun) -> None:
        message = text(self.resolve((step.body.get("Arguments") or {}).get("ErrorMessage", "")))
        run.metadata = {"Fail": {"ErrorMessage": message}}
        raise StepFailure(message)


# ------------------------------------------------------------------------------------------ the API patches
def _find_execution(backend: Any, arn: str) -> Execution:
    from moto.sagemaker.utils import get_pipeline_name_from_execution_arn

    try:
        pipeline = backend.pipelines.get(get_pipeline_name_from_execution_arn(arn))
    except IndexError:
        pipeline = None
    execution = pipeline.pipeline_executions.get(arn) if pipeline else None
    if not isinstance(execution, Execution):
        raise not_found_error(f"Pipeline execution {arn} does not exist.")
    return execution


def _pipeline(backend: Any, name_or_arn: str) -> Any:
    name = name_or_arn.rsplit("/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
    pipeline = backend.pipelines.get(name)
    if pipeline is None:
        raise not_found_error(f"Pipeline {name} does not exist.")
    return pipeline


def _checked(text_: str) -> Definition:
    try:
        return parse_definition(text_)
    except DefinitionError as exc:
        raise validation_error(str(exc)) from None


def _definition_text(self: Any) -> str | None:
    """The request's definition: inline, or read from ``PipelineDefinitionS3Location``."""
    inline = self._get_param("PipelineDefinition")
    location = self._get_param("PipelineDefinitionS3Location")
    if inline or not location:
        return inline
    from moto.s3.models import s3_backends

    bucket, key = location.get("Bucket"), location.get("ObjectKey")
    try:
        stored = s3_backends[self.current_account]["aws"].get_object(bucket_name=bucket, key_name=key)
        return stored.value.decode()
    except Exception:
        raise validation_error(f"Could not read the pipeline definition at s3://{bucket}/{key}.") from None


def _check_definition(self: Any) -> None:
    """Refuse a request whose pipeline definition (inline, or in S3) is invalid, as AWS does."""
    definition = _definition_text(self)
    if definition:
        _checked(definition)


def _create_pipeline(self: Any) -> None:
    """``CreatePipeline`` refuses a name in use and an invalid definition (then moto creates the pipeline)."""
    name = self._get_param("PipelineName")
    if name in self.sagemaker_backend.pipelines:
        raise validation_error(
            "Pipeline names must be unique within an AWS account and region. Pipeline with name "
            f"({name}) already exists."
        )
    _check_definition(self)


def _update_pipeline(self: Any) -> None:
    """``UpdatePipeline`` refuses an unknown pipeline and an invalid definition (then moto updates it)."""
    _pipeline(self.sagemaker_backend, self._get_param("PipelineName"))
    _check_definition(self)


def _delete_pipeline(self: Any) -> None:
    """``DeletePipeline`` refuses an unknown pipeline and one with running executions (then moto deletes it)."""
    pipeline = _pipeline(self.sagemaker_backend, self._get_param("PipelineName"))
    running = [
        e for e in pipeline.pipeline_executions.values() if getattr(e, "pipeline_execution_status", "") in RUNNING
    ]
    if running:
        raise conflict_error(
            f"Pipeline {pipeline.pipeline_name} has {len(running)} running execution(s). Stop them "
            "(StopPipelineExecution) and wait until they have stopped before deleting the pipeline."
        )


def _start_pipeline_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.sagemaker_backend
    pipeline = _pipeline(backend, self._get_param("PipelineName"))
    if self._get_param("SelectiveExecutionConfig"):
        raise validation_error("Local mode does not run selective executions (SelectiveExecutionConfig).")
    text_ = pipeline.pipeline_definition
    text_ = text_ if isinstance(text_, str) else json.dumps(text_)
    definition = _checked(text_)
    parameters = resolve_parameters(definition, self._get_param("PipelineParameters"), pipeline.pipeline_name)
    execution = Execution(
        backend,
        pipeline,
        text_,
        definition,
        parameters,
        self._get_param("PipelineExecutionDisplayName"),
        self._get_param("PipelineExecutionDescription"),
        self._get_param("ParallelismConfiguration") or pipeline.parallelism_configuration,
        processing._server_url(self),
    )
    pipeline.pipeline_executions[execution.arn] = execution
    pipeline.last_execution_time = execution.start_time
    execution.start()
    return ActionResult({"PipelineExecutionArn": execution.arn})


def _describe_pipeline_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(_find_execution(self.sagemaker_backend, self._get_param("PipelineExecutionArn")).describe())


def _list_pipeline_executions(self: Any) -> Any:
    from moto.core.responses import ActionResult

    from .training import _as_datetime

    pipeline = _pipeline(self.sagemaker_backend, self._get_param("PipelineName"))
    executions = [e for e in pipeline.pipeline_executions.values() if isinstance(e, Execution)]
    after, before = self._get_param("CreatedAfter"), self._get_param("CreatedBefore")
    if after is not None:
        executions = [e for e in executions if e.creation_time > _as_datetime(after)]
    if before is not None:
        executions = [e for e in executions if e.creation_time < _as_datetime(before)]
    by_arn = self._get_param("SortBy") == "PipelineExecutionArn"
    executions.sort(key=(lambda e: e.arn) if by_arn else (lambda e: e.creation_time))
    if (self._get_param("SortOrder") or "Descending") == "Descending":
        executions.reverse()
    return ActionResult(_page(self, [e.summary() for e in executions], "PipelineExecutionSummaries"))


def _page(self: Any, items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    max_results = self._get_int_param("MaxResults") or 50
    start = int(self._get_param("NextToken") or 0)
    answer: dict[str, Any] = {key: items[start : start + max_results]}
    if start + max_results < len(items):
        answer["NextToken"] = str(start + max_results)
    return answer


def _list_pipeline_execution_steps(self: Any) -> Any:
    from moto.core.responses import ActionResult

    execution = _find_execution(self.sagemaker_backend, self._get_param("PipelineExecutionArn"))
    rows = execution.rows(descending=(self._get_param("SortOrder") or "Descending") == "Descending")
    return ActionResult(_page(self, rows, "PipelineExecutionSteps"))


def _stop_pipeline_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult

    execution = _find_execution(self.sagemaker_backend, self._get_param("PipelineExecutionArn"))
    execution.stop()
    return ActionResult({"PipelineExecutionArn": execution.arn})


def _retry_pipeline_execution(self: Any) -> Any:
    from moto.core.responses import ActionResult

    execution = _find_execution(self.sagemaker_backend, self._get_param("PipelineExecutionArn"))
    execution.retry()
    return ActionResult({"PipelineExecutionArn": execution.arn})


@functools.cache
def apply() -> None:
    """Install the pipeline executor into moto (once)."""
    from moto.sagemaker import responses

    cls = responses.SageMakerResponse
    check_first(cls, _create_pipeline, _update_pipeline, _delete_pipeline)
    install(cls, _start_pipeline_execution, _describe_pipeline_execution, _list_pipeline_executions)
    install(cls, _list_pipeline_execution_steps, _stop_pipeline_execution, _retry_pipeline_execution)
