"""Legal aid: lawyers' rosters, a slot booked once only, and case notes that only the
lawyer and the driver read (encrypted at field level)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from gigcity.db.models import StationCaseNote
from gigcity.services.accounts import Role, WorkerType
from gigcity.services.care.stations import BookingIn, NoteIn, SlotIn, SlotOut, Topic
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from services.care.stations.stations_support import (
    StationWorld,
    add_person,
    make_station_world,
)

TOMORROW = date(2026, 12, 5)


def _slot(platform: Platform, w: StationWorld, start: str = "09:00", end: str = "10:00") -> SlotOut:
    data = SlotIn(lawyer_id=w.lawyer.account_id or 0, day=TOMORROW, start=start, end=end)
    return platform.stations.add_slot(w.staff, w.station_id, data)


def test_a_roster_of_the_stations_lawyers(platform: Platform) -> None:
    w = make_station_world(platform)
    slot = _slot(platform, w)
    assert slot.starts_at.hour == 1
    assert slot.lawyer_name == "lawyer"
    roster = platform.stations.roster(None, w.station_id, TOMORROW)
    assert [s.id for s in roster] == [slot.id]
    assert not roster[0].booked
    with pytest.raises(Conflict):  # the lawyer sits there already
        _slot(platform, w, "09:30", "10:30")
    later = _slot(platform, w, "10:00", "11:00")
    assert later.id != slot.id


def test_a_slot_is_checked(platform: Platform) -> None:
    w = make_station_world(platform)
    lawyer = w.lawyer.account_id or 0
    cases = [
        (SlotIn(lawyer_id=lawyer, day=TOMORROW, start="10:00", end="09:00"), "end"),
        (SlotIn(lawyer_id=lawyer, day=TOMORROW, start="08:00", end="17:00"), "end"),
        (SlotIn(lawyer_id=lawyer, day=date(2026, 12, 3), start="09:00", end="10:00"), "start"),
        # a driver, and the other station's staff, are no lawyers of this station
        (SlotIn(lawyer_id=w.drivers[0].account_id or 0, day=TOMORROW, start="09:00", end="10:00"), "lawyer_id"),
        (SlotIn(lawyer_id=w.other_staff.account_id or 0, day=TOMORROW, start="09:00", end="10:00"), "lawyer_id"),
    ]  # fmt: skip
    for data, field in cases:
        with pytest.raises(InvalidInput) as refused:
            platform.stations.add_slot(w.staff, w.station_id, data)
        assert refused.value.field == field
    with pytest.raises(Forbidden):
        platform.stations.add_slot(
            w.other_staff,
            w.station_id,
            SlotIn(lawyer_id=lawyer, day=TOMORROW, start="09:00", end="10:00"),
        )


def test_booking_once_and_cancelling(platform: Platform) -> None:
    w = make_station_world(platform)
    slot = _slot(platform, w)
    booked = platform.stations.book_slot(
        w.drivers[0], slot.id, BookingIn(topic=Topic.insurance_claim)
    )
    assert booked.booked
    assert booked.mine
    assert booked.topic == Topic.insurance_claim
    with pytest.raises(Conflict):
        platform.stations.book_slot(w.drivers[1], slot.id, BookingIn(topic=Topic.other))
    with pytest.raises(Forbidden):
        platform.stations.book_slot(w.rider, slot.id, BookingIn(topic=Topic.other))
    others = platform.stations.roster(w.drivers[1], w.station_id, TOMORROW)
    assert others[0].booked
    assert not others[0].mine
    assert others[0].topic is None
    assert [s.id for s in platform.stations.my_cases(w.lawyer)] == [slot.id]
    assert [s.id for s in platform.stations.my_cases(w.drivers[0])] == [slot.id]
    assert platform.stations.my_cases(w.drivers[1]) == []
    with pytest.raises(Conflict):  # booked: the driver cancels first
        platform.stations.remove_slot(w.staff, slot.id)
    with pytest.raises(Forbidden):
        platform.stations.cancel_booking(w.drivers[1], slot.id)
    platform.stations.add_note(w.drivers[0], slot.id, NoteIn(text="保险理赔"))
    platform.stations.cancel_booking(w.drivers[0], slot.id)
    with platform.factory() as session:
        assert session.scalars(select(StationCaseNote)).all() == []
    platform.stations.remove_slot(w.staff, slot.id)
    with pytest.raises(NotFound):
        platform.stations.book_slot(w.drivers[1], slot.id, BookingIn(topic=Topic.other))


def test_a_started_slot_takes_no_booking(platform: Platform) -> None:
    w = make_station_world(platform)
    slot = _slot(platform, w)
    w.clock.forward(days=1)
    with pytest.raises(Conflict):
        platform.stations.book_slot(w.drivers[0], slot.id, BookingIn(topic=Topic.other))


def test_many_drivers_for_the_last_slot_give_one_booking(platform: Platform) -> None:
    w = make_station_world(platform, drivers=1)
    slot = _slot(platform, w)
    drivers = [
        add_person(platform, f"rush{i}", Role.rider, worker_type=WorkerType.truck_driver)
        for i in range(10)
    ]
    barrier = threading.Barrier(len(drivers))

    def book(i: int) -> str:
        barrier.wait()
        try:
            platform.stations.book_slot(drivers[i], slot.id, BookingIn(topic=Topic.freight_payment))
        except Conflict:
            return "refused"
        return "booked"

    with ThreadPoolExecutor(len(drivers)) as pool:
        results = list(pool.map(book, range(len(drivers))))
    assert results.count("booked") == 1
    assert results.count("refused") == 9


def test_case_notes_only_for_the_lawyer_and_the_driver(platform: Platform) -> None:
    w = make_station_world(platform)
    slot = _slot(platform, w)
    with pytest.raises(Forbidden):  # no case before a booking
        platform.stations.notes(w.lawyer, slot.id)
    platform.stations.book_slot(w.drivers[0], slot.id, BookingIn(topic=Topic.freight_payment))
    platform.stations.add_note(w.drivers[0], slot.id, NoteIn(text="货主拖欠运费三万元"))
    platform.stations.add_note(w.lawyer, slot.id, NoteIn(text="建议先发律师函"))
    for party in (w.lawyer, w.drivers[0]):
        notes = platform.stations.notes(party, slot.id)
        assert [(n.by, n.text) for n in notes] == [
            ("driver", "货主拖欠运费三万元"),
            ("lawyer", "建议先发律师函"),
        ]
    for other in (w.admin, w.staff, w.other_staff, w.drivers[1], w.rider):
        with pytest.raises(Forbidden):
            platform.stations.notes(other, slot.id)
        with pytest.raises(Forbidden):
            platform.stations.add_note(other, slot.id, NoteIn(text="x"))
    with platform.factory() as session:
        stored = session.scalars(select(StationCaseNote.body)).all()
    assert stored
    assert all("运费" not in s and "律师" not in s for s in stored)


def test_the_dev_key_is_kept_for_every_instance(platform: Platform) -> None:
    """The dev key is kept in the database: a second service instance reads the notes."""
    w = make_station_world(platform)
    slot = _slot(platform, w)
    platform.stations.book_slot(w.drivers[0], slot.id, BookingIn(topic=Topic.traffic_fine))
    platform.stations.add_note(w.lawyer, slot.id, NoteIn(text="罚单编号 123"))
    from gigcity.services.care.stations import StationsService

    again = StationsService(platform.factory, platform.jobs, clock=w.clock)
    assert [n.text for n in again.notes(w.lawyer, slot.id)] == ["罚单编号 123"]
