"""Ground Truth in the local SageMaker: private workforces, work teams and custom labeling jobs that really run.

Stock moto has none of these APIs. With :func:`apply` the local SageMaker answers them as AWS does (requests are
first checked against botocore's model by :mod:`helpers.local.validation`):

* ``CreateWorkforce`` / ``DescribeWorkforce`` / ``ListWorkforces`` / ``DeleteWorkforce``: one private workforce
  per region, on a Cognito user pool and app client of the local ``cognito-idp`` (``CognitoConfig``), or on an OIDC
  identity provider (``OidcConfig``). A workforce that still has work teams cannot be deleted (``ResourceInUse``).
* ``CreateWorkteam`` / ``DescribeWorkteam`` / ``ListWorkteams`` / ``DeleteWorkteam``: a work team is one or more
  Cognito user groups of the workforce's pool (or OIDC groups). As on AWS, the first Cognito team of a region
  without a workforce creates the workforce ``default`` on that pool. At most 25 teams per region.
  ``SubDomain`` is the worker portal of the workforce, here on this server:
  ``127.0.0.1:<port>/_workshop/labeling/<region>/<workforce>`` (:mod:`helpers.local.labeling_portal`).
  **Local only:** the two simulated annotators of ``data/labeling/simulated_annotators.jsonl`` become members of
  every team (Cognito users ``annotator-a`` and ``annotator-b`` added to its groups) and work in the portal
  themselves (:mod:`helpers.local.labeling_workers`).
* ``CreateLabelingJob`` / ``DescribeLabelingJob`` / ``ListLabelingJobs`` / ``StopLabelingJob``: custom labeling
  jobs (a worker task template in ``UiConfig.UiTemplateS3Uri``). At creation the template is read from S3 and
  parsed (a template that does not parse is refused with Liquid's error); the job then runs in a background thread:

  1. ``Initializing``: the input manifest (JSON Lines) is read from S3; a line that is not a JSON object, has
     neither ``source`` nor ``source-ref``, or exceeds 100 KB fails the job with a ``FailureReason`` naming the line.
     Each object's ``task.input`` is the manifest line: that is what Ground Truth does without a pre-annotation
     Lambda, and what the built-in ``PRE-PassThrough`` returns. Each task is rendered once (Liquid with
     Ground Truth's autoescape and filters, :func:`helpers.labeling.render_template`); a render error fails the job.
  2. ``InProgress``: workers take tasks in the portal (``NumberOfHumanWorkersPerDataObject`` different workers per
     object; a task a worker accepted is theirs for ``TaskTimeLimitInSeconds``, then it goes back to the pool;
     ``MaxConcurrentTaskCount`` objects at a time). When an object has all its answers, its worker responses are
     written to ``<S3OutputPath>/<job>/annotations/worker-response/iteration-1/<object>/<YYYY-MM-DD_HH:MM:SS>.json``
     (``{"answers": [{acceptanceTime, answerContent, submissionTime, timeSpentInSeconds, workerId,
     workerMetadata}]}``), and ``manifests/output/output.manifest`` is rewritten: each input line with
     ``<LabelAttributeName>`` and ``<LabelAttributeName>-metadata`` (``type`` ``groundtruth/custom``, ``job-name``,
     ``human-annotated``, ``creation-date``, and ``worker-response-ref`` when there is no consolidation Lambda, whose
     label is then ``{}``), as Ground Truth documents for custom jobs.
  3. ``Completed`` when every object has its answers, or when ``TaskAvailabilityLifetimeInSeconds`` has passed
     (objects with some answers are labeled with those, objects with none fail). ``StopLabelingJob`` and
     ``StoppingConditions`` end it ``Stopping`` then ``Stopped``, with what was answered so far in the output.

  Lambdas: local mode runs no Lambda functions. It accepts no pre-annotation Lambda or the built-in
  ``PRE-PassThrough``, and no consolidation Lambda or the built-in ``ACS-PassThrough`` ("Generative AI/Custom -
  direct passthrough", from botocore's documentation of the ARNs). Locally ``ACS-PassThrough`` writes the
  consolidation request and response files (``annotations/consolidated-annotation/consolidation-request|response/
  iteration-1/``) and labels each object ``{"annotationsFromAllWorkers": [{workerId, annotationData: {content}}]}``,
  the output of AWS's sample pass-through consolidation function (aws-samples/aws-sagemaker-ground-truth-recipe).
  Any other Lambda ARN is refused with a ``ValidationException`` that says so.

Tags on labeling jobs, work teams and workforces work with ``AddTags`` / ``ListTags``. State is in memory, like the
rest of the local SageMaker.
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import json
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .patching import in_use_error, install, not_found_error, utcnow, validation_error

log = logging.getLogger("helpers.local.labeling")

PORTAL_PREFIX = "/_workshop/labeling"
MAX_WORKTEAMS = 25
MAX_LINE_BYTES = 100 * 1024
DEFAULT_LIFETIME_S = 30 * 24 * 3600  # private workforce: 30 days (botocore's documentation of the field)
DEFAULT_MAX_CONCURRENT = 1000
PUBLIC_CROWD_ACCOUNT = "394669845002"
_TERMINAL = ("Completed", "Failed", "Stopped")


# ------------------------------------------------------------------------------------------ errors
def _limit(message: str) -> Exception:
    from .extensions import _resource_limit_exceeded

    return _resource_limit_exceeded()(message)


class JobSetupError(Exception):
    """The job cannot run; the message becomes its ``FailureReason``."""


# ------------------------------------------------------------------------------------------ times
def gt_time(moment: datetime) -> str:
    """Ground Truth's worker-response time stamp: ``YYYY-MM-DDTHH:MM:SS.mmmZ``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def gt_file_time(moment: datetime) -> str:
    """The time stamp in Ground Truth's output file names: ``YYYY-MM-DD_HH:MM:SS``."""
    return moment.strftime("%Y-%m-%d_%H:%M:%S")


def gt_creation_date(moment: datetime) -> str:
    """``creation-date`` in the output manifest: ``YYYY-MM-DDTHH:MM:SS.ffffff``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


# ------------------------------------------------------------------------------------------ state
@dataclass
class Workforce:
    """A private workforce: one per region."""

    name: str
    arn: str
    region: str
    subdomain: str
    cognito: dict[str, str] | None
    oidc: dict[str, Any] | None
    source_ip: dict[str, Any]
    tags: list[dict[str, str]]
    ip_address_type: str = "ipv4"
    created: datetime = field(default_factory=utcnow)
    updated: datetime = field(default_factory=utcnow)

    def describe(self) -> dict[str, Any]:
        """The ``Workforce`` structure of DescribeWorkforce and ListWorkforces."""
        answer: dict[str, Any] = {
            "WorkforceName": self.name,
            "WorkforceArn": self.arn,
            "LastUpdatedDate": self.updated,
            "SourceIpConfig": self.source_ip,
            "SubDomain": self.subdomain,
            "CreateDate": self.created,
            "Status": "Active",
            "IpAddressType": self.ip_address_type,
        }
        if self.cognito:
            answer["CognitoConfig"] = dict(self.cognito)
        if self.oidc:
            answer["OidcConfig"] = {k: v for k, v in self.oidc.items() if k != "ClientSecret"}
        return answer

    @property
    def issuer(self) -> str:
        """The identity provider's issuer, as worker metadata names it."""
        if self.cognito:
            return f"https://cognito-idp.{self.region}.amazonaws.com/{self.cognito['UserPool']}"
        return str((self.oidc or {}).get("Issuer", ""))


@dataclass
class Member:
    """A worker of a work team: a Cognito user of one of its groups (or an OIDC worker)."""

    username: str
    sub: str
    provider: str  # "Cognito" or "Oidc"
    issuer: str
    simulated: str | None = None  # the simulated annotator's id (annotator-a ...), else None

    def worker_id(self, region: str) -> str:
        """A stable worker id in Ground Truth's style (``private.<region>.<ID>``)."""
        digest = hashlib.sha256(f"{self.issuer}|{self.sub}".encode()).digest()
        return f"private.{region}.{base64.b32encode(digest).decode()[:26]}"

    def metadata(self) -> dict[str, Any]:
        """``workerMetadata`` of a private workforce's worker."""
        return {"identityData": {"identityProviderType": self.provider, "issuer": self.issuer, "sub": self.sub}}


@dataclass
class Workteam:
    """A private work team of a workforce."""

    name: str
    arn: str
    region: str
    workforce: Workforce
    members: list[dict[str, Any]]
    description: str
    notification: dict[str, Any] | None
    access: dict[str, Any] | None
    tags: list[dict[str, str]]
    created: datetime = field(default_factory=utcnow)
    updated: datetime = field(default_factory=utcnow)

    def describe(self) -> dict[str, Any]:
        """The ``Workteam`` structure of DescribeWorkteam and ListWorkteams."""
        answer = {
            "WorkteamName": self.name,
            "MemberDefinitions": copy.deepcopy(self.members),
            "WorkteamArn": self.arn,
            "WorkforceArn": self.workforce.arn,
            "ProductListingIds": [],
            "Description": self.description,
            "SubDomain": self.workforce.subdomain,
            "CreateDate": self.created,
            "LastUpdatedDate": self.updated,
            "NotificationConfiguration": self.notification or {},
        }
        if self.access:
            answer["WorkerAccessConfiguration"] = self.access
        return answer

    def groups(self) -> list[tuple[str, str]]:
        """(user pool, group) of each Cognito member definition."""
        return [
            (d["CognitoMemberDefinition"]["UserPool"], d["CognitoMemberDefinition"]["UserGroup"])
            for d in self.members
            if d.get("CognitoMemberDefinition")
        ]

    def member(self, account: str, username: str) -> Member | None:
        """The team's worker ``username``, or None when they are not a member."""
        from . import labeling_workers

        simulated = labeling_workers.SIMULATED.get(username)
        if self.groups():
            for pool_id, group_name in self.groups():
                pool = _cognito_pool(account, self.region, pool_id)
                group = pool.groups.get(group_name) if pool else None
                for user in group.users if group else ():
                    if user.username == username:
                        sub = user.attribute_lookup.get("sub", user.id)
                        return Member(username, sub, "Cognito", self.workforce.issuer, simulated)
            return None
        # OIDC: membership is decided by the identity provider's groups, which the local SageMaker cannot ask.
        return Member(username, f"oidc-{username}", "Oidc", self.workforce.issuer, simulated)

    def member_names(self, account: str) -> list[str]:
        """Usernames of the team's Cognito members (OIDC teams: the simulated annotators only)."""
        from . import labeling_workers

        names: list[str] = []
        for pool_id, group_name in self.groups():
            pool = _cognito_pool(account, self.region, pool_id)
            group = pool.groups.get(group_name) if pool else None
            names += sorted(u.username for u in (group.users if group else ()) if u.username not in names)
        return names if self.groups() else list(labeling_workers.SIMULATED)


@dataclass
class Assignment:
    """One worker's hold on one data object: accepted, then submitted (or expired)."""

    id: str
    job: str
    index: int
    member: Member
    accepted: datetime
    submitted: datetime | None = None
    answer: dict[str, Any] | None = None
    time_spent_s: float | None = None
    cancelled: bool = False

    def active(self, now: datetime, limit_s: int) -> bool:
        """Accepted, not submitted, not cancelled, and within the task time limit."""
        return self.submitted is None and not self.cancelled and now <= self.accepted + timedelta(seconds=limit_s)


@dataclass
class DataObject:
    """One line of the input manifest and the answers it got."""

    index: int
    line_number: int
    line: dict[str, Any]
    task_input: dict[str, Any]
    assignments: list[Assignment] = field(default_factory=list)
    state: str = "pending"  # pending -> consolidating -> labeled | failed
    label: Any = None
    metadata: dict[str, Any] | None = None

    def answers(self) -> list[Assignment]:
        """Submitted assignments, in submission order."""
        return sorted((a for a in self.assignments if a.submitted), key=lambda a: a.submitted)


class LabelingJob:
    """A labeling job, its data objects and its workers' assignments (guarded by ``lock``)."""

    def __init__(self, request: dict[str, Any], arn: str, region: str, workteam: Workteam, template: Any, url: str):
        self.request = request
        self.name: str = request["LabelingJobName"]
        self.arn = arn
        self.region = region
        self.workteam = workteam
        self.template = template
        self.url = url
        self.tags: list[dict[str, str]] = list(request.get("Tags") or [])
        self.status = "Initializing"
        self.failure_reason: str | None = None
        self.creation_time = self.last_modified_time = utcnow()
        self.reference_code = uuid.uuid4().hex[:20]
        self.objects: list[DataObject] = []
        self.output_uri: str | None = None
        self.started: datetime | None = None
        self.stop_cause: str | None = None
        self.consolidation_files: dict[str, list[dict[str, Any]]] = {}
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        task = request["HumanTaskConfig"]
        self.workers_per_object = int(task["NumberOfHumanWorkersPerDataObject"])
        self.time_limit_s = int(task["TaskTimeLimitInSeconds"])
        self.lifetime_s = int(task.get("TaskAvailabilityLifetimeInSeconds") or DEFAULT_LIFETIME_S)
        self.max_concurrent = int(task.get("MaxConcurrentTaskCount") or DEFAULT_MAX_CONCURRENT)
        self.consolidation = (task.get("AnnotationConsolidationConfig") or {}).get("AnnotationConsolidationLambdaArn")

    # -------------------------------------------------------------------------------- state changes
    def set_status(self, status: str, reason: str | None = None) -> None:
        """Move the job to ``status`` (and record the failure reason)."""
        with self.lock:
            self.status = status
            if reason:
                self.failure_reason = reason[:1024]
            self.last_modified_time = utcnow()
            self.changed.notify_all()

    def counters(self) -> dict[str, int]:
        """``LabelCounters``."""
        with self.lock:
            labeled = sum(1 for o in self.objects if o.state == "labeled")
            failed = sum(1 for o in self.objects if o.state == "failed")
            return {
                "TotalLabeled": labeled,
                "HumanLabeled": labeled,
                "MachineLabeled": 0,
                "FailedNonRetryableError": failed,
                "Unlabeled": len(self.objects) - labeled - failed,
            }

    def _open_objects(self, member: Member, now: datetime) -> list[DataObject]:
        """Objects ``member`` may take now: pending, in the current batch of ``MaxConcurrentTaskCount``, short of
        workers, not worked on by them, and (for a simulated annotator) covered by its data."""
        from . import labeling_workers

        found = []
        for obj in [o for o in self.objects if o.state == "pending"][: self.max_concurrent]:
            live = [a for a in obj.assignments if a.submitted or a.active(now, self.time_limit_s)]
            if any(a.member.username == member.username for a in live) or len(live) >= self.workers_per_object:
                continue
            if member.simulated and not labeling_workers.knows(member.simulated, obj.task_input):
                continue
            found.append(obj)
        return found

    def held_by(self, member: Member, now: datetime) -> Assignment | None:
        """The task ``member`` accepted and has not submitted yet, if any."""
        for obj in self.objects:
            for held in obj.assignments:
                if held.member.username == member.username and held.active(now, self.time_limit_s):
                    return held
        return None

    def available(self, member: Member, now: datetime | None = None) -> int:
        """How many tasks ``member`` can work on now (the one they hold included)."""
        now = now or datetime.now(UTC).replace(tzinfo=None)
        with self.lock:
            if self.status != "InProgress":
                return 0
            return len(self._open_objects(member, now)) + (1 if self.held_by(member, now) else 0)

    def next_assignment(self, member: Member, now: datetime | None = None) -> Assignment | None:
        """The task ``member`` works on next: the one they hold, else a new one on the first open object."""
        now = now or datetime.now(UTC).replace(tzinfo=None)
        with self.lock:
            if self.status != "InProgress":
                return None
            held = self.held_by(member, now)
            if held is not None:
                return held
            open_objects = self._open_objects(member, now)
            if not open_objects:
                return None
            assignment = Assignment(uuid.uuid4().hex, self.name, open_objects[0].index, member, now)
            open_objects[0].assignments.append(assignment)
            self.last_modified_time = utcnow()
            return assignment

    def assignment(self, assignment_id: str) -> tuple[DataObject, Assignment] | None:
        """The data object and assignment with this id."""
        with self.lock:
            for obj in self.objects:
                for held in obj.assignments:
                    if held.id == assignment_id:
                        return obj, held
        return None

    def submit(
        self, assignment_id: str, answer: dict[str, Any], time_spent_s: float | None, now: datetime | None = None
    ) -> Assignment:
        """Record a worker's answer; raise :class:`SubmitError` when the task cannot take it."""
        now = now or datetime.now(UTC).replace(tzinfo=None)
        with self.lock:
            found = self.assignment(assignment_id)
            if found is None:
                raise SubmitError(404, f"No task {assignment_id} in labeling job {self.name}.")
            obj, held = found
            if self.status != "InProgress":
                raise SubmitError(409, f"The labeling job {self.name} is {self.status}: it takes no more answers.")
            if held.submitted:
                raise SubmitError(409, "This task was already submitted.")
            if held.cancelled or not held.active(now, self.time_limit_s):
                raise SubmitError(
                    409,
                    f"This task expired: it had to be submitted within TaskTimeLimitInSeconds "
                    f"({self.time_limit_s} s) of being accepted, and went back to the other workers.",
                )
            if not isinstance(answer, dict):
                raise SubmitError(400, "answerContent must be a JSON object (the crowd-form's output).")
            held.submitted = now
            held.answer = answer
            elapsed = (now - held.accepted).total_seconds()
            spent = elapsed if time_spent_s is None else float(time_spent_s)
            held.time_spent_s = round(min(max(spent, 0.0), float(self.time_limit_s)), 3)
            if len(obj.answers()) >= self.workers_per_object and obj.state == "pending":
                obj.state = "consolidating"
            self.last_modified_time = utcnow()
            self.changed.notify_all()
            return held

    def close_out(self, label_partial: bool, fail_empty: bool) -> None:
        """End the work on every pending object: cancel open tasks; objects with answers are consolidated when
        ``label_partial``; objects without any fail when ``fail_empty`` (lifetime over), else stay unlabeled."""
        with self.lock:
            for obj in self.objects:
                if obj.state != "pending":
                    continue
                for held in obj.assignments:
                    if not held.submitted:
                        held.cancelled = True
                if obj.answers() and label_partial:
                    obj.state = "consolidating"
                elif fail_empty:
                    obj.state = "failed"
                    obj.metadata = {
                        "failure-reason": "ClientError: no worker answered this data object within "
                        f"TaskAvailabilityLifetimeInSeconds ({self.lifetime_s} s).",
                    }

    # -------------------------------------------------------------------------------- answers
    def describe(self) -> dict[str, Any]:
        """DescribeLabelingJob's answer."""
        request = self.request
        with self.lock:
            answer: dict[str, Any] = {
                "LabelingJobStatus": self.status,
                "LabelCounters": self.counters(),
                "FailureReason": self.failure_reason,
                "CreationTime": self.creation_time,
                "LastModifiedTime": self.last_modified_time,
                "JobReferenceCode": self.reference_code,
                "LabelingJobName": self.name,
                "LabelingJobArn": self.arn,
                "LabelAttributeName": request.get("LabelAttributeName"),
                "InputConfig": request.get("InputConfig"),
                "OutputConfig": request.get("OutputConfig"),
                "RoleArn": request.get("RoleArn"),
                "LabelCategoryConfigS3Uri": request.get("LabelCategoryConfigS3Uri"),
                "StoppingConditions": request.get("StoppingConditions"),
                "HumanTaskConfig": request.get("HumanTaskConfig"),
                "Tags": list(self.tags),
                "LabelingJobOutput": {"OutputDatasetS3Uri": self.output_uri} if self.output_uri else None,
            }
        return {k: v for k, v in answer.items() if v is not None}

    def summary(self) -> dict[str, Any]:
        """One entry of ListLabelingJobs."""
        task = self.request["HumanTaskConfig"]
        answer = {
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "LabelingJobStatus": self.status,
            "LabelCounters": self.counters(),
            "WorkteamArn": task["WorkteamArn"],
            "PreHumanTaskLambdaArn": task.get("PreHumanTaskLambdaArn"),
            "AnnotationConsolidationLambdaArn": self.consolidation,
            "FailureReason": self.failure_reason,
            "LabelingJobOutput": {"OutputDatasetS3Uri": self.output_uri} if self.output_uri else None,
            "InputConfig": self.request.get("InputConfig"),
        }
        return {k: v for k, v in answer.items() if v is not None}


class SubmitError(Exception):
    """The portal refuses an answer: HTTP ``status`` and a message for the worker."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Registry:
    """The region's workforce, work teams and labeling jobs (kept on moto's SageMaker backend)."""

    def __init__(self, account: str, region: str):
        self.account = account
        self.region = region
        self.workforces: dict[str, Workforce] = {}
        self.workteams: dict[str, Workteam] = {}
        self.jobs: dict[str, LabelingJob] = {}
        self.lock = threading.RLock()

    def workteam_by_arn(self, arn: str) -> Workteam | None:
        """The work team with this ARN."""
        return next((t for t in self.workteams.values() if t.arn == arn), None)


def registry(backend: Any) -> Registry:
    """The labeling registry of a moto SageMaker backend (created on first use; reset with the backend)."""
    found = backend.__dict__.get("workshop_labeling")
    if found is None:
        found = backend.__dict__.setdefault("workshop_labeling", Registry(backend.account_id, backend.region_name))
    return found


def registry_for(region: str, account: str | None = None) -> Registry | None:
    """The registry of ``region`` in the local account; None when that region has no SageMaker state yet."""
    from moto.sagemaker.models import sagemaker_backends

    from . import config

    backends = sagemaker_backends[account or config.ACCOUNT_ID]
    return registry(backends[region]) if region in dict.keys(backends) else None


def _cognito_pool(account: str, region: str, pool_id: str) -> Any:
    """moto's Cognito user pool, or None."""
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[account][region].user_pools.get(pool_id)


# ------------------------------------------------------------------------------------------ built-in Lambdas
@functools.cache
def builtin_lambda_accounts() -> dict[str, str]:
    """Region -> account of Ground Truth's built-in Lambda functions, from botocore's documentation of
    ``PreHumanTaskLambdaArn``."""
    from .validation import service_model

    doc = service_model("sagemaker").shape_for("HumanTaskConfig").members["PreHumanTaskLambdaArn"].documentation
    return dict(re.findall(r"arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:PRE-PassThrough", doc))


def _check_lambda(arn: str | None, kind: str, region: str) -> None:
    """Refuse a Lambda ARN local mode cannot honour (it runs no Lambda functions)."""
    if not arn:
        return
    match = re.fullmatch(r"arn:aws[a-z\-]*:lambda:([a-z0-9\-]*):(\d{12}):function:(.+)", arn)
    name = f"{kind}-PassThrough"
    if match and match.group(3) == name and builtin_lambda_accounts().get(match.group(1)) == match.group(2):
        if match.group(1) != region:
            raise validation_error(f"The Lambda function {arn} is not in the labeling job's region {region}.")
        return
    account = builtin_lambda_accounts().get(region, "<account>")
    raise validation_error(
        f"Local mode runs no Lambda functions and cannot invoke {arn}. For a custom labeling job use the built-in "
        f"arn:aws:lambda:{region}:{account}:function:{name} (Generative AI/Custom: direct passthrough), or leave "
        f"{'PreHumanTaskLambdaArn' if kind == 'PRE' else 'AnnotationConsolidationConfig'} out."
    )


# ------------------------------------------------------------------------------------------ the API
def _result(answer: dict[str, Any]) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(answer)


def _portal_subdomain(response: Any, region: str, workforce: str) -> str:
    from .processing import _server_url

    host = _server_url(response).removeprefix("http://").removeprefix("https://")
    return f"{host}{PORTAL_PREFIX}/{region}/{workforce}"


def _create_workforce(self: Any) -> Any:
    name = self._get_param("WorkforceName")
    cognito, oidc = self._get_param("CognitoConfig"), self._get_param("OidcConfig")
    reg = registry(self.sagemaker_backend)
    with reg.lock:
        if reg.workforces:
            existing = next(iter(reg.workforces))
            raise validation_error(
                f"A workforce ({existing}) already exists in {self.region}: an account can have one private "
                "workforce per region. Delete it (after its work teams) to create another."
            )
        workforce = _new_workforce(self, reg, name, cognito, oidc)
        workforce.source_ip = self._get_param("SourceIpConfig") or {"Cidrs": []}
        workforce.ip_address_type = self._get_param("IpAddressType") or "ipv4"
        workforce.tags = list(self._get_param("Tags") or [])
    return _result({"WorkforceArn": workforce.arn})


def _new_workforce(self: Any, reg: Registry, name: str, cognito: Any, oidc: Any) -> Workforce:
    if bool(cognito) == bool(oidc):
        raise validation_error("Specify exactly one of CognitoConfig and OidcConfig.")
    if self._get_param("WorkforceVpcConfig"):
        raise validation_error("Local mode has no VPC: create the workforce without WorkforceVpcConfig.")
    if cognito:
        pool = _cognito_pool(reg.account, self.region, cognito["UserPool"])
        if pool is None:
            raise validation_error(f"User pool {cognito['UserPool']} does not exist in {self.region}.")
        if cognito["ClientId"] not in pool.clients:
            raise validation_error(
                f"App client {cognito['ClientId']} does not exist in user pool {cognito['UserPool']}."
            )
    arn = f"arn:aws:sagemaker:{self.region}:{reg.account}:workforce/{name}"
    workforce = Workforce(
        name=name,
        arn=arn,
        region=self.region,
        subdomain=_portal_subdomain(self, self.region, name),
        cognito=dict(cognito) if cognito else None,
        oidc=dict(oidc) if oidc else None,
        source_ip={"Cidrs": []},
        tags=[],
    )
    reg.workforces[name] = workforce
    return workforce


def _find(reg: Registry, kind: str, name: str) -> Any:
    """The private ``kind`` (``Workforce`` or ``Workteam``) named ``name``, or AWS's error."""
    found = (reg.workforces if kind == "Workforce" else reg.workteams).get(name)
    if found is None:
        raise validation_error(f"{kind} {name} does not exist in {reg.region}.")
    return found


def _find_workforce(reg: Registry, name: str) -> Workforce:
    return _find(reg, "Workforce", name)


def _describe(self: Any, kind: str) -> Any:
    """``Describe<kind>``'s answer (``Workforce`` or ``Workteam``)."""
    return _result({kind: _find(registry(self.sagemaker_backend), kind, self._get_param(f"{kind}Name")).describe()})


def _describe_workforce(self: Any) -> Any:
    return _describe(self, "Workforce")


def _delete_workforce(self: Any) -> Any:
    reg = registry(self.sagemaker_backend)
    name = self._get_param("WorkforceName")
    with reg.lock:
        workforce = _find_workforce(reg, name)
        teams = sorted(t.name for t in reg.workteams.values() if t.workforce is workforce)
        if teams:
            raise in_use_error(f"Workforce {name} still has work teams ({', '.join(teams)}): delete them first.")
        del reg.workforces[name]
    return _result({})


def _page(items: list[Any], self: Any) -> tuple[list[Any], str | None]:
    max_results = self._get_int_param("MaxResults") or 10
    token = self._get_param("NextToken") or "0"
    if not token.isdigit():
        raise validation_error(f"Invalid pagination token: {token}")
    start = int(token)
    page = items[start : start + max_results]
    return page, (str(start + max_results) if start + max_results < len(items) else None)


def _sorted(items: list[Any], self: Any, keys: dict[str, Any], default: str) -> list[Any]:
    key = keys[self._get_param("SortBy") or default]
    contains = (self._get_param("NameContains") or "").lower()
    chosen = [i for i in items if contains in i.name.lower()]
    return sorted(chosen, key=key, reverse=(self._get_param("SortOrder") or "Ascending") == "Descending")


def _list(self: Any, kind: str, items: list[Workforce] | list[Workteam]) -> Any:
    """``List<kind>s``'s answer (``Workforce`` or ``Workteam``): ``items`` filtered, sorted and paged as asked."""
    chosen = _sorted(items, self, {"Name": lambda i: i.name, "CreateDate": lambda i: i.created}, "CreateDate")
    page, token = _page(chosen, self)
    return _result({f"{kind}s": [i.describe() for i in page], **({"NextToken": token} if token else {})})


def _list_workforces(self: Any) -> Any:
    return _list(self, "Workforce", list(registry(self.sagemaker_backend).workforces.values()))


def _create_workteam(self: Any) -> Any:
    from . import labeling_workers

    name = self._get_param("WorkteamName")
    members = self._get_param("MemberDefinitions") or []
    reg = registry(self.sagemaker_backend)
    with reg.lock:
        if name in reg.workteams:
            raise in_use_error(f"Workteam {name} already exists ({reg.workteams[name].arn}).")
        if len(reg.workteams) >= MAX_WORKTEAMS:
            raise _limit(f"You cannot create more than {MAX_WORKTEAMS} work teams in an account and region.")
        cognito = [d["CognitoMemberDefinition"] for d in members if d.get("CognitoMemberDefinition")]
        oidc = [d["OidcMemberDefinition"] for d in members if d.get("OidcMemberDefinition")]
        if any(bool(d.get("CognitoMemberDefinition")) == bool(d.get("OidcMemberDefinition")) for d in members):
            raise validation_error(
                "Each member definition needs exactly one of CognitoMemberDefinition and OidcMemberDefinition."
            )
        if cognito and oidc:
            raise validation_error("A work team's members are all Cognito user groups or all OIDC groups, not both.")
        workforce_name = self._get_param("WorkforceName")
        if workforce_name:
            workforce = _find_workforce(reg, workforce_name)
        elif reg.workforces:
            workforce = next(iter(reg.workforces.values()))
        elif cognito:  # as on AWS: the first Cognito team creates the private workforce "default"
            workforce = _new_workforce(
                self, reg, "default", {"UserPool": cognito[0]["UserPool"], "ClientId": cognito[0]["ClientId"]}, None
            )
        else:
            raise validation_error(f"No private workforce exists in {self.region}: create one with CreateWorkforce.")
        _check_members(reg, workforce, cognito, oidc)
        arn = f"arn:aws:sagemaker:{self.region}:{reg.account}:workteam/private-crowd/{name}"
        team = Workteam(
            name=name,
            arn=arn,
            region=self.region,
            workforce=workforce,
            members=copy.deepcopy(members),
            description=self._get_param("Description"),
            notification=self._get_param("NotificationConfiguration"),
            access=self._get_param("WorkerAccessConfiguration"),
            tags=list(self._get_param("Tags") or []),
        )
        reg.workteams[name] = team
    labeling_workers.join(team, reg.account, self.region)
    return _result({"WorkteamArn": arn})


def _check_members(reg: Registry, workforce: Workforce, cognito: list[dict], oidc: list[dict]) -> None:
    if cognito and not workforce.cognito:
        raise validation_error(f"Workforce {workforce.name} uses an OIDC identity provider: use OidcMemberDefinition.")
    if oidc and not workforce.oidc:
        raise validation_error(f"Workforce {workforce.name} uses Amazon Cognito: use CognitoMemberDefinition.")
    for definition in cognito:
        if definition["UserPool"] != workforce.cognito["UserPool"]:
            raise validation_error(
                f"User pool {definition['UserPool']} is not the workforce's user pool ({workforce.cognito['UserPool']})."
            )
        if definition["ClientId"] != workforce.cognito["ClientId"]:
            raise validation_error(
                f"App client {definition['ClientId']} is not the workforce's app client ({workforce.cognito['ClientId']})."
            )
        pool = _cognito_pool(reg.account, workforce.region, definition["UserPool"])
        if pool is None or definition["UserGroup"] not in pool.groups:
            raise validation_error(
                f"User group {definition['UserGroup']} does not exist in user pool {definition['UserPool']}."
            )


def _find_workteam(reg: Registry, name: str) -> Workteam:
    return _find(reg, "Workteam", name)


def _describe_workteam(self: Any) -> Any:
    return _describe(self, "Workteam")


def _list_workteams(self: Any) -> Any:
    return _list(self, "Workteam", list(registry(self.sagemaker_backend).workteams.values()))


def _delete_workteam(self: Any) -> Any:
    reg = registry(self.sagemaker_backend)
    name = self._get_param("WorkteamName")
    with reg.lock:
        team = _find_workteam(reg, name)
        running = sorted(j.name for j in reg.jobs.values() if j.workteam is team and j.status not in _TERMINAL)
        if running:
            raise validation_error(
                f"Workteam {name} is used by labeling jobs that have not ended ({', '.join(running)}): stop them first."
            )
        del reg.workteams[name]
    return _result({"Success": True})


# ------------------------------------------------------------------------------------------ labeling jobs
_JOB_KEYS = (
    "LabelingJobName",
    "LabelAttributeName",
    "InputConfig",
    "OutputConfig",
    "RoleArn",
    "LabelCategoryConfigS3Uri",
    "StoppingConditions",
    "LabelingJobAlgorithmsConfig",
    "HumanTaskConfig",
    "Tags",
)


def split_s3(uri: str) -> tuple[str, str]:
    """(bucket, key) of an ``s3://`` URI."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _read_s3(account: str, uri: str) -> bytes:
    """An object of the local S3, read in the server process."""
    from moto.s3.models import s3_backends

    bucket, key = split_s3(uri)
    backend = s3_backends[account]["aws"]
    found = backend.get_object(bucket, key)
    if found is None:
        raise KeyError(uri)
    return found.value


def _validate_job(self: Any, reg: Registry, request: dict[str, Any]) -> tuple[Workteam, Any]:
    """AWS's checks of CreateLabelingJob beyond the model's constraints; returns the team and parsed template."""
    from helpers.labeling import TemplateError, parse_template

    name = request["LabelingJobName"]
    if name in reg.jobs:
        raise in_use_error(
            "Labeling job names must be unique within an AWS account and region, and a labeling job with this "
            f"name already exists ({reg.jobs[name].arn})."
        )
    label = request["LabelAttributeName"]
    if label.endswith("-metadata"):
        raise validation_error(f"LabelAttributeName {label} cannot end with -metadata.")
    if label.endswith("-ref"):
        raise validation_error(f"LabelAttributeName {label} cannot end with -ref for a custom labeling job.")
    source = request["InputConfig"]["DataSource"]
    if source.get("SnsDataSource"):
        raise validation_error(
            "Local mode runs labeling jobs on an input manifest (S3DataSource), not streaming (SNS) jobs."
        )
    if not source.get("S3DataSource"):
        raise validation_error("InputConfig.DataSource needs S3DataSource with ManifestS3Uri.")
    for uri, what in (
        (source["S3DataSource"]["ManifestS3Uri"], "ManifestS3Uri"),
        (request["OutputConfig"]["S3OutputPath"], "S3OutputPath"),
    ):
        if not uri.startswith("s3://"):
            raise validation_error(f"{what} must be an s3:// URI in local mode: {uri}")
    if request.get("LabelingJobAlgorithmsConfig"):
        raise validation_error("Local mode has no automated data labeling: leave LabelingJobAlgorithmsConfig out.")
    task = request["HumanTaskConfig"]
    if task["TaskTimeLimitInSeconds"] > 28800:
        raise validation_error("TaskTimeLimitInSeconds for a custom labeling job is at most 28800 (8 hours).")
    if (task.get("TaskAvailabilityLifetimeInSeconds") or 0) > DEFAULT_LIFETIME_S:
        raise validation_error(
            f"TaskAvailabilityLifetimeInSeconds for a private work team is at most {DEFAULT_LIFETIME_S}."
        )
    arn = task["WorkteamArn"]
    if f":{PUBLIC_CROWD_ACCOUNT}:workteam/" in arn or "/vendor-crowd/" in arn:
        raise validation_error(
            f"Local mode has private work teams only: {arn} is Amazon Mechanical Turk or a vendor's work team."
        )
    team = reg.workteam_by_arn(arn)
    if team is None:
        raise validation_error(f"Workteam {arn} does not exist.")
    _check_lambda(task.get("PreHumanTaskLambdaArn"), "PRE", self.region)
    _check_lambda(
        (task.get("AnnotationConsolidationConfig") or {}).get("AnnotationConsolidationLambdaArn"), "ACS", self.region
    )
    ui = task["UiConfig"]
    if bool(ui.get("UiTemplateS3Uri")) == bool(ui.get("HumanTaskUiArn")):
        raise validation_error("UiConfig needs exactly one of UiTemplateS3Uri and HumanTaskUiArn.")
    if ui.get("HumanTaskUiArn"):
        raise validation_error(
            "Local mode runs custom labeling jobs: give the worker task template as UiTemplateS3Uri."
        )
    uri = ui["UiTemplateS3Uri"]
    if not uri.startswith("s3://"):
        raise validation_error(f"UiTemplateS3Uri must be an s3:// URI in local mode: {uri}")
    try:
        text = _read_s3(reg.account, uri).decode("utf-8")
    except Exception:
        raise validation_error(f"Cannot read the worker task template at UiTemplateS3Uri {uri}.") from None
    try:
        template = parse_template(text, _presigner(self))
    except TemplateError as exc:
        raise validation_error(f"UiTemplateS3Uri {uri}: {exc}") from None
    return team, template


def _presigner(self: Any) -> Any:
    """``grant_read_access`` for the local S3: a presigned GET URL valid for an hour."""
    from .processing import _server_url

    url, region = _server_url(self), self.region

    def presign(uri: str) -> str:
        import boto3

        bucket, key = split_s3(uri)
        session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=region)
        client = session.client("s3", endpoint_url=url)
        return client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=3600)

    return presign


def _create_labeling_job(self: Any) -> Any:
    from .processing import _server_url

    request = {key: self._get_param(key) for key in _JOB_KEYS}
    reg = registry(self.sagemaker_backend)
    with reg.lock:
        team, template = _validate_job(self, reg, request)
        arn = f"arn:aws:sagemaker:{self.region}:{reg.account}:labeling-job/{request['LabelingJobName']}"
        job = LabelingJob(request, arn, self.region, team, template, _server_url(self))
        reg.jobs[job.name] = job
    threading.Thread(target=run_job, args=(job,), name=f"labeling-{job.name}", daemon=True).start()
    return _result({"LabelingJobArn": arn})


def _find_job(reg: Registry, name: str) -> LabelingJob:
    job = reg.jobs.get(name)
    if job is None:
        raise not_found_error(f"Could not find labeling job {name}.")
    return job


def _describe_labeling_job(self: Any) -> Any:
    return _result(_find_job(registry(self.sagemaker_backend), self._get_param("LabelingJobName")).describe())


def _list_labeling_jobs(self: Any) -> Any:
    from .training import within_times

    reg = registry(self.sagemaker_backend)
    jobs = list(reg.jobs.values())
    status = self._get_param("StatusEquals")
    contains = (self._get_param("NameContains") or "").lower()
    jobs = [j for j in jobs if contains in j.name.lower() and (status is None or j.status == status)]
    jobs = within_times(jobs, self)
    key = {"Name": lambda j: j.name, "CreationTime": lambda j: j.creation_time, "Status": lambda j: j.status}
    jobs.sort(
        key=key[self._get_param("SortBy") or "CreationTime"], reverse=self._get_param("SortOrder") == "Descending"
    )
    page, token = _page(jobs, self)
    return _result({"LabelingJobSummaryList": [j.summary() for j in page], **({"NextToken": token} if token else {})})


def _stop_labeling_job(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    job = _find_job(registry(self.sagemaker_backend), self._get_param("LabelingJobName"))
    with job.lock:
        if job.status not in ("Initializing", "InProgress"):
            raise validation_error(f"The labeling job {job.name} is {job.status} and cannot be stopped.")
        job.stop_cause = "StopLabelingJob"
        job.set_status("Stopping")
    return EmptyResult()


# ------------------------------------------------------------------------------------------ tags
def _resource_from_arn(original: Any) -> Any:
    def get_resource(self: Any, arn: str) -> Any:
        resource = arn.split(":", 5)[-1]
        kind, name = resource.split("/", 1)[0], resource.rsplit("/", 1)[-1]
        if kind in ("labeling-job", "workteam", "workforce"):
            reg = registry(self)
            found = {"labeling-job": reg.jobs, "workteam": reg.workteams, "workforce": reg.workforces}[kind].get(name)
            if found is None or found.arn != arn:
                raise validation_error(f"Could not find {kind} with name {name}")
            return found
        return original(self, arn)

    get_resource.__wrapped__ = original
    return get_resource


# ------------------------------------------------------------------------------------------ running a job
def _clients(job: LabelingJob) -> Any:
    import boto3

    session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=job.region)
    return session.client("s3", endpoint_url=job.url)


def read_manifest(body: bytes, uri: str) -> list[tuple[int, dict[str, Any]]]:
    """(line number, data object) of each line of an input manifest; :class:`JobSetupError` for a bad line."""
    objects = []
    for number, raw in enumerate(body.decode("utf-8", "replace").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"line {number} of the input manifest {uri}"
        if len(raw.encode()) > MAX_LINE_BYTES:
            raise JobSetupError(f"ClientError: {where} is larger than 100 KB, the limit for a data object.")
        try:
            line = json.loads(raw)
        except ValueError as exc:
            raise JobSetupError(f"ClientError: {where} is not valid JSON ({exc}).") from None
        if not isinstance(line, dict):
            raise JobSetupError(f"ClientError: {where} is not a JSON object.")
        if "source" not in line and "source-ref" not in line:
            raise JobSetupError(
                f"ClientError: {where} has neither a 'source' nor a 'source-ref' key (keys: {sorted(line)[:10]}). "
                "Each data object needs one."
            )
        objects.append((number, line))
    if not objects:
        raise JobSetupError(f"ClientError: the input manifest {uri} has no data objects.")
    return objects


def _output_prefix(job: LabelingJob) -> tuple[str, str]:
    bucket, prefix = split_s3(job.request["OutputConfig"]["S3OutputPath"])
    return bucket, "/".join(p for p in [prefix.strip("/"), job.name] if p)


def run_job(job: LabelingJob) -> None:
    """Run one labeling job to its end (the background thread's body)."""
    from . import labeling_workers

    try:
        s3 = _clients(job)
        _prepare(job, s3)
        with job.lock:
            if job.status == "Initializing":
                job.started = datetime.now(UTC).replace(tzinfo=None)
                job.set_status("InProgress")
        labeling_workers.wake()
        _watch(job, s3)
    except JobSetupError as exc:
        job.set_status("Failed", str(exc))
    except Exception as exc:  # never leave a job running
        log.exception("labeling job %s failed in the local runner", job.name)
        job.set_status("Failed", f"InternalServerError: local runner: {exc}")


def _prepare(job: LabelingJob, s3: Any) -> None:
    """Initializing: read and check the manifest, render every task once."""
    from helpers.labeling import TemplateError, render_template

    uri = job.request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"]
    bucket, key = split_s3(uri)
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as exc:
        raise JobSetupError(f"ClientError: cannot read the input manifest {uri}: {exc}") from None
    objects = []
    for index, (number, line) in enumerate(read_manifest(body, uri)):
        task_input = copy.deepcopy(line)  # no pre-annotation Lambda, or PRE-PassThrough: taskInput = dataObject
        try:
            render_template(job.template, task_input)
        except TemplateError as exc:
            raise JobSetupError(f"ClientError: data object {index} (line {number} of {uri}): {exc}") from None
        objects.append(DataObject(index, number, line, task_input))
    with job.lock:
        job.objects = objects


def _watch(job: LabelingJob, s3: Any) -> None:
    """InProgress: write each object's output when its answers are in; end the job when it is done."""
    assert job.started is not None
    deadline = job.started + timedelta(seconds=job.lifetime_s)
    while True:
        with job.lock:
            ready = [o for o in job.objects if o.state == "consolidating"]
            if not ready and job.status == "InProgress":
                if all(o.state in ("labeled", "failed") for o in job.objects):
                    break
                remaining = (deadline - datetime.now(UTC).replace(tzinfo=None)).total_seconds()
                if remaining <= 0:  # TaskAvailabilityLifetimeInSeconds is over
                    job.close_out(label_partial=True, fail_empty=True)
                    continue
                job.changed.wait(timeout=min(remaining, 1.0))
                continue
            stopping = job.status == "Stopping"
        if ready:
            _write_objects(job, s3, ready)
            _write_manifest(job, s3)
            _check_stopping_conditions(job)
        elif stopping:
            job.close_out(label_partial=True, fail_empty=False)
            with job.lock:
                ready = [o for o in job.objects if o.state == "consolidating"]
            _write_objects(job, s3, ready)
            break
    _write_manifest(job, s3)
    bucket, prefix = _output_prefix(job)
    with job.lock:
        job.output_uri = f"s3://{bucket}/{prefix}/manifests/output/output.manifest"
        job.set_status("Stopped" if job.status == "Stopping" else "Completed")


def _check_stopping_conditions(job: LabelingJob) -> None:
    """``StoppingConditions``: the job stops once enough objects are labeled."""
    conditions = job.request.get("StoppingConditions") or {}
    with job.lock:
        labeled = sum(1 for o in job.objects if o.state == "labeled")
        limit = conditions.get("MaxHumanLabeledObjectCount")
        percent = conditions.get("MaxPercentageOfInputDatasetLabeled")
        reached = (limit and labeled >= limit) or (percent and labeled * 100 >= percent * len(job.objects))
        if reached and job.status == "InProgress":
            job.stop_cause = "StoppingConditions"
            job.set_status("Stopping")


def _put_json(s3: Any, bucket: str, key: str, body: Any) -> str:
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(body).encode(), ContentType="application/json")
    return f"s3://{bucket}/{key}"


def worker_response(job: LabelingJob, obj: DataObject) -> dict[str, Any]:
    """The worker-response file of one data object: ``{"answers": [...]}`` in Ground Truth's layout."""
    answers = []
    for held in obj.answers():
        assert held.submitted is not None and held.answer is not None
        metadata = held.member.metadata()
        if held.member.simulated:
            from . import labeling_workers

            metadata["localSimulation"] = labeling_workers.simulation_note(held)
        answers.append(
            {
                "acceptanceTime": gt_time(held.accepted),
                "answerContent": held.answer,
                "submissionTime": gt_time(held.submitted),
                "timeSpentInSeconds": held.time_spent_s,
                "workerId": held.member.worker_id(job.region),
                "workerMetadata": metadata,
            }
        )
    return {"answers": answers}


def _write_objects(job: LabelingJob, s3: Any, ready: list[DataObject]) -> None:
    """Write the worker responses (and, with ACS-PassThrough, the consolidation files) of consolidated objects."""
    if not ready:
        return
    bucket, prefix = _output_prefix(job)
    label = job.request["LabelAttributeName"]
    moment = datetime.now(UTC).replace(tzinfo=None)
    refs = {}
    for obj in ready:
        key = f"{prefix}/annotations/worker-response/iteration-1/{obj.index}/{gt_file_time(moment)}.json"
        refs[obj.index] = _put_json(s3, bucket, key, worker_response(job, obj))
    if job.consolidation:
        request = [
            {
                "datasetObjectId": str(obj.index),
                "dataObject": (
                    {"s3Uri": obj.line["source-ref"]} if "source-ref" in obj.line else {"content": obj.line["source"]}
                ),
                "annotations": [
                    {
                        "workerId": a.member.worker_id(job.region),
                        "annotationData": {"content": json.dumps(a.answer)},
                    }
                    for a in obj.answers()
                ],
            }
            for obj in ready
        ]
        response = [
            {
                "datasetObjectId": item["datasetObjectId"],
                "consolidatedAnnotation": {"content": {label: {"annotationsFromAllWorkers": item["annotations"]}}},
            }
            for item in request
        ]
        consolidated = f"{prefix}/annotations/consolidated-annotation"
        for kind, items in (("request", request), ("response", response)):
            key = f"{consolidated}/consolidation-{kind}/iteration-1/{gt_file_time(moment)}.json"
            merged = job.consolidation_files.setdefault(key, [])  # batches within one second share a file
            merged.extend(items)
            _put_json(s3, bucket, key, merged)
        labels = {int(r["datasetObjectId"]): r["consolidatedAnnotation"]["content"][label] for r in response}
    with job.lock:
        for obj in ready:
            obj.metadata = {"type": "groundtruth/custom", "job-name": job.name, "human-annotated": "yes"}
            obj.metadata["creation-date"] = gt_creation_date(moment)
            if job.consolidation:
                obj.label = labels[obj.index]
            else:  # no consolidation Lambda: an empty label and the worker responses' location
                obj.label = {}
                obj.metadata["worker-response-ref"] = refs[obj.index]
            obj.state = "labeled"
        job.last_modified_time = utcnow()


def output_line(job: LabelingJob, obj: DataObject) -> dict[str, Any]:
    """The output manifest line of a data object: the input line, plus its label and label metadata once it has
    them."""
    label = job.request["LabelAttributeName"]
    line = dict(obj.line)
    if obj.state == "labeled":
        line[label] = obj.label
        line[f"{label}-metadata"] = dict(obj.metadata or {})
    elif obj.state == "failed":
        line[f"{label}-metadata"] = {
            "type": "groundtruth/custom",
            "job-name": job.name,
            "human-annotated": "yes",
            "creation-date": gt_creation_date(job.last_modified_time),
            **(obj.metadata or {}),
        }
    return line


def _write_manifest(job: LabelingJob, s3: Any) -> None:
    """Rewrite the output manifest (and the intermediate one) with every object's current state."""
    bucket, prefix = _output_prefix(job)
    with job.lock:
        body = "".join(json.dumps(output_line(job, o)) + "\n" for o in job.objects).encode()
    for key in (
        f"{prefix}/annotations/intermediate/1/annotations.manifest",
        f"{prefix}/manifests/output/output.manifest",
    ):
        s3.put_object(Bucket=bucket, Key=key, Body=body)


def time_scale() -> float:
    """Real seconds a simulated annotator takes per second of its recorded time (``WORKSHOP_LABELING_TIME_SCALE``,
    default 0.002: a 150 s task takes 0.3 s; 0: no wait)."""
    return max(0.0, float(os.environ.get("WORKSHOP_LABELING_TIME_SCALE", "0.002")))


@functools.cache
def apply() -> None:
    """Install the labeling APIs into moto (once)."""
    from moto.sagemaker import models, responses

    cls = responses.SageMakerResponse
    install(cls, _create_workforce, _describe_workforce, _list_workforces, _delete_workforce)
    install(cls, _create_workteam, _describe_workteam, _list_workteams, _delete_workteam)
    install(cls, _create_labeling_job, _describe_labeling_job, _list_labeling_jobs, _stop_labeling_job)
    backend = models.SageMakerModelBackend
    backend._get_resource_from_arn = _resource_from_arn(backend._get_resource_from_arn)
