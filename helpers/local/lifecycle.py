"""Endpoints take time, as on AWS: ``Creating`` → ``InService``, ``Updating`` → ``InService``, ``Deleting`` → gone.

Stock moto creates an endpoint ``InService`` at once and deletes it at once, so code that skips the waiters passes
locally and fails on AWS (e.g. asserting that an endpoint is gone right after ``DeleteEndpoint``: on AWS it is
still listed, ``Deleting``). With :func:`apply`, each of these states lasts ``WORKSHOP_LIFECYCLE_DELAY_S`` seconds
(default 1; ``0`` turns the delays off). An endpoint that is not ``InService`` cannot be invoked
(:func:`helpers.local.runtime.resolve_endpoint` refuses it, as SageMaker does).
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any


def delay_s() -> float:
    """Seconds an endpoint spends Creating, Updating or Deleting (``WORKSHOP_LIFECYCLE_DELAY_S``, default 1)."""
    return max(0.0, float(os.environ.get("WORKSHOP_LIFECYCLE_DELAY_S", "1")))


def _later(seconds: float, action: Any) -> None:
    if seconds <= 0:
        action()
        return
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()


def settle(endpoint: Any, status: str) -> None:
    """Put ``endpoint`` in the transitional ``status``, then ``InService`` after the delay (unless it changed)."""
    endpoint.endpoint_status = status

    def done() -> None:
        if endpoint.endpoint_status == status:
            endpoint.endpoint_status = "InService"

    _later(delay_s(), done)


def _creating(original: Any) -> Any:
    def create_endpoint(self: Any, endpoint_name: str, endpoint_config_name: str, tags: Any) -> Any:
        endpoint = original(self, endpoint_name, endpoint_config_name, tags)
        settle(endpoint, "Creating")
        return endpoint

    create_endpoint.__wrapped__ = original
    return create_endpoint


def _deleting(original: Any) -> Any:
    def delete_endpoint(self: Any, endpoint_name: str) -> None:
        endpoint = self.endpoints.get(endpoint_name)
        if endpoint is None:
            return original(self, endpoint_name)  # moto's own error for an unknown endpoint
        if endpoint.endpoint_status == "Deleting":
            return None  # already on its way out
        endpoint.endpoint_status = "Deleting"

        def gone() -> None:
            if self.endpoints.get(endpoint_name) is endpoint:
                del self.endpoints[endpoint_name]

        _later(delay_s(), gone)

    delete_endpoint.__wrapped__ = original
    return delete_endpoint


@functools.cache
def apply() -> None:
    """Install the lifecycle into moto's SageMaker backend (once)."""
    from moto.sagemaker import models

    backend = models.SageMakerModelBackend
    backend.create_endpoint = _creating(backend.create_endpoint)
    backend.delete_endpoint = _deleting(backend.delete_endpoint)
