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


@pytest.fixture(scope="module")
def fmeval_offline(ctx, tmp_path_factory):
    """Ray started for fmeval's stock algorithms with only their run-time downloads replaced by local stand-ins
    (:mod:`fmeval_stand_ins`), in this process and in every Ray process, each with a guard that refuses and
    records any connection beyond the loopback. Yields the file of recorded connections."""
    import os

    import fmeval_stand_ins as stand_ins

    from helpers import evaluation as ev

    folder = tmp_path_factory.mktemp("fmeval_offline")
    nltk_data = stand_ins.write_nltk_data(folder / "nltk_data")
    contacts = folder / "contacts.jsonl"
    patch = pytest.MonkeyPatch()
    site = str(stand_ins.worker_site(folder / "site"))
    patch.setenv("PYTHONPATH", os.pathsep.join(p for p in (site, os.environ.get("PYTHONPATH")) if p))
    patch.setenv("NLTK_DATA", str(nltk_data))
    patch.setenv(stand_ins.CONTACTS_ENV, str(contacts))
    stand_ins.patch_this_process(patch, nltk_data, contacts)
    ev.stop_ray()  # Ray's processes inherit the environment of the process that starts it: start it now
    try:
        ev.start_ray()
        yield contacts
    finally:
        ev.stop_ray()
        patch.undo()
