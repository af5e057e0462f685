"""Riders' pay: reported deliveries and activity, day statements under a pinned rulebook."""

from gigcity.services.pay.schemas import (
    ActivityIn,
    ActivityReceipt,
    DeliveryIn,
    DeliveryOrderIn,
    DeliveryReceipt,
    OrderPayOut,
    ReasonOut,
    ScoreOut,
    SpanIn,
    StatementOut,
    StretchOut,
    WorkDaysOut,
)
from gigcity.services.pay.service import PayService

__all__ = [
    "ActivityIn",
    "ActivityReceipt",
    "DeliveryIn",
    "DeliveryOrderIn",
    "DeliveryReceipt",
    "OrderPayOut",
    "PayService",
    "ReasonOut",
    "ScoreOut",
    "SpanIn",
    "StatementOut",
    "StretchOut",
    "WorkDaysOut",
]
