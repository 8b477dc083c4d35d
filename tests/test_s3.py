"""helpers.s3.split_uri: the one S3 URI splitter every helper uses."""

from __future__ import annotations

import pytest

from helpers.s3 import split_uri


def test_split_uri_keeps_the_key_as_written():
    assert split_uri("s3://bucket/some/key.jsonl") == ("bucket", "some/key.jsonl")
    assert split_uri("s3://bucket/prefix/") == ("bucket", "prefix/")
    assert split_uri("s3://bucket") == ("bucket", "")


@pytest.mark.parametrize("uri", ["/tmp/x", "bucket/key", "https://bucket.s3.amazonaws.com/key"])
def test_anything_else_is_refused(uri):
    with pytest.raises(ValueError, match="not an S3 URI"):
        split_uri(uri)
