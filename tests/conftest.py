"""Fixtures shared by the tests that talk to the session's local SageMaker (the harness starts it)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def ctx(local_sagemaker):
    """The workshop context of the session's local SageMaker."""
    import helpers

    return helpers.setup(quiet=True)


@pytest.fixture(scope="module")
def sm(ctx):
    """A SageMaker client on the local SageMaker."""
    return ctx.boto_session.client("sagemaker")


@pytest.fixture(scope="module")
def s3(ctx):
    """An S3 client on the local SageMaker."""
    return ctx.boto_session.client("s3")
