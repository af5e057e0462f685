"""Which ways e-bikes may use, in which direction, at what speed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.geo.streets.profile import (
    E_BIKE_MAX_KMH,
    EbikeProfile,
    RoadClass,
    directions,
    parse_maxspeed_kmh,
)

PROFILE = EbikeProfile()


@pytest.mark.parametrize(
    ("tags", "allowed"),
    [
        ({"highway": "residential"}, True),
        ({"highway": "primary_link"}, True),
        ({"highway": "living_street"}, True),
        ({"highway": "cycleway"}, True),
        ({"highway": "motorway"}, False),
        ({"highway": "motorway", "bicycle": "yes"}, False),
        ({"highway": "trunk"}, False),  # Chinese urban expressways ban non-motor vehicles
        ({"highway": "trunk_link"}, False),
        ({"highway": "trunk", "bicycle": "yes"}, True),
        ({"highway": "footway"}, False),
        ({"highway": "footway", "bicycle": "designated"}, True),
        ({"highway": "residential", "access": "private"}, False),
        ({"highway": "residential", "access": "no", "bicycle": "yes"}, True),
        ({"highway": "residential", "access": "delivery"}, True),
        ({"highway": "residential", "vehicle": "no"}, False),
        ({"highway": "residential", "bicycle": "no"}, False),
        ({"highway": "primary", "bicycle": "use_sidepath"}, False),
        ({"highway": "pedestrian", "area": "yes", "bicycle": "yes"}, False),
        ({"highway": "construction"}, False),
        ({"highway": "bus_stop"}, False),
        ({"building": "yes"}, False),
    ],
)
def test_which_ways_are_open(tags: dict[str, str], allowed: bool) -> None:
    assert (PROFILE.rules(tags) is not None) is allowed


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({}, (True, True)),
        ({"oneway": "yes"}, (True, False)),
        ({"oneway": "true"}, (True, False)),
        ({"oneway": "1"}, (True, False)),
        ({"oneway": "-1"}, (False, True)),
        ({"oneway": "reverse"}, (False, True)),
        ({"oneway": "no"}, (True, True)),
        ({"junction": "roundabout"}, (True, False)),
        ({"junction": "roundabout", "oneway": "no"}, (True, True)),
        ({"oneway": "reversible"}, (False, False)),
        # Exemptions count only when tagged.
        ({"oneway": "yes", "oneway:bicycle": "no"}, (True, True)),
        ({"oneway": "-1", "oneway:bicycle": "no"}, (True, True)),
        ({"oneway": "yes", "cycleway": "opposite_lane"}, (True, True)),
        ({"oneway": "yes", "cycleway:left": "opposite_track"}, (True, True)),
        ({"oneway": "yes", "cycleway": "lane"}, (True, False)),
        ({"oneway": "yes", "moped": "yes"}, (True, False)),
        ({"oneway:bicycle": "yes"}, (True, False)),
        ({"oneway:bicycle": "-1"}, (False, True)),
    ],
)
def test_one_way_rules(tags: dict[str, str], expected: tuple[bool, bool]) -> None:
    assert directions(tags) == expected


def test_reversible_way_is_not_routable() -> None:
    assert PROFILE.rules({"highway": "primary", "oneway": "reversible"}) is None


@pytest.mark.parametrize(
    ("value", "kmh"),
    [("40", 40.0), ("30 km/h", 30.0), ("20 mph", 32.18688), ("walk", 6.0), ("none", None),
     ("CN:urban", None), ("", None), ("0", None), ("12.5", 12.5)],
)  # fmt: skip
def test_maxspeed_parsing(value: str, kmh: float | None) -> None:
    parsed = parse_maxspeed_kmh(value)
    assert parsed == pytest.approx(kmh) if kmh is not None else parsed is None


def test_speeds_follow_road_class_and_limits() -> None:
    primary = PROFILE.rules({"highway": "primary"})
    residential = PROFILE.rules({"highway": "residential"})
    link = PROFILE.rules({"highway": "primary_link"})
    slow = PROFILE.rules({"highway": "primary", "maxspeed": "10"})
    assert primary
    assert residential
    assert link
    assert slow
    assert primary.road_class is RoadClass.PRIMARY
    assert link.road_class is RoadClass.PRIMARY
    assert primary.speed_kmh > residential.speed_kmh
    assert link.speed_kmh < primary.speed_kmh
    assert slow.speed_kmh == 10.0


def test_profile_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_kmh"):
        EbikeProfile(max_kmh=0)
    with pytest.raises(ValueError, match="access_kmh"):
        EbikeProfile(access_kmh=40)
    with pytest.raises(ValueError, match="RESIDENTIAL"):
        EbikeProfile(speeds_kmh={RoadClass.RESIDENTIAL: -1.0})


HIGHWAYS = ["primary", "secondary_link", "tertiary", "residential", "living_street", "service",
            "cycleway", "unclassified", "trunk"]  # fmt: skip


@given(
    highway=st.sampled_from(HIGHWAYS),
    maxspeed=st.one_of(
        st.floats(min_value=0.1, max_value=500).map(lambda v: f"{v:.1f}"),
        st.integers(min_value=1, max_value=300).map(lambda v: f"{v} mph"),
        st.text(max_size=8),
    ),
)
def test_speed_is_positive_and_never_above_the_e_bike_cap(highway: str, maxspeed: str) -> None:
    rules = PROFILE.rules({"highway": highway, "maxspeed": maxspeed, "bicycle": "yes"})
    assert rules is not None
    assert 0 < rules.speed_kmh <= E_BIKE_MAX_KMH
    assert rules.speed_kmh <= PROFILE.speeds_kmh[rules.road_class]
