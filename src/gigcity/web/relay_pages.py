"""Relay delivery pages: the community courier's page (`/relay`, their home: the point's
queue, claim, deliver with the recipient's code, absent and back to the point, today's
earnings) and property staff's consents page (`/relay/consents`). Like the other pages
they render strings and configuration only; the scripts ask the relay API for the rest."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/relay", response_class=HTMLResponse, summary="Relay delivery: the point's queue")
def relay_page(request: Request) -> HTMLResponse:
    """The courier's phone page; property staff and admins see the same queue (`?estate=`)."""
    return render_page(request, "relay.html", "relay")


@router.get("/relay/consents", response_class=HTMLResponse, summary="Residents' relay consents")
def consents_page(request: Request) -> HTMLResponse:
    """Property staff record and revoke residents' consents per address."""
    return render_page(request, "relay_consents.html", "relay_consents")


def install(app: FastAPI) -> None:
    app.include_router(router)
