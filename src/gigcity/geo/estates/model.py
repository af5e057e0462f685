"""An estate as riders need it: its boundary, gates, buildings with their unit entrances,
the walkways inside as a graph, e-bike parking, hand-off points and the measures in force.

One validated, immutable document (pydantic, frozen). Coordinates are WGS-84 `(lon, lat)`;
references (`ref`) are short stable ids unique within the estate ("g1", "b37", "b37-u2",
"n120"), so other records (gate decisions, relay items) can point at a part of an estate.
Buildings carry their number as residents say it ("37号楼") in `number`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

LonLat = tuple[float, float]
Ref = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]
Name = Annotated[str, Field(min_length=1, max_length=120)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Entrance(_Frozen):
    """A unit entrance (单元门) of a building, with its own point."""

    ref: Ref
    name: Annotated[str, Field(max_length=40)] = ""  # as residents say it: "2单元"
    at: LonLat


class Building(_Frozen):
    ref: Ref
    number: Name  # as residents say it: "12号楼", "37"
    at: LonLat  # a point inside, used when there is no footprint
    footprint: tuple[LonLat, ...] | None = None  # outer ring, not closed
    floors: Annotated[int, Field(ge=1, le=200)] | None = None
    lift: bool | None = None
    entrances: tuple[Entrance, ...] = ()


class Gate(_Frozen):
    ref: Ref
    name: Annotated[str, Field(max_length=80)] = ""  # "北门", "3号门"
    at: LonLat
    pedestrian: bool = True
    vehicle: bool = False
    ebikes_allowed: bool = False  # may an e-bike be ridden in through this gate
    hours: Annotated[str, Field(max_length=200)] = ""  # OSM opening_hours; "" = always open
    lit_at_night: bool = False
    riders_pass: bool = True  # certified riders may pass here with a gate pass


class WalkNode(_Frozen):
    ref: Ref
    at: LonLat


class WalkwayKind(StrEnum):
    footway = "footway"  # walking only
    path = "path"
    service = "service"  # internal road: e-bikes and trolleys where the estate allows them
    steps = "steps"  # no trolley


class Walkway(_Frozen):
    """An undirected edge of the walking graph between two `WalkNode`s."""

    a: Ref
    b: Ref
    kind: WalkwayKind = WalkwayKind.footway
    lit: bool = False


class Parking(_Frozen):
    """Where riders leave their e-bikes (inside or just outside the estate)."""

    ref: Ref
    name: Annotated[str, Field(max_length=80)] = ""
    at: LonLat
    capacity: Annotated[int, Field(ge=0, le=10_000)] | None = None


class HandoffPoint(_Frozen):
    """Where a rider leaves a relay order for a community courier (接力点)."""

    ref: Ref
    name: Name
    at: LonLat
    hours: Annotated[str, Field(max_length=200)] = ""  # OSM opening_hours; "" = always
    shelf_capacity: Annotated[int, Field(ge=1, le=10_000)] = 40
    # An item not claimed / not delivered within these minutes raises an alert.
    claim_within_min: Annotated[int, Field(ge=1, le=24 * 60)] = 20
    deliver_within_min: Annotated[int, Field(ge=1, le=24 * 60)] = 30


class MeasureKind(StrEnum):
    night_lighting = "night_lighting"
    plan_board = "plan_board"  # estate plan board at the gates
    trolleys = "trolleys"  # flatbed trolleys to borrow
    relay = "relay"  # relay delivery through a hand-off point
    rider_gate_access = "rider_gate_access"  # gates open to certified riders


class Measure(_Frozen):
    kind: MeasureKind
    since: date
    until: date | None = None  # still in force when None
    note: Annotated[str, Field(max_length=300)] = ""

    def in_force(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


class ZoneColour(StrEnum):
    """The seven colours of the guide: Okabe–Ito, distinguishable with the common kinds of
    colour blindness (each zone also carries its name and building numbers)."""

    orange = "orange"  # #E69F00
    sky_blue = "sky_blue"  # #56B4E9
    green = "green"  # #009E73 (bluish green)
    yellow = "yellow"  # #F0E442
    blue = "blue"  # #0072B2
    vermilion = "vermilion"  # #D55E00
    purple = "purple"  # #CC79A7 (reddish purple)


ZONE_HEX: dict[ZoneColour, str] = {
    ZoneColour.orange: "#E69F00",
    ZoneColour.sky_blue: "#56B4E9",
    ZoneColour.green: "#009E73",
    ZoneColour.yellow: "#F0E442",
    ZoneColour.blue: "#0072B2",
    ZoneColour.vermilion: "#D55E00",
    ZoneColour.purple: "#CC79A7",
}


class Zone(_Frozen):
    """One colour zone of the seven-colour guide: the buildings it holds."""

    colour: ZoneColour
    buildings: tuple[Ref, ...]


class Estate(_Frozen):
    name: Name
    name_en: Annotated[str, Field(max_length=120)] = ""
    subdistrict: str | None = None  # the district's sub-district code
    synthetic: bool = False  # generated, not surveyed (the demo's sample estate)
    source: Annotated[str, Field(max_length=300)] = ""  # e.g. "© OpenStreetMap contributors"
    # Where the estate comes from, stable across imports ("osm:way/123"): importing the same
    # source again updates the estate instead of adding a second one.
    external_id: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    ebikes_inside: bool = False  # may e-bikes be ridden inside at all
    boundary: tuple[LonLat, ...]  # outer ring, not closed
    gates: tuple[Gate, ...]
    buildings: tuple[Building, ...] = ()
    nodes: tuple[WalkNode, ...] = ()
    walkways: tuple[Walkway, ...] = ()
    parking: tuple[Parking, ...] = ()
    handoffs: tuple[HandoffPoint, ...] = ()
    measures: tuple[Measure, ...] = ()
    zones: tuple[Zone, ...] = ()  # the guide's partition; empty until computed

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.boundary) < 3:
            raise ValueError("boundary: needs at least three points")
        if not self.gates:
            raise ValueError("gates: an estate needs at least one gate")
        refs: set[str] = set()
        parts: list[Gate | Building | Entrance | WalkNode | Parking | HandoffPoint] = [
            *self.gates,
            *self.buildings,
            *(e for b in self.buildings for e in b.entrances),
            *self.nodes,
            *self.parking,
            *self.handoffs,
        ]
        for part in parts:
            if part.ref in refs:
                raise ValueError(f"ref {part.ref!r} is used twice")
            refs.add(part.ref)
        node_refs = {n.ref for n in self.nodes}
        for i, way in enumerate(self.walkways):
            for end in (way.a, way.b):
                if end not in node_refs:
                    raise ValueError(f"walkways[{i}]: no walk node {end!r}")
        building_refs = {b.ref for b in self.buildings}
        zoned: set[str] = set()
        if len(self.zones) > len(ZoneColour):
            raise ValueError(f"zones: at most {len(ZoneColour)}")
        if len({z.colour for z in self.zones}) != len(self.zones):
            raise ValueError("zones: each colour at most once")
        for zone in self.zones:
            for ref in zone.buildings:
                if ref not in building_refs:
                    raise ValueError(f"zones: no building {ref!r}")
                if ref in zoned:
                    raise ValueError(f"zones: building {ref!r} is in two zones")
                zoned.add(ref)
        return self

    # -- lookups --------------------------------------------------------------------------

    def building(self, ref_or_number: str) -> Building | None:
        """A building by its ref or by its number as residents say it ("37", "37号楼",
        "37号" all find 37号楼)."""
        for b in self.buildings:
            if b.ref == ref_or_number:
                return b
        wanted = _plain_number(ref_or_number)
        for b in self.buildings:
            if _plain_number(b.number) == wanted:
                return b
        return None

    def gate(self, ref: str) -> Gate | None:
        return next((g for g in self.gates if g.ref == ref), None)

    def handoff(self, ref: str) -> HandoffPoint | None:
        return next((h for h in self.handoffs if h.ref == ref), None)

    def zone_of(self, building_ref: str) -> Zone | None:
        return next((z for z in self.zones if building_ref in z.buildings), None)

    def measures_in_force(self, day: date) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.in_force(day))

    def centre(self) -> LonLat:
        lons = [p[0] for p in self.boundary]
        lats = [p[1] for p in self.boundary]
        return (sum(lons) / len(lons), sum(lats) / len(lats))


_NUMBER_SUFFIXES = ("号楼", "号", "幢", "栋", "楼")


def _plain_number(text: str) -> str:
    """ "37号楼" -> "37"; full-width digits made ASCII; spaces dropped."""
    plain = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    plain = plain.replace(" ", "")
    for suffix in _NUMBER_SUFFIXES:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)]
            break
    return plain.lstrip("0") or plain
