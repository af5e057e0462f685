"""Service-score events from deliveries: points for on-time and late ones, fines where allowed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gigcity.rules.messages import say
from gigcity.rules.model import LatenessCause, Rulebook
from gigcity.rules.pricing import OrderFacts
from gigcity.rules.reasons import Reason

ScoreEventKind = Literal["on_time_delivery", "late_delivery", "exempt_late_delivery"]


class Delivery(BaseModel):
    """A completed delivery: the order, its promise, when it arrived, and why it was late."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order: OrderFacts
    promised_at_s: int = Field(ge=0, description="Promised arrival, seconds on the day's clock")
    delivered_at_s: int = Field(ge=0, description="Actual arrival, seconds on the day's clock")
    late_cause: LatenessCause | None = None


class ScoreEvent(BaseModel):
    """What one delivery did to the rider's service score (and, if the rulebook fines, pay)."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    kind: ScoreEventKind
    late_s: int
    points: int
    fine_fen: int
    reasons: tuple[Reason, ...]


def score_delivery(rulebook: Rulebook, delivery: Delivery) -> ScoreEvent:
    """The service-score event (points, and a fine only where the rulebook allows one)."""
    rules = rulebook.service_score
    order_id = delivery.order.order_id
    late_s = max(0, delivery.delivered_at_s - delivery.promised_at_s)
    grace_s = rules.late_grace_min * 60
    if late_s <= grace_s:
        reason = rulebook.cite(
            "service_score.on_time_points",
            "score.on_time_in_grace" if late_s else "score.on_time",
            **({"late_s": late_s} if late_s else {}),
            change_points=rules.on_time_points,
        )
        return ScoreEvent(
            order_id=order_id,
            kind="on_time_delivery",
            late_s=late_s,
            points=rules.on_time_points,
            fine_fen=0,
            reasons=(reason,),
        )
    cause = delivery.late_cause
    if cause is not None and cause in rules.exempt_causes:
        reason = rulebook.cite(
            "service_score.exempt_causes",
            "score.excused",
            late_s=late_s,
            cause=say(f"cause.{cause}"),
            change_points=rules.exempt_late_points,
        )
        return ScoreEvent(
            order_id=order_id,
            kind="exempt_late_delivery",
            late_s=late_s,
            points=rules.exempt_late_points,
            fine_fen=0,
            reasons=(reason,),
        )
    reasons = [
        rulebook.cite(
            "service_score.late_points",
            "score.late_not_excused" if cause else "score.late",
            late_s=late_s,
            **({"cause": say(f"cause.{cause}")} if cause else {}),
            change_points=rules.late_points,
        )
    ]
    fine = _fine(rulebook, late_s - grace_s, reasons)
    return ScoreEvent(
        order_id=order_id,
        kind="late_delivery",
        late_s=late_s,
        points=rules.late_points,
        fine_fen=fine,
        reasons=tuple(reasons),
    )


def _fine(rulebook: Rulebook, late_past_grace_s: int, reasons: list[Reason]) -> int:
    rules = rulebook.service_score
    if not rules.lateness_deducts_money:
        reasons.append(rulebook.cite("service_score.lateness_deducts_money", "score.no_fine"))
        return 0
    late_min = -(-late_past_grace_s // 60)
    fine = late_min * rules.late_fine_fen_per_min
    reasons.append(
        rulebook.cite(
            "service_score.late_fine_fen_per_min",
            "score.fine",
            late_minutes=late_min,
            rate_fen=rules.late_fine_fen_per_min,
            fine_fen=fine,
        )
    )
    cap = rules.late_fine_cap_fen
    if cap is not None and fine > cap:
        reasons.append(
            rulebook.cite("service_score.late_fine_cap_fen", "score.fine_capped", cap_fen=cap)
        )
        fine = cap
    return fine
