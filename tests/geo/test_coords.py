"""WGS-84 <-> GCJ-02 against published values, and the inverse's accuracy."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.geo.coords import (
    bd09_to_gcj02,
    box_around,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    in_china,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)


def test_forward_matches_published_reference_value() -> None:
    # Published example of the standard GCJ-02 transform (Beijing, 116.404, 39.915).
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)


def test_inverse_is_better_than_the_one_step_approximation() -> None:
    # The published one-step inverse of (116.404, 39.915) is (116.39775550083061,
    # 39.91359571849836), which is off by a few decimetres; ours round-trips exactly.
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    assert haversine_m(lon, lat, 116.39775550083061, 39.91359571849836) < 1.0
    back = wgs84_to_gcj02(lon, lat)
    assert haversine_m(*back, 116.404, 39.915) < 0.001


def test_offset_in_putuo_is_about_480_m() -> None:
    lon, lat = 121.3874, 31.2597  # Putuo's centroid
    offset = haversine_m(lon, lat, *wgs84_to_gcj02(lon, lat))
    assert 450 < offset < 520


def test_outside_china_nothing_changes() -> None:
    assert not in_china(2.35, 48.85)
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


@given(
    lon=st.floats(min_value=73.5, max_value=134.7),
    lat=st.floats(min_value=18.2, max_value=53.5),
)
def test_inverse_round_trips_within_a_millimetre_anywhere_in_china(lon: float, lat: float) -> None:
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert haversine_m(w_lon, w_lat, lon, lat) < 0.001


def test_haversine_known_distance() -> None:
    # One degree of latitude is ~111.2 km on the mean sphere.
    assert haversine_m(121.4, 31.0, 121.4, 32.0) == pytest.approx(111_195, rel=1e-3)


def test_bd09_matches_the_published_reference_value() -> None:
    """Baidu's datum: GCJ-02 (116.404, 39.915) is BD-09 (116.410369, 39.921337)."""
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert lon == pytest.approx(116.410369, abs=1e-6)
    assert lat == pytest.approx(39.921337, abs=1e-6)


@given(st.floats(73.0, 135.0), st.floats(18.0, 53.0))
def test_bd09_round_trips_within_a_metre(lon: float, lat: float) -> None:
    back = bd09_to_gcj02(*gcj02_to_bd09(lon, lat))
    assert haversine_m(*back, lon, lat) < 1.0
    # WGS-84 -> BD-09 goes through GCJ-02: about 1 km off in Putuo, all told.
    assert 500 < haversine_m(*wgs84_to_bd09(121.4, 31.27), 121.4, 31.27) < 1500


@given(
    lon=st.floats(-179, 179),
    lat=st.floats(-80, 80),
    radius=st.floats(1, 20_000),
    bearing=st.floats(0, 360),
    share=st.floats(0, 1),
)
def test_the_box_around_a_point_holds_every_point_within_the_radius(
    lon: float, lat: float, radius: float, bearing: float, share: float
) -> None:
    # A point `share` of the radius away along `bearing`, on the sphere.
    reach = radius * share / 6_371_008.8
    b = math.radians(bearing)
    lat1 = math.radians(lat)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(reach) + math.cos(lat1) * math.sin(reach) * math.cos(b)
    )
    lon2 = math.radians(lon) + math.atan2(
        math.sin(b) * math.sin(reach) * math.cos(lat1),
        math.cos(reach) - math.sin(lat1) * math.sin(lat2),
    )
    p_lon, p_lat = math.degrees(lon2), math.degrees(lat2)
    assert haversine_m(lon, lat, p_lon, p_lat) <= radius * 1.000_001
    west, south, east, north = box_around(lon, lat, radius)
    assert west <= p_lon <= east
    assert south <= p_lat <= north


def test_the_box_is_not_much_larger_than_the_circle() -> None:
    west, south, east, north = box_around(121.4, 31.2, 1000)
    assert 1000 < haversine_m(121.4, 31.2, 121.4, north) < 1020
    assert 1000 < haversine_m(121.4, 31.2, east, 31.2) < 1020
    assert (west + east) / 2 == pytest.approx(121.4)
    assert (south + north) / 2 == pytest.approx(31.2)
