"""The demo's sample giant estate: synthetic and labelled so, the size of the largest Putuo
estates, laid out so that a guide can be drawn on it (no overlapping buildings, every unit
entrance reachable from every gate), and the same for the same seed."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import STRtree
from shapely.geometry import Point, Polygon

from gigcity.geo.coords import haversine_m
from gigcity.geo.district import load_district
from gigcity.geo.estates import Estate, MeasureKind, WalkwayKind
from gigcity.geo.estates.plane import LocalPlane
from gigcity.geo.estates.sample import MAX_BUILDINGS, NAME, NAME_EN, sample_estate


@pytest.fixture(scope="module")
def estate() -> Estate:
    return sample_estate()


def test_it_is_labelled_synthetic_everywhere_a_reader_looks(estate: Estate) -> None:
    assert estate.synthetic
    assert estate.name == NAME == "示例大型小区（合成数据）"
    assert estate.name_en == NAME_EN == "Sample giant estate (synthetic)"
    assert "合成" in estate.name
    assert "synthetic" in estate.name_en
    assert "generated" in estate.source
    assert "not a survey" in estate.source


def test_it_lies_in_putuo_and_names_its_subdistrict() -> None:
    district = load_district()
    estate = sample_estate()
    assert all(district.contains(lon, lat) for lon, lat in estate.boundary)
    located = district.locate(*estate.centre())
    assert located is not None
    assert located.code == estate.subdistrict


def test_it_is_as_large_as_the_largest_putuo_estates(estate: Estate) -> None:
    lons = [p[0] for p in estate.boundary]
    lats = [p[1] for p in estate.boundary]
    width = haversine_m(min(lons), estate.centre()[1], max(lons), estate.centre()[1])
    depth = haversine_m(estate.centre()[0], min(lats), estate.centre()[0], max(lats))
    assert 1000 <= width <= 1300
    assert 450 <= depth <= 700
    assert len(estate.buildings) == 100
    assert len(estate.gates) == 5
    assert len(estate.handoffs) == 1


def test_buildings_are_numbered_as_residents_say_with_some_out_of_order(estate: Estate) -> None:
    assert sorted(b.number for b in estate.buildings) == sorted(f"{n}号楼" for n in range(1, 101))
    assert [b.ref for b in estate.buildings] == [f"b{n}" for n in range(1, 101)]
    found = estate.building("37号")
    assert found is not None
    assert found.number == "37号楼"
    # Walking the rows from the north-west, the numbers mostly rise, but not always.
    by_place = sorted(estate.buildings, key=lambda b: (-round(b.at[1], 4), b.at[0]))
    numbers = [int(b.number.removesuffix("号楼")) for b in by_place]
    rises = sum(a < b for a, b in itertools.pairwise(numbers))
    assert rises > 80
    assert numbers != sorted(numbers)


def test_walk_ups_have_six_floors_and_no_lift_towers_have_lifts(estate: Estate) -> None:
    walk_ups = [b for b in estate.buildings if not b.lift]
    towers = [b for b in estate.buildings if b.lift]
    assert walk_ups
    assert towers
    assert all(b.floors == 6 for b in walk_ups)
    assert all(b.floors is not None and 18 <= b.floors <= 33 for b in towers)
    for building in estate.buildings:
        assert 2 <= len(building.entrances) <= 4
        assert [e.name for e in building.entrances] == [
            f"{k}单元" for k in range(1, len(building.entrances) + 1)
        ]
        assert [e.ref for e in building.entrances] == [
            f"{building.ref}-u{k}" for k in range(1, len(building.entrances) + 1)
        ]


def assert_laid_out(estate: Estate) -> None:
    """No two buildings overlap (nor come closer than 5 m), each lies inside the boundary
    with its entrances, and its point is inside its footprint."""
    plane = LocalPlane(estate.centre())
    boundary = Polygon([plane.xy(p) for p in estate.boundary])
    assert boundary.is_valid
    footprints = []
    for building in estate.buildings:
        assert building.footprint is not None
        footprint = Polygon([plane.xy(p) for p in building.footprint])
        assert footprint.is_valid
        assert footprint.area > 300
        assert boundary.contains(footprint)
        assert footprint.contains(Point(plane.xy(building.at)))
        assert all(boundary.contains(Point(plane.xy(e.at))) for e in building.entrances)
        footprints.append(footprint)
    tree = STRtree(footprints)
    for i, footprint in enumerate(footprints):
        near = [int(j) for j in tree.query(footprint.buffer(5.0)) if int(j) != i]
        assert near == [], (estate.buildings[i].number, [estate.buildings[j].number for j in near])


def assert_connected(estate: Estate) -> None:
    """One walking graph: every node reachable from every other, and every gate and unit
    entrance has a node of its own."""
    parent = {n.ref: n.ref for n in estate.nodes}

    def root(ref: str) -> str:
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    for way in estate.walkways:
        parent[root(way.a)] = root(way.b)
    assert len({root(ref) for ref in parent}) == 1
    positions = {n.at for n in estate.nodes}
    assert all(g.at in positions for g in estate.gates)
    assert all(e.at in positions for b in estate.buildings for e in b.entrances)


def test_buildings_do_not_overlap_and_lie_inside(estate: Estate) -> None:
    assert_laid_out(estate)


def test_the_walkways_join_every_entrance_to_every_gate(estate: Estate) -> None:
    assert_connected(estate)
    kinds = {w.kind for w in estate.walkways}
    assert kinds == set(WalkwayKind)  # roads, footways, the creek path, embankment steps
    assert sum(w.lit for w in estate.walkways) > len(estate.walkways) / 2


def test_gates_ban_e_bikes_and_the_riverside_gate_closes_at_night(estate: Estate) -> None:
    assert not estate.ebikes_inside
    main = estate.gates[0]
    assert (main.ref, main.name, main.vehicle, main.pedestrian) == (
        "g1",
        "北门（主门）",
        True,
        True,
    )
    assert all(g.pedestrian and not g.vehicle for g in estate.gates[1:])
    assert not any(g.ebikes_allowed for g in estate.gates)
    assert [g.ref for g in estate.gates if g.hours] == ["g4"]
    assert estate.gates[3].hours == "06:00-23:00"
    assert sum(g.lit_at_night for g in estate.gates) == 4


def test_e_bikes_park_outside_the_gates_and_orders_wait_by_the_main_gate(
    estate: Estate,
) -> None:
    plane = LocalPlane(estate.centre())
    boundary = Polygon([plane.xy(p) for p in estate.boundary])
    main = estate.gates[0]
    first, second = estate.parking
    for parking in (first, second):
        assert not boundary.contains(Point(plane.xy(parking.at)))
        assert parking.capacity is not None
        assert parking.capacity > 0
    assert haversine_m(*first.at, *main.at) < 50
    assert min(haversine_m(*second.at, *g.at) for g in estate.gates[1:]) < 50
    (handoff,) = estate.handoffs
    assert haversine_m(*handoff.at, *main.at) < 60
    assert boundary.contains(Point(plane.xy(handoff.at)))
    assert (handoff.hours, handoff.shelf_capacity) == ("07:00-22:00", 60)


def test_measures_in_force_carry_their_2025_dates(estate: Estate) -> None:
    kinds = {m.kind for m in estate.measures}
    assert {MeasureKind.night_lighting, MeasureKind.plan_board, MeasureKind.trolleys,
            MeasureKind.relay} <= kinds  # fmt: skip
    assert all(m.since.year == 2025 and m.until is None for m in estate.measures)
    assert len(estate.measures_in_force(date(2025, 7, 1))) == len(estate.measures)
    assert estate.measures_in_force(date(2024, 12, 31)) == ()
    assert estate.zones == ()  # drawn by the guide, not here


def test_the_same_seed_gives_the_same_estate() -> None:
    assert sample_estate() == sample_estate(seed=2025)
    assert sample_estate(seed=7, buildings=40) == sample_estate(seed=7, buildings=40)
    assert sample_estate(seed=8) != sample_estate(seed=9)


@pytest.mark.parametrize("buildings", [0, MAX_BUILDINGS + 1])
def test_the_number_of_buildings_is_bounded(buildings: int) -> None:
    with pytest.raises(ValueError, match="buildings must be between 1 and"):
        sample_estate(buildings=buildings)


@settings(max_examples=12)
@given(st.integers(0, 2**32), st.integers(1, MAX_BUILDINGS))
def test_any_seed_and_size_gives_a_sound_estate(seed: int, buildings: int) -> None:
    estate = sample_estate(seed=seed, buildings=buildings)
    assert sorted(int(b.number.removesuffix("号楼")) for b in estate.buildings) == list(
        range(1, buildings + 1)
    )
    assert_laid_out(estate)
    assert_connected(estate)
