"""The district's organisation overview over HTTP (issue 20): check-ins per point, theme-day
attendance by month, concerns raised and closed, volunteers' confirmed hours (JSON), and the
same figures as CSV or XLSX. District admins (its social-work staff) only; counts, never a
member's name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gigcity.api.headers import attachment
from gigcity.api.openapi import media_response
from gigcity.http.deps import Allow, PlatformDep
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.governance.dashboard import OverviewFile
from gigcity.services.governance.dashboard_files import XLSX_MEDIA
from gigcity.services.organisation.overview_schemas import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    OrganisationOverviewOut,
)

router = APIRouter(prefix="/api/organisation", tags=["organisation"])

Admin = Annotated[Principal, Depends(Allow(Role.admin, note="the district's social-work staff"))]
Months = Annotated[
    int,
    Query(ge=1, le=MAX_MONTHS, description="Local months to the current one, included."),
]


@router.get(
    "/overview",
    response_model=OrganisationOverviewOut,
    summary="The district's organisation work at a glance",
)
def overview(
    platform: PlatformDep, caller: Admin, request: Request, months: Months = DEFAULT_MONTHS
) -> OrganisationOverviewOut:
    """Per local month: members checked in, theme-day attendance at stations and online,
    concerns raised and closed, volunteers' confirmed minutes; each check-in point's
    members; each volunteer team's confirmed minutes; and the window's totals."""
    return platform.organisation_overview.overview(caller, months, locale_of(request))


def _send(file: OverviewFile) -> Response:
    return Response(
        file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": attachment(file.filename)},
    )


@router.get(
    "/overview.csv",
    summary="The organisation overview as CSV",
    response_class=Response,
    responses=media_response("text/csv", "One row per section, month and figure (BOM)"),
)
def overview_csv(
    platform: PlatformDep, caller: Admin, request: Request, months: Months = DEFAULT_MONTHS
) -> Response:
    """The overview's figures, long-form: section (`month`, `total`, `point`, `team`),
    month, key, name, figure and value, names in the reader's language."""
    service = platform.organisation_overview
    return _send(service.overview_file(caller, "csv", months, locale_of(request)))


@router.get(
    "/overview.xlsx",
    summary="The organisation overview as XLSX",
    response_class=Response,
    responses=media_response(XLSX_MEDIA, "The same rows as the CSV, numbers as numbers"),
)
def overview_xlsx(
    platform: PlatformDep, caller: Admin, request: Request, months: Months = DEFAULT_MONTHS
) -> Response:
    service = platform.organisation_overview
    return _send(service.overview_file(caller, "xlsx", months, locale_of(request)))


__all__ = ["router"]
