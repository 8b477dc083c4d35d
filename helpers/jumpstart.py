"""JumpStart catalogue helpers that work the same against AWS and the local SageMaker."""

from __future__ import annotations

import difflib
from typing import Any

from .pricing import hourly_price


def model_ids(session: Any = None, **filters: Any) -> list[str]:
    """All JumpStart model ids the SDK can see (``list_jumpstart_models``), optionally filtered."""
    from sagemaker.jumpstart.notebook_utils import list_jumpstart_models

    kwargs = {"sagemaker_session": session} if session is not None else {}
    return list(list_jumpstart_models(**filters, **kwargs))


def closest_model_ids(model_id: str, candidates: list[str], n: int = 3) -> list[str]:
    """The ``n`` catalogue ids most similar to ``model_id``."""
    close = difflib.get_close_matches(model_id, candidates, n=n, cutoff=0.0)
    return close[:n]


def check_model_id(model_id: str, session: Any = None) -> str:
    """Return ``model_id`` when the catalogue has it; else raise ValueError naming the closest ids."""
    ids = model_ids(session)
    if model_id in ids:
        return model_id
    suggestions = ", ".join(closest_model_ids(model_id, ids))
    raise ValueError(
        f"Unknown JumpStart model id '{model_id}'. Closest catalogue ids: {suggestions}. "
        "See them all with sagemaker.jumpstart.notebook_utils.list_jumpstart_models()."
    )


def describe_models(model_ids_: list[str], session: Any) -> Any:
    """A DataFrame of catalogue facts per model: task, framework, default instance and its hourly price (see
    :mod:`helpers.pricing`), gated, fine-tunable, supported instance types."""
    import pandas as pd
    from sagemaker.jumpstart.accessors import JumpStartModelsAccessor
    from sagemaker.jumpstart.enums import JumpStartModelType

    rows = []
    for model_id in model_ids_:
        framework, task = (model_id.split("-") + ["", ""])[:2]
        try:
            specs = JumpStartModelsAccessor.get_model_specs(
                region=session.boto_region_name,
                model_id=model_id,
                version="*",
                s3_client=session.s3_client,
                model_type=JumpStartModelType.OPEN_WEIGHTS,
            )
        except Exception as exc:  # a proprietary or broken entry: show it, don't fail the table
            rows.append({"model_id": model_id, "framework": framework, "task": task, "note": str(exc)[:80]})
            continue
        default_type = specs.default_inference_instance_type
        rows.append(
            {
                "model_id": model_id,
                "framework": framework,
                "task": task,
                "default_instance_type": default_type,
                "hourly_usd": hourly_price(default_type),
                "gated": bool(getattr(specs, "hosting_eula_key", None)),
                "fine_tunable": bool(specs.training_supported),
                "supported_instance_types": list(specs.supported_inference_instance_types or [default_type]),
            }
        )
    return pd.DataFrame(rows)
