"""Bridge from a SageMaker model (container, tags) to the local engine that serves it."""

from __future__ import annotations

from typing import Any

JUMPSTART_TAG = "sagemaker-sdk:jumpstart-model-id"


def artifact_uri(container: dict[str, Any]) -> str | None:
    """The S3 location of a container's model data (``ModelDataSource`` or ``ModelDataUrl``)."""
    source = (container.get("ModelDataSource") or {}).get("S3DataSource") or {}
    return source.get("S3Uri") or container.get("ModelDataUrl")


def _tag(tags: list[dict[str, str]] | None, key: str) -> str | None:
    for tag in tags or []:
        if tag.get("Key") == key:
            return tag.get("Value")
    return None


def model_id_for(container: dict[str, Any], *tag_lists: list[dict[str, str]] | None) -> str | None:
    """The JumpStart model id behind a container: from its artifact location, else the SDK's tags."""
    from . import catalog

    uri = artifact_uri(container)
    model_id = catalog.model_id_from_artifact(uri) if uri else None
    if model_id:
        return model_id
    for tags in tag_lists:
        if (value := _tag(tags, JUMPSTART_TAG)) and value in catalog.load_specs():
            return value
    return None


def engine_for_model(container: dict[str, Any], *tag_lists: list[dict[str, str]] | None) -> tuple[str, str, str]:
    """(engine name, response shape, label) for a model; unknown images get SmolLM2 with the TGI shape."""
    from . import catalog

    model_id = model_id_for(container, *tag_lists)
    if model_id:
        stand_in = catalog.stand_in(model_id)
        return stand_in["engine"], stand_in["response_shape"], stand_in["label"]
    image = container.get("Image", "") or "a custom container"
    shape = "lmi" if "djl-inference" in image else "tgi"
    return "smollm2", shape, f"SmolLM2-135M-Instruct (local stand-in for {image.split('/')[-1]})"


def eula_problem(container: dict[str, Any]) -> str | None:
    """The error AWS gives for a gated JumpStart model deployed without accepting its EULA, else None."""
    from . import catalog

    uri = artifact_uri(container)
    model_id = catalog.model_id_from_artifact(uri) if uri else None
    if not model_id or not catalog.is_gated(model_id):
        return None
    access = ((container.get("ModelDataSource") or {}).get("S3DataSource") or {}).get("ModelAccessConfig") or {}
    if access.get("AcceptEula") in (True, "true", "True"):
        return None
    return (
        f"Model '{model_id}' is gated: you must accept its end-user license agreement (EULA) to deploy it. "
        "Read the EULA, then pass accept_eula=True to JumpStartModel.deploy() "
        "(ModelDataSource.S3DataSource.ModelAccessConfig.AcceptEula=true in CreateModel)."
    )


ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


def adapter_for_model(container: dict[str, Any]) -> str | None:
    """The local folder of the LoRA adapter in a model's data (a ``model.tar.gz``, or an uncompressed S3 prefix with
    PEFT's ``adapter_config.json`` and ``adapter_model.safetensors`` at its top), or None when it holds none.

    The files are read from the local S3 and unpacked once per artifact version into the model cache, as a
    SageMaker container downloads its model data at start.
    """
    import hashlib

    from moto.s3.models import s3_backends

    from . import config

    uri = artifact_uri(container)
    if not uri or not uri.startswith("s3://"):
        return None
    bucket_name, _, key = uri.removeprefix("s3://").partition("/")
    backend = s3_backends[config.ACCOUNT_ID]["aws"]
    try:
        bucket = backend.get_bucket(bucket_name)
    except Exception:  # a missing bucket: not an adapter (CreateModel already accepted the URI)
        return None
    # direct look-ups (this runs on every invocation; the bucket also holds capture files, so never list it)
    if key.endswith((".tar.gz", ".tgz")):
        names = [key]
    else:
        prefix = key.rstrip("/") + "/" if key else ""
        names = [prefix + name for name in ADAPTER_FILES]
    objects = [bucket.keys[name] for name in names if name in bucket.keys]
    if len(objects) != len(names):
        return None
    version = hashlib.sha256("".join(f"{uri}|{o.name}|{o.etag}" for o in objects).encode()).hexdigest()[:16]
    folder = config.model_cache() / "adapters" / version
    if not folder.exists():
        _unpack(objects, key, folder)
    found = [p.parent for p in sorted(folder.rglob(ADAPTER_FILES[1])) if (p.parent / ADAPTER_FILES[0]).exists()]
    return str(found[0]) if found else None


def _unpack(objects: list[Any], key: str, folder: Any) -> None:
    """Write an artifact's files (a tarball's members, or the objects under a prefix) to ``folder``, atomically."""
    import io
    import shutil
    import tarfile
    import tempfile
    from pathlib import Path

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp-", dir=folder.parent))
    try:
        for obj in objects:
            if obj.name == key and key.endswith((".tar.gz", ".tgz")):
                with tarfile.open(fileobj=io.BytesIO(obj.value), mode="r:gz") as tar:
                    tar.extractall(tmp, filter="data")  # no paths outside the folder, no links out
            elif obj.name.rsplit("/", 1)[-1] in ADAPTER_FILES:
                rel = obj.name[len(key.rstrip("/")) + 1 :] if key else obj.name
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_bytes(obj.value)
        tmp.rename(folder)
    except OSError:
        if not folder.exists():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
