"""The organisation pages (issue 20): `/organisation` for district admins (organisations,
check-in points, an organisation's members with each read logged) and `/station-team` for a
station's staff (its 1+1+N roster and plan, editable). Like the other pages they render
strings and configuration only; the scripts ask /api/organisation with the account's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/organisation", response_class=HTMLResponse, summary="Organisations")
def organisation_page(request: Request) -> HTMLResponse:
    locale = locale_of(request)
    district = request.app.state.platform.district
    names = {s.code: s.display_name(locale) for s in district.subdistricts}
    return render_page(request, "organisation.html", "organisation", {"subdistricts": names})


@router.get("/station-team", response_class=HTMLResponse, summary="Station team and plan")
def station_team_page(request: Request) -> HTMLResponse:
    return render_page(request, "station_team.html", "station_team")


def install(app: FastAPI) -> None:
    app.include_router(router)
