"""The organisation pages (issue 20): `/organisation` for district admins (organisations,
check-in points, an organisation's members with each read logged, the three ones),
`/station-team` for a station's staff (its 1+1+N roster and plan, this month's theme day),
`/my-organisation` and `/theme-day` for riders (membership, the three ones, theme-day
check-in), `/concerns` (周二见: concerns raised with platforms) and `/organisation-overview`
for the district's social-work staff. Like the other pages they render strings and
configuration only; the scripts ask /api/organisation with the account's token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import gettext
from gigcity.services.organisation.overview_schemas import MONTH_FIGURES
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


def _with_subdistricts(request: Request) -> dict[str, Any]:
    district = request.app.state.platform.district
    return {"subdistricts": district.subdistrict_names(locale_of(request))}


@router.get("/organisation", response_class=HTMLResponse, summary="Organisations")
def organisation_page(request: Request) -> HTMLResponse:
    return render_page(request, "organisation.html", "organisation", _with_subdistricts(request))


@router.get("/station-team", response_class=HTMLResponse, summary="Station team and plan")
def station_team_page(request: Request) -> HTMLResponse:
    return render_page(request, "station_team.html", "station_team")


@router.get("/my-organisation", response_class=HTMLResponse, summary="My organisation")
def my_organisation_page(request: Request) -> HTMLResponse:
    extra = _with_subdistricts(request)
    return render_page(request, "my_organisation.html", "my_organisation", extra)


@router.get("/theme-day", response_class=HTMLResponse, summary="Theme day check-in")
def theme_day_page(request: Request) -> HTMLResponse:
    return render_page(request, "theme_day.html", "theme_day")


@router.get("/concerns", response_class=HTMLResponse, summary="Concerns raised with platforms")
def concerns_page(request: Request) -> HTMLResponse:
    return render_page(request, "concerns.html", "concerns")


def overview_config(locale: str) -> dict[str, Any]:
    """The overview's figures in the order shown, with their titles (as the exports name
    them)."""
    return {
        "order": list(MONTH_FIGURES),
        "figures": {name: gettext(locale, title) for name, title in MONTH_FIGURES.items()},
    }


@router.get("/organisation-overview", response_class=HTMLResponse, summary="Organisation overview")
def organisation_overview_page(request: Request) -> HTMLResponse:
    extra = {"overview_config": overview_config(locale_of(request))}
    return render_page(request, "organisation_overview.html", "organisation_overview", extra)


def install(app: FastAPI) -> None:
    app.include_router(router)
