"""Which OpenStreetMap ways an e-bike or scooter may use, in which direction, and how fast.

In Chinese law an electric bicycle (GB 17761, 25 km/h maximum) is a non-motor vehicle, so
the `bicycle` access tags apply to it. Urban expressways (tagged `highway=trunk` in Chinese
cities) are closed to non-motor vehicles, so trunk roads are excluded unless a way says
bicycles may use it. One-way streets bind e-bikes too; an exemption counts only when it is
tagged (`oneway:bicycle=no`, `cycleway=opposite*`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

Tags = Mapping[str, str]

E_BIKE_MAX_KMH = 25.0  # GB 17761 design maximum


class RoadClass(IntEnum):
    """Base class of a way (links share their road's class); lower value = more important."""

    TRUNK = 0
    PRIMARY = 1
    SECONDARY = 2
    TERTIARY = 3
    UNCLASSIFIED = 4
    RESIDENTIAL = 5
    LIVING_STREET = 6
    SERVICE = 7
    CYCLEWAY = 8
    PATH = 9


_BASE_CLASS: dict[str, RoadClass] = {
    "trunk": RoadClass.TRUNK,
    "primary": RoadClass.PRIMARY,
    "secondary": RoadClass.SECONDARY,
    "tertiary": RoadClass.TERTIARY,
    "unclassified": RoadClass.UNCLASSIFIED,
    "road": RoadClass.UNCLASSIFIED,
    "residential": RoadClass.RESIDENTIAL,
    "living_street": RoadClass.LIVING_STREET,
    "service": RoadClass.SERVICE,
    "track": RoadClass.SERVICE,
    "cycleway": RoadClass.CYCLEWAY,
    "path": RoadClass.PATH,
    "footway": RoadClass.PATH,
    "pedestrian": RoadClass.PATH,
}

# Assumed free-flow e-bike speeds (km/h), between stops. Calibrated so the mix of a central
# district lands near the measured mean of 17.1 km/h (Hangzhou, 2015) under the 25 km/h cap;
# arterials have separated non-motor lanes, small streets have parked cars and pedestrians.
DEFAULT_SPEEDS_KMH: dict[RoadClass, float] = {
    RoadClass.TRUNK: 19.0,
    RoadClass.PRIMARY: 19.0,
    RoadClass.SECONDARY: 18.0,
    RoadClass.TERTIARY: 17.0,
    RoadClass.UNCLASSIFIED: 16.0,
    RoadClass.RESIDENTIAL: 15.0,
    RoadClass.LIVING_STREET: 10.0,
    RoadClass.SERVICE: 12.0,
    RoadClass.CYCLEWAY: 18.0,
    RoadClass.PATH: 10.0,
}
LINK_SLOWDOWN_KMH = 2.0  # ramps and slip roads: tighter curves, merging traffic

# Classes that need an explicit bicycle permission before an e-bike may use them.
_NEEDS_PERMISSION = frozenset({RoadClass.TRUNK, RoadClass.PATH})
_PERMITTED = frozenset({"yes", "designated", "permissive", "destination", "delivery"})
_FORBIDDEN = frozenset({"no", "private", "use_sidepath", "dismount", "discouraged_no"})
_NEVER = frozenset({"motorway", "motorway_link", "construction", "proposed", "bus_guideway"})

_YES = frozenset({"yes", "true", "1"})
_NO = frozenset({"no", "false", "0"})
_REVERSE = frozenset({"-1", "reverse"})

_SPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*$")
_MPH_KMH = 1.609344
_WALK_KMH = 6.0


@dataclass(frozen=True, slots=True)
class WayRules:
    """What the profile makes of one way."""

    road_class: RoadClass
    forward: bool  # may ride in the way's node order
    backward: bool  # may ride against it
    speed_kmh: float


@dataclass(frozen=True)
class EbikeProfile:
    """Access, direction and speed rules for e-bikes and e-scooters."""

    name: str = "ebike"
    speeds_kmh: Mapping[RoadClass, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    max_kmh: float = E_BIKE_MAX_KMH
    # Speed off the network (from a door to the nearest street node): walking the bike or
    # riding slowly through a residential compound. An assumption.
    access_kmh: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.max_kmh <= 60:
            raise ValueError(f"max_kmh must be in (0, 60], got {self.max_kmh}")
        if not 0 < self.access_kmh <= self.max_kmh:
            raise ValueError(f"access_kmh must be in (0, max_kmh], got {self.access_kmh}")
        for road_class, kmh in self.speeds_kmh.items():
            if not kmh > 0:
                raise ValueError(f"speeds_kmh[{road_class.name}] must be positive, got {kmh}")

    def rules(self, tags: Tags) -> WayRules | None:
        """The rules for a way with these tags, or None if e-bikes may not use it at all."""
        highway = tags.get("highway", "")
        if highway in _NEVER or tags.get("area") == "yes":
            return None
        base = highway.removesuffix("_link")
        road_class = _BASE_CLASS.get(base)
        if road_class is None or road_class not in self.speeds_kmh:
            return None
        if not _may_enter(tags, needs_permission=road_class in _NEEDS_PERMISSION):
            return None
        forward, backward = directions(tags)
        if not (forward or backward):
            return None
        return WayRules(road_class, forward, backward, self.speed_kmh(tags, road_class))

    def speed_kmh(self, tags: Tags, road_class: RoadClass) -> float:
        kmh = self.speeds_kmh[road_class]
        if tags.get("highway", "").endswith("_link"):
            kmh = max(kmh - LINK_SLOWDOWN_KMH, 1.0)
        limit = parse_maxspeed_kmh(tags.get("maxspeed", ""))
        if limit is not None:
            kmh = min(kmh, limit)
        return min(kmh, self.max_kmh)


def _may_enter(tags: Tags, *, needs_permission: bool) -> bool:
    # The most specific access key present decides: bicycle over vehicle over access.
    for key in ("bicycle", "vehicle", "access"):
        value = tags.get(key)
        if value is None:
            continue
        if value in _FORBIDDEN:
            return False
        if key == "bicycle" and value in _PERMITTED:
            return True
        if not needs_permission:
            return True
    return not needs_permission


def directions(tags: Tags) -> tuple[bool, bool]:
    """(forward, backward): which ways along the node order an e-bike may ride."""
    bike = tags.get("oneway:bicycle")
    if bike in _NO:
        return True, True
    if bike in _YES:
        return True, False
    if bike in _REVERSE:
        return False, True
    oneway = tags.get("oneway")
    if oneway in ("reversible", "alternating"):
        return False, False  # direction changes by time of day; not routable without schedule
    if oneway in _NO:
        return True, True
    implied = tags.get("junction") in ("roundabout", "circular")
    if oneway in _YES or oneway in _REVERSE or (oneway is None and implied):
        if _contraflow_tagged(tags):
            return True, True
        return (False, True) if oneway in _REVERSE else (True, False)
    return True, True


def _contraflow_tagged(tags: Tags) -> bool:
    keys = ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both")
    return any(tags.get(k, "").startswith("opposite") for k in keys)


def parse_maxspeed_kmh(value: str) -> float | None:
    """A `maxspeed` tag in km/h, or None when it carries no number we can use."""
    if value == "walk":
        return _WALK_KMH
    match = _SPEED_RE.match(value)
    if match is None:
        return None
    number = float(match.group(1))
    if number <= 0:
        return None
    return number * _MPH_KMH if match.group(2) == "mph" else number
