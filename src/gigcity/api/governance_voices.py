"""Surveys and consultation meetings over HTTP (governance "voices").

Grid officers work in their own sub-district, district admins anywhere; a survey is
answered by anyone at /s/{code} without signing in (no personal data, rate-limited per
address, a resent answer counted once)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from gigcity.api.governance_params import Staff, csv_answer
from gigcity.api.openapi import media_response
from gigcity.api.ratelimit import check_rate, client_ip
from gigcity.http.deps import PlatformDep, PublicCaller, RowId
from gigcity.services.governance.surveys import qr_png, qr_print_svg
from gigcity.services.governance.voices_schemas import (
    AnswerAccepted,
    AnswerIn,
    ConsultationIn,
    ConsultationOut,
    ItemDone,
    PublicSurvey,
    SurveyIn,
    SurveyOut,
    SurveyResults,
)
from gigcity.services.ratelimit import Rate

router = APIRouter(prefix="/api/governance", tags=["governance"])

Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,32}$", description="The survey's code")]
Subdistrict = Annotated[
    str | None, Query(max_length=64, description="A sub-district's code; default: your area.")
]
Position = Annotated[int, Path(ge=0, le=100, description="The agreed item's position (0-based)")]
# Answers from one address: a poster's QR code is scanned by many phones on one mall's
# Wi-Fi, so the bucket is generous; it stops a script, not a queue of people.
ANSWERS_PER_IP = Rate(120, 3600.0)
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "The survey is closed"}}


# -- surveys (staff) ----------------------------------------------------------------------


@router.post("/surveys", response_model=SurveyOut, status_code=201, summary="Make a survey")
def create_survey(platform: PlatformDep, caller: Staff, body: SurveyIn) -> SurveyOut:
    """A survey at a place (a map place, or a point and a name): 1-10 questions (one
    choice, several choices, 1-5 scale, short text), its audience and last day."""
    return platform.governance.create_survey(caller, body)


@router.get("/surveys", response_model=list[SurveyOut], summary="Surveys of my area")
def list_surveys(
    platform: PlatformDep, caller: Staff, subdistrict: Subdistrict = None
) -> list[SurveyOut]:
    return platform.governance.surveys(caller, subdistrict)


@router.get("/surveys/{survey_id}", response_model=SurveyOut, summary="A survey")
def get_survey(platform: PlatformDep, caller: Staff, survey_id: RowId) -> SurveyOut:
    return platform.governance.survey(caller, survey_id)


@router.post("/surveys/{survey_id}/close", response_model=SurveyOut, summary="Close a survey")
def close_survey(platform: PlatformDep, caller: Staff, survey_id: RowId) -> SurveyOut:
    """No more answers are taken (the page says the survey is closed)."""
    return platform.governance.set_survey_open(caller, survey_id, False)


@router.post("/surveys/{survey_id}/reopen", response_model=SurveyOut, summary="Reopen a survey")
def reopen_survey(platform: PlatformDep, caller: Staff, survey_id: RowId) -> SurveyOut:
    return platform.governance.set_survey_open(caller, survey_id, True)


@router.get(
    "/surveys/{survey_id}/results", response_model=SurveyResults, summary="A survey's results"
)
def survey_results(platform: PlatformDep, caller: Staff, survey_id: RowId) -> SurveyResults:
    """Per question: counts per choice or step, the mean of a scale, the text answers
    newest first."""
    return platform.governance.survey_results(caller, survey_id)


@router.get(
    "/surveys/{survey_id}/answers.csv",
    summary="A survey's answers as CSV",
    response_class=Response,
    responses=media_response("text/csv", "One row per answer (UTF-8 with BOM)"),
)
def survey_csv(platform: PlatformDep, caller: Staff, survey_id: RowId) -> Response:
    return csv_answer(*platform.governance.survey_csv(caller, survey_id))


@router.get(
    "/surveys/{survey_id}/qr.svg",
    summary="The survey's QR code (SVG)",
    response_class=Response,
    responses=media_response("image/svg+xml", "The answer page's address as a QR code"),
)
def survey_qr_svg(
    request: Request, platform: PlatformDep, caller: Staff, survey_id: RowId
) -> Response:
    url, code = platform.governance.survey_qr(caller, survey_id, str(request.base_url))
    return Response(
        qr_print_svg(url),
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="survey-{code}.svg"'},
    )


@router.get(
    "/surveys/{survey_id}/qr.png",
    summary="The survey's QR code (PNG)",
    response_class=Response,
    responses=media_response("image/png", "The answer page's address as a QR code"),
)
def survey_qr_png(
    request: Request, platform: PlatformDep, caller: Staff, survey_id: RowId
) -> Response:
    url, code = platform.governance.survey_qr(caller, survey_id, str(request.base_url))
    return Response(
        qr_png(url),
        media_type="image/png",
        headers={"Content-Disposition": f'attachment; filename="survey-{code}.png"'},
    )


# -- surveys (the public) -----------------------------------------------------------------


@router.get("/public-surveys/{code}", response_model=PublicSurvey, summary="A survey to answer")
def public_survey(platform: PlatformDep, _: PublicCaller, code: Code) -> PublicSurvey:
    """The questions and whether answers are taken now; nothing about who made it."""
    return platform.governance.public_survey(code)


@router.post(
    "/public-surveys/{code}/answers",
    response_model=AnswerAccepted,
    summary="Answer a survey",
    responses=CONFLICT,
)
def answer_survey(
    request: Request, platform: PlatformDep, _: PublicCaller, code: Code, body: AnswerIn
) -> AnswerAccepted:
    """Anonymous: no account is read or kept, even when signed in. The same `client_key`
    sent again counts once (`counted: false`). A closed or ended survey answers 409."""
    check_rate(request, platform, "survey-answer-ip", client_ip(request), ANSWERS_PER_IP)
    return platform.governance.answer_survey(code, body)


# -- consultations ------------------------------------------------------------------------


@router.post(
    "/consultations",
    response_model=ConsultationOut,
    status_code=201,
    summary="Record a consultation meeting",
)
def record_consultation(
    platform: PlatformDep, caller: Staff, body: ConsultationIn
) -> ConsultationOut:
    """Where (an estate, a map place or a point and a name) and when; the parties and how
    many people from each (no names); what was agreed, owned by which party, by when."""
    return platform.governance.record_consultation(caller, body)


@router.get(
    "/consultations", response_model=list[ConsultationOut], summary="Consultations of my area"
)
def list_consultations(
    platform: PlatformDep, caller: Staff, subdistrict: Subdistrict = None
) -> list[ConsultationOut]:
    """The latest first; each agreed item says whether it is overdue."""
    return platform.governance.consultations(caller, subdistrict)


@router.get(
    "/consultations.csv",
    summary="Consultations as CSV",
    response_class=Response,
    responses=media_response("text/csv", "One row per agreed item (UTF-8 with BOM)"),
)
def consultations_csv(
    platform: PlatformDep, caller: Staff, subdistrict: Subdistrict = None
) -> Response:
    return csv_answer(*platform.governance.consultations_csv(caller, subdistrict))


@router.get(
    "/consultations/{consultation_id}", response_model=ConsultationOut, summary="A consultation"
)
def get_consultation(
    platform: PlatformDep, caller: Staff, consultation_id: RowId
) -> ConsultationOut:
    return platform.governance.consultation(caller, consultation_id)


@router.put(
    "/consultations/{consultation_id}/agreed/{position}",
    response_model=ConsultationOut,
    summary="Mark an agreed item done",
)
def mark_agreed(
    platform: PlatformDep,
    caller: Staff,
    consultation_id: RowId,
    position: Position,
    body: ItemDone,
) -> ConsultationOut:
    """The day it was done, or null: not done after all."""
    return platform.governance.mark_agreed(caller, consultation_id, position, body)
