"""Surveys for riders and residents, answered from a QR code at a place.

Staff (grid officers in their own sub-district, district admins anywhere) make a survey at
a place; anyone answers it at /s/{code} without signing in, and nothing personal is kept:
the respondent's kind as they chose it, the answers, the time. A resent answer (the same
client key) counts once, by the table's unique constraint. Results and the CSV export are
scoped like every governance figure (`GovernanceBase.area`)."""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from datetime import datetime
from typing import Any

import segno
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gigcity.db.models import GovSurvey, GovSurveyAnswer
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.voices_place import locate
from gigcity.services.governance.voices_schemas import (
    MAX_TEXT_ANSWER,
    AnswerAccepted,
    AnswerIn,
    PublicSurvey,
    Question,
    QuestionKind,
    QuestionResult,
    Respondent,
    SurveyIn,
    SurveyOut,
    SurveyResults,
)
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.spreadsheets import csv_safe
from gigcity.services.types import as_utc

# Codes people may type from a poster: no 0/O or 1/I/L.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
TEXTS_SHOWN = 500  # text answers listed in the results (all are in the CSV)
ANSWER_KEY = ("survey_id", "client_key")  # a resent answer counts once
SCALE = range(1, 6)


def survey_path(code: str) -> str:
    return f"/s/{code}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def qr_png(text: str) -> bytes:
    """`text` as a PNG QR code, large enough to print on an A4 poster."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()


def qr_print_svg(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=10, border=4, xmldecl=False)
    return buffer.getvalue().decode()


class SurveysMixin(GovernanceBase):
    # -- staff -----------------------------------------------------------------------------

    def create_survey(self, principal: Principal, body: SurveyIn) -> SurveyOut:
        self.area(principal)  # staff only
        if body.closes_on is not None and body.closes_on < self.today():
            raise InvalidInput(N_("The closing day has passed."), field="closes_on")
        with transaction(self.factory) as session:
            where = locate(session, self.district, body)
            self.require_in_area(principal, where.subdistrict)
            for _ in range(5):  # a clash of random codes is rare; a few tries settle it
                code = _new_code()
                if session.scalar(select(GovSurvey.id).where(GovSurvey.code == code)) is None:
                    break
            else:  # pragma: no cover - 31^8 codes
                raise Conflict(N_("No free survey code was found; please try again."))
            row = GovSurvey(
                code=code,
                title=body.title.strip(),
                audience=body.audience.value,
                questions=[q.model_dump(mode="json") for q in body.questions],
                place_id=where.place_id,
                place_name=where.name,
                lat=where.lat,
                lon=where.lon,
                subdistrict=where.subdistrict,
                is_open=True,
                closes_on=body.closes_on,
                created_by=principal.account_id,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return self._survey_out(row, 0)

    def surveys(self, principal: Principal, subdistrict: str | None = None) -> list[SurveyOut]:
        """The surveys of the caller's area, newest first, with how many answered."""
        area = self.area(principal, subdistrict)
        counts = (
            select(GovSurveyAnswer.survey_id, func.count().label("n"))
            .group_by(GovSurveyAnswer.survey_id)
            .subquery()
        )
        stmt = (
            select(GovSurvey, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.survey_id == GovSurvey.id)
            .order_by(GovSurvey.created_at.desc(), GovSurvey.id.desc())
        )
        if area is not None:
            stmt = stmt.where(GovSurvey.subdistrict == area)
        with self.factory() as session:
            return [self._survey_out(row, int(n)) for row, n in session.execute(stmt).all()]

    def survey(self, principal: Principal, survey_id: int) -> SurveyOut:
        with self.factory() as session:
            row = self._staff_survey(session, principal, survey_id)
            return self._survey_out(row, self._answer_count(session, row.id))

    def set_survey_open(self, principal: Principal, survey_id: int, is_open: bool) -> SurveyOut:
        """Close a survey (answers are refused) or open it again."""
        with transaction(self.factory) as session:
            row = self._staff_survey(session, principal, survey_id)
            row.is_open = is_open
            return self._survey_out(row, self._answer_count(session, row.id))

    def survey_qr(self, principal: Principal, survey_id: int, base_url: str) -> tuple[str, str]:
        """The answer page's full address and the survey's code (for the QR images)."""
        survey = self.survey(principal, survey_id)
        return base_url.rstrip("/") + survey_path(survey.code), survey.code

    def survey_results(self, principal: Principal, survey_id: int) -> SurveyResults:
        with self.factory() as session:
            row = self._staff_survey(session, principal, survey_id)
            answers = self._answers(session, row.id)
        questions = [Question.model_validate(q) for q in row.questions]
        respondents = Counter(a.respondent for a in answers)
        return SurveyResults(
            survey=self._survey_out(row, len(answers)),
            answers=len(answers),
            by_respondent={r: respondents.get(r.value, 0) for r in Respondent},
            questions=[_tally(i, q, answers) for i, q in enumerate(questions)],
        )

    def survey_csv(self, principal: Principal, survey_id: int) -> tuple[str, str]:
        """Every answer as a row (district time, respondent, one column a question); the
        file's name and text."""
        with self.factory() as session:
            row = self._staff_survey(session, principal, survey_id)
            answers = self._answers(session, row.id)
        questions = [Question.model_validate(q) for q in row.questions]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "respondent", *(csv_safe(q.text) for q in questions)])
        for a in reversed(answers):  # oldest first, as a sheet reads
            at = as_utc(a.at).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
            cells = [_cell(q, a.answers.get(str(i))) for i, q in enumerate(questions)]
            writer.writerow([at, a.respondent, *(csv_safe(c) for c in cells)])
        return f"survey-{row.code}.csv", out.getvalue()

    # -- the public ------------------------------------------------------------------------

    def public_survey(self, code: str) -> PublicSurvey:
        with self.factory() as session:
            row = self._by_code(session, code)
            return PublicSurvey(
                code=row.code,
                title=row.title,
                audience=row.audience,
                questions=[Question.model_validate(q) for q in row.questions],
                place_name=row.place_name,
                closes_on=row.closes_on,
                open_now=self._open_now(row),
            )

    def answer_survey(self, code: str, body: AnswerIn) -> AnswerAccepted:
        """Keep one answer; the same client key again changes nothing (counted: false)."""
        with transaction(self.factory) as session:
            row = self._by_code(session, code)
            if not row.is_open:
                raise Conflict(N_("This survey is closed; thank you all the same."))
            if not self._open_now(row):
                raise Conflict(
                    N_("This survey ended on {day}; thank you all the same."),
                    day=row.closes_on.isoformat() if row.closes_on else "",
                )
            questions = [Question.model_validate(q) for q in row.questions]
            answers = _checked_answers(questions, body.answers)
            values = {
                "survey_id": row.id,
                "client_key": body.client_key,
                "respondent": body.respondent.value,
                "answers": answers,
                "subdistrict": row.subdistrict,
                "at": self.clock(),
            }
            return AnswerAccepted(
                counted=insert_unless_present(session, GovSurveyAnswer, values, ANSWER_KEY)
            )

    # -- helpers ---------------------------------------------------------------------------

    def _open_now(self, row: GovSurvey) -> bool:
        return row.is_open and (row.closes_on is None or row.closes_on >= self.today())

    def _by_code(self, session: Session, code: str) -> GovSurvey:
        row = session.scalar(select(GovSurvey).where(GovSurvey.code == code.lower()))
        if row is None:
            raise NotFound(N_("No survey has the code {code}."), code=code)
        return row

    def _staff_survey(self, session: Session, principal: Principal, survey_id: int) -> GovSurvey:
        self.area(principal)  # staff only, before saying whether it exists
        row = session.get(GovSurvey, survey_id)
        if row is None:
            raise NotFound(N_("No survey has id {id}."), id=survey_id)
        self.require_in_area(principal, row.subdistrict)
        return row

    @staticmethod
    def _answer_count(session: Session, survey_id: int) -> int:
        stmt = select(func.count()).where(GovSurveyAnswer.survey_id == survey_id)
        return int(session.scalar(stmt) or 0)

    @staticmethod
    def _answers(session: Session, survey_id: int) -> list[GovSurveyAnswer]:
        stmt = (
            select(GovSurveyAnswer)
            .where(GovSurveyAnswer.survey_id == survey_id)
            .order_by(GovSurveyAnswer.at.desc(), GovSurveyAnswer.id.desc())
        )
        return list(session.scalars(stmt))

    def _survey_out(self, row: GovSurvey, answers: int) -> SurveyOut:
        return SurveyOut(
            id=row.id,
            code=row.code,
            url=survey_path(row.code),
            title=row.title,
            audience=row.audience,
            questions=[Question.model_validate(q) for q in row.questions],
            place_id=row.place_id,
            place_name=row.place_name,
            lat=row.lat,
            lon=row.lon,
            subdistrict=row.subdistrict,
            is_open=row.is_open,
            closes_on=row.closes_on,
            open_now=self._open_now(row),
            answers=answers,
            created_at=row.created_at,
        )


# -- for the integrator (hotspots, the district dashboard) --------------------------------


def survey_answer_points(
    session: Session, since: datetime, until: datetime, subdistrict: str | None
) -> list[tuple[float, float, str, datetime]]:
    """(lat, lon, sub-district, at) of each answer in [since, until), at its survey's
    place; `subdistrict` None: the whole district (the caller has scoped it)."""
    stmt = (
        select(GovSurvey.lat, GovSurvey.lon, GovSurveyAnswer.subdistrict, GovSurveyAnswer.at)
        .join(GovSurvey, GovSurvey.id == GovSurveyAnswer.survey_id)
        .where(GovSurveyAnswer.at >= since, GovSurveyAnswer.at < until)
        .order_by(GovSurveyAnswer.at)
    )
    if subdistrict is not None:
        stmt = stmt.where(GovSurveyAnswer.subdistrict == subdistrict)
    return [(lat, lon, sub, as_utc(at)) for lat, lon, sub, at in session.execute(stmt).all()]


def survey_answer_counts(
    session: Session, since: datetime, until: datetime, subdistrict: str | None
) -> dict[str, int]:
    """How many answers each sub-district's surveys had in [since, until)."""
    stmt = (
        select(GovSurveyAnswer.subdistrict, func.count())
        .where(GovSurveyAnswer.at >= since, GovSurveyAnswer.at < until)
        .group_by(GovSurveyAnswer.subdistrict)
    )
    if subdistrict is not None:
        stmt = stmt.where(GovSurveyAnswer.subdistrict == subdistrict)
    return {sub: int(n) for sub, n in session.execute(stmt).all()}


# -- answers, checked and counted ---------------------------------------------------------


def _checked_answers(questions: list[Question], given: dict[str, Any]) -> dict[str, Any]:
    """The answers as kept ({position: value}), or a refusal naming the question."""
    kept: dict[str, Any] = {}
    for key, value in given.items():
        if not key.isdigit() or int(key) >= len(questions):
            raise InvalidInput(N_("The survey has no question {key}."), field="answers", key=key)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            continue  # skipped
        question = questions[int(key)]
        field = f"answers.{key}"
        kept[str(int(key))] = _checked(question, value, field, int(key) + 1)
    if not kept:
        raise InvalidInput(N_("Please answer at least one question."), field="answers")
    return kept


def _checked(question: Question, value: Any, field: str, number: int) -> Any:
    n = len(question.options)
    kind = question.kind
    if kind == QuestionKind.single:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
            raise InvalidInput(
                N_("Question {number}: pick one of its choices."), field=field, number=number
            )
        return value
    if kind == QuestionKind.multiple:
        ok = isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < n for v in value
        )
        if not ok:
            raise InvalidInput(
                N_("Question {number}: pick among its choices."), field=field, number=number
            )
        return sorted(set(value))
    if kind == QuestionKind.scale:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise InvalidInput(
                N_("Question {number}: give a number from 1 to 5."), field=field, number=number
            )
        return value
    if not isinstance(value, str) or len(value.strip()) > MAX_TEXT_ANSWER:
        raise InvalidInput(
            N_("Question {number}: write at most {max} characters."),
            field=field,
            number=number,
            max=MAX_TEXT_ANSWER,
        )
    return value.strip()


def _tally(position: int, question: Question, answers: list[GovSurveyAnswer]) -> QuestionResult:
    given = [a.answers[str(position)] for a in answers if str(position) in a.answers]
    counts: list[int] = []
    mean: float | None = None
    texts: list[str] = []
    if question.kind == QuestionKind.single:
        counts = [sum(1 for v in given if v == i) for i in range(len(question.options))]
    elif question.kind == QuestionKind.multiple:
        counts = [sum(1 for v in given if i in v) for i in range(len(question.options))]
    elif question.kind == QuestionKind.scale:
        counts = [sum(1 for v in given if v == step) for step in SCALE]
        mean = round(sum(given) / len(given), 2) if given else None
    else:
        texts = [str(v) for v in given[:TEXTS_SHOWN]]  # answers come newest first
    return QuestionResult(
        position=position,
        kind=question.kind,
        text=question.text,
        answered=len(given),
        counts=counts,
        mean=mean,
        texts=texts,
    )


def _cell(question: Question, value: Any) -> str | int:
    if value is None:
        return ""
    if question.kind == QuestionKind.single:
        return str(question.options[value])
    if question.kind == QuestionKind.multiple:
        return "; ".join(question.options[v] for v in value)
    if question.kind == QuestionKind.scale:
        return int(value)
    return str(value)


__all__ = ["SurveysMixin", "qr_png", "qr_print_svg", "survey_answer_counts", "survey_answer_points"]
