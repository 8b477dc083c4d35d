"""``helpers.setup()``: the first code cell of every notebook.

It is the only place that knows the mode. ``aws`` inside SageMaker Studio or when ``WORKSHOP_MODE=aws``;
``local`` otherwise. In local mode it makes sure the local SageMaker runs, points boto3 and the SageMaker
SDK at it, and leaves every later cell to call the SDK and boto3 exactly as on AWS.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORKSHOP_TAG = {"Key": "workshop", "Value": "genai-builders"}
PREFIX = "genai-builders"
_STUDIO_METADATA = Path("/opt/ml/metadata/resource-metadata.json")
_CONTEXT: WorkshopContext | None = None
# How notebook 03's local accuracy algorithm (helpers.evaluation.OfflineAccuracy) runs fmeval's transforms, given
# the records to keep in flight: None is fmeval's own way (one Ray stage per transform). Local setup sets its fused
# stage here (helpers/local/fused_pipeline.py, imported only when an evaluation runs).
FMEVAL_STAGES: Callable[[int], AbstractContextManager[None]] | None = None


class SetupError(RuntimeError):
    """Setup could not complete; the message says what to do."""


@dataclass
class WorkshopContext:
    """What every notebook needs: the SDK session, role, bucket, region and the tags to put on resources."""

    mode: str
    region: str
    account: str
    bucket: str
    role: str
    session: Any  # sagemaker.Session
    boto_session: Any  # boto3.Session
    base_tags: list[dict[str, str]] = field(default_factory=lambda: [dict(WORKSHOP_TAG)])
    prefix: str = PREFIX

    @property
    def tags(self) -> list[dict[str, str]]:
        """The tags to put on every resource: a fresh list at each use, because the SDK appends its own tags to the
        list it is given (a JumpStart model id kept from one deploy would label the next model wrongly)."""
        return [dict(tag) for tag in self.base_tags]

    def s3_uri(self, *parts: str) -> str:
        """``s3://<bucket>/<prefix>/<parts...>``: where the workshop keeps its files."""
        return "s3://" + "/".join([self.bucket, self.prefix, *(p.strip("/") for p in parts)])

    def banner(self) -> str:
        """One line: mode, region, account, bucket, role."""
        where = "local SageMaker on this machine, no AWS account used" if self.mode == "local" else "AWS"
        return (
            f"mode={self.mode} ({where}) | region={self.region} | account={self.account} | "
            f"bucket={self.bucket} | role={self.role}"
        )


def detect_mode() -> str:
    """``aws`` when ``WORKSHOP_MODE=aws`` or inside SageMaker Studio, else ``local``."""
    chosen = os.environ.get("WORKSHOP_MODE", "").strip().lower()
    if chosen in {"aws", "local"}:
        return chosen
    if chosen:
        raise SetupError(f"WORKSHOP_MODE={chosen!r} is not a mode: use WORKSHOP_MODE=local or WORKSHOP_MODE=aws.")
    if _STUDIO_METADATA.exists() or os.environ.get("SAGEMAKER_SPACE_NAME"):
        return "aws"
    return "local"


def setup(mode: str | None = None, quiet: bool = False) -> WorkshopContext:
    """Prepare this kernel for the workshop and print one banner line; safe to call again.

    A kernel keeps the mode of its first ``setup()``: local mode changes the process (placeholder credentials,
    ``AWS_ENDPOINT_URL``, SDK patches), so switching mode needs a kernel restart and is refused with a
    ``SetupError`` that says so.
    """
    global _CONTEXT
    mode = mode or detect_mode()
    if _CONTEXT is not None and _CONTEXT.mode != mode:
        raise SetupError(_switch_message(_CONTEXT.mode, mode))
    if _CONTEXT is not None:
        if not quiet:
            print(_CONTEXT.banner())
        return _CONTEXT
    context = _setup_local() if mode == "local" else _setup_aws()
    _CONTEXT = context
    if not quiet:
        print(context.banner())
    return context


def _switch_message(current: str, wanted: str) -> str:
    """Why a kernel set up for one mode cannot switch to the other, and what to do instead."""
    return (
        f"This kernel is already set up for {current} mode and cannot switch to {wanted} mode: "
        + (
            "local mode pointed boto3 and the SageMaker SDK at the local server (AWS_ENDPOINT_URL, placeholder "
            "credentials, SDK patches), so AWS calls from this process would still go to localhost. "
            if current == "local"
            else "the clients and objects made so far talk to AWS. "
        )
        + f"Restart the kernel (Kernel > Restart Kernel), then run helpers.setup(mode={wanted!r}) as the first "
        f"cell (or set WORKSHOP_MODE={wanted} in the kernel's environment before it starts)."
    )


# ------------------------------------------------------------------------------------------ local mode
def _setup_local() -> WorkshopContext:
    """Local mode: the only place outside the CLI that reaches helpers/local (see :mod:`helpers.local.client`)."""
    from .local import client

    return WorkshopContext("local", **client.connect())


# ------------------------------------------------------------------------------------------ aws mode
def _setup_aws() -> WorkshopContext:
    import boto3
    import sagemaker

    boto_session = boto3.Session()
    region = boto_session.region_name
    if not region:
        raise SetupError("No AWS region is set: export AWS_DEFAULT_REGION=us-east-1 (or your region).")
    try:
        account = boto_session.client("sts").get_caller_identity()["Account"]
    except Exception as exc:
        raise SetupError(
            f"No usable AWS credentials ({exc.__class__.__name__}). Configure them (aws configure, or a Studio "
            "execution role), or run the workshop locally with WORKSHOP_MODE=local."
        ) from None
    session = sagemaker.Session(boto_session=boto_session)
    role = os.environ.get("WORKSHOP_ROLE_ARN")
    if not role:
        try:
            role = sagemaker.get_execution_role(sagemaker_session=session)
        except ValueError:
            raise SetupError(
                "No SageMaker execution role found. Outside SageMaker Studio, set WORKSHOP_ROLE_ARN to the ARN "
                "of a role that SageMaker can assume (the documents in iam/: README, 'IAM roles'), e.g. "
                f"export WORKSHOP_ROLE_ARN=arn:aws:iam::{account}:role/MySageMakerRole"
            ) from None
    bucket = session.default_bucket()
    return WorkshopContext("aws", region, account, bucket, role, session, boto_session)
