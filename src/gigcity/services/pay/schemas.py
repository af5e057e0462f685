"""What platforms report about a rider's day, and the statement a rider reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.rules import LatenessCause, Message
from gigcity.rules.score import ScoreEventKind  # not re-exported by gigcity.rules
from gigcity.services.rulebooks.schemas import OrderIn, PayLineOut, RulebookRef, localise_lines
from gigcity.services.rulebooks.wording import (
    duration_text,
    message_text,
    reason_text,
    title_of_clause,
)


class DeliveryOrderIn(OrderIn):
    """The order of a completed delivery: its id is the idempotency key with the API key."""

    order_id: Annotated[str, Field(min_length=1, max_length=120)]
    at: datetime = Field(
        description="When the rider accepted the order; the order is priced at this time and "
        "belongs to this (district local) day"
    )


class DeliveryIn(BaseModel):
    """A completed delivery. A retry with the same facts is stored once."""

    model_config = ConfigDict(extra="forbid")

    order: DeliveryOrderIn
    promised_at: datetime = Field(description="The arrival time promised to the customer")
    delivered_at: datetime
    late_cause: LatenessCause | None = Field(
        None, description="Why it was late, if the platform knows (some causes are excused)"
    )


ActivityKind = Literal["waiting", "on_order"]


class SpanIn(BaseModel):
    """A stretch online: waiting for an order, or on one (accepted to delivered)."""

    model_config = ConfigDict(extra="forbid")

    start: datetime
    end: datetime
    kind: ActivityKind


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spans: list[SpanIn] = Field(min_length=1, max_length=500)


class ReasonOut(BaseModel):
    """A clause's part in a decision: its id and title, and why, in the reader's language."""

    clause: str
    clause_title: str = Field(description="The clause's title in the reader's language")
    text: str = Field(description="Why, in the reader's language")
    message: Message | None = Field(None, description="The same as a message id with parameters")

    def in_locale(self, locale: str) -> ReasonOut:
        return self.model_copy(
            update={
                "clause_title": title_of_clause(self.clause, locale),
                "text": reason_text(self.message, self.text, locale),
            }
        )


class ScoreOut(BaseModel):
    """What a delivery did to the service score (and pay, where the rulebook fines)."""

    kind: ScoreEventKind
    points: int
    late_s: int
    fine_fen: int
    reasons: list[ReasonOut]

    def in_locale(self, locale: str) -> ScoreOut:
        return self.model_copy(update={"reasons": [r.in_locale(locale) for r in self.reasons]})


class StretchOut(BaseModel):
    """A stretch of continuous work on the day, against the rulebook's continuous-work limit."""

    start: datetime
    end: datetime
    minutes: int = Field(description="Continuous work the clock counted (short breaks count)")
    duration_text: str = Field(
        description="`minutes` as hours and minutes, in the reader's language"
    )
    limit_minutes: int | None = Field(description="The limit (null: the rulebook has none)")
    breach: bool = Field(description="True when the stretch went past the limit without a rest")
    over_minutes: int = Field(description="Minutes past the limit (0 within it)")
    rest_due_at: datetime | None = Field(description="When the limit was reached: a rest was owed")
    rest_after_minutes: int | None = Field(
        description="The rest taken after the stretch (null: none before the record ends)"
    )
    rest_owed: bool = Field(
        description="True when the day's record ends with a rest owed and not yet taken"
    )
    clause: str = Field(description="The clause that sets the limit")
    clause_title: str
    text: str = Field(description="The stretch against the limit, in the reader's language")
    reasons: list[ReasonOut]

    def in_locale(self, locale: str) -> StretchOut:
        reasons = [r.in_locale(locale) for r in self.reasons]
        return self.model_copy(
            update={
                "reasons": reasons,
                "clause_title": title_of_clause(self.clause, locale),
                "text": reasons[0].text if reasons else self.text,
                "duration_text": duration_text(self.minutes * 60, locale),
            }
        )


class WorkDaysOut(BaseModel):
    """The days on which a rider has reported work (a delivery or activity), newest first."""

    account_id: int
    latest: date | None = Field(description="The last day with work (null: none yet)")
    days: list[date]


class DeliveryReceipt(BaseModel):
    order_id: str
    rider: str
    day: date
    created: bool = Field(description="False when this order was stored already (a retry)")
    rulebook: RulebookRef = Field(description="The version the rider's day is paid under")
    lines: list[PayLineOut]
    total_fen: int
    total_yuan: str
    score: ScoreOut

    def in_locale(self, locale: str) -> DeliveryReceipt:
        return self.model_copy(
            update={
                "lines": localise_lines(self.lines, locale),
                "rulebook": self.rulebook.in_locale(locale),
                "score": self.score.in_locale(locale),
            }
        )


class ActivityReceipt(BaseModel):
    rider: str
    stored: int = Field(description="Spans (cut at local midnight) stored by this report")
    already_reported: int = Field(description="Spans stored before, by an earlier report")
    days: list[date]


class OrderPayOut(BaseModel):
    """One delivery on a statement, priced line by line, and its service-score event."""

    order_id: str
    ordered_at: datetime
    promised_at: datetime
    delivered_at: datetime
    late_cause: LatenessCause | None
    lines: list[PayLineOut]
    total_fen: int
    total_yuan: str
    score: ScoreOut


class StatementOut(BaseModel):
    """A rider's pay for one day, line by line, under one rulebook version."""

    account_id: int
    username: str
    display_name: str
    day: date
    rulebook: RulebookRef
    pinned_at: datetime | None = Field(
        description="When the day's rulebook version was fixed (its first reported fact); "
        "null while nothing is reported and the day follows the rulebook in force on it"
    )
    lines: list[PayLineOut] = Field(
        description="Each order's pay, fines where the rulebook has them, the guarantee top-up"
    )
    deliveries: list[OrderPayOut]
    active_s: int = Field(description="Active time the hourly minimum counts, in seconds")
    active_time: str = Field(description="What counts as active: on_order or online")
    hourly_minimum_fen: int
    order_pay_fen: int
    fines_fen: int
    guaranteed_fen: int
    top_up_fen: int
    total_fen: int
    total_yuan: str
    score_points: int
    continuous_limit_min: int | None = Field(
        description="Longest continuous work before a rest is due (null: no limit)"
    )
    min_rest_min: int = Field(description="A rest at least this long resets the clock")
    rest_rule: str = Field(description="The rest clause in one sentence, in the reader's language")
    rest_rule_message: Message = Field(description="The same as a message id with parameters")
    stretches: list[StretchOut] = Field(
        description="The day's continuous-work stretches (time on orders), against the limit"
    )
    breaches: int = Field(description="How many stretches went past the limit")
    previous_work_day: date | None = Field(description="The last day with work before this one")
    next_work_day: date | None = Field(description="The first day with work after this one")

    def in_locale(self, locale: str) -> StatementOut:
        deliveries = [
            item.model_copy(
                update={
                    "lines": localise_lines(item.lines, locale),
                    "score": item.score.in_locale(locale),
                }
            )
            for item in self.deliveries
        ]
        return self.model_copy(
            update={
                "lines": localise_lines(self.lines, locale),
                "deliveries": deliveries,
                "rulebook": self.rulebook.in_locale(locale),
                "stretches": [stretch.in_locale(locale) for stretch in self.stretches],
                "rest_rule": message_text(self.rest_rule_message, locale),
            }
        )
