"""Meals for the elderly: the door check at each delivery, and the alerts it opens (the
escalation ladder's steps with who and when, and their closing with an outcome)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from gigcity.api.eldercare import Manager
from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.doorcheck_schemas import (
    AlertOut,
    CloseIn,
    DoorCheckIn,
    DoorCheckOut,
    StepIn,
)

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])

Rider = Annotated[
    Principal,
    Depends(
        Allow(
            Role.rider,
            note="the rider carrying the meal (else the familiar riders: primary, backup)",
        )
    ),
]
StepTaker = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.committee,
            Role.rider,
            note="grid officers and neighbourhood-committee staff in the alert's sub-district; "
            "the rider who opened it only the call to the older person",
        )
    ),
]
Subdistrict = Annotated[str | None, Query(min_length=1, max_length=64)]


@router.post(
    "/meals/{meal_id}/door-check",
    response_model=DoorCheckOut,
    summary="Record the door check of a meal",
    responses={409: {"description": "A different answer was recorded, or the meal is not out"}},
)
def record_door_check(
    platform: PlatformDep, caller: Rider, meal_id: RowId, body: DoorCheckIn, request: Request
) -> DoorCheckOut:
    """ "Seen and well" or "seen, needs help" deliver the meal; "no answer" does not.
    "Needs help" alerts the neighbourhood committee at once; "no answer" starts the
    escalation ladder. Sending the same answer again (a queued check sent twice) returns
    the one recorded."""
    return platform.eldercare.record_door_check(
        caller, meal_id, body.result, body.note, locale=locale_of(request)
    )


@router.get("/alerts", response_model=list[AlertOut], summary="Alerts from door checks")
def alerts(
    platform: PlatformDep,
    caller: Manager,
    request: Request,
    open_only: Annotated[bool, Query(description="Only the open alerts")] = True,
    subdistrict: Subdistrict = None,
) -> list[AlertOut]:
    """Oldest first, with the older person's first name and door, the steps taken (who,
    when), the next step due and, while open, whom to call. Every read is logged."""
    return platform.eldercare.alerts(
        caller, open_only=open_only, subdistrict=subdistrict, locale=locale_of(request)
    )


@router.post(
    "/alerts/{alert_id}/steps",
    response_model=AlertOut,
    summary="Record a step of an alert as taken",
    responses={409: {"description": "Taken already, not the next step, or the alert is closed"}},
)
def take_step(
    platform: PlatformDep, caller: StepTaker, alert_id: RowId, body: StepIn, request: Request
) -> AlertOut:
    """Steps are taken in order; of two people taking the same step, one wins and the
    other gets 409."""
    return platform.eldercare.take_step(
        caller, alert_id, body.index, body.note, locale=locale_of(request)
    )


@router.post(
    "/alerts/{alert_id}/close",
    response_model=AlertOut,
    summary="Close an alert with its outcome",
    responses={409: {"description": "The alert is closed already"}},
)
def close_alert(
    platform: PlatformDep, caller: Manager, alert_id: RowId, body: CloseIn, request: Request
) -> AlertOut:
    return platform.eldercare.close_alert(
        caller, alert_id, body.outcome, body.note, locale=locale_of(request)
    )
