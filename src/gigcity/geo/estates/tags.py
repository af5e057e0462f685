"""What OpenStreetMap-style tags say about the parts of an estate.

Shared by the OSM importer and the GeoJSON reader (hand-made GeoJSON often carries OSM tags:
`barrier=gate`, `addr:housenumber`, `building:levels`, `highway=footway`). Each function
returns only the fields the tags decide, as keyword arguments for the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gigcity.geo.estates.model import WalkwayKind

# Highway values that are walkways inside an estate, and the kind each becomes. Internal
# roads are often tagged residential or unclassified: inside an estate they are service roads.
WALKWAY_KINDS: dict[str, WalkwayKind] = {
    "footway": WalkwayKind.footway,
    "pedestrian": WalkwayKind.footway,
    "corridor": WalkwayKind.footway,
    "path": WalkwayKind.path,
    "track": WalkwayKind.path,
    "cycleway": WalkwayKind.path,
    "service": WalkwayKind.service,
    "living_street": WalkwayKind.service,
    "residential": WalkwayKind.service,
    "unclassified": WalkwayKind.service,
    "steps": WalkwayKind.steps,
}
# Roads a car can use: a gate on one of them is a vehicle gate unless tagged otherwise.
VEHICLE_HIGHWAYS = frozenset(
    {"service", "living_street", "residential", "unclassified", "tertiary", "secondary",
     "primary", "trunk"}
)  # fmt: skip
VEHICLE_BARRIERS = frozenset({"lift_gate", "sliding_gate", "swing_gate", "sliding_beam"})
GATE_BARRIERS = frozenset({"gate", "entrance", "turnstile", "full-height_turnstile"}) | (
    VEHICLE_BARRIERS
)
PARKING_AMENITIES = frozenset({"bicycle_parking", "motorcycle_parking"})
# Hand-off points (relay delivery's 接力点): a parcel locker, or any point or small area
# mappers mark with the project's own tag (a shelf in the property office, a kiosk by the
# gate). `gigcity:handoff=no` leaves a parcel locker out (one the relay does not use).
HANDOFF_AMENITIES = frozenset({"parcel_locker"})
HANDOFF_TAG = "gigcity:handoff"
HANDOFF_NAME = "接力点"  # a hand-off point's name when its tags give none

_YES = frozenset({"yes", "true", "1", "designated", "permissive", "destination", "delivery",
                  "customers", "private"})  # fmt: skip
# "private" is a gate residents use: open to a rider with a pass, so it counts as passable.
_NO = frozenset({"no", "false", "0"})
_FIRST_INT = re.compile(r"\d+")


def is_yes(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _YES)


def access(tags: Mapping[str, Any], *keys: str) -> bool | None:
    """The first of `keys` that is tagged, read as allowed (True) or not (False)."""
    for key in keys:
        value = tags.get(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            text = value.strip().lower()
            if text in _NO:
                return False
            return text in _YES
    return None


def first_int(value: object, low: int, high: int) -> int | None:
    """ "18" -> 18, "18;2" -> 18; None when absent or outside [low, high]."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and (match := _FIRST_INT.search(value)):
        number = int(match.group())
    else:
        return None
    return number if low <= number <= high else None


def text(tags: Mapping[str, Any], *keys: str, limit: int) -> str:
    for key in keys:
        value = tags.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:limit]
    return ""


def is_estate_area(tags: Mapping[str, Any]) -> bool:
    """A residential area that can be an estate (it still needs a name)."""
    return (
        tags.get("landuse") == "residential"
        or tags.get("place") == "neighbourhood"
        or bool(tags.get("residential"))
    )


def is_building(tags: Mapping[str, Any]) -> bool:
    value = tags.get("building")
    return isinstance(value, str) and value not in ("", "no")


def gate_fields(tags: Mapping[str, Any], *, on_vehicle_way: bool) -> dict[str, Any]:
    general = access(tags, "access")
    pedestrian = access(tags, "foot")
    if pedestrian is None:
        pedestrian = general is not False
    vehicle = access(tags, "motor_vehicle", "motorcar", "vehicle")
    if vehicle is None:
        vehicle = general is not False and (
            on_vehicle_way or tags.get("barrier") in VEHICLE_BARRIERS
        )
    # Unknown means not allowed: the model's default, and the rule in most giant estates.
    ebikes = access(tags, "electric_bicycle", "moped", "mofa") or False
    return {
        "name": text(tags, "name", limit=80),
        "pedestrian": pedestrian,
        "vehicle": vehicle,
        "ebikes_allowed": ebikes,
        "hours": text(tags, "opening_hours", limit=200),
        "lit_at_night": is_yes(tags.get("lit")),
    }


def building_fields(tags: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    number = text(tags, "addr:housenumber", "name", "ref", "addr:housename", limit=120)
    if number:
        fields["number"] = number
    floors = first_int(tags.get("building:levels"), 1, 200)
    if floors is not None:
        fields["floors"] = floors
    lift = access(tags, "lift", "elevator", "building:lift", "building:elevator")
    if lift is not None:
        fields["lift"] = lift
    return fields


def parking_fields(tags: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": text(tags, "name", limit=80),
        "capacity": first_int(tags.get("capacity"), 0, 10_000),
    }


def is_handoff(tags: Mapping[str, Any]) -> bool:
    """A hand-off point: `gigcity:handoff=yes`, or a parcel locker not marked `=no`."""
    marked = access(tags, HANDOFF_TAG)
    if marked is not None:
        return marked
    return tags.get("amenity") in HANDOFF_AMENITIES


def handoff_fields(tags: Mapping[str, Any]) -> dict[str, Any]:
    """name (else brand, operator, ref; else "接力点"), opening_hours as the hours, and
    capacity (the locker's compartments, the shelf's places) as the shelf's capacity; without
    a capacity the model's default stands."""
    fields: dict[str, Any] = {
        "name": text(tags, "name", "brand", "operator", "ref", limit=120) or HANDOFF_NAME,
        "hours": text(tags, "opening_hours", limit=200),
    }
    capacity = first_int(tags.get("capacity"), 1, 10_000)
    if capacity is not None:
        fields["shelf_capacity"] = capacity
    return fields


def walkway_fields(tags: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"lit": is_yes(tags.get("lit"))}
    kind = WALKWAY_KINDS.get(str(tags.get("highway", "")))
    if kind is not None:
        fields["kind"] = kind
    return fields


def entrance_name(tags: Mapping[str, Any]) -> str:
    """The name residents use for a unit entrance: "2单元" for ref=2 or addr:unit=2."""
    label = text(tags, "name", "addr:unit", "ref", limit=40)
    return f"{label}单元" if label.isascii() and label.isdigit() else label
