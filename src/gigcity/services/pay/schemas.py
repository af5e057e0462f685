"""What platforms report about a rider's day, and the statement a rider reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.rules import LatenessCause
from gigcity.rules.score import ScoreEventKind  # not re-exported by gigcity.rules
from gigcity.services.rulebooks.schemas import OrderIn, PayLineOut, RulebookRef, localise_lines


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
    clause: str
    text: str


class ScoreOut(BaseModel):
    """What a delivery did to the service score (and pay, where the rulebook fines)."""

    kind: ScoreEventKind
    points: int
    late_s: int
    fine_fen: int
    reasons: list[ReasonOut]


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
        return self.model_copy(update={"lines": localise_lines(self.lines, locale)})


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

    def in_locale(self, locale: str) -> StatementOut:
        deliveries = [
            item.model_copy(update={"lines": localise_lines(item.lines, locale)})
            for item in self.deliveries
        ]
        return self.model_copy(
            update={"lines": localise_lines(self.lines, locale), "deliveries": deliveries}
        )
