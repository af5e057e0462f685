"""A rider's organisation page (issue 20): their membership (register at a check-in point,
ask a transfer), the month's letters, the learning library and their book. It renders
strings and the sub-districts' names only; my-organisation.js asks /api/organisation with
the rider's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/my-organisation", response_class=HTMLResponse, summary="My organisation")
def my_organisation_page(request: Request) -> HTMLResponse:
    locale = locale_of(request)
    district = request.app.state.platform.district
    names = {s.code: s.display_name(locale) for s in district.subdistricts}
    return render_page(request, "my_organisation.html", "my_organisation", {"subdistricts": names})


def install(app: FastAPI) -> None:
    app.include_router(router)
