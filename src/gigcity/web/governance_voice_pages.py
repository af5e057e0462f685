"""The voices pages: the public answer page `/s/{code}` a survey's QR code opens (a phone,
no sign-in, nothing personal asked) and the staff page `/voices` (grid officers and district
admins: surveys with their QR codes and results, consultation meetings with their agreed
items). Like the other pages they render strings only; the scripts ask the governance API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,32}$")]


@router.get("/s/{code}", response_class=HTMLResponse, summary="Answer a survey")
def survey_page(request: Request, code: Code) -> HTMLResponse:
    return render_page(request, "survey.html", "survey", {"survey_code": code.lower()})


@router.get("/voices", response_class=HTMLResponse, summary="Surveys and consultations")
def voices_page(request: Request) -> HTMLResponse:
    return render_page(request, "survey_voices.html", "voices")


def install(app: FastAPI) -> None:
    app.include_router(router)
