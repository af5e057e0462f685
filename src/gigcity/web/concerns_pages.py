"""The concerns board (周二见, issue 20): concerns riders raise with their platform, the
Tuesday meetings' agendas, owners, due dates, answers and workbench proposals."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/concerns", response_class=HTMLResponse, summary="Concerns raised with platforms")
def concerns_page(request: Request) -> HTMLResponse:
    return render_page(request, "concerns.html", "concerns")


def install(app: FastAPI) -> None:
    app.include_router(router)
