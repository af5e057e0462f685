"""The district's organisation overview (issue 20): check-ins per point, theme-day
attendance by month, concerns opened and closed, volunteer hours, with charts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/organisation-overview", response_class=HTMLResponse, summary="Organisation overview")
def organisation_overview_page(request: Request) -> HTMLResponse:
    return render_page(request, "organisation_overview.html", "organisation_overview")


def install(app: FastAPI) -> None:
    app.include_router(router)
