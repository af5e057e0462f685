"""The negotiation workbench page. It talks to /api/workbench from the browser with the
bearer token that /login keeps; nothing here touches the database."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.api.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/workbench", response_class=HTMLResponse, summary="Negotiation workbench")
def workbench_page(request: Request) -> HTMLResponse:
    return render_page(request, "workbench.html", "workbench")


def install(app: FastAPI) -> None:
    app.include_router(router)
