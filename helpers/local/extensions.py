"""Where stock moto falls short of SageMaker, these patches make it behave like AWS for the workshop.

Pinned to moto 5.2.5 (``pyproject.toml``): the patches touch its internals and each one has a test.

* Endpoint configs accept current instance families (``ml.g5``, ``ml.g6``, ``ml.p5``, ``ml.inf2`` ...) and
  reject strings that are not instance types.
* ``UpdateEndpoint`` switches an endpoint to a new endpoint config.
* ``CreateModel`` rejects a gated JumpStart model whose EULA was not accepted (``ModelAccessConfig``).
* Endpoints take time to create, update and delete (:mod:`helpers.local.lifecycle`).
* Processing jobs (``processing.py``) and training jobs (``training.py``) really run.
* Ground Truth: private workforces, work teams and custom labeling jobs (``labeling.py``), with a worker portal.
* The model registry works (``registry.py``) and pipelines really execute (``pipelines.py``).
* IAM's policy simulator, ``SimulatePrincipalPolicy`` (``iam.py``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from . import catalog_link

INSTANCE_FAMILIES = frozenset(
    "t2 t3 m4 m5 m5d m6g m6i m6id m7i c4 c5 c5d c6g c6i c6id c7g c7i r5 r5d r6g r6i r7i "
    "g4dn g5 g6 g6e p3 p3dn p4d p4de p5 p5e p5en inf1 inf2 trn1 trn1n trn2".split()
)
_INSTANCE = re.compile(r"^ml\.(?P<family>[a-z0-9]+)\.(?P<size>medium|large|xlarge|\d{1,2}xlarge|metal-\d+xl)$")


def is_instance_type(value: Any) -> bool:
    """True for a SageMaker hosting instance type such as ``ml.g5.2xlarge``."""
    match = _INSTANCE.match(value) if isinstance(value, str) else None
    return bool(match and match.group("family") in INSTANCE_FAMILIES)


def _validate_instance_type(self: Any, instance_type: str) -> None:
    from moto.sagemaker.exceptions import ValidationError

    if not is_instance_type(instance_type):
        raise ValidationError(
            message=f"1 validation error detected: Value '{instance_type}' at "
            "'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must be a "
            "SageMaker instance type such as ml.g5.2xlarge (families: " + ", ".join(sorted(INSTANCE_FAMILIES)) + ")"
        )


def _update_endpoint(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ValidationError

    backend = self.sagemaker_backend
    name = self._get_param("EndpointName")
    config_name = self._get_param("EndpointConfigName")
    endpoint = backend.endpoints.get(name)
    if endpoint is None:
        raise ValidationError(message=f"Could not find endpoint '{name}'.")
    ep_config = backend.endpoint_configs.get(config_name)
    if ep_config is None:
        raise ValidationError(message=f"Could not find endpoint configuration '{config_name}'.")
    endpoint.endpoint_config_name = config_name
    endpoint.production_variants = endpoint._process_production_variants(ep_config.production_variants)
    endpoint.data_capture_config = ep_config.data_capture_config
    from moto.core.utils import utcnow

    endpoint.last_modified_time = utcnow()
    from . import lifecycle

    lifecycle.settle(endpoint, "Updating")
    return ActionResult({"EndpointArn": endpoint.arn})


def _checked_create_model(original):
    def create_model(self: Any) -> Any:
        from moto.sagemaker.exceptions import ValidationError

        containers = [self._get_param("PrimaryContainer") or {}] + list(self._get_param("Containers") or [])
        for container in containers:
            problem = catalog_link.eula_problem(container)
            if problem:
                raise ValidationError(message=problem)
        return original(self)

    create_model.__wrapped__ = original
    return create_model


# A new account's default quota for these endpoint instance types is 0: CreateEndpoint fails as on AWS.
ZERO_QUOTA_FAMILIES = frozenset({"p4d", "p4de", "p5", "p5e", "p5en", "trn1", "trn1n", "trn2"})


def _resource_limit_exceeded() -> type:
    from moto.sagemaker.exceptions import SagemakerClientError

    class ResourceLimitExceeded(SagemakerClientError):
        code = "ResourceLimitExceeded"

    return ResourceLimitExceeded


def _quota_checked_create_endpoint(original):
    def create_endpoint(self: Any) -> Any:
        ep_config = self.sagemaker_backend.endpoint_configs.get(self._get_param("EndpointConfigName"))
        for variant in ep_config.production_variants if ep_config else []:
            instance_type = variant.get("InstanceType", "")
            family = instance_type.split(".")[1] if instance_type.count(".") == 2 else ""
            if family in ZERO_QUOTA_FAMILIES:
                count = variant.get("InitialInstanceCount", 1)
                raise _resource_limit_exceeded()(
                    f"The account-level service limit '{instance_type} for endpoint usage' is 0 Instances, with "
                    f"current utilization of 0 Instances and a request delta of {count} Instances. Please use AWS "
                    "Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, "
                    "contact AWS support to request an increase for this quota."
                )
        return original(self)

    create_endpoint.__wrapped__ = original
    return create_endpoint


@functools.cache
def apply() -> None:
    """Install all patches into moto (once)."""
    from moto.sagemaker import models, responses

    models.FakeEndpointConfig.validate_instance_type = _validate_instance_type
    responses.SageMakerResponse.update_endpoint = _update_endpoint
    responses.SageMakerResponse.create_model = _checked_create_model(responses.SageMakerResponse.create_model)
    responses.SageMakerResponse.create_endpoint = _quota_checked_create_endpoint(
        responses.SageMakerResponse.create_endpoint
    )
    from . import lifecycle, processing

    processing.apply()  # processing jobs that really run
    lifecycle.apply()  # endpoints spend a moment Creating, Updating and Deleting
    from . import training

    training.apply()  # training jobs that really run
    from . import labeling

    labeling.apply()  # Ground Truth workforces, work teams and labeling jobs, with a worker portal
    from . import pipelines, registry

    registry.apply()  # model package groups, versions, approval, deletion; models from packages
    pipelines.apply()  # pipelines that really execute
    from . import iam

    iam.apply()  # SimulatePrincipalPolicy
