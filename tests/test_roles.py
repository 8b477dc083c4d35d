"""The workshop's IAM documents, the local policy simulator, the preflight and the scheduler's role."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import boto3
import pytest
from botocore.stub import Stubber

from helpers import roles
from helpers.context import WorkshopContext
from helpers.local import iam as local_iam

ACCOUNT = "123456789012"
DOCUMENTS = ["execution-role-trust.json", "execution-role-policy.json"]
DOCUMENTS += ["scheduler-role-trust.json", "scheduler-role-policy.json"]


def _statements(name: str) -> list[local_iam.Statement]:
    return local_iam.statements(json.dumps(roles.document(name, ACCOUNT), indent=2), name, "user-managed")


# ------------------------------------------------------------------------------------------ the documents
@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_shipped_documents_are_valid_iam_policies(name):
    from moto.iam.policy_validation import IAMPolicyDocumentValidator, IAMTrustPolicyDocumentValidator

    text = (roles.IAM_DIR / name).read_text()
    assert set(re.findall(r"<[A-Z_]+>", text)) <= {"<ACCOUNT_ID>"}  # the one placeholder document() fills in
    rendered = json.dumps(roles.document(name, ACCOUNT))
    assert "<" not in rendered and (ACCOUNT in rendered) == ("<ACCOUNT_ID>" in text)
    validator = IAMTrustPolicyDocumentValidator if "trust" in name else IAMPolicyDocumentValidator
    validator(rendered).validate()  # raises MalformedPolicyDocument otherwise
    assert len(re.sub(r"\s", "", rendered)) <= 6144  # IAM's limit for a managed policy


def test_the_scheduler_documents_trust_this_accounts_scheduler_and_start_the_workshops_pipelines_only():
    trust = roles.document("scheduler-role-trust.json", ACCOUNT)["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"} and trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    policy = _statements("scheduler-role-policy.json")
    pipeline = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:pipeline/"
    for name in ("naxt-output-checks", "naxt-summary-fine-tuning"):  # notebooks 02 and 05
        assert local_iam.evaluate(policy, "sagemaker:StartPipelineExecution", pipeline + name, {})[0] == "allowed"
    assert local_iam.evaluate(policy, "sagemaker:StartPipelineExecution", pipeline + "other", {})[0] == "implicitDeny"
    assert local_iam.evaluate(policy, "sagemaker:DeletePipeline", pipeline + "naxt-output-checks", {})[0] != "allowed"


def test_the_execution_policy_allows_every_need_of_the_notebooks():
    policy = _statements("execution-role-policy.json")
    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-1"  # Studio's default name
    ctx = WorkshopContext("aws", "us-east-1", ACCOUNT, f"sagemaker-us-east-1-{ACCOUNT}", role, None, None)
    for need in roles.NEEDS:
        context = {"iam:passedtoservice": [need.passed_to]} if need.passed_to else {}
        decision = local_iam.evaluate(policy, need.action, roles._resource(need.resource, ctx), context)[0]
        assert decision == "allowed", need
    # and not the execution role to the scheduler, nor anything outside the workshop
    passed = {"iam:passedtoservice": ["scheduler.amazonaws.com"]}
    assert local_iam.evaluate(policy, "iam:PassRole", ctx.role, passed)[0] == "implicitDeny"
    assert local_iam.evaluate(policy, "iam:CreateUser", "*", {})[0] == "implicitDeny"
    assert local_iam.evaluate(policy, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/key", {})[0] == "implicitDeny"


# ------------------------------------------------------------------------------------------ the simulator's rules
@pytest.mark.parametrize(
    "statement, action, resource, context, expected",
    [
        ({"Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}, "S3:GETOBJECT", "arn:aws:s3:::b/k", {}, "allowed"),
        ({"Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}, "s3:GetObject", "arn:aws:s3:::B/k", {}, "implicitDeny"),
        ({"Action": "s3:GetObjec?", "Resource": "*"}, "s3:GetObject", "x", {}, "allowed"),
        ({"NotAction": "iam:*", "Resource": "*"}, "iam:CreateUser", "*", {}, "implicitDeny"),
        ({"Action": "*", "NotResource": "arn:aws:s3:::b/*"}, "s3:GetObject", "arn:aws:s3:::b/k", {}, "implicitDeny"),
        ({"Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}, "a:b", "*", {},
         "implicitDeny"),  # a missing key: the statement does not apply
        ({"Action": "*", "Resource": "*", "Condition": {"StringEqualsIfExists": {"k:k": "1"}}}, "a:b", "*", {},
         "allowed"),
        ({"Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"k:k": "1"}}}, "a:b", "*", {}, "allowed"),
        ({"Action": "*", "Resource": "*", "Condition": {"StringLike": {"k:k": "sage*"}}}, "a:b", "*",
         {"k:k": ["sagemaker"]}, "allowed"),
        ({"Action": "*", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"k:k": ["a", "b"]}}}, "a:b", "*",
         {"k:k": ["a", "c"]}, "implicitDeny"),
        ({"Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": True}}}, "a:b", "*",
         {"aws:securetransport": ["true"]}, "allowed"),
        ({"Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}}, "a:b",
         "*", {"aws:currenttime": ["2026-01-01"]}, "implicitDeny"),  # not evaluated: does not apply
    ],
)  # fmt: skip
def test_the_simulator_matches_as_iam_does(statement, action, resource, context, expected):
    policy = local_iam.statements(json.dumps({"Statement": [{"Effect": "Allow", **statement}]}), "p", "none")
    decision, matched, _ = local_iam.evaluate(policy, action, resource, context)
    assert decision == expected and len(matched) == (decision == "allowed")


def test_missing_context_keys_are_reported():
    policy = _statements("execution-role-policy.json")
    role = f"arn:aws:iam::{ACCOUNT}:role/AmazonSageMaker-ExecutionRole-1"
    decision, _, missing = local_iam.evaluate(policy, "iam:PassRole", role, {})
    assert decision == "implicitDeny" and missing == {"iam:PassedToService"}


# ------------------------------------------------------------------------------------------ SimulatePrincipalPolicy
def _role_with(iam, name: str, *documents: dict, managed: str | None = None) -> str:
    trust = json.dumps(roles.document("execution-role-trust.json", ACCOUNT))
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    for index, policy in enumerate(documents):
        iam.put_role_policy(RoleName=name, PolicyName=f"inline-{index}", PolicyDocument=json.dumps(policy))
    if managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=managed)
    return arn


def _managed_execution_policy(iam) -> str:
    return next(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="WorkshopSageMakerExecutionRole")
                ["AttachedPolicies"])  # fmt: skip


def test_local_simulation_answers_as_aws_for_the_local_execution_role(ctx):
    iam = ctx.boto_session.client("iam")
    endpoint = f"arn:aws:sagemaker:{ctx.region}:{ctx.account}:endpoint/naxt-x"
    results = iam.simulate_principal_policy(
        PolicySourceArn=ctx.role, ActionNames=["sagemaker:CreateEndpoint", "iam:CreateUser"], ResourceArns=[endpoint]
    )["EvaluationResults"]
    allowed, denied = results
    assert (allowed["EvalActionName"], allowed["EvalResourceName"], allowed["EvalDecision"]) == (
        "sagemaker:CreateEndpoint", endpoint, "allowed")  # fmt: skip
    matched = allowed["MatchedStatements"][0]
    assert (matched["SourcePolicyId"], matched["SourcePolicyType"]) == ("genai-builders-execution", "user-managed")
    assert matched["StartPosition"]["Line"] < matched["EndPosition"]["Line"]
    assert denied["EvalDecision"] == "implicitDeny" and denied["MatchedStatements"] == []
    pass_role = {"PolicySourceArn": ctx.role, "ActionNames": ["iam:PassRole"], "ResourceArns": [ctx.role]}
    alone = iam.simulate_principal_policy(**pass_role)["EvaluationResults"][0]
    assert alone["EvalDecision"] == "implicitDeny" and alone["MissingContextValues"] == ["iam:PassedToService"]
    entry = {"ContextKeyName": "iam:PassedToService", "ContextKeyValues": ["sagemaker.amazonaws.com"]}
    passed = iam.simulate_principal_policy(**pass_role, ContextEntries=[{**entry, "ContextKeyType": "string"}])
    assert passed["EvaluationResults"][0]["EvalDecision"] == "allowed"


def test_an_explicit_deny_wins_over_the_shipped_allow(ctx):
    iam = ctx.boto_session.client("iam")
    deny = {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoEndpoints", "Effect": "Deny", "Action": "sagemaker:CreateEndpoint", "Resource": "*"}]}  # fmt: skip
    name = f"deny-{uuid.uuid4().hex[:6]}"
    arn = _role_with(iam, name, deny, managed=_managed_execution_policy(iam))
    endpoint = f"arn:aws:sagemaker:{ctx.region}:{ctx.account}:endpoint/naxt-x"
    result = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["sagemaker:CreateEndpoint", "sagemaker:CreateModel"], ResourceArns=[endpoint]
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in result] == ["explicitDeny", "allowed"]
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in result[0]["MatchedStatements"]] == [
        ("inline-0", "role")
    ]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.simulate_principal_policy(PolicySourceArn=arn + "-gone", ActionNames=["s3:GetObject"])
    iam.delete_role_policy(RoleName=name, PolicyName="inline-0")
    iam.detach_role_policy(RoleName=name, PolicyArn=_managed_execution_policy(iam))
    iam.delete_role(RoleName=name)


def test_a_permissions_boundary_limits_what_the_role_policy_allows(ctx):
    iam = ctx.boto_session.client("iam")
    suffix = uuid.uuid4().hex[:6]
    only_s3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    boundary = iam.create_policy(PolicyName=f"boundary-{suffix}", PolicyDocument=json.dumps(only_s3))["Policy"]["Arn"]
    trust = json.dumps(roles.document("execution-role-trust.json", ACCOUNT))
    name = f"bounded-{suffix}"
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, PermissionsBoundary=boundary)["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=_managed_execution_policy(iam))
    endpoint = f"arn:aws:sagemaker:{ctx.region}:{ctx.account}:endpoint/naxt-x"
    bucket = f"arn:aws:s3:::{ctx.bucket}"
    results = []
    for action, resource in (("sagemaker:CreateEndpoint", endpoint), ("s3:ListBucket", bucket)):
        request = {"PolicySourceArn": arn, "ActionNames": [action], "ResourceArns": [resource]}
        results += iam.simulate_principal_policy(**request)["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["implicitDeny", "allowed"]
    assert [r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] for r in results] == [False, True]
    iam.detach_role_policy(RoleName=name, PolicyArn=_managed_execution_policy(iam))
    iam.delete_role(RoleName=name)
    iam.delete_policy(PolicyArn=boundary)


# ------------------------------------------------------------------------------------------ the preflight
def test_preflight_finds_the_local_execution_role_complete(ctx):
    table = roles.preflight(ctx, notebook="00")
    assert len(table) == len(roles.NEEDS) and set(table.decision) == {"allowed"}
    assert list(table.columns) == ["action", "resource", "decision", "notebooks"]
    assert ctx.role in set(table.resource)  # iam:PassRole of the execution role itself
    assert list(roles.preflight(ctx, actions=["sagemaker:CreateEndpoint"]).decision) == ["allowed"]
    with pytest.raises(roles.PermissionsMissing, match=r"iam:CreateUser on \*: implicitDeny \(notebooks 00\)"):
        roles.preflight(ctx, actions=["iam:CreateUser"], notebook="00")  # a call the workshop's policy does not allow


def test_preflight_says_which_document_to_attach_when_a_call_is_denied(ctx):
    iam = ctx.boto_session.client("iam")
    policy = roles.document("execution-role-policy.json", ctx.account)
    policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "SageMakerWorkshopResources"]
    name = f"partial-SageMaker-{uuid.uuid4().hex[:6]}"
    partial = dataclasses.replace(ctx, role=_role_with(iam, name, policy))
    with pytest.raises(roles.PermissionsMissing) as raised:
        roles.preflight(partial, notebook="01")
    message = str(raised.value)
    assert str(roles.EXECUTION_POLICY) in message and f"<ACCOUNT_ID> replaced by {ctx.account}" in message
    assert "sagemaker:CreateEndpoint on arn:aws:sagemaker:" in message and "implicitDeny" in message
    with pytest.warns(UserWarning, match="sagemaker:CreateEndpoint"):  # 00 needs none of them: a warning only
        table = roles.preflight(partial, notebook="00")
    denied = set(table[table.decision != "allowed"].action)
    assert "sagemaker:CreateEndpoint" in denied and "bedrock:InvokeModel" not in denied
    iam.delete_role_policy(RoleName=name, PolicyName="inline-0")
    iam.delete_role(RoleName=name)


def _stubbed_context(*errors: tuple[str, str, int]) -> tuple[WorkshopContext, Stubber]:
    """A context whose IAM client answers each call with the given error (operation, code, HTTP status)."""
    client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stubber = Stubber(client)
    for operation, code, status in errors:
        stubber.add_client_error(operation, service_error_code=code, http_status_code=status)
    stubber.activate()
    session = type("Session", (), {"client": staticmethod(lambda service, **_: client)})()
    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-1"
    return WorkshopContext("aws", "us-east-1", ACCOUNT, "b", role, None, session), stubber


def test_preflight_warns_and_goes_on_when_the_role_may_not_simulate():
    ctx, stubber = _stubbed_context(("simulate_principal_policy", "AccessDenied", 403))
    with pytest.warns(UserWarning, match="iam:SimulatePrincipalPolicy"):
        table = roles.preflight(ctx)
    assert set(table.decision) == {"not checked"} and len(table) == len(roles.NEEDS)
    stubber.assert_no_pending_responses()


# ------------------------------------------------------------------------------------------ the scheduler's role
def test_scheduler_role_is_created_once_from_the_documents_and_found_again(ctx, capsys):
    iam = ctx.boto_session.client("iam")
    name = f"{ctx.prefix}-scheduler-test-{uuid.uuid4().hex[:6]}"
    arn = roles.scheduler_role(ctx, name)
    assert "created the scheduler's role" in capsys.readouterr().out
    role = iam.get_role(RoleName=name)["Role"]
    assert role["Arn"] == arn and role["AssumeRolePolicyDocument"] == roles.document(
        "scheduler-role-trust.json", ctx.account)  # fmt: skip
    assert {"Key": "workshop", "Value": "genai-builders"} in iam.list_role_tags(RoleName=name)["Tags"]
    inline = iam.get_role_policy(RoleName=name, PolicyName=roles.SCHEDULER_POLICY_NAME)["PolicyDocument"]
    assert inline == roles.document("scheduler-role-policy.json", ctx.account)
    assert roles.scheduler_role(ctx, name) == arn  # found, not created again
    assert "created" not in capsys.readouterr().out
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]].count(name) == 1
    assert arn != ctx.role
    iam.delete_role_policy(RoleName=name, PolicyName=roles.SCHEDULER_POLICY_NAME)
    iam.delete_role(RoleName=name)


def test_scheduler_role_refuses_a_role_that_does_not_trust_the_scheduler(ctx):
    iam = ctx.boto_session.client("iam")
    name = f"{ctx.prefix}-sagemaker-only-{uuid.uuid4().hex[:6]}"
    _role_with(iam, name)
    with pytest.raises(roles.RoleSetupError, match="does not trust scheduler.amazonaws.com"):
        roles.scheduler_role(ctx, name)
    iam.delete_role(RoleName=name)


def test_scheduler_role_says_what_to_ask_an_administrator_for_when_creating_is_denied():
    ctx, stubber = _stubbed_context(("get_role", "NoSuchEntity", 404), ("create_role", "AccessDenied", 403))
    with pytest.raises(roles.RoleSetupError) as raised:
        roles.scheduler_role(ctx)
    message = str(raised.value)
    assert "AccessDenied" in message and "genai-builders-scheduler" in message and "administrator" in message
    assert str(roles.SCHEDULER_TRUST) in message and str(roles.SCHEDULER_POLICY) in message and ACCOUNT in message
    stubber.assert_no_pending_responses()
