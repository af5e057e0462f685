"""A small world for truck-driver stations: a 24-hour station in 桃浦 with showers and
washing machines, its desk staff, a volunteer lawyer (an account of role `lawyer`, bound to
no station), three truck drivers, a delivery rider, and a clock the test moves; the notices queued are recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import support
from gigcity.db.session import transaction
from gigcity.services.accounts import (
    AccountCreate,
    Principal,
    Role,
    WorkerType,
    create_account,
    principal_for,
)
from gigcity.services.care.stations import ServiceIn, ServiceKind
from gigcity.services.places import PlaceCreate, PlaceKind
from gigcity.services.platform import Platform
from support import ADMIN, PASSWORD, Notices

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 4)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


class Clock(support.Clock):
    """From 14:00 of TODAY."""

    def __init__(self) -> None:
        super().__init__(local(TODAY, 14))


@dataclass
class StationWorld:
    station_id: int
    other_station_id: int
    staff: Principal
    other_staff: Principal  # staff of the other station
    lawyer: Principal  # a volunteer lawyer (role lawyer), for the roster
    drivers: list[Principal]
    rider: Principal  # a delivery rider, not a truck driver
    admin: Principal
    services: dict[ServiceKind, int]
    clock: Clock
    notices: Notices


def add_person(platform: Platform, username: str, role: Role, **extra: Any) -> Principal:
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=role, **extra
    )
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def make_station_world(platform: Platform, *, drivers: int = 3) -> StationWorld:
    clock = Clock()
    notices = Notices()
    platform.stations.clock = clock
    platform.stations.jobs = notices  # type: ignore[assignment]
    station = platform.places.create(
        ADMIN,
        PlaceCreate(
            name="桃浦货车司机驿站", kind=PlaceKind.truck_driver_station,
            lon=121.3720, lat=31.2860, hours="24/7",
        ),
        outside_district=True,
    )  # fmt: skip
    other = platform.places.create(
        ADMIN,
        PlaceCreate(
            name="真如货车司机驿站", kind=PlaceKind.truck_driver_station,
            lon=121.4010, lat=31.2550, hours="06:00-22:00",
        ),
        outside_district=True,
    )  # fmt: skip
    staff = add_person(platform, "desk", Role.staff, station_id=station.id)
    other_staff = add_person(platform, "desk2", Role.staff, station_id=other.id)
    lawyer = add_person(platform, "lawyer", Role.lawyer)
    people = [
        add_person(platform, f"driver{i}", Role.rider, worker_type=WorkerType.truck_driver)
        for i in range(drivers)
    ]
    rider = add_person(platform, "courier", Role.rider, worker_type=WorkerType.delivery_rider)
    admin = add_person(platform, "boss", Role.admin)
    services = {}
    for kind, units, minutes in (
        (ServiceKind.shower, 2, 15),
        (ServiceKind.washer, 1, 40),
        (ServiceKind.recliner, 6, 60),
    ):
        services[kind] = platform.stations.set_service(
            staff, station.id, kind, ServiceIn(units=units, typical_minutes=minutes)
        ).id
    return StationWorld(
        station.id, other.id, staff, other_staff, lawyer, people, rider, admin, services,
        clock, notices,
    )  # fmt: skip
