"""Parking offers at nearby car parks, by distance from a station or a point."""

from __future__ import annotations

import pytest

from gigcity.services.care.stations import ParkingIn, ParkingUpdate
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.care.stations.stations_support import make_station_world


def _offer(place_id: int, name: str, lon: float, lat: float, **extra: object) -> ParkingIn:
    return ParkingIn.model_validate(
        {
            "place_id": place_id,
            "name": name,
            "lon": lon,
            "lat": lat,
            "hours": "24/7",
            "price_per_hour_fen": 1000,
            **extra,
        }
    )


def test_nearest_first_with_the_price_now(platform: Platform) -> None:
    w = make_station_world(platform)
    far = platform.stations.create_parking(w.staff, _offer(w.station_id, "远", 121.39, 31.30))
    near = platform.stations.create_parking(
        w.staff,
        _offer(
            w.station_id,
            "近",
            121.373,
            31.287,
            offpeak_text="午间半价",
            offpeak_hours="12:00-16:00",
            offpeak_price_per_hour_fen=500,
        ),
    )
    found = platform.stations.parking_near(station_id=w.station_id)
    assert [p.id for p in found] == [near.id, far.id]
    assert found[0].distance_m is not None
    assert found[0].distance_m < found[1].distance_m
    assert found[0].offpeak_now
    assert found[0].price_now_fen == 500
    assert not found[1].offpeak_now
    assert found[1].price_now_fen == 1000
    by_point = platform.stations.parking_near(lon=121.39, lat=31.30, k=1)
    assert [p.id for p in by_point] == [far.id]
    platform.stations.update_parking(w.staff, far.id, ParkingUpdate(active=False))
    assert [p.id for p in platform.stations.parking_near(station_id=w.station_id)] == [near.id]


def test_a_station_or_a_point(platform: Platform) -> None:
    w = make_station_world(platform)
    with pytest.raises(InvalidInput):
        platform.stations.parking_near()
    with pytest.raises(InvalidInput):
        platform.stations.parking_near(station_id=w.station_id, lon=121.0, lat=31.0)
    with pytest.raises(NotFound):
        platform.stations.parking_near(station_id=99_999)
    with pytest.raises(InvalidInput):
        platform.stations.parking_near(lon=121.0, lat=31.0, k=0)


def test_only_the_stations_staff_or_admins_keep_offers(platform: Platform) -> None:
    w = make_station_world(platform)
    offer = _offer(w.station_id, "停车场", 121.373, 31.287)
    for who in (w.other_staff, w.drivers[0]):
        with pytest.raises(Forbidden):
            platform.stations.create_parking(who, offer)
    made = platform.stations.create_parking(w.admin, offer)
    with pytest.raises(Forbidden):
        platform.stations.update_parking(w.other_staff, made.id, ParkingUpdate(name="x"))
    with pytest.raises(NotFound):
        platform.stations.update_parking(w.staff, 99_999, ParkingUpdate(name="x"))
    with pytest.raises(InvalidInput) as refused:
        platform.stations.create_parking(w.admin, _offer(99_999, "x", 121.0, 31.0))
    assert refused.value.field == "place_id"
