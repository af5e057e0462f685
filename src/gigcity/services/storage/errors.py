"""What goes wrong with a store: it cannot be reached (503 to the caller), or its settings are
wrong (the platform does not start)."""

from __future__ import annotations

import logging
from typing import ClassVar

from gigcity.i18n import N_
from gigcity.services.errors import ServiceError

log = logging.getLogger("gigcity.storage")


class StorageUnavailable(ServiceError):
    """503: the file store did not answer or refused; the request may succeed later. The
    cause is logged for the operator; the caller is not told the store's internals."""

    status: ClassVar[int] = 503
    title: ClassVar[str] = N_("Storage unavailable")
    type_slug: ClassVar[str] = "storage-unavailable"

    def __init__(self) -> None:
        super().__init__(N_("Files cannot be stored or read right now; please try again later."))


def unavailable(action: str, key: str, cause: BaseException) -> StorageUnavailable:
    """StorageUnavailable for a failed `action` on `key`, the cause logged."""
    log.warning("storage %s of %s failed: %s: %s", action, key, type(cause).__name__, cause)
    return StorageUnavailable()


class StorageConfigError(ValueError):
    """The storage settings cannot work; the message names the setting and what is wrong."""
