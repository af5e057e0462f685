"""Reading an uploaded file with a size cap: one byte over the cap is enough to refuse it,
naming the field and the cap, without reading the rest into memory."""

from __future__ import annotations

from fastapi import UploadFile

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

SPLIT_IT = N_("The file is larger than {max} MB; split it into several.")


async def read_upload(file: UploadFile, max_bytes: int, *, message: str = SPLIT_IT) -> bytes:
    raw = await file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise InvalidInput(message, field="file", max=max_bytes // 2**20)
    return raw
