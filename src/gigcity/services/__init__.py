"""The district platform's domain logic on the database, one module (or package) per service."""

from typing import TYPE_CHECKING, Any

from gigcity.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceError,
)

if TYPE_CHECKING:
    from gigcity.services.platform import Platform


def __getattr__(name: str) -> Any:
    # The platform (every service, the database) is imported on first use: importing one
    # light part of services (errors, the principal) must not build the house.
    if name == "Platform":
        from gigcity.services.platform import Platform

        return Platform
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "Platform",
    "ServiceError",
]
