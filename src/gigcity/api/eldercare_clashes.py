"""Menu clashes a week ahead: the dishes of a canteen's coming menus that older people who
will have that meal must not eat, for staff of the canteen's sub-district."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gigcity.api.eldercare import Manager
from gigcity.http.deps import PlatformDep, RowId
from gigcity.services.eldercare.clashes import (
    DAYS_AHEAD,
    DAYS_MAX,
    CanteenClashesOut,
    MenuClashes,
)

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])


@router.get(
    "/canteens/{canteen_id}/clashes",
    response_model=CanteenClashesOut,
    summary="Menu clashes of the coming days",
)
def menu_clashes(
    platform: PlatformDep,
    caller: Manager,
    canteen_id: RowId,
    days: Annotated[int, Query(ge=1, le=DAYS_MAX, description="From today")] = DAYS_AHEAD,
) -> CanteenClashesOut:
    """Per meal from today, each dish that an older person who will have that meal must not
    eat (a diet it is not marked for, or an allergen), with how many and their first names;
    meals someone will have without a menu yet. Reading the names is logged."""
    return MenuClashes(platform.eldercare).for_manager(caller, canteen_id, days)
