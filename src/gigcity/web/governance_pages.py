"""The governance hub `/governance` (issue 18, governance by people's voice and data) for
grid officers and district admins: the 12345 hotline complaints (import, list, place by
hand), the topic rules, the hotspots and the measures with their evaluated effect. Like
the other pages it renders strings and configuration only; the scripts ask
/api/governance with the signed-in account's token, which keeps officers to their own
sub-district."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import gettext
from gigcity.services.governance.measures import MEASURE_TITLES
from gigcity.services.governance.topics import TOPIC_TITLES
from gigcity.services.platform import Platform
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


def governance_config(request: Request, locale: str) -> dict[str, Any]:
    """The labels the scripts show for codes: sub-districts, topics and measure kinds."""
    platform: Platform = request.app.state.platform
    return {
        "subdistricts": platform.district.subdistrict_names(locale),
        "topics": {t.value: gettext(locale, title) for t, title in TOPIC_TITLES.items()},
        "kinds": {k.value: gettext(locale, title) for k, title in MEASURE_TITLES.items()},
    }


@router.get("/governance", response_class=HTMLResponse, summary="Governance: complaints, measures")
def governance_page(request: Request) -> HTMLResponse:
    config = governance_config(request, locale_of(request))
    return render_page(request, "governance.html", "governance", {"gov_config": config})


def install(app: FastAPI) -> None:
    app.include_router(router)
