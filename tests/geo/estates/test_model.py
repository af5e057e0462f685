"""The estate model: finding a building the way a rider types it, and the checks that keep
an estate document consistent (refs unique, walkways between walk nodes, a partition of the
buildings into at most seven colour zones)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gigcity.geo.estates import (
    ZONE_HEX,
    Building,
    Entrance,
    Estate,
    Gate,
    HandoffPoint,
    Measure,
    MeasureKind,
    WalkNode,
    Walkway,
    Zone,
    ZoneColour,
)

AT = (121.44, 31.25)


def estate(**fields: Any) -> Estate:
    base: dict[str, Any] = {
        "name": "测试小区",
        "boundary": ((121.43, 31.24), (121.45, 31.24), (121.45, 31.26)),
        "gates": (Gate(ref="g1", name="北门", at=AT),),
        "buildings": (
            Building(ref="b37", number="37号楼", at=AT,
                     entrances=(Entrance(ref="b37-u2", name="2单元", at=AT),)),
            Building(ref="b5", number="5幢", at=AT),
            Building(ref="x", number="A座", at=AT),
        ),
        "handoffs": (HandoffPoint(ref="h1", name="接力点", at=AT),),
    }  # fmt: skip
    return Estate(**(base | fields))


@pytest.mark.parametrize(
    ("typed", "ref"),
    [("37号", "b37"), ("37号楼", "b37"), ("37", "b37"), ("３７号楼", "b37"), (" 37 号楼", "b37"),
     ("037", "b37"), ("b37", "b37"), ("5", "b5"), ("5栋", "b5"), ("A座", "x"), ("x", "x")],
)  # fmt: skip
def test_a_building_is_found_however_its_number_is_typed(typed: str, ref: str) -> None:
    found = estate().building(typed)
    assert found is not None
    assert found.ref == ref


@pytest.mark.parametrize("typed", ["38", "37单元", "", "b38"])
def test_an_unknown_number_finds_nothing(typed: str) -> None:
    assert estate().building(typed) is None


@given(st.integers(1, 999), st.sampled_from(["", "号", "号楼", "栋", "幢"]), st.booleans())
def test_any_number_is_found_with_any_suffix_and_digit_width(
    n: int, suffix: str, full_width: bool
) -> None:
    buildings = tuple(Building(ref=f"b{k}", number=f"{k}号楼", at=AT) for k in (n, n + 1000))
    typed = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")) if full_width \
        else str(n)  # fmt: skip
    found = estate(buildings=buildings).building(typed + suffix)
    assert found is not None
    assert found.ref == f"b{n}"


def test_lookups_of_gates_hand_off_points_zones_and_measures() -> None:
    zoned = estate(zones=(Zone(colour=ZoneColour.green, buildings=("b37", "b5")),))
    assert zoned.gate("g1") is not None
    assert zoned.gate("g2") is None
    assert zoned.handoff("h1") is not None
    assert zoned.handoff("g1") is None
    zone = zoned.zone_of("b37")
    assert zone is not None
    assert zone.colour is ZoneColour.green
    assert zoned.zone_of("x") is None
    relay = Measure(kind=MeasureKind.relay, since=date(2025, 6, 1), until=date(2025, 12, 31))
    lights = Measure(kind=MeasureKind.night_lighting, since=date(2025, 3, 15))
    with_measures = estate(measures=(relay, lights))
    assert with_measures.measures_in_force(date(2025, 6, 1)) == (relay, lights)
    assert with_measures.measures_in_force(date(2026, 1, 1)) == (lights,)
    assert with_measures.measures_in_force(date(2025, 1, 1)) == ()
    assert zoned.centre() == pytest.approx((121.4433333, 31.2466667))


def test_the_palette_gives_each_of_the_seven_colours_a_hex() -> None:
    assert set(ZONE_HEX) == set(ZoneColour)
    assert len(set(ZONE_HEX.values())) == 7


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"gates": (Gate(ref="b37", at=AT),)}, "ref 'b37' is used twice"),
        ({"handoffs": (HandoffPoint(ref="b37-u2", name="x", at=AT),)},
         "ref 'b37-u2' is used twice"),
        ({"nodes": (WalkNode(ref="n1", at=AT), WalkNode(ref="n1", at=AT))},
         "ref 'n1' is used twice"),
        ({"nodes": (WalkNode(ref="n1", at=AT),), "walkways": (Walkway(a="n1", b="n9"),)},
         "walkways[0]: no walk node 'n9'"),
        ({"nodes": (WalkNode(ref="n1", at=AT),), "walkways": (Walkway(a="g1", b="n1"),)},
         "walkways[0]: no walk node 'g1'"),
        ({"zones": tuple(Zone(colour=ZoneColour.green, buildings=()) for _ in range(8))},
         "zones: at most 7"),
        ({"zones": (Zone(colour=ZoneColour.green, buildings=("b37",)),
                    Zone(colour=ZoneColour.blue, buildings=("b37",)))},
         "zones: building 'b37' is in two zones"),
        ({"zones": (Zone(colour=ZoneColour.green, buildings=("b37",)),
                    Zone(colour=ZoneColour.green, buildings=("b5",)))},
         "zones: each colour at most once"),
        ({"zones": (Zone(colour=ZoneColour.green, buildings=("b99",)),)},
         "zones: no building 'b99'"),
        ({"gates": ()}, "gates: an estate needs at least one gate"),
        ({"boundary": (AT, AT)}, "boundary: needs at least three points"),
    ],
)  # fmt: skip
def test_an_inconsistent_estate_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        estate(**fields)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Gate(ref="has space", at=AT), "ref"),
        (lambda: Building(ref="b1", number="", at=AT), "number"),
        (lambda: Building(ref="b1", number="1", at=AT, floors=0), "floors"),
        (lambda: HandoffPoint(ref="h1", name="x", at=AT, shelf_capacity=0), "shelf_capacity"),
        # Fields the model does not know are refused.
        (lambda: Gate(ref="g1", at=AT, colour="red"), "colour"),  # type: ignore[call-arg]
    ],
)
def test_parts_refuse_bad_fields(make: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.errors()[0]["loc"][0] == field


def test_an_estate_is_immutable() -> None:
    built = estate()
    with pytest.raises(ValidationError):
        built.name = "x"  # type: ignore[misc]
