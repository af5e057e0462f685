"""Meals for the elderly over HTTP: the monthly statement per funder, and the exports of
statements and meals (CSV with a BOM for spreadsheets, or XLSX)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from gigcity.api.headers import attachment
from gigcity.api.openapi import media_response
from gigcity.http.deps import Allow, PlatformDep
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.statement_schemas import ExportFormat, StatementOut
from gigcity.services.eldercare.statements import XLSX_MEDIA, Export, parse_month

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])

# Statements and exports carry no names or health, but they are the district's accounts:
# staff only, and grid officers only their own sub-district's older people.
Staff = Annotated[
    Principal,
    Depends(
        Allow(
            Role.officer,
            Role.committee,
            Role.admin,
            note="grid officers and neighbourhood-committee staff their own sub-district's "
            "older people only (asking for another: 403)",
        )
    ),
]
Month = Annotated[
    str,
    Path(max_length=16, description="The month as YYYY-MM, e.g. 2026-03.", examples=["2026-03"]),
]
CanteenId = Annotated[
    int | None, Query(ge=1, le=2_147_483_647, description="Only this canteen's meals.")
]
Subdistrict = Annotated[
    str | None,
    Query(max_length=64, description="The older people's sub-district. Admins: any "
          "(default: all). Officers: their own."),
]  # fmt: skip
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or with format=csv|xlsx a file (CSV: UTF-8 with a BOM)",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _send(export: Export) -> StreamingResponse:
    return StreamingResponse(
        export.chunks,
        media_type=export.media_type,
        headers={"Content-Disposition": attachment(export.filename)},
    )


def _statement_file(
    platform: PlatformDep,
    caller: Principal,
    request: Request,
    month: str,
    kind: ExportFormat,
    canteen_id: int | None,
    subdistrict: str | None,
) -> StreamingResponse:
    export = platform.eldercare.statement_export(
        caller,
        parse_month(month),
        kind,
        canteen_id=canteen_id,
        subdistrict=subdistrict,
        locale=locale_of(request),
    )
    return _send(export)


@router.get(
    "/statements/{month}.csv",
    summary="A month's statement as CSV",
    response_class=StreamingResponse,
    responses=media_response("text/csv", "The statement (UTF-8 with a BOM)"),
)
def statement_csv(
    platform: PlatformDep,
    caller: Staff,
    request: Request,
    month: Month,
    canteen_id: CanteenId = None,
    subdistrict: Subdistrict = None,
) -> StreamingResponse:
    """The statement as rows: per funder, per subsidy category, per meal state, totals."""
    return _statement_file(
        platform, caller, request, month, ExportFormat.csv, canteen_id, subdistrict
    )


@router.get(
    "/statements/{month}.xlsx",
    summary="A month's statement as XLSX",
    response_class=StreamingResponse,
    responses=media_response(XLSX_MEDIA, "The statement as a spreadsheet"),
)
def statement_xlsx(
    platform: PlatformDep,
    caller: Staff,
    request: Request,
    month: Month,
    canteen_id: CanteenId = None,
    subdistrict: Subdistrict = None,
) -> StreamingResponse:
    """The statement as a spreadsheet: per funder, per subsidy category, per meal state,
    totals."""
    return _statement_file(
        platform, caller, request, month, ExportFormat.xlsx, canteen_id, subdistrict
    )


@router.get(
    "/statements/{month}",
    response_model=StatementOut,
    summary="A month's statement per funder",
    responses=FILE_RESPONSES,
)
def statement(
    platform: PlatformDep,
    caller: Staff,
    request: Request,
    month: Month,
    canteen_id: CanteenId = None,
    subdistrict: Subdistrict = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> StatementOut | Response:
    """What each funder owes for the month's delivered meals (from the funders' ledger), the
    month's meals by state (cancelled and undelivered ones are kept, charged nothing), the
    subsidy by category, and whether the ledger reconciles with the delivered meals' splits
    (if not, the first differing meals). `format=csv|xlsx` answers the statement as a file."""
    if format != "json":
        kind = ExportFormat(format)
        return _statement_file(platform, caller, request, month, kind, canteen_id, subdistrict)
    return platform.eldercare.statement(caller, parse_month(month), canteen_id, subdistrict)


@router.get(
    "/meals/export",
    summary="Meals as CSV or XLSX",
    response_class=StreamingResponse,
    responses=FILE_RESPONSES,
)
def meals_export(
    platform: PlatformDep,
    caller: Staff,
    first: Annotated[date, Query(description="First day, included.")],
    last: Annotated[date, Query(description="Last day, included (at most 366 days).")],
    format: Annotated[ExportFormat, Query(description="csv or xlsx")] = ExportFormat.csv,
    canteen_id: CanteenId = None,
    subdistrict: Subdistrict = None,
) -> StreamingResponse:
    """One row per meal: its day, canteen, the older person's id (no names, doors or
    health), sub-district, subsidy category, state, price and each funder's part in yuan
    and fen, the rider's id, whether the primary rider brought it, when, and the door
    check."""
    export = platform.eldercare.meals_export(
        caller, first, last, format, canteen_id=canteen_id, subdistrict=subdistrict
    )
    return _send(export)


__all__ = ["router"]
