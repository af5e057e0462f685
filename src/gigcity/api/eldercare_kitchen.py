"""Meals for the elderly: a canteen's kitchen. Its staff (and the managers of its
sub-district) read the canteen, the day's production list of a meal — counts by diet,
allergies to keep out, the dishes that do not suit how many people, never a person — and the
menus of the coming days (they are put with `PUT .../menus/{day}/{meal}`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import CanteenOut, Meal
from gigcity.services.eldercare.kitchen import (
    MENU_DAYS_MAX,
    Kitchen,
    KitchenMenuOut,
    KitchenOut,
)

router = APIRouter(prefix="/api/eldercare/canteens", tags=["eldercare"])

KitchenReader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.officer,
            Role.committee,
            Role.canteen,
            note="canteen staff their own canteen only; grid officers and "
            "neighbourhood-committee staff the canteens of their sub-district",
        )
    ),
]


def _kitchen(platform: PlatformDep) -> Kitchen:
    return Kitchen(platform.eldercare)


KitchenDep = Annotated[Kitchen, Depends(_kitchen)]


@router.get("/{canteen_id}", response_model=CanteenOut, summary="A canteen")
def canteen(kitchen: KitchenDep, caller: KitchenReader, canteen_id: RowId) -> CanteenOut:
    """Its capacity per meal, the cut-off of changes and when hot meals are handed out."""
    return kitchen.canteen(caller, canteen_id)


@router.get(
    "/{canteen_id}/kitchen/{day}/{meal}",
    response_model=KitchenOut,
    summary="A meal's production list",
)
def production(
    kitchen: KitchenDep, caller: KitchenReader, canteen_id: RowId, day: date, meal: Meal
) -> KitchenOut:
    """How many meals to cook, how many for each diet (soft, low salt, diabetic …) and
    each exact combination, the allergies to keep out with their counts, and each dish of
    the menu with how many people it does not suit. Counts only: no name, door or person.
    From the meals made once the cut-off has passed; before, from the plan as it stands."""
    return kitchen.production(caller, canteen_id, day, meal)


@router.get("/{canteen_id}/menus", response_model=list[KitchenMenuOut], summary="Coming menus")
def menus(
    kitchen: KitchenDep,
    caller: KitchenReader,
    canteen_id: RowId,
    first: date,
    days: Annotated[int, Query(ge=1, le=MENU_DAYS_MAX)] = 7,
) -> list[KitchenMenuOut]:
    """The menus kept from `first` for `days` days, lunch before dinner; a meal without a
    menu is left out."""
    return kitchen.menus(caller, canteen_id, first, days)
