"""Theme days over HTTP (issue 20): the month's theme day at every station (public, never
the check-in code), a rider's check-in by the station's QR code or online when on shift,
make-up sessions and attendance for the station's own staff and admins.

A check-in is one short transaction: the session by its unique code, the attendance
inserted unless the rider has the month's (then that one is answered, 200, `already`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gigcity.api.openapi import media_response
from gigcity.http.deps import Allow, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.organisation.theme_schemas import (
    AttendanceListOut,
    AttendanceOut,
    CodeIn,
    MakeupIn,
    StationMonthOut,
    StationThemeDayOut,
    ThemeDayOut,
)

router = APIRouter(prefix="/api/organisation", tags=["organisation"])

Rider = Annotated[Principal, Depends(Allow(Role.rider, note="checks themselves in"))]
Keeper = Annotated[
    Principal, Depends(Allow(Role.staff, Role.admin, note="the station's own staff"))
]
MonthQuery = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM; this month by default"),
]


def _base(request: Request) -> str:
    return str(request.base_url)


@router.get(
    "/theme-days", response_model=list[ThemeDayOut], summary="A month's theme days (public)"
)
def theme_days(
    platform: PlatformDep,
    caller: PublicCaller,
    month: MonthQuery = None,
    station: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[ThemeDayOut]:
    """The month's theme day at every station (generated when first asked for) and its
    make-up sessions: station, day, the day it moved from, the check-in window. No codes."""
    return platform.theme_days.month(month, station)


@router.get("/theme-days/mine", response_model=list[AttendanceOut], summary="Your attendance")
def my_attendance(platform: PlatformDep, caller: Rider) -> list[AttendanceOut]:
    return platform.theme_days.mine(caller)


@router.post(
    "/theme-days/checkin",
    status_code=201,
    response_model=AttendanceOut,
    summary="Check in by the station's QR code (again: the month's attendance, 200)",
    responses={200: {"description": "Checked in before this month: that attendance"}},
)
def check_in(
    platform: PlatformDep, caller: Rider, body: CodeIn, response: Response
) -> AttendanceOut:
    out = platform.theme_days.check_in(caller, body.code)
    if out.already:
        response.status_code = 200
    return out


@router.post(
    "/theme-days/{theme_day_id}/online",
    status_code=201,
    response_model=AttendanceOut,
    summary="Check in online while on shift (again: the month's attendance, 200)",
    responses={200: {"description": "Checked in before this month: that attendance"}},
)
def check_in_online(
    platform: PlatformDep, caller: Rider, theme_day_id: RowId, response: Response
) -> AttendanceOut:
    out = platform.theme_days.check_in_online(caller, theme_day_id)
    if out.already:
        response.status_code = 200
    return out


@router.get(
    "/theme-days/stations/{station_id}",
    response_model=StationMonthOut,
    summary="A station's sessions of a month, with codes (its staff)",
)
def station_month(
    request: Request, platform: PlatformDep, caller: Keeper, station_id: RowId,
    month: MonthQuery = None,
) -> StationMonthOut:  # fmt: skip
    return platform.theme_days.station_month(caller, station_id, month, _base(request))


@router.post(
    "/theme-days/{theme_day_id}/makeups",
    status_code=201,
    response_model=StationThemeDayOut,
    summary="Add a make-up session (within the 14 days after the theme day)",
)
def add_makeup(
    request: Request, platform: PlatformDep, caller: Keeper, theme_day_id: RowId, body: MakeupIn
) -> StationThemeDayOut:
    return platform.theme_days.add_makeup(caller, theme_day_id, body, _base(request))


@router.get(
    "/theme-days/{theme_day_id}/attendance",
    response_model=AttendanceListOut,
    summary="Who checked in (display names; the station's staff)",
)
def attendance(platform: PlatformDep, caller: Keeper, theme_day_id: RowId) -> AttendanceListOut:
    return platform.theme_days.attendance(caller, theme_day_id)


@router.get(
    "/theme-days/{theme_day_id}/poster",
    summary="The check-in poster with its QR code (SVG, A4, to print)",
    response_class=Response,
    responses=media_response("image/svg+xml", "The poster"),
)
def poster(
    request: Request, platform: PlatformDep, caller: Keeper, theme_day_id: RowId
) -> Response:
    svg = platform.theme_days.poster(caller, theme_day_id, _base(request), locale_of(request))
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="theme-day-{theme_day_id}.svg"'},
    )
