"""The district dashboard over HTTP: summary, heatmap and CSV exports of reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from gigcity.api.openapi import media_response
from gigcity.http.deps import Allow, PlatformDep
from gigcity.services.accounts import Principal, Role
from gigcity.services.reports import Category, DashboardSummary, Heatmap, Window

router = APIRouter(prefix="/api/dashboard", tags=["dashboard"])

# Nothing here is public: exports carry descriptions and addresses. The service scopes each
# answer by the caller (officers: their sub-district, no held reports).
Staff = Annotated[
    Principal,
    Depends(
        Allow(
            Role.officer,
            Role.admin,
            note="grid officers their own sub-district only (asking for another: 403), "
            "held reports for admins only",
        )
    ),
]
Since = Annotated[
    date | None, Query(description="First local day (default: 29 days before `until`).")
]
Until = Annotated[date | None, Query(description="Last local day, included (default: today).")]
Subdistrict = Annotated[
    str | None,
    Query(max_length=64, description="Admins: any (default: all). Officers: their own."),
]


def _window(
    platform: PlatformDep,
    since: Since = None,
    until: Until = None,
    subdistrict: Subdistrict = None,
    category: Category | None = None,
) -> Window:
    return platform.reports.dashboard.window(since, until, subdistrict, category)


WindowDep = Annotated[Window, Depends(_window)]


@router.get("/reports", response_model=DashboardSummary, summary="Reports at a glance")
def summary(
    platform: PlatformDep,
    caller: Staff,
    window: WindowDep,
    bucket: Literal["day", "week", "month"] = "day",
) -> DashboardSummary:
    """Reports filed in the window by status, category and sub-district, per day, week or
    month; the median (and 90th percentile) time to resolution of the reports resolved in
    it and the share resolved within their SLA; and the reports overdue now."""
    return platform.reports.dashboard.summary(caller, window, bucket)


@router.get("/heatmap", response_model=Heatmap, summary="Where reports come from")
def heatmap(platform: PlatformDep, caller: Staff, window: WindowDep) -> Heatmap:
    """Reports filed in the window per grid cell: `[lon, lat, count]` of each cell's centre."""
    return platform.reports.dashboard.heatmap(caller, window)


@router.get(
    "/reports.csv",
    summary="Reports as CSV",
    response_class=StreamingResponse,
    responses=media_response("text/csv", "One row per report (UTF-8 with BOM)"),
)
def reports_csv(platform: PlatformDep, caller: Staff, window: WindowDep) -> StreamingResponse:
    """One row per report filed in the window (UTF-8 with BOM for spreadsheets; no reporter
    identities)."""
    rows = platform.reports.dashboard.reports_csv(caller, window)

    def body() -> Iterator[str]:
        yield "\ufeff"
        yield from rows

    name = f"reports-{window.since.isoformat()}-{window.until.isoformat()}.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/counts.csv",
    summary="Daily counts as CSV",
    response_class=Response,
    responses=media_response("text/csv", "One row per day, sub-district, category, status"),
)
def counts_csv(platform: PlatformDep, caller: Staff, window: WindowDep) -> Response:
    """Reports filed per day, sub-district, category and current status."""
    text = platform.reports.dashboard.counts_csv(caller, window)
    name = f"report-counts-{window.since.isoformat()}-{window.until.isoformat()}.csv"
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


__all__ = ["router"]
