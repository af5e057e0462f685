"""Meals for the elderly, the family's part: managers link a family account to an older
person (with the older person's consent) and unlink it; a family account lists its older
people and their coming meals. Pauses and one-off changes by families go through the
eldercare router's endpoints, which admit a family account for its own older people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from gigcity.api.eldercare import Carer, Manager
from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    ElderIn,
    FamilyElderOut,
    FamilyLinkIn,
    FamilyLinkOut,
    FamilyMealOut,
)

router = APIRouter(prefix="/api/eldercare", tags=["eldercare"])

Family = Annotated[Principal, Depends(Allow(Role.family))]


@router.post(
    "/elders/{elder_id}/family",
    response_model=FamilyLinkOut,
    status_code=201,
    summary="Link a family account",
)
def link_family(
    platform: PlatformDep, caller: Manager, elder_id: RowId, body: FamilyLinkIn
) -> FamilyLinkOut:
    """The family account may then see the older person's coming meals, pause them and skip
    or add one meal until the cut-off. A new username makes the account (give a password);
    an existing family account is linked as it is. The older person's consent is recorded
    (encrypted); the link is logged."""
    return platform.eldercare.link_family(caller, elder_id, body)


@router.get(
    "/elders/{elder_id}/family", response_model=list[FamilyLinkOut], summary="Family accounts"
)
def family_links(platform: PlatformDep, caller: Manager, elder_id: RowId) -> list[FamilyLinkOut]:
    """Linked family accounts, unlinked ones too (with when); the read is logged."""
    return platform.eldercare.family_links(caller, elder_id)


@router.delete(
    "/elders/{elder_id}/family/{account_id}", status_code=204, summary="Unlink a family account"
)
def unlink_family(
    platform: PlatformDep, caller: Manager, elder_id: RowId, account_id: RowId
) -> Response:
    """At once the account may no longer act for the older person; the link stays on
    record. Logged."""
    platform.eldercare.unlink_family(caller, elder_id, account_id)
    return Response(status_code=204)


@router.get(
    "/family/elders", response_model=list[FamilyElderOut], summary="My family's older people"
)
def family_elders(platform: PlatformDep, caller: Family) -> list[FamilyElderOut]:
    """The older people linked to this family account: first name, canteen, cut-offs and
    the next meals; nothing else. The read is logged."""
    return platform.eldercare.family_elders(caller)


@router.post(
    "/family/elders",
    response_model=FamilyElderOut,
    status_code=201,
    summary="Enrol an older person of my family",
)
def family_enrol(platform: PlatformDep, caller: Family, body: ElderIn) -> FamilyElderOut:
    """With the older person's consent (`consent_by` must be family); the riders are left
    out (the neighbourhood committee names them). The account is linked to the older person
    at once; the answer is what the family's list shows."""
    return platform.eldercare.family_enrol(caller, body)


@router.get(
    "/family/elders/{elder_id}/meals",
    response_model=list[FamilyMealOut],
    summary="An older person's days of meals",
)
def family_meals(
    platform: PlatformDep,
    caller: Carer,
    elder_id: RowId,
    days: Annotated[int, Query(ge=1, le=14)] = 7,
) -> list[FamilyMealOut]:
    """Each lunch and dinner from today: whether the older person has it (none, subscribed,
    added, skipped, paused, generated:<state>), until when it can change, the canteen's
    cut-off and the menu's dishes."""
    return platform.eldercare.family_meals(caller, elder_id, days)
