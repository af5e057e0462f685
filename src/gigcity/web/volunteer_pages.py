"""The volunteer team page (issue 20): teams, activities to sign up for, hours recorded and
confirmed by the leader, certificates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/volunteers", response_class=HTMLResponse, summary="Volunteer teams")
def volunteers_page(request: Request) -> HTMLResponse:
    return render_page(request, "volunteers.html", "volunteers")


def install(app: FastAPI) -> None:
    app.include_router(router)
