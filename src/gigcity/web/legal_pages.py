"""The volunteer lawyers' page `/legal` (issue 17, the truck-driver stations' legal aid):
a lawyer's slots to come at every station, with the booked topic and the driver's name, and
each booked slot's case notes to read and add to. Like the other pages it renders strings
and configuration only; the script asks the stations API with the signed-in account's
token, which answers the notes to the slot's lawyer and driver alone."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/legal", response_class=HTMLResponse, summary="Legal aid: my slots and cases")
def legal_page(request: Request) -> HTMLResponse:
    return render_page(request, "legal.html", "legal")


def install(app: FastAPI) -> None:
    app.include_router(router)
