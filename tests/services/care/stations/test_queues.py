"""Queues for showers and washing machines: the expected wait before walking over, calling
the next atomically, a use started only on a free unit, and "your shower is next"."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from gigcity.services.accounts import Role, WorkerType
from gigcity.services.care.stations import EntryState, ServiceIn, ServiceKind, expected_wait
from gigcity.services.care.stations.estimate import use_model
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.platform import Platform
from services.care.stations.stations_support import add_person, make_station_world


def test_joining_shows_the_place_and_the_expected_wait(platform: Platform) -> None:
    w = make_station_world(platform)
    shower = w.services[ServiceKind.shower]
    entries = [platform.stations.join(d, shower) for d in w.drivers]
    assert [e.position for e in entries] == [1, 2, 3]
    # two units, uses of a median 15 minutes: the first two start at once, the third when
    # the first of two uses ends (a median 13: the earlier of two is shorter than either)
    third = expected_wait(units=2, in_use_elapsed=[], ahead=2, recent=[], typical_minutes=15)
    assert third is not None
    assert third.minutes == 13
    assert [e.estimate_at_join for e in entries] == [0, 0, 13]
    queue = platform.stations.queue(w.drivers[2], shower)
    assert (queue.units, queue.free, queue.waiting) == (2, 2, 3)
    fourth = expected_wait(units=2, in_use_elapsed=[], ahead=3, recent=[], typical_minutes=15)
    assert fourth is not None
    # a fourth waits for a unit free again after the third: the later of the first two
    # uses, or the third's end if sooner (a median 18, longer than one use)
    assert queue.estimate_minutes == fourth.minutes
    assert 15 < queue.estimate_minutes <= 20
    assert queue.mine is not None
    assert queue.mine.position == 3
    assert platform.stations.queue(None, shower).mine is None


def test_one_place_per_driver_and_only_truck_drivers(platform: Platform) -> None:
    w = make_station_world(platform)
    shower = w.services[ServiceKind.shower]
    platform.stations.join(w.drivers[0], shower)
    with pytest.raises(Conflict):
        platform.stations.join(w.drivers[0], shower)
    for who in (w.rider, w.staff):
        with pytest.raises(Forbidden):
            platform.stations.join(who, shower)
    with pytest.raises(NotFound):  # recliners are used as found, not queued for
        platform.stations.join(w.drivers[1], w.services[ServiceKind.recliner])


def test_a_closed_or_empty_service_takes_no_queue(platform: Platform) -> None:
    w = make_station_world(platform)
    shower = w.services[ServiceKind.shower]
    platform.stations.set_service(
        w.staff, w.station_id, ServiceKind.shower, ServiceIn(units=0, typical_minutes=15)
    )
    with pytest.raises(Conflict):
        platform.stations.join(w.drivers[0], shower)
    assert platform.stations.queue(None, shower).estimate_minutes is None
    platform.stations.set_service(
        w.staff,
        w.station_id,
        ServiceKind.shower,
        ServiceIn(units=2, typical_minutes=15, hours="06:00-08:00"),
    )
    with pytest.raises(Conflict):  # 14:00 local
        platform.stations.join(w.drivers[0], shower)


def test_calling_starting_and_finishing(platform: Platform) -> None:
    w = make_station_world(platform)
    washer = w.services[ServiceKind.washer]  # one unit, 40 minutes
    a, b, c = (platform.stations.join(d, washer) for d in w.drivers)
    called = platform.stations.call_next(w.staff, washer)
    assert called.id == a.id
    assert called.state == EntryState.called
    started = platform.stations.start_use(w.staff, a.id)
    assert started.state == EntryState.in_use
    second = platform.stations.call_next(w.staff, washer)
    assert second.id == b.id
    with pytest.raises(Conflict):  # the only machine is in use
        platform.stations.start_use(w.staff, b.id)
    with pytest.raises(Conflict):  # not called yet
        platform.stations.start_use(w.staff, c.id)
    w.clock.forward(minutes=30)
    c_now = platform.stations.queue(w.drivers[2], washer).mine
    assert c_now is not None
    assert c_now.position == 1
    # what is left of a wash that has run 30 of a median 40 minutes, then b's whole wash:
    # long enough to be shown as a range
    expected = expected_wait(units=1, in_use_elapsed=[30], ahead=1, recent=[], typical_minutes=40)
    assert expected is not None
    assert c_now.estimate_minutes == expected.minutes
    assert 50 <= c_now.estimate_minutes <= 56
    assert c_now.estimate_low is not None and c_now.estimate_high is not None  # noqa: PT018
    assert c_now.estimate_low < c_now.estimate_minutes < c_now.estimate_high
    done = platform.stations.finish_use(w.staff, a.id)
    assert done.state == EntryState.done
    with pytest.raises(Conflict):
        platform.stations.finish_use(w.staff, a.id)
    assert platform.stations.start_use(w.staff, b.id).state == EntryState.in_use
    with pytest.raises(Forbidden):
        platform.stations.call_next(w.other_staff, washer)
    platform.stations.call_next(w.staff, washer)
    with pytest.raises(Conflict):  # nobody waits
        platform.stations.call_next(w.staff, washer)


def test_recent_uses_replace_the_typical_duration(platform: Platform) -> None:
    w = make_station_world(platform, drivers=5)
    washer = w.services[ServiceKind.washer]
    for driver in w.drivers[:3]:
        entry = platform.stations.join(driver, washer)
        platform.stations.call_next(w.staff, washer)
        platform.stations.start_use(w.staff, entry.id)
        w.clock.forward(minutes=30)
        platform.stations.finish_use(w.staff, entry.id)
    queue = platform.stations.queue(None, washer)
    assert queue.from_recent  # a median of 30, not the typical 40
    learned = use_model([30.0, 30.0, 30.0], typical_minutes=40)
    assert learned.median == pytest.approx(30)
    assert queue.use_minutes == round(learned.mean, 1)
    platform.stations.join(w.drivers[3], washer)
    assert platform.stations.queue(None, washer).estimate_minutes == 30


def test_the_next_in_line_is_told_once(platform: Platform) -> None:
    w = make_station_world(platform)
    washer = w.services[ServiceKind.washer]
    a, b, c = (platform.stations.join(d, washer) for d in w.drivers)
    platform.stations.call_next(w.staff, washer)
    assert w.notices.kinds() == ["stations.called", "stations.next"]
    called, nxt = w.notices.sent
    assert called["account_id"] == w.drivers[0].account_id
    assert called["params"] == {"station": "桃浦货车司机驿站", "ticket": a.id}
    assert nxt["account_id"] == w.drivers[1].account_id
    assert nxt["message"] == "Your washing machine at {station} is next."
    # b leaves: c is next now, and told; b's earlier notice is not repeated for anyone
    platform.stations.leave(w.drivers[1], b.id)
    assert w.notices.kinds()[-1] == "stations.next"
    assert w.notices.sent[-1]["account_id"] == w.drivers[2].account_id
    platform.stations.no_show(w.staff, a.id)
    assert len(w.notices.sent) == 3  # c was told already
    with pytest.raises(Forbidden):
        platform.stations.leave(w.drivers[0], c.id)


def test_a_walk_in_at_the_desk(platform: Platform) -> None:
    w = make_station_world(platform)
    shower = w.services[ServiceKind.shower]
    walk_in = platform.stations.desk_join(w.staff, shower, None)
    assert walk_in.origin == "desk"
    code = platform.stations.driver_code(w.drivers[0]).code
    by_code = platform.stations.desk_join(w.staff, shower, code)
    assert by_code.position == 2
    assert platform.stations.queue(w.drivers[0], shower).mine is not None
    with pytest.raises(Forbidden):
        platform.stations.desk_join(w.other_staff, shower, None)
    entries = platform.stations.live_entries(w.staff, shower)
    assert [e.id for e in entries] == [walk_in.id, by_code.id]


def test_two_desks_pressing_next_at_once_call_different_drivers(platform: Platform) -> None:
    w = make_station_world(platform, drivers=1)
    shower = w.services[ServiceKind.shower]
    drivers = [
        add_person(platform, f"queue{i}", Role.rider, worker_type=WorkerType.truck_driver)
        for i in range(12)
    ]
    for driver in drivers:
        platform.stations.join(driver, shower)
    desks = [
        add_person(platform, f"desk-{i}", Role.staff, station_id=w.station_id) for i in range(8)
    ]
    barrier = threading.Barrier(len(desks))

    def press(i: int) -> int:
        barrier.wait()
        return platform.stations.call_next(desks[i], shower).id

    with ThreadPoolExecutor(len(desks)) as pool:
        called = list(pool.map(press, range(len(desks))))
    assert len(set(called)) == len(desks)
    entries = platform.stations.live_entries(w.staff, shower)
    states = [e.state for e in entries]
    assert states.count(EntryState.called) == 8
    assert states.count(EntryState.waiting) == 4
    # the first eight in line were called, in order
    assert sorted(called) == [e.id for e in entries][:8]
