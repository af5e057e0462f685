"""The family-doctor pages: a rider's or driver's `/doctors` (the centres with free places,
signing up with a doctor or leaving, a check-up in a band that fits their shifts, consent
to health readings, their readings and who read them) and a doctor's desk `/doctors/desk`
(their list, appointments, slots, patients' readings, recording a reading). Like the other
pages they render strings and configuration only; the scripts ask the doctors API with the
signed-in account's token, and the API decides who is a doctor."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/doctors", response_class=HTMLResponse, summary="My family doctor")
def doctors_page(request: Request) -> HTMLResponse:
    return render_page(request, "doctors.html", "doctors")


@router.get("/doctors/desk", response_class=HTMLResponse, summary="Family doctor's desk")
def desk_page(request: Request) -> HTMLResponse:
    return render_page(request, "doctors_desk.html", "doctors_desk")


def install(app: FastAPI) -> None:
    app.include_router(router)
