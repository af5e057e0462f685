"""The district overview over HTTP: every service's figures per month and sub-district
(JSON), its map layer (GeoJSON) and its exports (CSV, XLSX). Grid officers and district
admins only; the service scopes every answer by the caller (an officer: their own
sub-district, asking for another is a 403)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from gigcity.api.governance_params import Staff, Subdistrict
from gigcity.api.headers import attachment
from gigcity.api.openapi import media_response
from gigcity.http.deps import PlatformDep
from gigcity.http.locale import locale_of
from gigcity.services.governance.dashboard import OverviewFile
from gigcity.services.governance.dashboard_files import XLSX_MEDIA
from gigcity.services.governance.dashboard_schemas import Overview

router = APIRouter(prefix="/api/governance", tags=["governance"])

Since = Annotated[
    date | None,
    Query(description="First local day (default: the first day of the month 11 months ago)."),
]
Until = Annotated[
    date | None,
    Query(description="Last local day, included (default: today); at most 366 days in all."),
]
GEOJSON_MEDIA = "application/geo+json"


@router.get("/overview", response_model=Overview, summary="The district at a glance")
def overview(
    platform: PlatformDep,
    caller: Staff,
    since: Since = None,
    until: Until = None,
    subdistrict: Subdistrict = None,
) -> Overview:
    """Per local month and in total, per sub-district the caller may see: delivery-related
    complaints by topic, hazard reports filed and resolved, survey answers, consultations
    and their agreed items overdue, measures started and their cost, relay items delivered,
    meals for the elderly delivered, bed-nights booked, volunteer tasks done; and the
    friendly map's service points by kind. `sources` names the service of each figure."""
    return platform.governance.district_overview(caller, since, until, subdistrict)


@router.get(
    "/overview.geojson",
    summary="The district at a glance: map layer",
    response_class=JSONResponse,
    responses=media_response(GEOJSON_MEDIA, "RFC 7946 FeatureCollection", {"type": "object"}),
)
def overview_geojson(
    platform: PlatformDep,
    caller: Staff,
    since: Since = None,
    until: Until = None,
    subdistrict: Subdistrict = None,
) -> JSONResponse:
    """Each sub-district the caller may see as its cell (WGS-84), with its window's totals
    and its point (`point`: [lon, lat])."""
    layer: dict[str, Any] = platform.governance.overview_geojson(caller, since, until, subdistrict)
    return JSONResponse(layer, media_type=GEOJSON_MEDIA)


def _send(file: OverviewFile) -> Response:
    return Response(
        file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": attachment(file.filename)},
    )


@router.get(
    "/overview.csv",
    summary="The district at a glance as CSV",
    response_class=Response,
    responses=media_response("text/csv", "One row per month, sub-district and figure (BOM)"),
)
def overview_csv(
    platform: PlatformDep,
    caller: Staff,
    request: Request,
    since: Since = None,
    until: Until = None,
    subdistrict: Subdistrict = None,
) -> Response:
    """The overview's figures, long-form: month (or `total`), sub-district (`*`: the
    district), service, figure and value, with names in the reader's language."""
    return _send(
        platform.governance.overview_file(
            caller, "csv", since, until, subdistrict, locale=locale_of(request)
        )
    )


@router.get(
    "/overview.xlsx",
    summary="The district at a glance as XLSX",
    response_class=Response,
    responses=media_response(XLSX_MEDIA, "The figures' sheet and a sheet of their sources"),
)
def overview_xlsx(
    platform: PlatformDep,
    caller: Staff,
    request: Request,
    since: Since = None,
    until: Until = None,
    subdistrict: Subdistrict = None,
) -> Response:
    """The same rows as the CSV, numbers as numbers, and a sheet naming each figure's
    service."""
    return _send(
        platform.governance.overview_file(
            caller, "xlsx", since, until, subdistrict, locale=locale_of(request)
        )
    )


__all__ = ["router"]
