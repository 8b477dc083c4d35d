"""Endpoints: valid resource names, instance types, deploy errors explained, the model picker, reattaching.

What to send to an endpoint, and where its answer is, is :mod:`helpers.payloads`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any


# ------------------------------------------------------------------------------------------ deploy errors
def resource_name(base: str, max_length: int = 63, unique: bool = True) -> str:
    """A unique endpoint, endpoint config or model name from ``base`` and the time, valid on SageMaker.

    SageMaker refuses names outside ``^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}``, so each run of other characters (the
    dots in ``llama-3.2-1b``, underscores, spaces) becomes one ``-``, and the base is trimmed to leave room for
    the SDK's timestamp (``name_from_base``). ``unique=False``: the valid base alone, without the time (a prefix that
    finds this resource again, see :func:`reattach`).
    """
    from sagemaker.utils import name_from_base

    safe = re.sub(r"-{2,}", "-", re.sub(r"[^a-zA-Z0-9-]+", "-", base)).strip("-")
    if not safe:
        raise ValueError(f"Cannot make a SageMaker name from {base!r}: it has no letter or digit.")
    return name_from_base(safe, max_length=max_length) if unique else safe[: max_length - 24].rstrip("-")


def supported_instance_types(model_id: str, session: Any) -> list[str]:
    """The hosting instance types the JumpStart spec lists for a model."""
    from sagemaker.jumpstart.accessors import JumpStartModelsAccessor

    specs = JumpStartModelsAccessor.get_model_specs(
        region=session.boto_region_name, model_id=model_id, version="*", s3_client=session.s3_client
    )
    return list(specs.supported_inference_instance_types or [specs.default_inference_instance_type])


def check_instance_type(model_id: str, instance_type: str, session: Any) -> None:
    """Raise a ValueError naming the supported types when ``instance_type`` cannot host ``model_id``."""
    supported = supported_instance_types(model_id, session)
    if instance_type not in supported:
        raise ValueError(
            f"{model_id} cannot be hosted on {instance_type}. Supported instance types: {', '.join(supported)}. "
            "Change INSTANCE_TYPE in the parameters cell."
        )


class DeployError(RuntimeError):
    """A deploy failed for a reason the learner can fix; the message says how."""


@contextlib.contextmanager
def explain_deploy_errors(instance_type: str) -> Iterator[None]:
    """Turn SageMaker's deploy errors into messages that say what to do (quota, capacity, EULA)."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", str(exc))
        if code == "ResourceLimitExceeded":
            raise DeployError(
                f"Your account's quota for '{instance_type} for endpoint usage' is too low ({message}). "
                "Request an increase in the AWS console: Service Quotas > AWS services > Amazon SageMaker > "
                f"'{instance_type} for endpoint usage', or choose a smaller instance type in the parameters cell."
            ) from exc
        if code == "InsufficientInstanceCapacity" or "capacity" in message.lower():
            raise DeployError(
                f"AWS has no spare {instance_type} capacity in this region right now. Retry later, or choose "
                "another instance type or region."
            ) from exc
        if "EULA" in message or "AcceptEula" in message:
            raise DeployError(f"{message}") from exc
        raise


# ------------------------------------------------------------------------------------------ picker
def model_picker(candidates: Any, model_id: str, instance_type: str) -> Any:
    """An ipywidgets picker for model and instance type, starting at the parameters-cell values.

    Read the choice with ``picker.selection()``; when the notebook runs headless the defaults stand.
    """
    import ipywidgets as widgets

    models = list(candidates["model_id"]) if model_id in set(candidates["model_id"]) else [model_id]
    model_box = widgets.Dropdown(options=models, value=model_id, description="Model", layout={"width": "520px"})
    instance_box = widgets.Dropdown(options=[instance_type], value=instance_type, description="Instance")
    picker = widgets.VBox([model_box, instance_box])

    def refresh(change: Any = None) -> None:
        row = candidates[candidates["model_id"] == model_box.value]
        options = list(row["supported_instance_types"].iloc[0]) if "supported_instance_types" in row else []
        options = options or [instance_type]
        instance_box.options = options
        instance_box.value = instance_type if instance_type in options else options[0]

    model_box.observe(refresh, names="value")
    refresh()
    picker.selection = lambda: (model_box.value, instance_box.value)
    return picker


def reattach(endpoint_name: str | None, model_id: str, session: Any) -> Any:
    """The predictor of a live endpoint this notebook deployed before, or None: ``endpoint_name`` is its name (e.g.
    from the workshop state), or the prefix :func:`resource_name` gave it (``unique=False``), newest first.

    After a kernel restart, re-running a deploy cell would deploy (and bill) a second endpoint; this finds the first
    one instead. None when there is no name, no such endpoint, or it is failed or being deleted; an endpoint still
    being created or updated is waited for. An endpoint of another model is not reused (a message says so)."""
    from botocore.exceptions import ClientError
    from sagemaker import predictor as predictors

    if not endpoint_name:
        return None
    sm = session.sagemaker_client
    try:
        described = sm.describe_endpoint(EndpointName=endpoint_name)
    except ClientError:
        listed = sm.list_endpoints(NameContains=endpoint_name, SortBy="CreationTime", SortOrder="Descending")
        stamped = re.compile(re.escape(endpoint_name) + r"-\d{4}(-\d{2}){5}-\d{3}")  # name_from_base's timestamp
        names = [e["EndpointName"] for e in listed["Endpoints"] if stamped.fullmatch(e["EndpointName"])]
        if not names:
            return None
        endpoint_name = names[0]
        described = sm.describe_endpoint(EndpointName=endpoint_name)
    status = described["EndpointStatus"]
    if status in ("Creating", "Updating", "SystemUpdating"):
        sm.get_waiter("endpoint_in_service").wait(EndpointName=endpoint_name, WaiterConfig={"Delay": 5})
        status = "InService"
    if status != "InService":
        return None
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=described["EndpointArn"]).get("Tags", [])}
    deployed = tags.get("sagemaker-sdk:jumpstart-model-id")
    if deployed and deployed != model_id:
        print(f"Endpoint {endpoint_name} serves {deployed}, not {model_id}: deploying a new one.")
        return None
    print(f"Reattached to live endpoint {endpoint_name} (deployed earlier; nothing new is billed).")
    return predictors.retrieve_default(endpoint_name=endpoint_name, model_id=model_id, sagemaker_session=session)
