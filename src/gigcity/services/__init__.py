"""The district platform's domain logic on the database, one module (or package) per service."""

from gigcity.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceError,
)
from gigcity.services.platform import Platform

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "Platform",
    "ServiceError",
]
