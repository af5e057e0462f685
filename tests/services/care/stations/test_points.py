"""Stations and their services: kept by the station's staff and admins, read by anyone."""

from __future__ import annotations

import pytest

from gigcity.services.care.stations import ServiceIn, ServiceKind
from gigcity.services.errors import Forbidden, NotFound
from gigcity.services.platform import Platform
from services.care.stations.stations_support import make_station_world
from support import make_world


def test_a_station_lists_its_services_in_order(platform: Platform) -> None:
    w = make_station_world(platform)
    station = platform.stations.station(w.station_id)
    assert [s.kind for s in station.services] == [
        ServiceKind.shower,
        ServiceKind.washer,
        ServiceKind.recliner,
    ]
    shower = station.services[0]
    assert (shower.units, shower.typical_minutes, shower.queued) == (2, 15, True)
    assert shower.hours == "24/7"
    assert shower.open_now
    assert not station.services[2].queued
    names = [s.name for s in platform.stations.stations()]
    assert names == sorted(names)
    assert len(names) == 2


def test_setting_a_service_again_changes_it(platform: Platform) -> None:
    w = make_station_world(platform)
    out = platform.stations.set_service(
        w.admin,
        w.station_id,
        ServiceKind.shower,
        ServiceIn(units=4, typical_minutes=12, hours="06:00-23:00"),
    )
    assert out.id == w.services[ServiceKind.shower]
    assert (out.units, out.typical_minutes, out.hours) == (4, 12, "Mo-Su 06:00-23:00")


def test_only_the_stations_own_staff_or_admins_keep_it(platform: Platform) -> None:
    w = make_station_world(platform)
    data = ServiceIn(units=1, typical_minutes=30)
    for who in (w.other_staff, w.drivers[0], w.rider):
        with pytest.raises(Forbidden):
            platform.stations.set_service(who, w.station_id, ServiceKind.repair, data)


def test_a_place_that_is_no_truck_station_has_no_services(platform: Platform) -> None:
    w = make_station_world(platform)
    world = make_world(platform)
    with pytest.raises(NotFound):
        platform.stations.station(world.station_id)
    with pytest.raises(NotFound):
        platform.stations.set_service(
            w.admin, world.station_id, ServiceKind.shower, ServiceIn(units=1, typical_minutes=9)
        )
