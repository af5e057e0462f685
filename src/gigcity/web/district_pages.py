"""The district overview page `/district` (issue 18): headline numbers of every service, a
monthly chart per figure, the sub-districts on a map and the exports, for grid officers
(their own sub-district) and district admins (any, or the whole district). Like the other
pages it renders strings and configuration only; the script asks
`/api/governance/overview*` with the signed-in account's token, and the API scopes every
answer by who asks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import gettext
from gigcity.services.governance.dashboard_schemas import (
    FIGURE_TITLES,
    SOURCE_TITLES,
    SOURCES,
    Figure,
)
from gigcity.services.governance.topics import TOPIC_TITLES
from gigcity.services.platform import Platform
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


def district_config(request: Request, locale: str) -> dict[str, Any]:
    """Sub-district names and the figures' and topics' titles (from the API's catalog, as
    its exports name them), for the page's script."""
    platform: Platform = request.app.state.platform
    return {
        # The figures in the order shown (the JSON block's keys are sorted by name).
        "order": [f.value for f in Figure],
        "subdistricts": platform.district.subdistrict_names(locale),
        "figures": {
            f.value: {
                "title": gettext(locale, title),
                "service": gettext(locale, SOURCE_TITLES[SOURCES[f]]),
            }
            for f, title in FIGURE_TITLES.items()
        },
        "topics": {t.value: gettext(locale, title) for t, title in TOPIC_TITLES.items()},
    }


@router.get("/district", response_class=HTMLResponse, summary="The district at a glance")
def district_page(request: Request) -> HTMLResponse:
    locale = locale_of(request)
    district = request.app.state.platform.district
    extra = {
        "district_config": district_config(request, locale),
        "district_name": district.display_name(locale),
    }
    return render_page(request, "district.html", "district", extra)


def install(app: FastAPI) -> None:
    app.include_router(router)
