"""The theme-day check-in page (issue 20): a rider checks in at the station by its QR code or
online when on shift, and sees make-up sessions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/theme-day", response_class=HTMLResponse, summary="Theme day check-in")
def theme_day_page(request: Request) -> HTMLResponse:
    return render_page(request, "theme_day.html", "theme_day")


def install(app: FastAPI) -> None:
    app.include_router(router)
