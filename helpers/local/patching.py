"""What the modules that extend moto's SageMaker share: its errors, its clock, and installing API handlers.

moto is imported only when one of these is called, as in the modules that use them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any


# ------------------------------------------------------------------------------------------ errors
def validation_error(message: str) -> Exception:
    """SageMaker's ``ValidationException``."""
    from moto.sagemaker.exceptions import ValidationError

    return ValidationError(message=message)


def in_use_error(message: str) -> Exception:
    """SageMaker's ``ResourceInUse``."""
    from moto.sagemaker.exceptions import ResourceInUseException

    return ResourceInUseException(message)


def not_found_error(message: str) -> Exception:
    """SageMaker's ``ResourceNotFound``."""
    from moto.sagemaker.exceptions import ResourceNotFound

    return ResourceNotFound(message)


def conflict_error(message: str) -> Exception:
    """SageMaker's ``ConflictException``."""
    from moto.sagemaker.exceptions import ConflictException

    return ConflictException(message)


# ------------------------------------------------------------------------------------------ time
def utcnow() -> datetime:
    """Naive UTC, as moto keeps its resource times."""
    from moto.core.utils import utcnow as moto_utcnow

    return moto_utcnow()


# ------------------------------------------------------------------------------------------ installing handlers
def _action(function: Callable) -> str:
    """The method a handler stands for: its name less the leading underscore (``_list_workteams``)."""
    return function.__name__.removeprefix("_")


def install(target: type, *handlers: Callable) -> None:
    """Make each handler a method of ``target`` under its name less the leading underscore: ``_list_workteams``
    becomes ``target.list_workteams``."""
    for handler in handlers:
        setattr(target, _action(handler), handler)


def wrap(target: type, *factories: Callable[[Any], Any]) -> None:
    """Replace the method each factory is named after (less the leading underscore) with ``factory(method)``:
    ``_create_pipeline`` wraps ``target.create_pipeline``."""
    for factory in factories:
        setattr(target, _action(factory), factory(getattr(target, _action(factory))))


def check_first(target: type, *checks: Callable[[Any], Any]) -> None:
    """Put each check before the method it is named after (less the leading underscore): ``_create_pipeline(self)``
    runs first, and refuses a request by raising AWS's error; then ``target.create_pipeline`` answers it."""
    for check in checks:
        setattr(target, _action(check), _after(check, getattr(target, _action(check))))


def _after(check: Callable[[Any], Any], original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``original`` behind ``check``, keeping its name (and the original as ``__wrapped__``)."""

    def handler(self: Any) -> Any:
        check(self)
        return original(self)

    handler.__name__ = handler.__qualname__ = original.__name__
    handler.__wrapped__ = original
    return handler
