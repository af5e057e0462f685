"""The buildings and hand-off points of the estates relay items go through (the estates
themselves are read through the estates service's per-worker cache)."""

from __future__ import annotations

from gigcity.geo.estates import Building, Estate, HandoffPoint
from gigcity.i18n import N_
from gigcity.services.errors import Conflict, InvalidInput


def building_of(estate: Estate, building: str) -> Building:
    found = estate.building(building.strip())
    if found is None:
        raise InvalidInput(
            N_("The estate has no building '{building}'."), field="building", building=building
        )
    return found


def point_of(estate: Estate, ref: str | None) -> HandoffPoint:
    if not estate.handoffs:
        raise Conflict(N_("This estate has no hand-off point for relay delivery."))
    if ref is None:
        return estate.handoffs[0]
    point = estate.handoff(ref)
    if point is None:
        raise InvalidInput(
            N_("The estate has no hand-off point '{point}'."), field="point", point=ref
        )
    return point
