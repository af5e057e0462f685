"""The beds pages: a rider's or driver's `/stays` (free beds near me, booking, my bookings
with the check-in code, the waiting list) and the desk of a home `/stays/desk` (check-in by
code, the night's bookings, check-out). Like the other pages they render strings and
configuration only; the scripts ask the stays API with the signed-in account's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/stays", response_class=HTMLResponse, summary="Beds and rest")
def stays_page(request: Request) -> HTMLResponse:
    return render_page(request, "stays.html", "stays")


@router.get("/stays/desk", response_class=HTMLResponse, summary="Beds: the desk")
def desk_page(request: Request) -> HTMLResponse:
    return render_page(request, "stays_desk.html", "stays_desk")


def install(app: FastAPI) -> None:
    app.include_router(router)
