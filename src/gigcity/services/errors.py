"""Domain errors raised by services; the API turns them into RFC 9457 problems.

Messages are English msgids marked for translation with `{named}` parameters, so the
reader gets them in their own language.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic_core import PydanticCustomError


class ServiceError(Exception):
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    type_slug: ClassVar[str] = "bad-request"
    # Seconds after which trying again may succeed (sent as Retry-After), if that is known.
    retry_after_s: int | None = None

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.field = field
        self.params = params


class InvalidInput(ServiceError):
    status = 422
    title = "Invalid input"
    type_slug = "invalid-input"


class NotFound(ServiceError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class NotAuthenticated(ServiceError):
    status = 401
    title = "Not signed in"
    type_slug = "not-authenticated"


class Forbidden(ServiceError):
    status = 403
    title = "Not allowed"
    type_slug = "forbidden"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class TooBusy(ServiceError):
    """429: the caller (or everyone) has as much waiting as is allowed; try again later."""

    status = 429
    title = "Too many requests"
    type_slug = "too-busy"

    def __init__(self, message: str, *, retry_after_s: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after_s = retry_after_s


def refusal(message: str, **params: object) -> PydanticCustomError:
    """A validator's error as a msgid with parameters, for models' own checks: the API
    answers it in the reader's language (`api.validation_messages`), where a plain
    ValueError gets only a generic "not valid"."""
    return PydanticCustomError(
        REFUSAL, message.format(**params), {"message": message, "params": params}
    )


REFUSAL = "gigcity_refusal"
