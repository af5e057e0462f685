"""A rider's day statement: order pay, fines where the rulebook has them, the hourly guarantee."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gigcity.rules.messages import Message, say
from gigcity.rules.model import Rulebook
from gigcity.rules.pricing import Quote, quote_order
from gigcity.rules.score import Delivery, ScoreEvent, score_delivery

ActivityKind = Literal["waiting", "on_order"]


class ActivitySpan(BaseModel):
    """A stretch of a rider's day online: waiting for an order, or on one (accepted→delivered)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_s: int = Field(ge=0, description="Seconds on the day's clock")
    end_s: int = Field(ge=0, description="Seconds on the day's clock")
    kind: ActivityKind

    @model_validator(mode="after")
    def _ends_after_start(self) -> ActivitySpan:
        if self.end_s < self.start_s:
            raise ValueError(f"end_s ({self.end_s}) is before start_s ({self.start_s})")
        return self


class StatementLine(BaseModel):
    """One line a rider reads: what it is, which clause produced it, how much (fines < 0)."""

    model_config = ConfigDict(frozen=True)

    clause: str
    rulebook: str
    version: int
    text: str
    amount_fen: int
    order_id: str | None = None
    message: Message | None = None


class DeliveryPay(BaseModel):
    """One delivery on the statement: its quote and its service-score event."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    quote: Quote
    score: ScoreEvent


class Statement(BaseModel):
    """A rider's pay for one day under one rulebook version; `total_fen` is what is paid."""

    model_config = ConfigDict(frozen=True)

    rulebook: str
    version: int
    day: date | None
    deliveries: tuple[DeliveryPay, ...]
    active_s: int
    order_pay_fen: int
    fines_fen: int
    guaranteed_fen: int
    top_up_fen: int
    total_fen: int
    score_points: int
    lines: tuple[StatementLine, ...]


def active_seconds(activity: Iterable[ActivitySpan], counted: Iterable[ActivityKind]) -> int:
    """Seconds covered by spans of the counted kinds (overlaps counted once)."""
    kinds = set(counted)
    spans = sorted((span.start_s, span.end_s) for span in activity if span.kind in kinds)
    total, covered_to = 0, None
    for start, end in spans:
        if covered_to is None or start > covered_to:
            total += end - start
            covered_to = end
        elif end > covered_to:
            total += end - covered_to
            covered_to = end
    return total


def _line(
    rulebook: Rulebook, clause: str, message: Message, amount: int, order_id: str | None = None
) -> StatementLine:
    return StatementLine(
        clause=clause,
        rulebook=rulebook.id,
        version=rulebook.version,
        text=message.english(),
        amount_fen=amount,
        order_id=order_id,
        message=message,
    )


def _pay_deliveries(
    rulebook: Rulebook, deliveries: Sequence[Delivery]
) -> tuple[list[DeliveryPay], list[StatementLine]]:
    """Each delivery's quote and score, and its statement lines (pay, then any fine)."""
    lines: list[StatementLine] = []
    paid: list[DeliveryPay] = []
    for delivery in deliveries:
        order_id = delivery.order.order_id
        quote = quote_order(rulebook, delivery.order)
        score = score_delivery(rulebook, delivery)
        paid.append(DeliveryPay(order_id=order_id, quote=quote, score=score))
        title = (
            say("statement.order", order_id=order_id) if order_id else say("statement.order_no_id")
        )
        lines.append(_line(rulebook, "pricing", title, quote.total_fen, order_id))
        if score.fine_fen:
            fine_clause = score.reasons[-1].clause
            lines.append(
                _line(
                    rulebook,
                    fine_clause,
                    say("statement.late_fine", order_id=order_id),
                    -score.fine_fen,
                    order_id,
                )
            )
    return paid, lines


def day_statement(
    rulebook: Rulebook,
    deliveries: Sequence[Delivery],
    activity: Sequence[ActivitySpan],
    day: date | None = None,
) -> Statement:
    """Pay for a day: each delivery's quote, fines, and the top-up to the hourly minimum."""
    paid, lines = _pay_deliveries(rulebook, deliveries)
    order_pay = sum(item.quote.total_fen for item in paid)
    fines = sum(item.score.fine_fen for item in paid)
    guarantee = rulebook.guarantee
    counted: tuple[ActivityKind, ...] = (
        ("on_order",) if guarantee.active_time == "on_order" else ("on_order", "waiting")
    )
    active = active_seconds(activity, counted)
    # Rounded up: the guarantee is a floor, so a fraction of a fen goes to the rider.
    guaranteed = -(-active * guarantee.hourly_minimum_fen // 3600)
    earned = order_pay - fines
    top_up = max(0, guaranteed - earned)
    if guarantee.hourly_minimum_fen > 0:
        text = say(
            "statement.hourly_minimum",
            active_s=active,
            counted=say(f"active_time.{guarantee.active_time}"),
            rate_fen=guarantee.hourly_minimum_fen,
            guaranteed_fen=guaranteed,
            earned_fen=earned,
            top_up_fen=top_up,
        )
        lines.append(_line(rulebook, "guarantee.hourly_minimum_fen", text, top_up))
    return Statement(
        rulebook=rulebook.id,
        version=rulebook.version,
        day=day,
        deliveries=tuple(paid),
        active_s=active,
        order_pay_fen=order_pay,
        fines_fen=fines,
        guaranteed_fen=guaranteed,
        top_up_fen=top_up,
        total_fen=earned + top_up,
        score_points=sum(item.score.points for item in paid),
        lines=tuple(lines),
    )
