"""The concerns board's models (周二见): what callers send and what they are answered.

Nobody is answered who raised a concern: a concern is the riders' together, so the board
shows "a rider", the count of riders who said "me too", and to the caller only whether the
concern is their own (`mine`) and whether they support it (`supported`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.types import UtcDatetime
from gigcity.services.workbench.schemas import MAX_ORDERS, RulebookName, ScenarioName


class Topic(StrEnum):
    pay = "pay"
    stairs_weight = "stairs_weight"  # stairs, floors without lifts, heavy items
    detours = "detours"  # traffic control, closed gates, detours
    deductions = "deductions"  # lateness and other deductions
    rest = "rest"
    safety = "safety"
    other = "other"


class ConcernStatus(StrEnum):
    open = "open"
    on_agenda = "on_agenda"
    answered = "answered"
    closed = "closed"
    declined = "declined"


# Where a concern may go from each status (the same status: edit owner, due date, meeting or
# answer in place). Closed and declined are final.
TRANSITIONS: dict[ConcernStatus, frozenset[ConcernStatus]] = {
    ConcernStatus.open: frozenset(
        {
            ConcernStatus.open,
            ConcernStatus.on_agenda,
            ConcernStatus.answered,
            ConcernStatus.declined,
        }
    ),
    ConcernStatus.on_agenda: frozenset(
        {
            ConcernStatus.on_agenda,
            ConcernStatus.open,
            ConcernStatus.answered,
            ConcernStatus.declined,
        }
    ),
    ConcernStatus.answered: frozenset(
        {ConcernStatus.answered, ConcernStatus.on_agenda, ConcernStatus.closed}
    ),
    ConcernStatus.closed: frozenset(),
    ConcernStatus.declined: frozenset(),
}
FINAL = frozenset({ConcernStatus.closed, ConcernStatus.declined})
# Waiting for an answer: past its due date, such a concern is overdue.
WAITING = frozenset({ConcernStatus.open, ConcernStatus.on_agenda})


class ConcernIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    detail: str = Field(default="", max_length=4000)
    topic: Topic
    # The platform committee it is raised with; none: the committee above the rider's own
    # organisation (their membership).
    organisation_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class ConcernChange(BaseModel):
    """An officer's change: only the fields sent change. `updated_at` is the version the
    caller saw; if the concern changed since, the change is refused (409)."""

    model_config = ConfigDict(extra="forbid")

    updated_at: UtcDatetime
    status: ConcernStatus | None = None
    meeting_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    owner: str | None = Field(default=None, max_length=120)
    due_on: date | None = None
    answer: str | None = Field(default=None, max_length=8000)


class AnswerIn(BaseModel):
    """The platform's answer (moves the concern to answered)."""

    model_config = ConfigDict(extra="forbid")

    updated_at: UtcDatetime
    answer: str = Field(min_length=1, max_length=8000)


class ProposalIn(BaseModel):
    """A concern priced on the negotiation workbench: the same day under two rulebooks."""

    model_config = ConfigDict(extra="forbid")

    rules_a: RulebookName = Field("baseline-2024", description="The rulebook now")
    rules_b: RulebookName = Field("putuo-2025", description="The rulebook proposed")
    scenario: ScenarioName = "putuo-weekday"
    orders: int = Field(1_000, ge=50, le=MAX_ORDERS, description="Orders in the day")


class RunLink(BaseModel):
    """The workbench run that priced a concern, and where to read it."""

    id: int
    status: str  # queued, running, done, failed, interrupted
    progress: float
    page_url: str = Field(description="The workbench page showing the run")
    report_url: str | None = Field(description="The HTML report, once done")


class ConcernOut(BaseModel):
    id: int
    organisation_id: int | None
    organisation_name: str
    meeting_id: int | None
    meeting_on: date | None
    title: str
    detail: str
    topic: Topic
    owner: str | None
    due_on: date | None
    status: ConcernStatus
    answer: str | None
    answered_at: UtcDatetime | None
    created_at: UtcDatetime
    closed_at: UtcDatetime | None
    updated_at: UtcDatetime = Field(description="The version to send back with a change")
    supporters: int = Field(description="Riders who raised it or said me too")
    supported: bool = Field(description="Whether the caller said me too (or raised it)")
    mine: bool = Field(description="Whether the caller raised it")
    overdue: bool = Field(description="Past its due date and not answered")
    may_manage: bool = Field(description="Whether the caller may change it")
    run: RunLink | None


class CommitteeOut(BaseModel):
    id: int
    name: str
    may_manage: bool = Field(description="The caller is its officer, or a district admin")


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: int = Field(ge=1, le=2_147_483_647)
    held_on: date = Field(description="A Tuesday")
    agenda: str = Field(default="", max_length=4000)


class MeetingChange(BaseModel):
    """Sizes keep a body of Chinese text (3 bytes a character) under the 64 KB limit."""

    model_config = ConfigDict(extra="forbid")

    agenda: str | None = Field(default=None, max_length=4000)
    minutes: str | None = Field(default=None, max_length=10000)


class MeetingOut(BaseModel):
    id: int
    organisation_id: int
    organisation_name: str
    held_on: date
    agenda: str
    minutes: str | None
    concerns: int = Field(description="Concerns on its agenda")
    may_manage: bool
