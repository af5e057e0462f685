"""What the governance routers share: the staff they admit (grid officers and district
admins, scoped by the service), the sub-district asked for, and a CSV answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response

from gigcity.http.deps import Allow
from gigcity.services.accounts import Principal, Role

Staff = Annotated[
    Principal,
    Depends(
        Allow(
            Role.officer,
            Role.admin,
            note="grid officers their own sub-district only (asking for another: 403)",
        )
    ),
]
Subdistrict = Annotated[
    str | None,
    Query(max_length=64, description="Admins: any (default: all). Officers: their own."),
]


def csv_answer(filename: str, text: str) -> Response:
    """A CSV download with a BOM, so that spreadsheets read the Chinese as UTF-8."""
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
