"""Washing machines' programmes, on both databases: kept with the service (by name, at most
six, only for machines that run them), named on a queue ticket by the driver or the desk,
the wait counted by the programme each machine runs, and run times learned per programme
from the database."""

from __future__ import annotations

import pytest

from gigcity.services.care.stations import ProgrammeIn, ServiceIn, ServiceKind
from gigcity.services.errors import InvalidInput
from gigcity.services.platform import Platform
from services.care.stations.stations_support import StationWorld, make_station_world

WASHES = [
    ProgrammeIn(name="快洗", minutes=30),
    ProgrammeIn(name="标准", minutes=45),
    ProgrammeIn(name="大件", minutes=60),
]


def _with_programmes(platform: Platform, w: StationWorld) -> dict[str, int]:
    out = platform.stations.set_service(
        w.staff,
        w.station_id,
        ServiceKind.washer,
        ServiceIn(units=1, typical_minutes=40, programmes=WASHES),
    )
    return {p.name: p.id for p in out.programmes}


def test_programmes_are_kept_with_the_service(platform: Platform) -> None:
    w = make_station_world(platform)
    ids = _with_programmes(platform, w)
    assert list(ids) == ["快洗", "标准", "大件"]
    station = platform.stations.station(w.station_id)
    washer = next(s for s in station.services if s.kind == ServiceKind.washer)
    assert [(p.name, p.minutes) for p in washer.programmes] == [
        ("快洗", 30),
        ("标准", 45),
        ("大件", 60),
    ]
    # set again: 标准 longer, 大件 gone, 轻柔 new; a kept name keeps its id (its learning)
    again = platform.stations.set_service(
        w.staff,
        w.station_id,
        ServiceKind.washer,
        ServiceIn(
            units=1,
            typical_minutes=40,
            programmes=[
                ProgrammeIn(name="标准", minutes=50),
                ProgrammeIn(name="快洗", minutes=30),
                ProgrammeIn(name="轻柔", minutes=40),
            ],
        ),
    )
    assert [(p.name, p.minutes) for p in again.programmes] == [
        ("标准", 50),
        ("快洗", 30),
        ("轻柔", 40),
    ]
    assert again.programmes[0].id == ids["标准"]
    # omitted: unchanged; []: none
    same = platform.stations.set_service(
        w.staff, w.station_id, ServiceKind.washer, ServiceIn(units=2, typical_minutes=40)
    )
    assert len(same.programmes) == 3
    none = platform.stations.set_service(
        w.staff,
        w.station_id,
        ServiceKind.washer,
        ServiceIn(units=2, typical_minutes=40, programmes=[]),
    )
    assert none.programmes == []
    # a shower runs no programme: refused, naming the field, and nothing written
    with pytest.raises(InvalidInput) as refused:
        platform.stations.set_service(
            w.staff,
            w.station_id,
            ServiceKind.shower,
            ServiceIn(units=9, typical_minutes=15, programmes=WASHES[:1]),
        )
    assert refused.value.field == "programmes"
    shower = next(
        s for s in platform.stations.station(w.station_id).services if s.kind == ServiceKind.shower
    )
    assert shower.units == 2


def test_the_wait_counts_the_programme_each_machine_runs(platform: Platform) -> None:
    w = make_station_world(platform)
    ids = _with_programmes(platform, w)
    washer = w.services[ServiceKind.washer]
    first = platform.stations.join(w.drivers[0], washer, ids["快洗"])
    assert first.programme_name == "快洗"
    platform.stations.call_next(w.staff, washer)
    # the driver changed their mind at the machine: the desk starts 标准
    started = platform.stations.start_use(w.staff, first.id, ids["标准"])
    assert (started.programme_id, started.programme_name) == (ids["标准"], "标准")
    assert started.left_minutes == 45
    w.clock.forward(minutes=10)
    # a machine 10 minutes into a 45-minute programme frees in about 35
    queue = platform.stations.queue(None, washer)
    assert queue.estimate_minutes == 35
    assert queue.estimate_low is None  # narrow: one figure
    assert [(p.name, p.run_minutes, p.from_recent) for p in queue.programmes] == [
        ("快洗", 30.0, False),
        ("标准", 45.0, False),
        ("大件", 60.0, False),
    ]
    second = platform.stations.join(w.drivers[1], washer, ids["大件"])
    assert second.estimate_at_join == 35
    # the third waits for the 标准 wash and then the 大件 one: 35 + 60
    third = platform.stations.join(w.drivers[2], washer)
    assert third.estimate_at_join == 95
    assert third.programme_id is None  # none chosen: allowed
    desk = platform.stations.live_entries(w.staff, washer)
    assert [(e.programme_name, e.left_minutes) for e in desk] == [
        ("标准", 35),
        ("大件", None),
        (None, None),
    ]
    # a programme of another service, or an unknown one: 422 naming the field
    with pytest.raises(InvalidInput) as refused:
        platform.stations.desk_join(w.staff, washer, None, 999_999)
    assert refused.value.field == "programme_id"
    with pytest.raises(InvalidInput):
        platform.stations.join(w.drivers[0], w.services[ServiceKind.shower], ids["快洗"])


def test_run_times_are_learned_per_programme(platform: Platform) -> None:
    w = make_station_world(platform, drivers=5)
    ids = _with_programmes(platform, w)
    washer = w.services[ServiceKind.washer]
    for driver, minutes in zip(w.drivers[:3], (50, 51, 49), strict=True):
        entry = platform.stations.join(driver, washer, ids["标准"])
        platform.stations.call_next(w.staff, washer)
        platform.stations.start_use(w.staff, entry.id)
        w.clock.forward(minutes=minutes)
        platform.stations.finish_use(w.staff, entry.id)
    queue = platform.stations.queue(None, washer)
    runs = {p.name: (p.run_minutes, p.from_recent) for p in queue.programmes}
    assert runs["标准"] == (50.0, True)  # this machine runs 标准 five minutes long
    assert runs["快洗"] == (30.0, False)  # nothing learned: its nominal minutes
    entry = platform.stations.join(w.drivers[3], washer, ids["标准"])
    platform.stations.call_next(w.staff, washer)
    platform.stations.start_use(w.staff, entry.id)
    w.clock.forward(minutes=10)
    assert platform.stations.queue(None, washer).estimate_minutes == 40
    # 标准 made 55 minutes: its old runs (at 45) no longer count; 55 is assumed
    platform.stations.set_service(
        w.staff,
        w.station_id,
        ServiceKind.washer,
        ServiceIn(
            units=1,
            typical_minutes=40,
            programmes=[ProgrammeIn(name="标准", minutes=55), *WASHES[:1]],
        ),
    )
    runs = {p.name: p.run_minutes for p in platform.stations.queue(None, washer).programmes}
    assert runs == {"标准": 55.0, "快洗": 30.0}
