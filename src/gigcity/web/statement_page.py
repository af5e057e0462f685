"""The rider's day statement page. The page asks the API for the statement from the browser,
with the bearer token that /login keeps; nothing here touches the database."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.api.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


@router.get("/me/statement", response_class=HTMLResponse, summary="My day statement")
def statement_page(request: Request) -> HTMLResponse:
    return render_page(request, "statement.html", "statement")


def install(app: FastAPI) -> None:
    app.include_router(router)
