"""Meals for the elderly (助老送餐): canteens and menus, enrolment (sensitive fields
encrypted, every read logged), subscriptions, pauses and changes, the daily meals and what
today's rider sees of them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from gigcity.http.deps import ACCOUNT_ROLES, Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    CanteenIn,
    CanteenOut,
    ChangeIn,
    ChangeOut,
    ElderIn,
    ElderOut,
    ElderSummary,
    GenerateOut,
    Meal,
    MenuIn,
    MenuOut,
    PauseIn,
    PauseOut,
    PlannedMeal,
    ReadOut,
    RiderMealOut,
    RidersIn,
    RoundsOut,
    SubscriptionIn,
    SubscriptionOut,
)

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])

# Managers: admins, and grid officers and neighbourhood-committee staff in their own
# sub-district (services.eldercare.base.require_manager).
Manager = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.committee,
            note="grid officers and neighbourhood-committee staff in their own sub-district",
        )
    ),
]
# Who may keep a canteen's menus: managers in scope, and the canteen's own staff.
MenuKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.committee,
            Role.canteen,
            note="grid officers and neighbourhood-committee staff in the canteen's "
            "sub-district; canteen staff their own canteen only",
        )
    ),
]
# Who may act for one older person's meals: managers in scope, and family accounts linked
# to that older person (another family's is refused, 403).
Carer = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.committee,
            Role.family,
            note="grid officers and neighbourhood-committee staff in their own sub-district; "
            "family accounts for the older people linked to them",
        )
    ),
]
Admin = Annotated[Principal, Depends(Allow(Role.admin))]
Rider = Annotated[Principal, Depends(Allow(Role.rider))]
SignedIn = Annotated[Principal, Depends(Allow(*ACCOUNT_ROLES))]


# -- canteens and menus ----------------------------------------------------------------


@router.post("/canteens", response_model=CanteenOut, status_code=201, summary="Add a canteen")
def add_canteen(platform: PlatformDep, caller: Manager, body: CanteenIn) -> CanteenOut:
    """A community canteen for the elderly (长者食堂): capacity per meal, the cut-off of
    changes and when the kitchen hands out hot meals (local HH:MM)."""
    return platform.eldercare.add_canteen(caller, body)


@router.get("/canteens", response_model=list[CanteenOut], summary="Canteens")
def canteens(platform: PlatformDep, caller: Manager) -> list[CanteenOut]:
    return platform.eldercare.canteens(caller)


@router.put("/canteens/{canteen_id}", response_model=CanteenOut, summary="Change a canteen")
def update_canteen(
    platform: PlatformDep, caller: Manager, canteen_id: RowId, body: CanteenIn
) -> CanteenOut:
    return platform.eldercare.update_canteen(caller, canteen_id, body)


@router.put(
    "/canteens/{canteen_id}/menus/{day}/{meal}",
    response_model=MenuOut,
    summary="Put a meal's menu",
)
def set_menu(
    platform: PlatformDep,
    caller: MenuKeeper,
    canteen_id: RowId,
    day: date,
    meal: Meal,
    body: MenuIn,
) -> MenuOut:
    """The dishes of one meal with the diets each suits and its allergens; riders are told
    which dishes clash with an older person's diet."""
    return platform.eldercare.set_menu(caller, canteen_id, day, meal, body)


@router.get(
    "/canteens/{canteen_id}/menus/{day}/{meal}", response_model=MenuOut, summary="A meal's menu"
)
def menu(
    platform: PlatformDep, caller: SignedIn, canteen_id: RowId, day: date, meal: Meal
) -> MenuOut:
    return platform.eldercare.menu(canteen_id, day, meal)


# -- enrolment -------------------------------------------------------------------------


@router.post("/elders", response_model=ElderOut, status_code=201, summary="Enrol an older person")
def enrol(platform: PlatformDep, caller: Manager, body: ElderIn) -> ElderOut:
    """With the older person's consent (or a family member's with it), recorded. Name,
    door, health and contacts are stored encrypted."""
    return platform.eldercare.enrol(caller, body)


@router.get("/elders", response_model=list[ElderSummary], summary="Enrolled older people")
def elders(
    platform: PlatformDep,
    caller: Manager,
    canteen_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    active: bool = True,
) -> list[ElderSummary]:
    """First names and buildings only; each listing is logged as a read."""
    return platform.eldercare.elders(caller, canteen_id=canteen_id, active=active)


@router.get("/elders/{elder_id}", response_model=ElderOut, summary="An older person's record")
def record(platform: PlatformDep, caller: Manager, elder_id: RowId) -> ElderOut:
    """The whole record, health and contacts included; the read is logged."""
    return platform.eldercare.record(caller, elder_id)


@router.get(
    "/elders/{elder_id}/reads", response_model=list[ReadOut], summary="Who read this record"
)
def reads(
    platform: PlatformDep,
    caller: Manager,
    elder_id: RowId,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ReadOut]:
    return platform.eldercare.reads(caller, elder_id, limit)


@router.put(
    "/elders/{elder_id}/riders", response_model=ElderSummary, summary="Name the familiar riders"
)
def set_riders(
    platform: PlatformDep, caller: Manager, elder_id: RowId, body: RidersIn
) -> ElderSummary:
    return platform.eldercare.set_riders(caller, elder_id, body)


@router.post("/elders/{elder_id}/end", status_code=204, summary="End an enrolment")
def end_enrolment(platform: PlatformDep, caller: Manager, elder_id: RowId) -> Response:
    """No meals from now on; the record stays for statements and the read log."""
    platform.eldercare.end_enrolment(caller, elder_id)
    return Response(status_code=204)


# -- subscriptions, pauses, changes ----------------------------------------------------


@router.put(
    "/elders/{elder_id}/subscription",
    response_model=SubscriptionOut,
    summary="Set the weekly meals",
)
def subscribe(
    platform: PlatformDep, caller: Manager, elder_id: RowId, body: SubscriptionIn
) -> SubscriptionOut:
    return platform.eldercare.subscribe(caller, elder_id, body)


@router.post(
    "/elders/{elder_id}/pauses", response_model=PauseOut, status_code=201, summary="Pause meals"
)
def pause(platform: PlatformDep, caller: Carer, elder_id: RowId, body: PauseIn) -> PauseOut:
    """No meals from first_day to last_day (hospital, travel); they resume by themselves."""
    return platform.eldercare.pause(caller, elder_id, body)


@router.get("/elders/{elder_id}/pauses", response_model=list[PauseOut], summary="Pauses")
def pauses(platform: PlatformDep, caller: Carer, elder_id: RowId) -> list[PauseOut]:
    return platform.eldercare.pauses(caller, elder_id)


@router.post(
    "/elders/{elder_id}/pauses/{pause_id}/cancel", response_model=PauseOut, summary="End a pause"
)
def cancel_pause(
    platform: PlatformDep, caller: Carer, elder_id: RowId, pause_id: RowId
) -> PauseOut:
    return platform.eldercare.cancel_pause(caller, elder_id, pause_id)


@router.post("/elders/{elder_id}/changes", response_model=ChangeOut, summary="Skip or add one meal")
def change(platform: PlatformDep, caller: Carer, elder_id: RowId, body: ChangeIn) -> ChangeOut:
    """Until the canteen's cut-off that day; a second change to the same meal replaces it."""
    return platform.eldercare.change(caller, elder_id, body)


@router.get(
    "/elders/{elder_id}/planned", response_model=list[PlannedMeal], summary="The coming meals"
)
def planned(
    platform: PlatformDep,
    caller: Carer,
    elder_id: RowId,
    first: date,
    days: Annotated[int, Query(ge=1, le=28)] = 14,
) -> list[PlannedMeal]:
    return platform.eldercare.planned(caller, elder_id, first, days)


# -- the day's meals -------------------------------------------------------------------


class GenerateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: date
    meal: Meal
    canteen_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] | None = Field(
        None, max_length=1000, description="Default: every open canteen"
    )


@router.post("/meals/generate", response_model=GenerateOut, summary="Generate a day's meals")
def generate(platform: PlatformDep, caller: Admin, body: GenerateIn) -> GenerateOut:
    """The scheduled job does this after each canteen's cut-off; running it again adds
    nothing (one meal per older person, day and meal)."""
    return platform.eldercare.generate(body.day, body.meal, body.canteen_ids)


@router.post(
    "/canteens/{canteen_id}/rounds/{day}/{meal}",
    response_model=RoundsOut,
    summary="Plan a canteen's rounds",
)
def plan_rounds(
    platform: PlatformDep,
    caller: Manager,
    canteen_id: RowId,
    day: date,
    meal: Meal,
    request: Request,
) -> RoundsOut:
    """Each meal to a rider's trip from the kitchen: familiar riders first, every meal at
    the door within 30 minutes of leaving the kitchen and before the peak, rests as the
    rulebook in force requires. Planning again replans; each meal not with its familiar
    rider, or not planned, says why."""
    return platform.eldercare.plan_rounds(caller, canteen_id, day, meal, locale=locale_of(request))


@router.post("/meals/{meal_id}/cancel", status_code=204, summary="Cancel a meal")
def cancel_meal(platform: PlatformDep, caller: Manager, meal_id: RowId) -> Response:
    """Before it leaves the kitchen; it stays on record and is charged nothing."""
    platform.eldercare.cancel_meal(caller, meal_id)
    return Response(status_code=204)


@router.get("/my-meals", response_model=list[RiderMealOut], summary="A rider's meals of a day")
def my_meals(
    platform: PlatformDep,
    caller: Rider,
    day: Annotated[date | None, Query(description="District local day; default today")] = None,
) -> list[RiderMealOut]:
    """A first name, the door, the diet for this meal and whom to call: nothing else. The
    read is logged."""
    return platform.eldercare.rider_meals(caller, day or platform.eldercare.day_clock.today())
