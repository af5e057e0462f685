"""Wayfinding inside an estate: the best gate for where the rider comes from, and the route
from that gate to a building's unit entrance, with the estate's e-bike rule applied.

`EstateGuide(estate)` compiles the walk graph once (see `walkgraph`) and the walking metres
from every usable gate and every parking to every node (scipy's Dijkstra); a `route()` then
only compares a handful of sums and walks a predecessor row back, well under a millisecond.

The rules (constants below):
- the gates a rider may use are those open to riders with a pass (`Gate.riders_pass`); at
  a given time (`at=`) a gate whose `hours` say it is closed is left out;
- best gate = the least `approach_s[gate]` (seconds to reach the gate from outside, which
  the streets router gives; gates missing from it are not reachable) plus the time inside;
  without `approach_s` the time inside alone decides;
- e-bike (`by="ebike"`): ridden inside at `EBIKE_INSIDE_MPS` only where the estate allows
  e-bikes inside and the gate lets them in; otherwise the rider rides to the parking nearest
  that gate (straight line), leaves the e-bike there and walks at `WALK_MPS` — from parking
  outside the boundary back through the gate, from parking inside from the parking itself;
  an estate with no parking: the e-bike stays at the gate. On foot: walk from the gate;
- a trolley can be borrowed when a `trolleys` measure is in force on `day` (today when not
  given), and is offered for the walk;
- floors: the last step says "take the lift" or "walk up" when the building's floors and
  lift are known (the floor itself is not: orders give a unit, not a floor, so no time is
  added for it).

Opening hours: `""` and `"24/7"` are always open; `"HH:MM-HH:MM"` ranges (comma separated,
past midnight allowed) are read here; anything else goes to the OpenStreetMap
`opening_hours` parser; hours it cannot read count as open (a typo must not hide a gate — the
services validate hours when an estate is saved). A caller with a richer calendar (public
holidays) passes its own `is_open`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.estates.model import (
    Building,
    Entrance,
    Estate,
    Gate,
    LonLat,
    MeasureKind,
    Parking,
    Zone,
)
from gigcity.geo.estates.walkgraph import WalkGraph, compile_walk_graph

WALK_MPS = 1.2  # walking pace with a bag of food
EBIKE_INSIDE_MPS = 3.0  # an e-bike inside an estate: pedestrians, children, corners
APPROACH_DETOUR = 1.3  # street metres per straight metre, for `straight_approach_s`
APPROACH_MPS = 5.0  # an e-bike on the streets, for `straight_approach_s`

Mode = Literal["ebike", "foot"]


class StepKind(StrEnum):
    ride_to_parking = "ride_to_parking"  # parking, metres, inside (the parking is inside)
    leave_ebike_at_gate = "leave_ebike_at_gate"  # gate (no parking in the estate)
    enter_gate = "enter_gate"  # gate, riding (bool)
    borrow_trolley = "borrow_trolley"  # (no params)
    follow_zone = "follow_zone"  # colour
    ride_to_entrance = "ride_to_entrance"  # building, unit, metres
    walk_to_entrance = "walk_to_entrance"  # building, unit, metres, minutes
    take_lift = "take_lift"  # floors
    walk_up = "walk_up"  # floors


@dataclass(frozen=True)
class GuideStep:
    """One step of the route: its kind and the values its sentence needs (words are added at
    the edge by `gigcity.services.estates.wording.step_text`)."""

    kind: StepKind
    params: Mapping[str, str | int | float | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class GuideRoute:
    building_ref: str
    number: str
    zone: Zone | None
    gate: Gate
    parking: Parking | None  # where the e-bike is left when it may not be ridden inside
    entrance: Entrance | None
    path: tuple[LonLat, ...]  # from the gate (or the parking) to the entrance
    walk_m: float
    walk_s: float
    ride_m: float  # ridden from the gate: to the parking, or to the entrance when allowed
    trolley: bool  # a trolley can be borrowed on the day
    steps: tuple[GuideStep, ...]
    total_s: float  # approach + ride + walk
    approach_s: float = 0.0
    ride_s: float = 0.0
    riding_inside: bool = False


class GuideError(ValueError):
    """A route that cannot be given. `msgid` is an English message template with `{named}`
    parameters (`params`), translated by the services' wording; the subclasses say why."""

    msgid = "No route can be given"

    def __init__(self, **params: str) -> None:
        self.params = params
        super().__init__(self.msgid.format(**params))


class UnknownBuilding(GuideError):
    msgid = "No building {building} in this estate"


class UnknownUnit(GuideError):
    msgid = "Building {building} has no unit {unit}"


class NoGate(GuideError):
    msgid = "No gate of this estate is open to riders now"


def gate_open(hours: str, at: datetime) -> bool:
    """Is a gate with these `hours` open at `at` (local time)? See the module's notes."""
    text = hours.strip()
    if not text or text == "24/7":
        return True
    ranges = _simple_ranges(text)
    if ranges is not None:
        minute = at.hour * 60 + at.minute
        return any((a <= minute < b) if a < b else (minute >= a or minute < b) for a, b in ranges)
    expression = _osm_hours(text)
    if expression is None:
        return True
    return bool(expression.is_open(at.replace(tzinfo=None)))


_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _simple_ranges(text: str) -> tuple[tuple[int, int], ...] | None:
    ranges = []
    for part in text.split(","):
        found = _RANGE.match(part.strip())
        if not found:
            return None
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
            return None
        ranges.append((h1 * 60 + m1, h2 * 60 + m2))
    return tuple(ranges)


@lru_cache(maxsize=256)
def _osm_hours(text: str) -> Any:
    try:
        from opening_hours import OpeningHours

        return OpeningHours(text)
    except Exception:  # any parser failure: the hours are unreadable, the gate counts as open
        return None


@dataclass(frozen=True)
class _GateWay:
    """What compile time knows about one usable gate."""

    gate: Gate
    row: int  # its row in the distance matrix
    ride_in: bool  # may an e-bike be ridden in here
    parking: Parking | None  # nearest parking, when it may not
    parking_row: int  # row of that parking (-1 none)
    parking_inside: bool
    parking_gap_m: float  # straight metres between gate and parking


class EstateGuide:
    """The compiled guide of one estate version; `route()` is cheap."""

    def __init__(
        self, estate: Estate, *, is_open: Callable[[str, datetime], bool] = gate_open
    ) -> None:
        self.estate = estate
        self._is_open = is_open
        self.graph: WalkGraph = compile_walk_graph(estate)
        graph = self.graph
        usable = [g for g in estate.gates if g.riders_pass]
        sources = [graph.feature[g.ref] for g in usable] + [
            graph.feature[p.ref] for p in estate.parking
        ]
        self._dist: NDArray[np.float64]
        self._pred: NDArray[np.int32]
        if sources:
            self._dist, self._pred = graph.distances(sources)
        else:  # no gate open to riders: every route raises NoGate
            self._dist, self._pred = np.zeros((0, 0)), np.zeros((0, 0), dtype=np.int32)
        parking_rows = {p.ref: len(usable) + i for i, p in enumerate(estate.parking)}
        ways = []
        for row, gate in enumerate(usable):
            ride_in = estate.ebikes_inside and gate.ebikes_allowed
            parking = (
                min(estate.parking, key=lambda p: graph.plane.metres(p.at, gate.at))
                if estate.parking
                else None
            )
            ways.append(
                _GateWay(
                    gate=gate,
                    row=row,
                    ride_in=ride_in,
                    parking=parking,
                    parking_row=parking_rows[parking.ref] if parking else -1,
                    parking_inside=parking is not None and _inside(parking.at, estate.boundary),
                    parking_gap_m=graph.plane.metres(parking.at, gate.at) if parking else 0.0,
                )
            )
        self._ways = tuple(ways)
        self._zone_of = {ref: z for z in estate.zones for ref in z.buildings}
        self._buildings = {b.ref: b for b in estate.buildings}  # the usual question, by ref

    def gate_candidates(self) -> tuple[Gate, ...]:
        """The gates a rider may use (open to riders with a pass), in the estate's order."""
        return tuple(w.gate for w in self._ways)

    def straight_approach_s(
        self, at: LonLat, *, speed_mps: float = APPROACH_MPS
    ) -> dict[str, float]:
        """A rough approach (straight line x `APPROACH_DETOUR`) from `at` to each gate, for
        when the streets router cannot give one."""
        plane = self.graph.plane
        return {
            w.gate.ref: plane.metres(at, w.gate.at) * APPROACH_DETOUR / speed_mps
            for w in self._ways
        }

    def route(
        self,
        building: str,
        *,
        unit: str | None = None,
        approach_s: Mapping[str, float] | None = None,
        by: Mode = "ebike",
        day: date | None = None,
        at: datetime | None = None,
    ) -> GuideRoute:
        """The best gate and the route to `building` (ref or number as residents say it:
        "37", "37号楼"), to `unit` ("2", "2单元" or an entrance ref) when given, else to
        the unit entrance quickest to reach. `at`: leave out gates closed at that time."""
        found = self._buildings.get(building) or self.estate.building(building)
        if found is None:
            raise UnknownBuilding(building=building)
        targets = self._targets(found, unit)
        graph = self.graph
        best: tuple[float, _GateWay, Entrance | None, int, float, float, float, float] | None
        best = None
        for way in self._ways:
            if at is not None and not self._is_open(way.gate.hours, at):
                continue
            approach = 0.0
            if approach_s is not None:
                approach = float(approach_s.get(way.gate.ref, float("inf")))
                if not np.isfinite(approach):
                    continue
            for entrance, node in targets:
                ride_m, ride_s, walk_m, walk_s = self._inside(way, node, by)
                total = approach + ride_s + walk_s
                if np.isfinite(total) and (best is None or total < best[0] - 1e-9):
                    best = (total, way, entrance, node, ride_m, ride_s, walk_m, walk_s)
        if best is None:
            raise NoGate()
        total, way, entrance, node, ride_m, ride_s, walk_m, walk_s = best
        parking = way.parking if (by == "ebike" and not way.ride_in) else None
        if parking is not None and way.parking_inside:
            nodes = graph.path(self._pred[way.parking_row], node)
            path = tuple(graph.lonlat[i] for i in nodes)
        else:
            nodes = graph.path(self._pred[way.row], node)
            path = tuple(graph.lonlat[i] for i in nodes)
            if parking is not None:
                path = (parking.at, *path)
        today = day if day is not None else (at.date() if at is not None else date.today())
        trolley = any(m.kind == MeasureKind.trolleys for m in self.estate.measures_in_force(today))
        zone = self._zone_of.get(found.ref)
        steps = self._steps(found, entrance, way, parking, zone, by, trolley, ride_m, walk_m)
        return GuideRoute(
            building_ref=found.ref,
            number=found.number,
            zone=zone,
            gate=way.gate,
            parking=parking,
            entrance=entrance,
            path=path,
            walk_m=round(walk_m, 1),
            walk_s=round(walk_s, 1),
            ride_m=round(ride_m, 1),
            trolley=trolley,
            steps=steps,
            total_s=round(total, 1),
            approach_s=round(total - ride_s - walk_s, 1),
            ride_s=round(ride_s, 1),
            riding_inside=by == "ebike" and way.ride_in,
        )

    # -- internals ------------------------------------------------------------------------

    def _targets(self, building: Building, unit: str | None) -> list[tuple[Entrance | None, int]]:
        feature = self.graph.feature
        if not building.entrances:
            if unit is not None and unit.strip():
                raise UnknownUnit(building=building.number, unit=unit)
            return [(None, feature[building.ref])]
        if unit is None or not unit.strip():
            return [(e, feature[e.ref]) for e in building.entrances]
        entrance = _find_unit(building, unit)
        if entrance is None:
            raise UnknownUnit(building=building.number, unit=unit)
        return [(entrance, feature[entrance.ref])]

    def _inside(self, way: _GateWay, node: int, by: Mode) -> tuple[float, float, float, float]:
        """(ride_m, ride_s, walk_m, walk_s) from the gate to `node`."""
        from_gate = float(self._dist[way.row, node])
        if by == "foot":
            return 0.0, 0.0, from_gate, from_gate / WALK_MPS
        if way.ride_in:
            return from_gate, from_gate / EBIKE_INSIDE_MPS, 0.0, 0.0
        if way.parking is None:  # nowhere to park: the e-bike stays at the gate
            return 0.0, 0.0, from_gate, from_gate / WALK_MPS
        if way.parking_inside:
            ride_m = float(self._dist[way.row, self.graph.feature[way.parking.ref]])
            walk_m = float(self._dist[way.parking_row, node])
        else:
            ride_m = way.parking_gap_m
            walk_m = way.parking_gap_m + from_gate
        return ride_m, ride_m / EBIKE_INSIDE_MPS, walk_m, walk_m / WALK_MPS

    def _steps(
        self,
        building: Building,
        entrance: Entrance | None,
        way: _GateWay,
        parking: Parking | None,
        zone: Zone | None,
        by: Mode,
        trolley: bool,
        ride_m: float,
        walk_m: float,
    ) -> tuple[GuideStep, ...]:
        gate_name = way.gate.name or way.gate.ref
        unit = (entrance.name or entrance.ref) if entrance else ""
        steps: list[GuideStep] = []
        riding_in = by == "ebike" and way.ride_in
        if parking is not None and not way.parking_inside:
            steps.append(
                _step(StepKind.ride_to_parking, parking=_name(parking), metres=ride_m, inside=False)
            )
            steps.append(_step(StepKind.enter_gate, gate=gate_name, riding=False))
        elif parking is not None:
            steps.append(_step(StepKind.enter_gate, gate=gate_name, riding=True))
            steps.append(
                _step(StepKind.ride_to_parking, parking=_name(parking), metres=ride_m, inside=True)
            )
        elif by == "ebike" and not riding_in:
            steps.append(_step(StepKind.leave_ebike_at_gate, gate=gate_name))
            steps.append(_step(StepKind.enter_gate, gate=gate_name, riding=False))
        else:
            steps.append(_step(StepKind.enter_gate, gate=gate_name, riding=riding_in))
        if trolley and not riding_in:
            steps.append(_step(StepKind.borrow_trolley))
        if zone is not None:
            steps.append(_step(StepKind.follow_zone, colour=zone.colour.value))
        if riding_in:
            steps.append(
                _step(StepKind.ride_to_entrance, building=building.number, unit=unit,
                      metres=round(ride_m))
            )  # fmt: skip
        else:
            steps.append(
                _step(StepKind.walk_to_entrance, building=building.number, unit=unit,
                      metres=round(walk_m), minutes=max(1, round(walk_m / WALK_MPS / 60)))
            )  # fmt: skip
        if building.floors is not None and building.floors > 1 and building.lift is not None:
            kind = StepKind.take_lift if building.lift else StepKind.walk_up
            steps.append(_step(kind, floors=building.floors))
        return tuple(steps)


def _step(kind: StepKind, **params: str | int | float | bool) -> GuideStep:
    return GuideStep(kind, {k: round(v) if isinstance(v, float) else v for k, v in params.items()})


def _name(parking: Parking) -> str:
    return parking.name or parking.ref


_UNIT_SUFFIXES = ("单元", "门", "号")


def _unit_key(text: str) -> str:
    plain = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    for suffix in _UNIT_SUFFIXES:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)]
    return plain.strip().lstrip("0") or plain


def _find_unit(building: Building, unit: str) -> Entrance | None:
    """An entrance by its ref, by its name ("2单元" found by "2" or "2单元"), or, when the
    entrances have no names, by its position (the second for "2")."""
    for e in building.entrances:
        if e.ref == unit.strip():
            return e
    wanted = _unit_key(unit)
    for e in building.entrances:
        if e.name and _unit_key(e.name) == wanted:
            return e
    if all(not e.name for e in building.entrances) and wanted.isdigit():
        index = int(wanted) - 1
        if 0 <= index < len(building.entrances):
            return building.entrances[index]
    return None


def _inside(p: LonLat, ring: tuple[LonLat, ...]) -> bool:
    """Is `p` inside the ring (even-odd rule)?"""
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, (*ring[1:], ring[0]), strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside
