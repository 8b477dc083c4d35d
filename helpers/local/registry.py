"""The model registry, in the local SageMaker: model package groups, versioned packages, approval, deletion.

Stock moto 5.2.5 creates groups and packages, but numbers a new version ``count + 1`` (after a deletion it would
reuse a number and overwrite a package), leaves ``ModelApprovalStatus`` empty, clears ``ApprovalDescription`` and
``CustomerMetadataProperties`` on every ``UpdateModelPackage``, cannot list the tags of a versioned package, and
has no ``DeleteModelPackage`` or ``DeleteModelPackageGroup``. With :func:`apply`:

* ``CreateModelPackageGroup`` refuses a name that exists; ``CreateModelPackage`` in a group (name or ARN) gives the
  next version number, never reused, with ``ModelApprovalStatus`` ``PendingManualApproval`` unless given, and keeps
  ``ModelMetrics``, ``CustomerMetadataProperties`` and the tags;
* ``UpdateModelPackage`` changes only what the request names;
* ``ListModelPackages`` answers AWS's summaries, sorted as AWS does (``SortBy`` ``CreationTime``, ``SortOrder``
  ``Ascending`` by default), with its filters and pages; a ``ModelPackageGroupName`` lists that group's versions;
* ``DeleteModelPackage``; ``DeleteModelPackageGroup`` refuses a group that still holds versions
  (``ConflictException``), as AWS does;
* ``CreateModel`` with a container that names a ``ModelPackageName`` takes that package's image, model data and
  environment (only an ``Approved`` version can be deployed); :func:`serving_container` gives the endpoint's engine
  those, so a ``ModelPackage(...).deploy()`` is served by the engine (and LoRA adapter) of the package's model data.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

from . import catalog_link
from .patching import conflict_error, install, validation_error, wrap

SUMMARY_KEYS = (
    "ModelPackageName",
    "ModelPackageGroupName",
    "ModelPackageVersion",
    "ModelPackageArn",
    "ModelPackageDescription",
    "CreationTime",
    "ModelPackageStatus",
    "ModelApprovalStatus",
)
# A model created from a model package: what its container resolved to, and the package's tags.
_SERVING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _name(value: str) -> str:
    """A group name from a name or an ARN (``...:model-package-group/<name>``)."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def find_group(backend: Any, name_or_arn: str) -> Any | None:
    """The model package group with this name or ARN, or None."""
    return backend.model_package_groups.get(_name(name_or_arn))


def find_package(backend: Any, name_or_arn: str) -> Any | None:
    """The model package with this name (unversioned) or ARN, or None."""
    mapped = backend.model_package_name_mapping.get(name_or_arn, name_or_arn)
    package = backend.model_packages.get(mapped)
    if package is None and name_or_arn.startswith("arn:"):
        package = backend.model_packages.get(name_or_arn.lower())
    return package


def _group_versions(backend: Any, group_name: str) -> list[Any]:
    return [p for p in backend.model_packages.values() if p.model_package_group_name == group_name]


# ------------------------------------------------------------------------------------------ the API patches
def _create_model_package_group(original: Any) -> Any:
    def create_model_package_group(self: Any) -> Any:
        name = self._get_param("ModelPackageGroupName")
        group = self.sagemaker_backend.model_package_groups.get(name)
        if group is not None:
            raise validation_error(f"Model Package Group already exists: {group.arn}")
        return original(self)

    create_model_package_group.__wrapped__ = original
    return create_model_package_group


def _create_model_package(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.models import ModelPackage

    backend = self.sagemaker_backend
    name = self._get_param("ModelPackageName")
    group_param = self._get_param("ModelPackageGroupName")
    if name and group_param:
        raise validation_error(
            "Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one "
            "to use."
        )
    if not name and not group_param:
        raise validation_error("Missing ARN.")
    version = None
    status = self._get_param("ModelApprovalStatus")
    if group_param:
        group = find_group(backend, group_param)
        if group is None:
            raise validation_error(f"Model Package Group {_name(group_param)} does not exist.")
        existing = [p.model_package_version or 0 for p in _group_versions(backend, group.model_package_group_name)]
        version = max([getattr(group, "latest_version", 0), *existing]) + 1
        group.latest_version = version  # never reused, even after DeleteModelPackage
        name = group.model_package_group_name
        status = status or "PendingManualApproval"
    elif find_package(backend, name) is not None:
        raise conflict_error(f"Model Package {name} already exists.")
    package = ModelPackage(
        model_package_name=name,
        model_package_group_name=name if group_param else None,
        model_package_description=self._get_param("ModelPackageDescription"),
        inference_specification=self._get_param("InferenceSpecification"),
        validation_specification=self._get_param("ValidationSpecification"),
        source_algorithm_specification=self._get_param("SourceAlgorithmSpecification"),
        certify_for_marketplace=self._get_param("CertifyForMarketplace", False),
        tags=list(self._get_param("Tags") or []),
        model_approval_status=status,
        metadata_properties=self._get_param("MetadataProperties"),
        model_metrics=self._get_param("ModelMetrics"),
        customer_metadata_properties=self._get_param("CustomerMetadataProperties"),
        drift_check_baselines=self._get_param("DriftCheckBaselines"),
        domain=self._get_param("Domain"),
        task=self._get_param("Task"),
        sample_payload_url=self._get_param("SamplePayloadUrl"),
        additional_inference_specifications=self._get_param("AdditionalInferenceSpecifications"),
        model_package_version=version,
        approval_description=None,
        region_name=self.region,
        account_id=self.current_account,
        client_token=self._get_param("ClientToken"),
        model_package_type="Versioned" if group_param else "Unversioned",
    )
    backend.model_package_name_mapping[package.model_package_name] = package.arn
    backend.model_package_name_mapping[package.arn] = package.arn
    backend.model_packages[package.arn] = package
    return ActionResult({"ModelPackageArn": package.arn})


def _update_model_package(self: Any) -> Any:
    from moto.core.responses import ActionResult

    arn = self._get_param("ModelPackageArn")
    package = find_package(self.sagemaker_backend, arn)
    if package is None:
        raise validation_error(f"Model package {arn} not found")
    status = self._get_param("ModelApprovalStatus")
    if status is not None:
        package.set_model_approval_status(status)
    if self._get_param("ApprovalDescription") is not None:
        package.approval_description = self._get_param("ApprovalDescription")
    properties = self._get_param("CustomerMetadataProperties")
    if properties:
        package.customer_metadata_properties = {**(package.customer_metadata_properties or {}), **properties}
    for key in self._get_param("CustomerMetadataPropertiesToRemove") or []:
        (package.customer_metadata_properties or {}).pop(key, None)
    additions = self._get_param("AdditionalInferenceSpecificationsToAdd")
    if additions:
        package.add_additional_inference_specifications(additions)
    package.modifications_done()
    return ActionResult({"ModelPackageArn": package.arn})


def _list_model_packages(self: Any) -> Any:
    from moto.core.responses import ActionResult

    from .training import _as_datetime

    backend = self.sagemaker_backend
    sort_by = self._get_param("SortBy") or "CreationTime"
    descending = (self._get_param("SortOrder") or "Ascending") == "Descending"
    max_results = self._get_int_param("MaxResults") or 100
    group_param = self._get_param("ModelPackageGroupName")
    kind = self._get_param("ModelPackageType") or ("Versioned" if group_param else "Unversioned")
    name_contains = self._get_param("NameContains")
    status = self._get_param("ModelApprovalStatus")
    after, before = self._get_param("CreationTimeAfter"), self._get_param("CreationTimeBefore")
    packages = []
    for package in backend.model_packages.values():
        if kind != "Both" and package.model_package_type != kind:
            continue
        if group_param and package.model_package_group_name != _name(group_param):
            continue
        if name_contains and name_contains.lower() not in package.model_package_name.lower():
            continue
        if status and package.model_approval_status != status:
            continue
        if after is not None and not package.creation_time > _as_datetime(after):
            continue
        if before is not None and not package.creation_time < _as_datetime(before):
            continue
        packages.append(package)
    if sort_by == "Name":
        packages.sort(key=lambda p: (p.model_package_name, p.model_package_version or 0), reverse=descending)
    else:
        packages.sort(key=lambda p: (p.creation_time, p.model_package_version or 0), reverse=descending)
    start = int(self._get_param("NextToken") or 0)
    page = packages[start : start + max_results]
    summaries = []
    for package in page:
        full = package.gen_response_object()
        summaries.append({k: full[k] for k in SUMMARY_KEYS if full.get(k) is not None})
    answer: dict[str, Any] = {"ModelPackageSummaryList": summaries}
    if start + max_results < len(packages):
        answer["NextToken"] = str(start + max_results)
    return ActionResult(answer)


def _delete_model_package(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    backend = self.sagemaker_backend
    name = self._get_param("ModelPackageName")
    package = find_package(backend, name)
    if package is None:
        raise validation_error(f"Model package {name} not found")
    del backend.model_packages[package.arn]
    for key in [k for k, v in backend.model_package_name_mapping.items() if v == package.arn]:
        del backend.model_package_name_mapping[key]
    if package.model_package_group_name:  # the group's name keeps pointing at its latest remaining version
        remaining = _group_versions(backend, package.model_package_group_name)
        if remaining:
            latest = max(remaining, key=lambda p: p.model_package_version or 0)
            backend.model_package_name_mapping[package.model_package_group_name] = latest.arn
    return EmptyResult()


def _delete_model_package_group(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    backend = self.sagemaker_backend
    name = self._get_param("ModelPackageGroupName")
    group = find_group(backend, name)
    if group is None:
        from moto.sagemaker.utils import arn_formatter

        arn = arn_formatter("model-package-group", _name(name), self.current_account, self.region)
        raise validation_error(f"ModelPackageGroup {arn} does not exist.")
    versions = _group_versions(backend, group.model_package_group_name)
    if versions:
        raise conflict_error(
            f"Model Package Group {group.model_package_group_name} cannot be deleted because it contains "
            f"{len(versions)} model package version(s). Delete them (DeleteModelPackage) first."
        )
    del backend.model_package_groups[group.model_package_group_name]
    return EmptyResult()


def _tags_of_packages(original: Any) -> Any:
    """``ListTags``/``AddTags``/``DeleteTags`` on a versioned package's ARN (``model-package/<group>/<n>``)."""

    def get_resource_from_arn(self: Any, arn: str) -> Any:
        if ":model-package/" in arn:
            package = find_package(self, arn)
            if package is None:
                raise validation_error(f"Could not find model-package with name {arn.split('/', 1)[-1]}")
            if package.tags is None:
                package.tags = []
            return package
        return original(self, arn)

    get_resource_from_arn.__wrapped__ = original
    return get_resource_from_arn


# ------------------------------------------------------------------------------------------ models from packages
def _resolve(backend: Any, container: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A container that names a model package, as the package's first inference container (the request's own
    environment added); with the package's tags."""
    name = container["ModelPackageName"]
    package = find_package(backend, name)
    if package is None:
        raise validation_error(f"Model package {name} does not exist.")
    if package.model_package_type == "Versioned" and package.model_approval_status != "Approved":
        raise validation_error(
            f"Model package {package.arn} has ModelApprovalStatus {package.model_approval_status}: only an Approved "
            "model package version can be deployed. Approve it first (UpdateModelPackage with "
            "ModelApprovalStatus=Approved)."
        )
    spec = ((package.inference_specification or {}).get("Containers") or [{}])[0]
    resolved = {**spec, **{k: v for k, v in container.items() if k not in ("ModelPackageName", "Environment")}}
    environment = {**(spec.get("Environment") or {}), **(container.get("Environment") or {})}
    if environment:
        resolved["Environment"] = environment
    return resolved, list(package.tags or []) + _producer_tags(backend, catalog_link.artifact_uri(resolved))


def _producer_tags(backend: Any, uri: str | None) -> list[dict[str, str]]:
    """The tags of the training job whose model artifacts are ``uri`` (they name the JumpStart model it tuned)."""
    if not uri:
        return []
    for job in list(backend.training_jobs.values()):
        artifacts = (getattr(job, "model_artifacts", None) or {}).get("S3ModelArtifacts")
        if artifacts and artifacts.rstrip("/") == uri.rstrip("/"):
            return list(job.tags or [])
    return []


def _create_model(original: Any) -> Any:
    def create_model(self: Any) -> Any:
        backend = self.sagemaker_backend
        primary = self._get_param("PrimaryContainer") or {}
        containers = [primary] + list(self._get_param("Containers") or [])
        served: tuple[dict[str, Any], list[dict[str, str]]] | None = None
        for container in containers:
            if container.get("ModelPackageName"):
                resolved = _resolve(backend, container)
                problem = catalog_link.eula_problem(resolved[0])
                if problem:
                    raise validation_error(problem)
                served = served or resolved
        response = original(self)
        model = backend._models.get(self._get_param("ModelName"))
        if served is not None and model is not None:
            _SERVING[model] = served
        return response

    create_model.__wrapped__ = original
    return create_model


def serving_container(model: Any) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The container that serves ``model`` (a model package's, when its container names one) and extra tags."""
    if model in _SERVING:
        return _SERVING[model]
    return model.primary_container or (model.containers[0] if model.containers else {}), []


@functools.cache
def apply() -> None:
    """Install the model registry into moto (once)."""
    from moto.sagemaker import models, responses

    cls = responses.SageMakerResponse
    wrap(cls, _create_model_package_group, _create_model)
    install(cls, _create_model_package, _update_model_package, _list_model_packages)
    install(cls, _delete_model_package, _delete_model_package_group)
    backend = models.SageMakerModelBackend
    backend._get_resource_from_arn = _tags_of_packages(backend._get_resource_from_arn)
