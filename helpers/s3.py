"""S3 URIs: the one place that splits ``s3://bucket/key`` into its parts."""

from __future__ import annotations


def split_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/key`` -> ``("bucket", "some/key")``: the key as written (a prefix may end with ``/``).

    Raises ValueError for anything that is not an ``s3://`` URI.
    """
    if not uri.startswith("s3://"):
        raise ValueError(f"not an S3 URI: {uri!r}")
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key
