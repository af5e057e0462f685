"""A rider's organisation page (issue 20): their membership (register at a check-in point,
ask a transfer), the month's letter, the learning library and their book."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/my-organisation", response_class=HTMLResponse, summary="My organisation")
def my_organisation_page(request: Request) -> HTMLResponse:
    return render_page(request, "my_organisation.html", "my_organisation")


def install(app: FastAPI) -> None:
    app.include_router(router)
