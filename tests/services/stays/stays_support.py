"""A small world for stays: the test world's driver home opened to stays (latest check-in
23:00, two nap slots) with a men's and a women's room, its own desk staff, and a clock the
test moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import support
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.platform import Platform
from gigcity.services.stays import BedIn, BedKind, HomeIn, NapSlot, RoomIn, Section
from support import ADMIN, PASSWORD, Notices, World, make_world, principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 4)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


class Clock(support.Clock):
    """From 14:00 of TODAY; `to` sets a local day and time."""

    def __init__(self) -> None:
        super().__init__(local(TODAY, 14))

    def to(self, day: date, hour: int, minute: int = 0) -> None:
        self.now = local(day, hour, minute)


@dataclass
class StaysWorld:
    world: World
    home_id: int
    staff: Principal  # desk staff of the home
    riders: list[Principal]
    beds: dict[str, int]  # label -> id
    rooms: dict[str, int]  # section -> room id
    clock: Clock
    notices: Notices


def add_person(platform: Platform, username: str, role: Role, **extra: Any) -> Principal:
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=role, **extra
    )
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def open_home(
    platform: Platform,
    place_id: int,
    men: list[tuple[str, BedKind, int]],
    women: list[tuple[str, BedKind, int]] = (),  # type: ignore[assignment]
) -> tuple[dict[str, int], dict[str, int]]:
    stays = platform.stays
    stays.set_home(
        ADMIN,
        place_id,
        HomeIn(
            house_rules="安静休息",
            checkin_cutoff="23:00",
            nap_slots=[
                NapSlot(starts="13:00", ends="15:00"),
                NapSlot(starts="15:00", ends="17:00"),
            ],
        ),
    )
    beds: dict[str, int] = {}
    rooms: dict[str, int] = {}
    for section, wanted in ((Section.men, men), (Section.women, women)):
        if not wanted:
            continue
        room = stays.add_room(
            ADMIN, place_id, RoomIn(name=f"{section.value} room", section=section)
        )
        rooms[section.value] = room.id
        for label, kind, price in wanted:
            beds[label] = stays.add_bed(
                ADMIN, room.id, BedIn(label=label, kind=kind, price_fen=price)
            ).id
    return beds, rooms


MEN = [("M1", BedKind.bunk_lower, 0), ("M2", BedKind.bunk_upper, 0), ("M3", BedKind.single, 1500)]
WOMEN = [("W1", BedKind.single, 0)]


def make_stays_world(platform: Platform, *, riders: int = 6) -> StaysWorld:
    world = make_world(platform)
    clock = Clock()
    notices = Notices()
    platform.stays.clock = clock
    platform.stays.jobs = notices  # type: ignore[assignment]
    beds, rooms = open_home(platform, world.home_id, MEN, WOMEN)
    staff = add_person(platform, "homestaff", Role.staff, station_id=world.home_id)
    people = [principal(platform, "rider"), principal(platform, "rider2")]
    people += [add_person(platform, f"rider{i}", Role.rider) for i in range(3, riders + 1)]
    return StaysWorld(world, world.home_id, staff, people, beds, rooms, clock, notices)
