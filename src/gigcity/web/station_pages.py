"""The truck-driver stations' pages: a truck driver's `/stations` (the stations nearest
first with their services, hours and queues, my QR code for the desk, parking nearby and
the legal-aid window) and a station's desk `/stations/desk` (visits, queues, parking
offers, the legal-aid roster). Like the other pages they render strings and configuration
only; the scripts ask the stations API with the signed-in account's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/stations", response_class=HTMLResponse, summary="Truck-driver stations")
def stations_page(request: Request) -> HTMLResponse:
    return render_page(request, "station.html", "stations")


@router.get("/stations/desk", response_class=HTMLResponse, summary="Truck-driver station: desk")
def desk_page(request: Request) -> HTMLResponse:
    return render_page(request, "station_desk.html", "stations_desk")


def install(app: FastAPI) -> None:
    app.include_router(router)
