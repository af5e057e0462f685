"""Riders' pay: platforms report deliveries and activity; riders read their day statements."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.pay import (
    ActivityIn,
    ActivityReceipt,
    DeliveryIn,
    DeliveryReceipt,
    StatementOut,
    WorkDaysOut,
)

router = APIRouter(prefix="/api/riders", tags=["pay"])

PlatformCaller = Annotated[Principal, Depends(Allow(Role.platform, scope=Scope.deliveries))]
RiderCaller = Annotated[Principal, Depends(Allow(Role.rider))]
RiderOrAdmin = Annotated[
    Principal, Depends(Allow(Role.rider, Role.admin, note="riders only their own statement"))
]
RiderName = Annotated[str, Path(min_length=1, max_length=64, description="The rider's username")]
DaysLimit = Annotated[int, Query(ge=1, le=1000, description="At most this many days, newest first")]
Day = Annotated[
    date | None,
    Query(alias="date", description="The day (YYYY-MM-DD, district local); default today"),
]


@router.post(
    "/{username}/deliveries",
    response_model=DeliveryReceipt,
    status_code=201,
    summary="Report a completed delivery",
    responses={
        200: {"description": "The same delivery was stored already (a retry); nothing changed"},
        409: {"description": "This order id was reported already with different facts"},
    },
)
def report_delivery(
    platform: PlatformDep,
    request: Request,
    response: Response,
    caller: PlatformCaller,
    username: RiderName,
    body: DeliveryIn,
) -> DeliveryReceipt:
    """Stored once per (API key, order id): retrying with the same facts answers 200 and
    changes nothing. The order belongs to the local day of `order.at`; the receipt shows its
    pay under the rulebook version that day is paid under."""
    receipt = platform.pay.report_delivery(caller, username, body)
    if not receipt.created:
        response.status_code = 200
    return receipt.in_locale(locale_of(request))


@router.post(
    "/{username}/activity",
    response_model=ActivityReceipt,
    summary="Report stretches of a rider's time online",
)
def report_activity(
    platform: PlatformDep, caller: PlatformCaller, username: RiderName, body: ActivityIn
) -> ActivityReceipt:
    """Spans are cut at local midnight; each piece is stored once per (API key, rider,
    start, end, kind), and overlapping spans are counted once in the hourly minimum."""
    return platform.pay.report_activity(caller, username, body)


@router.get("/me/work-days", response_model=WorkDaysOut, summary="The days I have work on")
def my_work_days(platform: PlatformDep, caller: RiderCaller, limit: DaysLimit = 366) -> WorkDaysOut:
    """The days with a reported delivery or activity, newest first: the statement page opens
    on `latest` and steps between these days."""
    assert caller.account_id is not None
    return platform.pay.work_days(caller, caller.account_id, limit)


@router.get(
    "/{account_id:int}/work-days", response_model=WorkDaysOut, summary="A rider's days with work"
)
def rider_work_days(
    platform: PlatformDep, caller: RiderOrAdmin, account_id: RowId, limit: DaysLimit = 366
) -> WorkDaysOut:
    return platform.pay.work_days(caller, account_id, limit)


@router.get("/me/statement", response_model=StatementOut, summary="My day statement")
def my_statement(
    platform: PlatformDep, request: Request, caller: RiderCaller, on: Day = None
) -> StatementOut:
    """Line by line: each order's pay with the clause behind every line, fines where the
    rulebook has them, the hourly-minimum top-up, the total and the service-score points;
    the day's continuous-work stretches against the rest clause, and the previous and next
    days with work. Texts and titles are in the request's language (`Accept-Language`)."""
    assert caller.account_id is not None
    out = platform.pay.statement(caller, caller.account_id, on or platform.pay.clock.today())
    return out.in_locale(locale_of(request))


@router.get(
    "/{account_id:int}/statement", response_model=StatementOut, summary="A rider's day statement"
)
def rider_statement(
    platform: PlatformDep, request: Request, caller: RiderOrAdmin, account_id: RowId, on: Day = None
) -> StatementOut:
    out = platform.pay.statement(caller, account_id, on or platform.pay.clock.today())
    return out.in_locale(locale_of(request))


__all__ = ["router"]
