"""Test support: a small world of places and people, sign-in helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.places import Amenities, Beds, PlaceCreate, PlaceKind
from gigcity.services.platform import Platform

PASSWORD = "correct horse battery"
ADMIN = Principal(role=Role.admin, label="test-admin")


@dataclass
class World:
    """A small district: points in two sub-districts and one account of each role."""

    station_id: int  # in wanli, kept by `staff`
    other_station_id: int  # in changzheng
    home_id: int  # a driver home with beds, in wanli
    ids: dict[str, int]  # account ids by username


def make_world(platform: Platform) -> World:
    places = platform.places
    station = places.create(
        ADMIN,
        PlaceCreate(
            name="万里驿站", kind=PlaceKind.rider_station, lon=121.3995, lat=31.2713,
            amenities=Amenities(drinking_water=True, charging=True), hours="24/7",
        ),
        outside_district=True,  # tests configure districts of their own
    )  # fmt: skip
    other = places.create(
        ADMIN,
        PlaceCreate(
            name="长征暖心岗亭", kind=PlaceKind.warm_kiosk, lon=121.3729, lat=31.2367,
            amenities=Amenities(drinking_water=True), hours="07:00-21:00",
        ),
        outside_district=True,  # tests configure districts of their own
    )  # fmt: skip
    home = places.create(
        ADMIN,
        PlaceCreate(
            name="万里司机之家", kind=PlaceKind.driver_home, lon=121.4010, lat=31.2720,
            amenities=Amenities(beds=Beds(count=10, free=4), shower=True), hours="24/7",
        ),
        outside_district=True,  # tests configure districts of their own
    )  # fmt: skip
    people = [
        AccountCreate(username="admin", password=PASSWORD, display_name="Admin", role=Role.admin),
        AccountCreate(username="rider", password=PASSWORD, display_name="Wang", role=Role.rider, phone="13800000001"),
        AccountCreate(username="rider2", password=PASSWORD, display_name="Li", role=Role.rider, phone="13800000002"),
        AccountCreate(username="staff", password=PASSWORD, display_name="Staff", role=Role.staff, station_id=station.id),
        AccountCreate(username="officer", password=PASSWORD, display_name="Officer", role=Role.officer, subdistrict="wanli"),
        AccountCreate(username="officer2", password=PASSWORD, display_name="Officer 2", role=Role.officer, subdistrict="changzheng"),
    ]  # fmt: skip
    ids = {}
    with transaction(platform.factory) as session:
        for person in people:
            ids[person.username] = create_account(session, person, platform.district).id
    return World(station.id, other.id, home.id, ids)


def add_account(
    platform: Platform,
    username: str,
    role: Role,
    estate_id: int | None = None,
    *,
    subdistrict: str | None = None,
) -> Principal:
    """A new account named `username` (password PASSWORD), bound to the estate `estate_id`
    if given (property staff, community couriers) or to `subdistrict` (grid officers); its
    principal."""
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=role,
        estate_id=estate_id, subdistrict=subdistrict,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def principal(platform: Platform, username: str) -> Principal:
    from sqlalchemy import select

    from gigcity.db.models import Account

    with platform.factory() as session:
        account = session.scalar(select(Account).where(Account.username == username))
        assert account is not None
        return principal_for(account)


def token(client: TestClient, username: str) -> dict[str, str]:
    """Authorization headers for `username` (password PASSWORD)."""
    r = client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class Clock:
    """A clock a test moves, given to a service as its `clock`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def forward(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def move(self, by: timedelta) -> None:
        self.now += by


class Notices:
    """Stands in for a service's job queue: records the notices queued (nothing is sent)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def defer(self, session: Any, task: str, **args: Any) -> int:
        assert task == "notify.send"
        self.sent.append(args)
        return len(self.sent)

    def kinds(self) -> list[str]:
        return [n["kind"] for n in self.sent]


def problem_fields(response: Any) -> set[str]:
    """The fields a problem answer names: its own `field` and each of its `errors`'."""
    body = response.json()
    return {str(body.get("field"))} | {str(e.get("field")) for e in body.get("errors", [])}
