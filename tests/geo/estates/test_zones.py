"""The seven-colour guide's zones: a partition of the buildings, compact along walkways."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.estates.guide_support import grid_estate
from gigcity.geo.estates import Estate, ZoneColour
from gigcity.geo.estates.zones import (
    ALIKE,
    NEIGHBOURS,
    mean_within_zone_m,
    number_key,
    partition_zones,
    walking_distances,
    with_zones,
    zone_count,
)


def assert_partition(estate: Estate, zones: tuple) -> None:
    refs = [ref for zone in zones for ref in zone.buildings]
    assert sorted(refs) == sorted(b.ref for b in estate.buildings)  # each exactly once
    assert len(zones) <= 7
    assert len({z.colour for z in zones}) == len(zones)
    assert all(z.buildings for z in zones)


def groups_of(estate: Estate, zones: tuple) -> list[list[int]]:
    index = {b.ref: i for i, b in enumerate(estate.buildings)}
    return [[index[ref] for ref in z.buildings] for z in zones]


def test_a_giant_estate_gets_seven_zones_every_building_in_one() -> None:
    estate = grid_estate(10, 10)
    zones = partition_zones(estate)
    assert_partition(estate, zones)
    assert len(zones) == 7
    sizes = [len(z.buildings) for z in zones]
    assert max(sizes) <= math.ceil(1.4 * 100 / 7)  # balanced enough for a legend


def test_small_estates_get_fewer_zones() -> None:
    assert len(partition_zones(grid_estate(2, 5))) == 1
    assert len(partition_zones(grid_estate(3, 10))) == 3
    assert zone_count(0) == 0
    assert zone_count(1000, max_zones=4) == 4


def test_zones_are_more_compact_along_walkways_than_runs_of_numbers() -> None:
    estate = grid_estate(10, 10)
    zones = partition_zones(estate)
    dist = walking_distances(estate)
    by_number = sorted(range(100), key=lambda i: number_key(estate.buildings[i].number))
    size = math.ceil(100 / len(zones))
    runs = [by_number[i : i + size] for i in range(0, 100, size)]
    ours = mean_within_zone_m(dist, groups_of(estate, zones))
    theirs = mean_within_zone_m(dist, runs)
    assert ours < 0.85 * theirs


def test_walking_distance_not_straight_lines_decides() -> None:
    # A canal between the northern and southern halves, crossed only at the west edge:
    # the buildings east of the crossing are close in a straight line, far on foot.
    canal = frozenset((f"n{i}-1", f"n{i}-2") for i in range(1, 7))
    estate = grid_estate(4, 6, missing=canal)
    zones = partition_zones(estate)
    zone_of = {ref: z.colour for z in zones for ref in z.buildings}
    north = [f"b{r * 6 + c + 1}" for r in (0, 1) for c in range(2, 6)]
    south = [f"b{r * 6 + c + 1}" for r in (2, 3) for c in range(2, 6)]
    assert {zone_of[b] for b in north}.isdisjoint({zone_of[b] for b in south})


def test_neighbouring_zones_get_colours_that_do_not_look_alike() -> None:
    estate = grid_estate(10, 10)
    zones = partition_zones(estate)
    dist = walking_distances(estate)
    colour = {}
    for z in zones:
        for ref in z.buildings:
            colour[ref] = z.colour
    refs = [b.ref for b in estate.buildings]
    for i, ref in enumerate(refs):
        near = [j for j in np.argsort(dist[i], kind="stable") if j != i][:NEIGHBOURS]
        for j in near:
            pair = frozenset({colour[ref], colour[refs[j]]})
            assert len(pair) == 1 or pair not in ALIKE


def test_zones_are_named_in_order_and_deterministic() -> None:
    estate = grid_estate(6, 8)
    first = partition_zones(estate)
    assert first == partition_zones(estate)
    assert first[0].colour == ZoneColour.orange
    assert "b1" in first[0].buildings  # the zone with the lowest numbers comes first
    for zone in first:
        numbers = [number_key(estate.building(ref).number) for ref in zone.buildings]  # type: ignore[union-attr]
        assert numbers == sorted(numbers)
    zoned = with_zones(estate)
    assert zoned.zones == first
    assert zoned.zone_of("b1") is not None


def test_an_estate_without_walkways_still_gets_zones() -> None:
    estate = grid_estate(4, 4).model_copy(update={"walkways": ()})
    zones = partition_zones(estate)
    assert_partition(estate, zones)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 5),
    cols=st.integers(1, 6),
    cut=st.sets(st.integers(0, 40), max_size=12),
)
def test_any_small_estate_is_partitioned(rows: int, cols: int, cut: set[int]) -> None:
    full = grid_estate(rows, cols)
    ways = [(w.a, w.b) for w in full.walkways]
    missing = frozenset(ways[i] for i in cut if i < len(ways))
    estate = grid_estate(rows, cols, missing=missing)
    zones = partition_zones(estate)
    assert_partition(estate, zones)
    assert len(zones) == zone_count(rows * cols)
    assert zones == partition_zones(estate)


def test_the_sample_estate_gets_seven_zones_without_cut_off_buildings() -> None:
    from gigcity.geo.estates.sample import sample_estate

    estate = sample_estate()
    zones = partition_zones(estate)
    assert_partition(estate, zones)
    assert len(zones) == 7
    dist = walking_distances(estate)
    zone_of = {ref: z.colour for z in zones for ref in z.buildings}
    refs = [b.ref for b in estate.buildings]
    for i, ref in enumerate(refs):
        near = [j for j in np.argsort(dist[i], kind="stable") if j != i][:NEIGHBOURS]
        assert any(zone_of[refs[j]] == zone_of[ref] for j in near), ref
    by_number = sorted(range(len(refs)), key=lambda i: number_key(estate.buildings[i].number))
    size = math.ceil(len(refs) / 7)
    runs = [by_number[i : i + size] for i in range(0, len(refs), size)]
    assert mean_within_zone_m(dist, groups_of(estate, zones)) < mean_within_zone_m(dist, runs)
