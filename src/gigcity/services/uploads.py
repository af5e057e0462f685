"""What every uploaded file must be before a service keeps it: named, not empty, and under
the service's size cap (each service then checks its own formats)."""

from __future__ import annotations

from pathlib import PurePath

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

NAME_LENGTH = 200


def upload_name(filename: str | None, data: bytes, max_bytes: int) -> str:
    """The file's own name (no folders, at most 200 characters), or a refusal naming `file`."""
    name = PurePath(filename or "").name[:NAME_LENGTH]
    if not name:
        raise InvalidInput(N_("The file needs a name."), field="file")
    if not data:
        raise InvalidInput(N_("The file is empty."), field="file")
    if len(data) > max_bytes:
        raise InvalidInput(
            N_("The file is larger than {max} MB; split it into several."),
            field="file",
            max=max_bytes // 2**20,
        )
    return name
