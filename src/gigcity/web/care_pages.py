"""Rest and care pages: the anonymous self-check (`/care/check`: PHQ-2 and GAD-2 in large
type, the hotline always, a call-back only if the worker leaves a number), the rider's care
page (`/care`: group sessions and the nearest cheap meal and free water) and the
counsellors' page (`/care/counsellor`: the call-back queue and group sessions). Like the
other pages they render strings and configuration only; the scripts ask the care API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import N_, gettext
from gigcity.services.care import ANSWERS, QUESTIONS, STEM, Window
from gigcity.web.pages import render_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])

# The call-back windows, as the page offers them (the API takes the codes).
WINDOW_TEXTS = {
    Window.now: N_("As soon as possible"),
    Window.this_evening: N_("This evening"),
    Window.tomorrow_morning: N_("Tomorrow morning"),
    Window.tomorrow_afternoon: N_("Tomorrow afternoon"),
    Window.tomorrow_evening: N_("Tomorrow evening"),
}


@router.get("/care/check", response_class=HTMLResponse, summary="Care: anonymous self-check")
def check_page(request: Request) -> HTMLResponse:
    """Four questions (PHQ-2, GAD-2), answered without signing in; nothing of them is
    stored. The answer shows the hotline and offers a call-back."""
    locale = locale_of(request)
    questionnaires = [
        (instrument.value, [gettext(locale, text) for text in texts])
        for instrument, texts in QUESTIONS.items()
    ]
    return render_page(
        request,
        "care_check.html",
        "care_check",
        {
            "stem": gettext(locale, STEM),
            "questionnaires": questionnaires,
            "answers": [gettext(locale, text) for text in ANSWERS],
            "windows": [(w.value, gettext(locale, text)) for w, text in WINDOW_TEXTS.items()],
        },
    )


@router.get("/care", response_class=HTMLResponse, summary="Care: sessions and cheap meals")
def rider_page(request: Request) -> HTMLResponse:
    """Riders and drivers: the group sessions to sign up for, the nearest meal under 15
    yuan open now and the nearest free water, and the self-check."""
    return render_page(request, "care.html", "care")


@router.get(
    "/care/counsellor", response_class=HTMLResponse, summary="Care: call-backs and sessions"
)
def counsellor_page(request: Request) -> HTMLResponse:
    """Hotline counsellors: the call-backs to make (each number shown is logged), marking
    one called or not reached, and the group sessions they put on."""
    return render_page(request, "care_counsellor.html", "care_counsellor")


def install(app: FastAPI) -> None:
    app.include_router(router)
