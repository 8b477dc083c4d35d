"""JumpStart model catalogue for workshop local mode.

The JSON under ``helpers/local/jumpstart/`` is laid out exactly as the keys of the real JumpStart content
bucket (``models_manifest.json``, ``proprietary-sdk-manifest.json``, one spec per model at its ``spec_key``,
EULA texts at each ``hosting_eula_key``). :func:`seed` copies it into the local S3, into the buckets the
SageMaker Python SDK reads, so ``list_jumpstart_models``, ``JumpStartModel`` and ``JumpStartEstimator`` work
unchanged. ``stand_ins.json`` says which local engine answers for each model, and in which shape.

This module must stay light: it imports neither ``sagemaker`` nor ``boto3``.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

JUMPSTART_DIR: Path = Path(__file__).resolve().parent / "jumpstart"
TRAINING_SCRIPT_DIR: Path = Path(__file__).resolve().parent / "training_script"

MODELS_MANIFEST_KEY = "models_manifest.json"
PROPRIETARY_MANIFEST_KEY = "proprietary-sdk-manifest.json"
PLACEHOLDER_NAME = "LOCAL_MODE_PLACEHOLDER.txt"

# Same environment variables the SDK honours (sagemaker/jumpstart/constants.py).
CONTENT_BUCKET_OVERRIDE = "AWS_JUMPSTART_CONTENT_BUCKET_OVERRIDE"
GATED_BUCKET_OVERRIDE = "AWS_JUMPSTART_GATED_CONTENT_BUCKET_OVERRIDE"


def content_bucket(region: str) -> str:
    """Return the public JumpStart content bucket the SDK reads for ``region``."""
    return os.environ.get(CONTENT_BUCKET_OVERRIDE) or f"jumpstart-cache-prod-{region}"


def gated_bucket(region: str) -> str:
    """Return the private (gated) JumpStart bucket the SDK uses for gated artifacts in ``region``."""
    return os.environ.get(GATED_BUCKET_OVERRIDE) or f"jumpstart-private-cache-prod-{region}"


# fmeval reads the JumpStart manifests and specs itself, unsigned, from
# JUMPSTART_BUCKET_BASE_URL_FORMAT.format(region, region) + "/<key>" (fmeval/constants.py).
FMEVAL_BASE_URL_FORMAT_ENV = "JUMPSTART_BUCKET_BASE_URL_FORMAT"


def fmeval_base_url_format(server_url: str) -> str:
    """The value of fmeval's ``JUMPSTART_BUCKET_BASE_URL_FORMAT`` that points it at the local S3's content bucket.

    fmeval fills it with ``.format(region, region)``: path-style ``<server>/jumpstart-cache-prod-{}`` (the same
    bucket as :func:`content_bucket`, the SDK's override included).
    """
    override = os.environ.get(CONTENT_BUCKET_OVERRIDE)
    bucket = override.replace("{", "{{").replace("}", "}}") if override else "jumpstart-cache-prod-{}"
    return f"{server_url.rstrip('/')}/{bucket}"


def bucket_names(region: str) -> list[str]:
    """Return the buckets the SDK reads for ``region``: public content bucket, then gated bucket."""
    return [content_bucket(region), gated_bucket(region)]


def _read_json(key: str) -> Any:
    """Read one catalogue JSON file by its S3 key."""
    return json.loads((JUMPSTART_DIR / key).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _manifest() -> list[dict]:
    """Load and cache open-weights plus proprietary manifest entries."""
    return list(_read_json(MODELS_MANIFEST_KEY)) + _proprietary_manifest()


def load_manifest() -> list[dict]:
    """Return open-weights plus proprietary manifest entries (copies)."""
    return [dict(entry) for entry in _manifest()]


@functools.lru_cache(maxsize=1)
def _specs() -> dict[str, dict]:
    """Load and cache every spec, keyed by model id."""
    return {entry["model_id"]: _read_json(entry["spec_key"]) for entry in _manifest()}


def load_specs() -> dict[str, dict]:
    """Return ``model_id -> spec`` for every catalogue model (a fresh copy)."""
    return json.loads(json.dumps(_specs()))


def model_ids() -> list[str]:
    """Return all catalogue model ids, sorted."""
    return sorted(_specs())


@functools.lru_cache(maxsize=1)
def _stand_ins() -> dict[str, Any]:
    """Load ``stand_ins.json``."""
    return _read_json("stand_ins.json")


def stand_in(model_id: str) -> dict:
    """Return ``{engine, label, response_shape, messages_api, stand_in, ...}`` for ``model_id``.

    ``stand_in`` is True when the engine answers *for* another model; ``label`` then says so and must be
    shown with the answer. Raises ``ValueError`` (with the closest ids) for an unknown model id.
    """
    check_model_id(model_id)
    return dict(_stand_ins()["models"][model_id])


def response_shapes() -> dict[str, dict]:
    """Return the request/response shape descriptions keyed by ``response_shape`` name."""
    return dict(_stand_ins()["response_shapes"])


def is_gated(model_id: str) -> bool:
    """Return True when the model needs ``accept_eula=True`` (EULA key or gated bucket), as the SDK judges."""
    check_model_id(model_id)
    spec = _specs()[model_id]
    return bool(spec.get("gated_bucket")) or spec.get("hosting_eula_key") is not None


@functools.lru_cache(maxsize=1)
def _proprietary_manifest() -> list[dict]:
    """Load and cache the proprietary (AWS Marketplace) manifest."""
    return list(_read_json(PROPRIETARY_MANIFEST_KEY))


def _artifact_keys(spec: dict) -> list[str]:
    """Return the model-specific S3 keys (hosting and training artifacts) of one spec."""
    names = ("hosting_prepacked_artifact_key", "hosting_artifact_key", "training_artifact_key")
    return [spec[n] for n in names if spec.get(n)]


@functools.lru_cache(maxsize=1)
def _artifact_index() -> dict[str, str]:
    """Map each artifact key (without trailing slash) to its model id."""
    index: dict[str, str] = {}
    for model_id, spec in _specs().items():
        for key in _artifact_keys(spec):
            index[key.rstrip("/")] = model_id
    return index


def model_id_from_artifact(s3_uri: str) -> str | None:
    """Map a JumpStart artifact S3 URI or prefix back to its model id, or None.

    Accepts what the SDK puts in CreateModel (``ModelDataUrl`` or ``ModelDataSource.S3DataSource.S3Uri``)
    and in a training job's ``model`` channel. The bucket name is ignored (overrides move it); the key must
    be a catalogue artifact key or lie under a catalogue artifact prefix.
    """
    if not s3_uri:
        return None
    key = s3_uri
    if key.startswith("s3://"):
        key = key[len("s3://") :].partition("/")[2]
    key = key.strip("/")
    index = _artifact_index()
    while key:
        if key in index:
            return index[key]
        key = key.rpartition("/")[0]
    return None


def closest_ids(model_id: str, n: int = 3) -> list[str]:
    """Return up to ``n`` catalogue ids closest to ``model_id`` (difflib), best first."""
    ids = model_ids()
    found = difflib.get_close_matches(model_id, ids, n=n, cutoff=0.0)
    return found[:n]


def check_model_id(model_id: str) -> None:
    """Raise ``ValueError`` naming the closest catalogue ids when ``model_id`` is not in the catalogue."""
    if model_id in _specs():
        return
    close = ", ".join(closest_ids(model_id))
    raise ValueError(
        f"Unknown JumpStart model id '{model_id}'. Closest catalogue ids: {close}. "
        "Use list_jumpstart_models() to see all."
    )


def _placeholder_text(model_id: str, key: str) -> str:
    """Text of the small object seeded under an artifact key."""
    info = _stand_ins()["models"][model_id]
    return (
        f"Workshop local mode placeholder for {model_id} ({key}).\n"
        "No model weights are stored here. "
        f"Requests to this model are answered by: {info['label']}.\n"
    )


def _tar_gz(name: str, text: str) -> bytes:
    """Return a tiny, valid .tar.gz holding one text file."""
    data = text.encode("utf-8")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def recipe_hyperparameters(script_key: str) -> dict[str, dict[str, Any]]:
    """The algorithm hyperparameters (type, default and JumpStart's constraints) of the specs whose training script
    is ``script_key``: the recipe that script bundle implements."""
    table: dict[str, dict[str, Any]] = {}
    for _, spec in sorted(_specs().items()):
        if script_key not in (spec.get("training_script_key"), spec.get("training_prepacked_script_key")):
            continue
        for hp in spec.get("hyperparameters") or []:
            if hp.get("scope") == "algorithm":
                table.setdefault(hp["name"], {k: v for k, v in hp.items() if k not in ("name", "scope")})
    return table


@functools.cache
def training_sourcedir(script_key: str) -> bytes:
    """``sourcedir.tar.gz`` for ``script_key``: the workshop's training script (``training_script/``) and the
    recipe's ``hyperparameters.json``, built reproducibly (sorted members, fixed times and owners, no gzip
    timestamp): the same source gives the same bytes."""
    files = {p.name: p.read_bytes() for p in TRAINING_SCRIPT_DIR.iterdir() if p.is_file() and p.suffix != ".pyc"}
    files["hyperparameters.json"] = (json.dumps(recipe_hyperparameters(script_key), indent=2) + "\n").encode()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def _placeholder_object(key: str, text: str) -> tuple[str, bytes]:
    """Return (object key, body) for a placeholder at an artifact key or under an artifact prefix."""
    if key.endswith("/"):
        return key + PLACEHOLDER_NAME, text.encode("utf-8")
    if key.endswith((".tar.gz", ".tgz")):
        return key, _tar_gz(PLACEHOLDER_NAME, text)
    return key, text.encode("utf-8")


def seed_objects(region: str) -> list[tuple[str, str, bytes, bool]]:
    """Return every object :func:`seed` writes as ``(bucket, key, body, public_read)``."""
    public, private = content_bucket(region), gated_bucket(region)
    objects: dict[tuple[str, str], tuple[bytes, bool]] = {}

    def add(bucket: str, key: str, body: bytes, public_read: bool) -> None:
        objects.setdefault((bucket, key), (body, public_read))

    for key in (MODELS_MANIFEST_KEY, PROPRIETARY_MANIFEST_KEY):
        add(public, key, (JUMPSTART_DIR / key).read_bytes(), True)
    for entry in load_manifest():
        add(public, entry["spec_key"], (JUMPSTART_DIR / entry["spec_key"]).read_bytes(), True)
    for model_id, spec in sorted(_specs().items()):
        if spec.get("hosting_eula_key"):
            key = spec["hosting_eula_key"]
            add(public, key, (JUMPSTART_DIR / key).read_bytes(), True)
        artifact_bucket, artifact_public = (private, False) if spec.get("gated_bucket") else (public, True)
        for key in _artifact_keys(spec):
            obj_key, body = _placeholder_object(key, _placeholder_text(model_id, key))
            add(artifact_bucket, obj_key, body, artifact_public)
        for name in ("training_script_key", "training_prepacked_script_key"):
            if spec.get(name):  # the fine-tunable entries run the workshop's real training script
                add(public, spec[name], training_sourcedir(spec[name]), True)
        if spec.get("hosting_script_key"):
            text = f"Workshop local mode placeholder script bundle ({spec['hosting_script_key']}).\n"
            obj_key, body = _placeholder_object(spec["hosting_script_key"], text)
            add(public, obj_key, body, True)
    return [(b, k, body, pub) for (b, k), (body, pub) in objects.items()]


def _ensure_bucket(s3_client: Any, bucket: str, region: str) -> None:
    """Create ``bucket`` in ``region`` unless it already exists."""
    try:
        s3_client.head_bucket(Bucket=bucket)
        return
    except Exception:  # botocore's ClientError; botocore is not imported here
        pass
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3_client.create_bucket(**kwargs)
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def seed(s3_client: Any, region: str) -> int:
    """Create the JumpStart bucket(s) and upload the catalogue; return the number of objects written.

    Idempotent (objects are overwritten with the same bytes). Everything in the public content bucket is
    ``public-read``, as on AWS (fmeval reads the manifests with an unsigned ``urlopen``); gated artifacts go
    to the private bucket.
    """
    for bucket in dict.fromkeys(bucket_names(region)):
        _ensure_bucket(s3_client, bucket, region)
    written = 0
    for bucket, key, body, public_read in seed_objects(region):
        kwargs: dict[str, Any] = {"Bucket": bucket, "Key": key, "Body": body}
        kwargs["ContentType"] = _content_type(key)
        if public_read:
            kwargs["ACL"] = "public-read"
        s3_client.put_object(**kwargs)
        written += 1
    return written


def _content_type(key: str) -> str:
    """Return a Content-Type for an object key."""
    if key.endswith(".json"):
        return "application/json"
    if key.endswith(".txt"):
        return "text/plain; charset=utf-8"
    return "application/octet-stream"
