"""Wayfinding inside an estate: best gate, walkways, the e-bike rule, hours and trolleys."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.estates.guide_support import SPACING_M, at, grid_estate
from gigcity.geo.estates import (
    Building,
    Entrance,
    Estate,
    Gate,
    Measure,
    MeasureKind,
    Parking,
    WalkNode,
    Walkway,
)
from gigcity.geo.estates.wayfinding import (
    EBIKE_INSIDE_MPS,
    WALK_MPS,
    EstateGuide,
    NoGate,
    StepKind,
    UnknownBuilding,
    UnknownUnit,
    gate_open,
)
from gigcity.geo.estates.zones import with_zones


def kinds(route) -> list[StepKind]:  # type: ignore[no-untyped-def]
    return [s.kind for s in route.steps]


def walled_estate() -> Estate:
    """A gate in the west, building 1 straight east of it behind a wall: the only walkway
    goes north, east and back south (a U of 3 x 100 m)."""
    return Estate(
        name="围墙小区",
        boundary=(at(-20, -20), at(120, -20), at(120, 120), at(-20, 120)),
        gates=(Gate(ref="g1", name="西门", at=at(0, 0)),),
        buildings=(
            Building(
                ref="b1",
                number="1号楼",
                at=at(100, 5),
                entrances=(Entrance(ref="b1-u1", name="1单元", at=at(100, 0)),),
            ),
        ),
        nodes=(
            WalkNode(ref="a", at=at(0, 0)),
            WalkNode(ref="b", at=at(0, 100)),
            WalkNode(ref="c", at=at(100, 100)),
            WalkNode(ref="d", at=at(100, 0)),
        ),
        walkways=(Walkway(a="a", b="b"), Walkway(a="b", b="c"), Walkway(a="c", b="d")),
    )


def test_the_route_follows_the_walkways_not_a_straight_line() -> None:
    route = EstateGuide(walled_estate()).route("1", by="foot")
    assert route.walk_m == pytest.approx(300, abs=1)
    assert route.walk_s == pytest.approx(300 / WALK_MPS, abs=1)
    assert route.path[0] == pytest.approx(at(0, 0))
    assert route.path[-1] == pytest.approx(at(100, 0))
    assert any(p == pytest.approx(at(100, 100)) for p in route.path)  # round the wall


def test_the_nearest_gate_wins_and_the_approach_can_change_it() -> None:
    guide = EstateGuide(grid_estate(4, 5))
    # 18号楼 sits in the south row, middle column: the south gate is nearest.
    assert guide.route("18号楼", by="foot").gate.ref == "gs"
    far_south = {"gs": 900.0, "gn": 0.0, "gw": 0.0, "ge": 0.0}
    route = guide.route("18", by="foot", approach_s=far_south)
    assert route.gate.ref != "gs"
    assert route.total_s == pytest.approx(route.approach_s + route.walk_s, abs=0.2)
    # A gate missing from the approach cannot be reached.
    assert guide.route("18", by="foot", approach_s={"gn": 5.0}).gate.ref == "gn"


def test_a_gate_closed_at_night_is_not_chosen() -> None:
    estate = grid_estate(4, 5)
    gates = tuple(
        g.model_copy(update={"hours": "06:00-22:00"}) if g.ref == "gs" else g for g in estate.gates
    )
    guide = EstateGuide(estate.model_copy(update={"gates": gates}))
    assert guide.route("18", by="foot", at=datetime(2026, 12, 3, 12, 0)).gate.ref == "gs"
    assert guide.route("18", by="foot", at=datetime(2026, 12, 3, 23, 30)).gate.ref != "gs"
    assert guide.route("18", by="foot").gate.ref == "gs"  # no time given: hours not asked


def test_opening_hours_forms() -> None:
    night, noon = datetime(2026, 12, 3, 23, 30), datetime(2026, 12, 3, 12, 0)  # a Thursday
    assert gate_open("", night)
    assert gate_open("24/7", night)
    assert gate_open("22:00-06:00", night)
    assert not gate_open("22:00-06:00", noon)
    assert gate_open("07:00-09:00,11:00-13:00", noon)
    assert gate_open("Mo-Fr 06:00-22:00", noon)
    assert not gate_open("Mo-Fr 06:00-22:00", night)
    assert not gate_open("Sa-Su 08:00-20:00", noon)
    assert gate_open("not hours at all", night)  # unreadable: the gate is not hidden


def test_all_gates_closed_is_a_clear_error() -> None:
    estate = walled_estate()
    closed = estate.model_copy(
        update={"gates": (estate.gates[0].model_copy(update={"hours": "08:00-09:00"}),)}
    )
    with pytest.raises(NoGate) as caught:
        EstateGuide(closed).route("1", at=datetime(2026, 12, 3, 23, 0))
    assert caught.value.msgid == "No gate of this estate is open to riders now"
    no_pass = estate.model_copy(
        update={"gates": (estate.gates[0].model_copy(update={"riders_pass": False}),)}
    )
    assert EstateGuide(no_pass).gate_candidates() == ()
    with pytest.raises(NoGate):
        EstateGuide(no_pass).route("1")


def test_ebikes_banned_inside_ride_to_the_parking_then_walk() -> None:
    shed = Parking(ref="p1", name="南门停车棚", at=at(150, -15))  # outside, by the south gate
    estate = grid_estate(4, 5, parking=(shed,))
    route = EstateGuide(estate).route("18", unit="1")
    assert route.gate.ref == "gs"
    assert route.parking == shed
    assert not route.riding_inside
    assert kinds(route)[:2] == [StepKind.ride_to_parking, StepKind.enter_gate]
    assert route.steps[1].params["riding"] is False
    assert route.path[0] == shed.at
    assert route.ride_m == pytest.approx(10, abs=0.5)
    assert route.walk_m > route.ride_m


def test_parking_inside_the_estate_is_ridden_to_from_the_gate() -> None:
    shed = Parking(ref="p1", name="车棚", at=at(150, 30))  # just inside the south gate
    route = EstateGuide(grid_estate(4, 5, parking=(shed,))).route("18", unit="1")
    assert kinds(route)[:2] == [StepKind.enter_gate, StepKind.ride_to_parking]
    assert route.steps[0].params["riding"] is True
    assert route.ride_m > 30
    assert route.path[0] == pytest.approx(shed.at)


def test_no_parking_the_ebike_stays_at_the_gate() -> None:
    route = EstateGuide(grid_estate(4, 5)).route("18")
    assert route.parking is None
    assert kinds(route)[0] == StepKind.leave_ebike_at_gate


def test_ebikes_allowed_inside_only_through_gates_that_let_them_in() -> None:
    shed = Parking(ref="p1", name="车棚", at=at(150, -15))
    estate = grid_estate(4, 5, ebikes_inside=True, parking=(shed,))
    guide = EstateGuide(estate)
    # 15号楼 is at the east edge: the east gate lets e-bikes in.
    east = guide.route("15", unit="2", approach_s={"ge": 0.0})
    assert east.riding_inside
    assert east.parking is None
    assert StepKind.ride_to_entrance in kinds(east)
    assert east.ride_s == pytest.approx(east.ride_m / EBIKE_INSIDE_MPS, abs=0.2)
    south = guide.route("15", unit="2", approach_s={"gs": 0.0})
    assert not south.riding_inside
    assert south.parking == shed
    on_foot = guide.route("15", by="foot", approach_s={"ge": 0.0})
    assert on_foot.ride_m == 0
    assert on_foot.parking is None


def test_a_trolley_is_offered_while_the_measure_is_in_force() -> None:
    trolleys = Measure(kind=MeasureKind.trolleys, since=date(2026, 6, 1), until=date(2026, 12, 31))
    guide = EstateGuide(grid_estate(4, 5).model_copy(update={"measures": (trolleys,)}))
    on = guide.route("7", day=date(2026, 12, 3))
    assert on.trolley
    assert StepKind.borrow_trolley in kinds(on)
    off = guide.route("7", day=date(2027, 1, 1))
    assert not off.trolley
    assert StepKind.borrow_trolley not in kinds(off)


def test_units_zone_and_floors_in_the_steps() -> None:
    guide = EstateGuide(with_zones(grid_estate(4, 5)))
    for unit in ("2", "2单元", "b7-u2", "２单元"):
        assert guide.route("7号楼", unit=unit).entrance.ref == "b7-u2"  # type: ignore[union-attr]
    route = guide.route("7", unit="2")
    assert route.zone is not None
    follow = [s for s in route.steps if s.kind == StepKind.follow_zone]
    assert follow[0].params["colour"] == route.zone.colour.value
    assert route.steps[-1].kind == StepKind.take_lift
    assert route.steps[-1].params["floors"] == 18
    walk_up = EstateGuide(grid_estate(2, 2, floors=6, lift=False)).route("1")
    assert walk_up.steps[-1].kind == StepKind.walk_up
    unknown = EstateGuide(grid_estate(2, 2, floors=None, lift=None)).route("1")
    assert unknown.steps[-1].kind == StepKind.walk_to_entrance


def test_unknown_building_or_unit_is_a_clear_error() -> None:
    guide = EstateGuide(grid_estate(2, 2))
    with pytest.raises(UnknownBuilding) as caught:
        guide.route("99号楼")
    assert caught.value.params == {"building": "99号楼"}
    assert isinstance(caught.value, ValueError)
    with pytest.raises(UnknownUnit):
        guide.route("1", unit="7")


def test_straight_approach_prefers_the_gate_towards_the_rider() -> None:
    guide = EstateGuide(grid_estate(4, 5))
    from_east = guide.straight_approach_s(at(5 * SPACING_M + 400, 120))
    assert min(from_east, key=lambda g: from_east[g]) == "ge"


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 4),
    cols=st.integers(1, 5),
    cut=st.sets(st.integers(0, 30), max_size=8),
    pick=st.integers(0, 100),
    by=st.sampled_from(["ebike", "foot"]),
)
def test_any_route_starts_at_a_gate_and_ends_at_the_entrance(
    rows: int, cols: int, cut: set[int], pick: int, by: str
) -> None:
    full = grid_estate(rows, cols)
    ways = [(w.a, w.b) for w in full.walkways]
    estate = grid_estate(rows, cols, missing=frozenset(ways[i] for i in cut if i < len(ways)))
    guide = EstateGuide(estate)
    building = estate.buildings[pick % len(estate.buildings)]
    route = guide.route(building.ref, by=by)  # type: ignore[arg-type]
    assert route.entrance in building.entrances
    assert route.path[0] == pytest.approx(route.gate.at)
    assert route.path[-1] == pytest.approx(route.entrance.at)  # type: ignore[union-attr]
    straight = guide.graph.plane.metres(route.gate.at, route.entrance.at)  # type: ignore[union-attr]
    assert route.walk_m >= straight - 0.5  # never shorter than the crow flies
    # No other gate would have been quicker.
    for gate in guide.gate_candidates():
        other = guide.route(building.ref, by=by, approach_s={gate.ref: 0.0})  # type: ignore[arg-type]
        assert other.total_s >= route.total_s - 0.2


def test_every_unit_of_the_sample_estate_has_a_route() -> None:
    from gigcity.geo.estates.sample import sample_estate

    estate = with_zones(sample_estate())
    guide = EstateGuide(estate)
    night = datetime(2026, 12, 3, 23, 45)
    for building in estate.buildings:
        for entrance in building.entrances:
            route = guide.route(building.number, unit=entrance.name or entrance.ref, at=night)
            assert route.entrance == entrance
            assert route.zone is not None
            assert gate_open(route.gate.hours, night)
            assert route.walk_m < 2000
