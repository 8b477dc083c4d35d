"""IAM's policy simulator in the local SageMaker: ``SimulatePrincipalPolicy``, which moto 5.2.5 lacks.

It evaluates what IAM's simulator evaluates for a role or user of the local account: its inline policies, its attached
managed policies (a user's groups' too), the request's ``PolicyInputList``, and its permissions boundary (or
``PermissionsBoundaryPolicyInputList``), for each action and resource of the request, with the request's
``ContextEntries`` as condition keys. The rules are IAM's: an explicit ``Deny`` wins, then an ``Allow``, else the
action is implicitly denied; ``Action`` / ``NotAction`` match case-insensitively with ``*`` and ``?``,
``Resource`` / ``NotResource`` case-sensitively; a condition on a key the request does not give is not met (so the
statement does not apply) and the key is reported in ``MissingContextValues``, except for ``...IfExists`` and the
negated operators (``StringNotEquals`` ...), which a missing key satisfies. The answer is AWS's:
``EvaluationResults`` with ``EvalActionName``, ``EvalResourceName``, ``EvalDecision`` (``allowed``,
``explicitDeny``, ``implicitDeny``) and ``MatchedStatements`` (the policy, its type and the statement's position).

Not evaluated, as nothing in the local account has them: resource-based policies, service and resource control
policies, session policies, policy variables (``${aws:username}``), and the date and IP condition operators (a
statement that uses one does not apply). moto's own ``IAMPolicy`` is not used: it treats an ``Allow`` whose
condition is not met as a ``Deny``, ignores conditions on missing keys and matches actions case-sensitively.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .patching import install

_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
_NEGATED |= {"NumericNotEquals"}


@dataclass
class Statement:
    """One statement of a policy, with where it is in the policy's text (1-based line and column)."""

    body: dict[str, Any]
    policy_id: str
    policy_type: str  # role, user, group, user-managed, aws-managed, none (PolicyInputList)
    start: tuple[int, int]
    end: tuple[int, int]

    def matched(self) -> dict[str, Any]:
        """The statement as AWS lists it in ``MatchedStatements``."""
        return {
            "SourcePolicyId": self.policy_id,
            "SourcePolicyType": self.policy_type,
            "StartPosition": {"Line": self.start[0], "Column": self.start[1]},
            "EndPosition": {"Line": self.end[0], "Column": self.end[1]},
        }


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def statements(text: str, policy_id: str, policy_type: str) -> list[Statement]:
    """The statements of a policy document (JSON text), each with its position in the text."""
    found = re.search(r'"Statement"\s*:\s*', text)
    if found is None:
        return []
    decoder, index = json.JSONDecoder(), found.end()
    if text[index] == "{":
        spans = [decoder.raw_decode(text, index) + (index,)]
    else:
        spans, index = [], index + 1
        while True:
            while text[index] in " \t\r\n,":
                index += 1
            if text[index] == "]":
                break
            body, end = decoder.raw_decode(text, index)
            spans.append((body, end, index))
            index = end
    return [
        Statement(body, policy_id, policy_type, _position(text, start), _position(text, end - 1))
        for body, end, start in spans
    ]


@lru_cache(maxsize=4096)
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _matches(patterns: Any, value: str, ignore_case: bool = False) -> bool:
    patterns = [patterns] if isinstance(patterns, str) else patterns or []
    return any(_pattern(p, ignore_case).fullmatch(value) for p in patterns)


def _compare(operator: str, expected: str, actual: str) -> bool | None:
    """One policy value against one request value; None for an operator this simulator does not know."""
    base = operator.replace("Not", "", 1) if operator in _NEGATED else operator
    if base == "StringEquals":
        return actual == expected
    if base == "StringEqualsIgnoreCase":
        return actual.lower() == expected.lower()
    if base in ("StringLike", "ArnLike", "ArnEquals"):
        return _matches(expected, actual)
    if base == "Bool":
        return actual.lower() == expected.lower()
    if base.startswith("Numeric"):
        try:
            a, e = float(actual), float(expected)
        except ValueError:
            return False
        ops = {"Equals": a == e, "LessThan": a < e, "LessThanEquals": a <= e}
        ops |= {"GreaterThan": a > e, "GreaterThanEquals": a >= e}
        return ops.get(base[len("Numeric") :])
    return None


def _condition_holds(operator: str, key: str, expected: Any, context: dict[str, list[str]], missing: set[str]) -> bool:
    qualifier, _, operator = operator.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    values = context.get(key.lower())
    expected = [
        str(e).lower() if isinstance(e, bool) else str(e)
        for e in ([expected] if not isinstance(expected, list) else expected)
    ]
    if operator == "Null":
        return any((values is None) == (e.lower() == "true") for e in expected)
    if values is None:
        satisfied = if_exists or operator in _NEGATED or qualifier == "ForAllValues"
        if not satisfied:
            missing.add(key)
        return satisfied
    results = [[_compare(operator, e, v) for e in expected] for v in values]
    if any(r is None for row in results for r in row):
        return False  # an operator this simulator does not evaluate: the statement does not apply
    hits = [any(row) for row in results]
    if operator in _NEGATED:
        return not any(hits)
    return all(hits) if qualifier == "ForAllValues" else any(hits)


def _applies(
    body: dict[str, Any], action: str, resource: str, context: dict[str, list[str]], missing: set[str]
) -> bool:
    if "NotAction" in body:
        if _matches(body["NotAction"], action, ignore_case=True):
            return False
    elif not _matches(body.get("Action"), action, ignore_case=True):
        return False
    if "NotResource" in body:
        if _matches(body["NotResource"], resource):
            return False
    elif not _matches(body.get("Resource", "*"), resource):
        return False
    conditions = body.get("Condition") or {}
    return all(
        _condition_holds(operator, key, expected, context, missing)
        for operator, keys in conditions.items()
        for key, expected in keys.items()
    )


def evaluate(
    policies: list[Statement], action: str, resource: str, context: dict[str, list[str]]
) -> tuple[str, list[Statement], set[str]]:
    """IAM's decision for one action on one resource: (decision, the statements that decided it, missing keys)."""
    missing: set[str] = set()
    applying = [s for s in policies if _applies(s.body, action, resource, context, missing)]
    denies = [s for s in applying if s.body.get("Effect") == "Deny"]
    if denies:
        return "explicitDeny", denies, missing
    allows = [s for s in applying if s.body.get("Effect") == "Allow"]
    return ("allowed" if allows else "implicitDeny"), allows, missing


# ------------------------------------------------------------------------------------------ the operation
def _managed(policy: Any) -> list[Statement]:
    version = next(v for v in policy.versions if v.is_default)
    kind = "aws-managed" if ":iam::aws:policy/" in policy.arn else "user-managed"
    return statements(version.document, policy.name, kind)


def _principal_policies(backend: Any, arn: str) -> tuple[list[Statement], str | None]:
    """The identity policies of a role, user or group (by ARN), and its permissions boundary's ARN."""
    from moto.iam.exceptions import InvalidInput, NotFoundException

    kind = arn.split(":", 5)[-1].split("/", 1)[0] if arn.count(":") >= 5 else ""
    entities = {"role": backend.get_roles(), "user": backend.users.values(), "group": backend.groups.values()}
    if kind not in entities:
        raise InvalidInput(f"Invalid ARN: {arn}: PolicySourceArn must be the ARN of a user, group or role.")
    principal = next((e for e in entities[kind] if e.arn == arn), None)
    owners = [(principal, kind)] if principal else []
    if principal is not None and kind == "user":
        owners += [(group, "group") for group in backend.get_groups_for_user(principal.name)]
    if principal is None:
        raise NotFoundException(f"The {kind} with ARN {arn} cannot be found.")
    found: list[Statement] = []
    for owner, kind_name in owners:
        for name, document in owner.policies.items():
            found += statements(document if isinstance(document, str) else json.dumps(document), name, kind_name)
        for policy in owner.managed_policies.values():
            found += _managed(policy)
    return found, getattr(principal, "permissions_boundary_arn", None)


def _simulate_principal_policy(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.backend
    policies, boundary_arn = _principal_policies(backend, self._get_param("PolicySourceArn"))
    for index, text in enumerate(self._get_param("PolicyInputList") or []):
        policies += statements(text, f"PolicyInputList.{index + 1}", "none")
    boundary = [statements(t, f"PermissionsBoundaryPolicyInputList.{i + 1}", "none") for i, t in enumerate(
        self._get_param("PermissionsBoundaryPolicyInputList") or [])]  # fmt: skip
    boundary_policies = [s for group in boundary for s in group]
    if not boundary_policies and boundary_arn:
        boundary_policies = _managed(backend.get_policy(boundary_arn))
    context = {
        entry["ContextKeyName"].lower(): [str(v) for v in entry.get("ContextKeyValues") or []]
        for entry in self._get_param("ContextEntries") or []
    }
    results = []
    for action in self._get_param("ActionNames") or []:
        for resource in self._get_param("ResourceArns") or ["*"]:
            decision, matched, missing = evaluate(policies, action, resource, context)
            result = {"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": decision}
            if boundary_policies:
                bounded, bounding, more = evaluate(boundary_policies, action, resource, context)
                result["PermissionsBoundaryDecisionDetail"] = {"AllowedByPermissionsBoundary": bounded == "allowed"}
                missing |= more
                if decision == "allowed" and bounded != "allowed":
                    decision, matched = bounded, bounding if bounded == "explicitDeny" else []
            result["EvalDecision"] = decision
            result["MatchedStatements"] = [s.matched() for s in matched]
            result["MissingContextValues"] = sorted(missing)
            results.append(result)
    return ActionResult({"EvaluationResults": results, "IsTruncated": False})


@functools.cache
def apply() -> None:
    """Add ``SimulatePrincipalPolicy`` to moto's IAM (once)."""
    from moto.iam.responses import IamResponse

    install(IamResponse, _simulate_principal_policy)
