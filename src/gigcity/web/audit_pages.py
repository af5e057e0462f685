"""The algorithm audit page `/audit` (issue 19) for district admins (upload a platform's
decision log, follow its audit, read and compare the reports, find a rider's findings) and
grid officers (the same, read-only). Like the other pages it renders strings only; the
script asks /api/audit with the signed-in account's token."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/audit", response_class=HTMLResponse, summary="Algorithm audit")
def audit_page(request: Request) -> HTMLResponse:
    return render_page(request, "audit.html", "audit")


def install(app: FastAPI) -> None:
    app.include_router(router)
