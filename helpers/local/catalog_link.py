"""Bridge from a SageMaker model (container, tags) to the local engine that serves it."""

from __future__ import annotations

from typing import Any

JUMPSTART_TAG = "sagemaker-sdk:jumpstart-model-id"


def _artifact_uri(container: dict[str, Any]) -> str | None:
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

    uri = _artifact_uri(container)
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

    uri = _artifact_uri(container)
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
