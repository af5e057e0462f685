"""What surveys and consultation meetings take and answer (the "voices" of governance).

A survey's questions are fixed once it is made (answers refer to questions and options by
position); only its opening can change. A consultation names parties and how many people
came from each, never who."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from gigcity.i18n import N_
from gigcity.services.errors import refusal
from gigcity.services.types import UtcDatetime

MAX_QUESTIONS = 10
MAX_OPTIONS = 10
MAX_TEXT_ANSWER = 300
CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class Audience(StrEnum):
    riders = "riders"
    residents = "residents"
    everyone = "everyone"


class QuestionKind(StrEnum):
    single = "single"  # one of the options
    multiple = "multiple"  # any of the options
    scale = "scale"  # 1 (worst) to 5 (best)
    text = "text"  # a short text, at most MAX_TEXT_ANSWER characters


class Respondent(StrEnum):
    rider = "rider"
    resident = "resident"
    other = "other"


class Party(StrEnum):
    residents = "residents"
    property = "property"  # property management
    committee = "committee"  # neighbourhood committee (居委会)
    riders = "riders"
    platforms = "platforms"
    police = "police"
    subdistrict_office = "subdistrict_office"
    other = "other"


class Where(BaseModel):
    """A map place's id, or a point with a name (the sub-district comes from the point)."""

    place_id: int | None = Field(None, ge=1, le=2_147_483_647, description="A map place.")
    lon: float | None = Field(None, ge=-180, le=180, description="WGS-84, without place_id.")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS-84, without place_id.")
    place_name: str | None = Field(
        None, min_length=1, max_length=200, description="Where, without place_id."
    )


# -- surveys ------------------------------------------------------------------------------


class Question(BaseModel):
    kind: QuestionKind
    text: str = Field(min_length=1, max_length=300)
    options: list[str] = Field(
        default_factory=list, description="2-10 choices for single and multiple; else none."
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise refusal(N_("The question has no text."))
        return value

    @field_validator("options")
    @classmethod
    def _options(cls, value: list[str]) -> list[str]:
        cleaned = [o.strip() for o in value]
        if any(not o or len(o) > 100 for o in cleaned):
            raise refusal(N_("Each choice needs 1 to 100 characters."))
        if len(set(cleaned)) != len(cleaned):
            raise refusal(N_("The choices repeat one another."))
        return cleaned

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Question:
        choice = self.kind in (QuestionKind.single, QuestionKind.multiple)
        if choice and not 2 <= len(self.options) <= MAX_OPTIONS:
            raise refusal(N_("A choice question needs 2 to 10 choices."))
        if not choice and self.options:
            raise refusal(N_("Only choice questions have choices."))
        return self


class SurveyIn(Where):
    title: str = Field(min_length=1, max_length=200)
    audience: Audience = Audience.everyone
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)
    closes_on: date | None = Field(None, description="The last day answers are taken.")


class SurveyOut(BaseModel):
    id: int
    code: str = Field(description="In the answer page's address, /s/{code}.")
    url: str = Field(description="The answer page's path (the QR code holds its full address).")
    title: str
    audience: Audience
    questions: list[Question]
    place_id: int | None
    place_name: str
    lat: float
    lon: float
    subdistrict: str
    is_open: bool = Field(description="Not closed by staff (it may still be past its date).")
    closes_on: date | None
    open_now: bool = Field(description="Takes answers now: open and not past its last day.")
    answers: int
    created_at: UtcDatetime


class PublicSurvey(BaseModel):
    """What the answer page shows: nothing about who made it or how many answered."""

    code: str
    title: str
    audience: Audience
    questions: list[Question]
    place_name: str
    closes_on: date | None
    open_now: bool


class AnswerIn(BaseModel):
    client_key: str = Field(
        description="A random key the page makes once per filled form (8-64 of A-Z a-z 0-9 _ -):"
        " sent again, the answer counts once."
    )
    respondent: Respondent
    answers: dict[str, Any] = Field(
        description="By question position ('0', '1', ...): a choice's position, a list of them,"
        " 1-5, or text. Questions may be skipped, not all."
    )

    @field_validator("client_key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not CLIENT_KEY.match(value):
            raise refusal(N_("The client key must be 8 to 64 letters, digits, '_' or '-'."))
        return value


class AnswerAccepted(BaseModel):
    counted: bool = Field(description="False: this client key had answered already.")


class QuestionResult(BaseModel):
    position: int
    kind: QuestionKind
    text: str
    answered: int
    counts: list[int] = Field(
        description="Per choice (choice questions) or per step 1-5 (scale); else empty."
    )
    mean: float | None = Field(description="Scale questions: the mean of the answers.")
    texts: list[str] = Field(description="Text questions: the answers, newest first.")


class SurveyResults(BaseModel):
    survey: SurveyOut
    answers: int
    by_respondent: dict[Respondent, int]
    questions: list[QuestionResult]


# -- consultations ------------------------------------------------------------------------


class PartyIn(BaseModel):
    party: Party
    people: int = Field(ge=1, le=1000, description="How many people came (no names).")


class AgreedIn(BaseModel):
    what: str = Field(min_length=1, max_length=300)
    owner: Party
    due_on: date | None = None
    done_on: date | None = None


class ConsultationIn(Where):
    title: str = Field(min_length=1, max_length=200)
    held_on: date
    estate_id: int | None = Field(None, ge=1, le=2_147_483_647, description="The estate met.")
    parties: list[PartyIn] = Field(min_length=1, max_length=len(Party))
    agreed: list[AgreedIn] = Field(default_factory=list, max_length=30)
    note: str = Field("", max_length=2000)

    @field_validator("parties")
    @classmethod
    def _once_each(cls, value: list[PartyIn]) -> list[PartyIn]:
        if len({p.party for p in value}) != len(value):
            raise refusal(N_("Each party is listed once, with how many people came."))
        return value


class AgreedOut(AgreedIn):
    position: int
    overdue: bool = Field(description="Past its due date and not done.")


class ConsultationOut(BaseModel):
    id: int
    title: str
    held_on: date
    estate_id: int | None
    place_id: int | None
    place_name: str
    lat: float
    lon: float
    subdistrict: str
    parties: list[PartyIn]
    people: int
    agreed: list[AgreedOut]
    overdue: int = Field(description="How many agreed items are overdue.")
    note: str
    created_at: UtcDatetime


class ItemDone(BaseModel):
    done_on: date | None = Field(description="The day it was done; null: not done after all.")
