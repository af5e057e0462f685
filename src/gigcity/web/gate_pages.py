"""The rider's gate pass page (`/pass`): pick an estate, show the rotating QR code and the
6-digit code, refreshed before each expires. Station staff's certification page
(`/certify`): vouch for riders, list and revoke. Like the other pages it renders strings and
configuration only; the script asks the gates API with the rider's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/pass", response_class=HTMLResponse, summary="My gate pass")
def pass_page(request: Request) -> HTMLResponse:
    return render_page(request, "gate_pass.html", "pass")


@router.get("/certify", response_class=HTMLResponse, summary="Certify riders for gate passes")
def certify_page(request: Request) -> HTMLResponse:
    return render_page(request, "gate_certify.html", "certify")


def install(app: FastAPI) -> None:
    app.include_router(router)
