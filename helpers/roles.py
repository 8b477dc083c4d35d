"""The workshop's IAM roles: the documents in ``iam/``, a preflight of the execution role, the scheduler's role.

* ``iam/execution-role-trust.json`` and ``iam/execution-role-policy.json``: the role that SageMaker assumes for the
  workshop's endpoints, jobs and pipelines, and that the notebooks call AWS as in SageMaker Studio.
* ``iam/scheduler-role-trust.json`` and ``iam/scheduler-role-policy.json``: the role that EventBridge Scheduler
  assumes to start the workshop's pipelines (notebooks 02 and 05). Never the execution role: it trusts only
  SageMaker, and the SageMaker policies do not let it pass itself to the scheduler.

``<ACCOUNT_ID>`` in the documents stands for the account's id: :func:`document` fills it in.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

IAM_DIR: Path = Path(__file__).resolve().parent.parent / "iam"
EXECUTION_POLICY: Path = IAM_DIR / "execution-role-policy.json"
SCHEDULER_TRUST: Path = IAM_DIR / "scheduler-role-trust.json"
SCHEDULER_POLICY: Path = IAM_DIR / "scheduler-role-policy.json"
SCHEDULER_POLICY_NAME = "start-workshop-pipelines"


class PermissionsMissing(RuntimeError):
    """The execution role may not make calls that a notebook needs; the message says which document to attach."""


class RoleSetupError(RuntimeError):
    """The scheduler's role could not be found or created; the message says what to ask an administrator."""


def document(name: str, account: str) -> dict[str, Any]:
    """One of the documents in ``iam/`` (e.g. ``scheduler-role-trust.json``) for this account."""
    return json.loads((IAM_DIR / name).read_text().replace("<ACCOUNT_ID>", account))


def scheduler_role_name(ctx: Any) -> str:
    """The scheduler's role is named with the workshop's prefix: ``genai-builders-scheduler``."""
    return f"{ctx.prefix}-scheduler"


@dataclass(frozen=True)
class Need:
    """A call a notebook makes: the IAM action, on which resource (a template), for which notebooks."""

    action: str
    resource: str
    notebooks: str
    passed_to: str = ""  # iam:PassedToService, for iam:PassRole


def _needs(notebooks: str, resource: str, *actions: str, passed_to: str = "") -> list[Need]:
    return [Need(action, resource, notebooks, passed_to) for action in actions]


_SM = "arn:aws:sagemaker:{region}:{account}:"
_JOBS = "01 02 03 04 05 06"
_GROUP = "arn:aws:scheduler:{region}:{account}:schedule-group/naxt-genai-monitoring"
_POOL = "arn:aws:cognito-idp:{region}:{account}:userpool/{region}_preflight"
_LOGS = "arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/TrainingJobs"
# What notebooks 00-06 and 99 call (their boto3 calls, and the SDK's for deploy, fit, run, upsert, start and register),
# on a resource named as the notebooks name theirs. iam/README.md has the same list as a table.
NEEDS: list[Need] = [
    *_needs("00", "arn:aws:bedrock:{region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "bedrock:InvokeModel"),
    *_needs("00 " + _JOBS + " 99", "*", "s3:ListAllMyBuckets"),
    *_needs("00 " + _JOBS + " 99", "arn:aws:s3:::{bucket}", "s3:ListBucket", "s3:CreateBucket"),
    *_needs(_JOBS + " 99", "arn:aws:s3:::{bucket}/{prefix}/preflight", "s3:PutObject", "s3:GetObject",
            "s3:DeleteObject"),
    *_needs("01 03 04 05 06", "arn:aws:s3:::jumpstart-cache-prod-{region}/preflight", "s3:GetObject"),
    *_needs(_JOBS + " 99", _SM + "endpoint/naxt-preflight", "sagemaker:CreateEndpoint", "sagemaker:DescribeEndpoint",
            "sagemaker:InvokeEndpoint", "sagemaker:AddTags", "sagemaker:ListTags", "sagemaker:DeleteEndpoint"),
    *_needs("01", _SM + "endpoint/naxt-preflight", "sagemaker:InvokeEndpointWithResponseStream"),
    *_needs(_JOBS + " 99", _SM + "endpoint-config/naxt-preflight", "sagemaker:CreateEndpointConfig",
            "sagemaker:DeleteEndpointConfig"),
    *_needs(_JOBS + " 99", _SM + "model/naxt-preflight", "sagemaker:CreateModel", "sagemaker:DeleteModel"),
    *_needs(_JOBS, "*", "ecr:GetAuthorizationToken"),
    *_needs("02 05", _SM + "processing-job/naxt-preflight", "sagemaker:CreateProcessingJob",
            "sagemaker:DescribeProcessingJob"),
    *_needs("04 05 06 99", _SM + "training-job/naxt-preflight", "sagemaker:CreateTrainingJob",
            "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"),
    *_needs("02 04 05 06", _LOGS + ":log-stream:naxt-preflight", "logs:GetLogEvents"),
    *_needs("02 05 99", _SM + "pipeline/naxt-preflight", "sagemaker:CreatePipeline", "sagemaker:UpdatePipeline",
            "sagemaker:StartPipelineExecution", "sagemaker:DeletePipeline"),
    *_needs("05 99", _SM + "pipeline/naxt-preflight/execution/preflight", "sagemaker:DescribePipelineExecution",
            "sagemaker:ListPipelineExecutionSteps", "sagemaker:StopPipelineExecution"),
    *_needs("05 99", _SM + "model-package-group/naxt-preflight", "sagemaker:CreateModelPackageGroup",
            "sagemaker:DeleteModelPackageGroup"),
    *_needs("05 99", _SM + "model-package/naxt-preflight/1", "sagemaker:CreateModelPackage",
            "sagemaker:UpdateModelPackage", "sagemaker:DeleteModelPackage"),
    *_needs("06 99", _SM + "workforce/naxt-preflight", "sagemaker:CreateWorkforce", "sagemaker:DeleteWorkforce"),
    *_needs("06 99", _SM + "workteam/private-crowd/naxt-preflight", "sagemaker:CreateWorkteam",
            "sagemaker:DeleteWorkteam"),
    *_needs("06 99", _SM + "labeling-job/naxt-preflight", "sagemaker:CreateLabelingJob", "sagemaker:StopLabelingJob"),
    *_needs("06 99", "*", "cognito-idp:CreateUserPool", "cognito-idp:ListUserPools"),
    *_needs("06 99", _POOL, "cognito-idp:CreateUserPoolClient", "cognito-idp:CreateGroup",
            "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup", "cognito-idp:DescribeUserPool",
            "cognito-idp:DeleteUserPool"),
    *_needs("02 04 05 99", "*", "cloudwatch:PutMetricData", "cloudwatch:GetMetricStatistics",
            "cloudwatch:DescribeAlarms"),
    *_needs("02 99", "arn:aws:cloudwatch:{region}:{account}:alarm:naxt-preflight", "cloudwatch:PutMetricAlarm",
            "cloudwatch:TagResource", "cloudwatch:ListTagsForResource", "cloudwatch:DeleteAlarms"),
    *_needs("02 05 99", _GROUP, "scheduler:CreateScheduleGroup", "scheduler:TagResource",
            "scheduler:DeleteScheduleGroup"),
    *_needs("02 05 99", _GROUP.replace("schedule-group/", "schedule/") + "/naxt-output-checks-daily",
            "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"),
    *_needs("99", "*", "scheduler:ListScheduleGroups", "scheduler:ListTagsForResource", "iam:ListRoles"),
    *_needs(_JOBS, "{role}", "iam:PassRole", passed_to="sagemaker.amazonaws.com"),
    *_needs("02 05", "{scheduler_role}", "iam:PassRole", passed_to="scheduler.amazonaws.com"),
    *_needs("02 05 99", "{scheduler_role}", "iam:GetRole", "iam:ListRoleTags"),
]  # fmt: skip


def _resource(template: str, ctx: Any) -> str:
    scheduler_role = f"arn:aws:iam::{ctx.account}:role/{scheduler_role_name(ctx)}"
    return template.format(region=ctx.region, account=ctx.account, bucket=ctx.bucket, prefix=ctx.prefix,
                           role=ctx.role, scheduler_role=scheduler_role)  # fmt: skip


def preflight(ctx: Any, actions: Iterable[str] | None = None, notebook: str | None = None) -> pd.DataFrame:
    """Simulate the workshop's calls (or those in ``actions``) as the execution role, with IAM's policy simulator
    (``iam:SimulatePrincipalPolicy``); returns one row per call: action, resource, decision, notebooks.

    Raises :class:`PermissionsMissing`, saying which document to attach, when a call that ``notebook`` (``"02"``;
    any notebook without it) needs is denied; the denials for other notebooks are a warning. A role that may not
    simulate its own policies is a warning too, and the calls are left ``not checked``. In SageMaker Studio the
    notebooks call AWS as the execution role; elsewhere they call as your credentials, and jobs as the role.
    """
    import pandas as pd
    from botocore.exceptions import ClientError

    wanted = None if actions is None else set(actions)
    needs = [n for n in NEEDS if wanted is None or n.action in wanted]
    needs += [Need(a, "*", notebook or "") for a in sorted((wanted or set()) - {n.action for n in NEEDS})]
    groups: dict[tuple[str, str], list[Need]] = {}
    for need in needs:
        groups.setdefault((_resource(need.resource, ctx), need.passed_to), []).append(need)
    iam, rows = ctx.boto_session.client("iam"), []
    for (resource, passed_to), group in groups.items():
        request: dict[str, Any] = {"PolicySourceArn": ctx.role, "ActionNames": [n.action for n in group]}
        request["ResourceArns"] = [resource]
        if passed_to:
            request["ContextEntries"] = [
                {"ContextKeyName": "iam:PassedToService", "ContextKeyValues": [passed_to], "ContextKeyType": "string"}
            ]
        try:
            results = iam.simulate_principal_policy(**request)["EvaluationResults"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"):
                raise
            warnings.warn(
                f"Not checked: {ctx.role} may not simulate its own policies (iam:SimulatePrincipalPolicy), as often "
                f"in SageMaker Studio. The notebooks go on; a call the role may not make fails when it is made. "
                f"The workshop's permissions are in {EXECUTION_POLICY}.",
                stacklevel=2,
            )
            return pd.DataFrame([{"action": n.action, "resource": _resource(n.resource, ctx),
                                  "decision": "not checked", "notebooks": n.notebooks} for n in needs])  # fmt: skip
        decisions = {r["EvalActionName"].lower(): r["EvalDecision"] for r in results}
        rows += [{"action": n.action, "resource": resource, "decision": decisions.get(n.action.lower(), "implicitDeny"),
                  "notebooks": n.notebooks} for n in group]  # fmt: skip
    table = pd.DataFrame(rows, columns=["action", "resource", "decision", "notebooks"])
    denied = table[table.decision != "allowed"]
    blocking = denied if notebook is None else denied[denied.notebooks.str.split().map(lambda ns: notebook in ns)]
    if len(blocking):
        raise PermissionsMissing(_advice(ctx, blocking))
    if len(denied):
        warnings.warn(_advice(ctx, denied), stacklevel=2)
    return table


def _advice(ctx: Any, denied: pd.DataFrame) -> str:
    lines = [f"  {r.action} on {r.resource}: {r.decision} (notebooks {r.notebooks})" for r in denied.itertuples()]
    advice = (
        f"The execution role {ctx.role} may not make {len(denied)} of the workshop's calls:\n" + "\n".join(lines)
        + f"\nAttach the workshop's policy {EXECUTION_POLICY} to the role, with <ACCOUNT_ID> replaced by "
        f"{ctx.account} (README, 'IAM roles'), or ask your AWS administrator to; then run this cell again."
    )  # fmt: skip
    if (denied.decision == "explicitDeny").any():
        advice += " An explicitDeny comes from a Deny statement or a permissions boundary that no Allow overrides."
    return advice


def _trusts(role: dict[str, Any], service: str) -> bool:
    trust = role.get("AssumeRolePolicyDocument") or {}
    trust = json.loads(trust) if isinstance(trust, str) else trust
    for statement in trust.get("Statement", []):
        services = (statement.get("Principal") or {}).get("Service", [])
        if statement.get("Effect") == "Allow" and service in ([services] if isinstance(services, str) else services):
            return True
    return False


def scheduler_role(ctx: Any, name: str | None = None) -> str:
    """The ARN of the role EventBridge Scheduler assumes to start the workshop's pipelines: the role ``name``
    (``genai-builders-scheduler``) when it exists, else created from ``iam/scheduler-role-*.json`` and tagged, so that
    cleanup deletes it. Where the caller may not create roles (SageMaker Studio), the error says what to ask an
    administrator for. A role of that name that does not trust ``scheduler.amazonaws.com`` is refused."""
    from botocore.exceptions import ClientError

    iam, name = ctx.boto_session.client("iam"), name or scheduler_role_name(ctx)
    policy = json.dumps(document(SCHEDULER_POLICY.name, ctx.account))
    try:
        try:
            role = iam.get_role(RoleName=name)["Role"]
        except iam.exceptions.NoSuchEntityException:
            trust = json.dumps(document(SCHEDULER_TRUST.name, ctx.account))
            description = "EventBridge Scheduler starts the genai-builders workshop's pipelines (iam/README.md)"
            role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, Description=description,
                                   Tags=ctx.tags)["Role"]  # fmt: skip
            role["Tags"] = ctx.tags
            print(f"created the scheduler's role {role['Arn']} from {SCHEDULER_TRUST.name} and {SCHEDULER_POLICY.name}")
        if any(tag in role.get("Tags", []) for tag in ctx.tags):  # the workshop's own: make sure of its permission
            iam.put_role_policy(RoleName=name, PolicyName=SCHEDULER_POLICY_NAME, PolicyDocument=policy)
    except ClientError as exc:
        raise RoleSetupError(
            f"Could not find or create the EventBridge Scheduler role {name} ({exc.response['Error']['Code']}): "
            f"{ctx.role} may not manage IAM roles, as usual in SageMaker Studio. Ask your AWS administrator to "
            f"create it once, named {name}, with the trust policy {SCHEDULER_TRUST} and the permissions "
            f"{SCHEDULER_POLICY} (<ACCOUNT_ID>: {ctx.account}; README, 'IAM roles'), or set SCHEDULER_ROLE_ARN to "
            "a role that trusts scheduler.amazonaws.com and may start the workshop's pipelines."
        ) from None
    if not _trusts(role, "scheduler.amazonaws.com"):
        raise RoleSetupError(
            f"The role {role['Arn']} does not trust scheduler.amazonaws.com, so EventBridge Scheduler cannot assume "
            f"it: give it the trust policy {SCHEDULER_TRUST} (<ACCOUNT_ID>: {ctx.account}), or pick another role."
        )
    return role["Arn"]
