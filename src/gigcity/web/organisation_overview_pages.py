"""The district's organisation overview page `/organisation-overview` (issue 20), for its
social-work staff (admins): check-ins per point, theme-day attendance by month, concerns
raised and closed, volunteers' confirmed hours, with charts and the exports. Like the other
pages it renders strings and configuration only; the script asks
`/api/organisation/overview*` with the signed-in account's token."""

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


def overview_config(locale: str) -> dict[str, Any]:
    """The figures in the order shown, with their titles (as the exports name them)."""
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
