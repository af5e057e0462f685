"""Visits at the desk: by the driver's QR code or by plate with consent; after 30 days only
the day's counts remain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gigcity.db.models import StationQueueEntry, StationVisit
from gigcity.services.care.stations import ServiceKind, VisitIn
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.retention import retention_rules
from services.care.stations.stations_support import make_station_world


def test_a_visit_by_the_drivers_code(platform: Platform) -> None:
    w = make_station_world(platform)
    code = platform.stations.driver_code(w.drivers[0])
    assert code.expires_at > w.clock.now
    visit = platform.stations.log_visit(
        w.staff, w.station_id, VisitIn(code=code.code, services=[ServiceKind.shower])
    )
    assert visit.by == "code"
    assert visit.plate is None
    with platform.factory() as session:
        row = session.get(StationVisit, visit.id)
        assert row is not None
        assert row.account_id == w.drivers[0].account_id


def test_a_plate_only_with_consent(platform: Platform) -> None:
    w = make_station_world(platform)
    with pytest.raises(InvalidInput) as refused:
        platform.stations.log_visit(w.staff, w.station_id, VisitIn(plate="沪A12345"))
    assert refused.value.field == "plate_consent"
    visit = platform.stations.log_visit(
        w.staff, w.station_id, VisitIn(plate=" 沪a12345 ", plate_consent=True)
    )
    assert visit.by == "plate"
    assert visit.plate == "沪A12345"
    with platform.factory() as session:
        row = session.get(StationVisit, visit.id)
        assert row is not None
        assert row.plate_consent_at is not None


def test_one_way_of_naming_the_driver(platform: Platform) -> None:
    w = make_station_world(platform)
    code = platform.stations.driver_code(w.drivers[0]).code
    for data in (VisitIn(), VisitIn(code=code, plate="沪A12345", plate_consent=True)):
        with pytest.raises(InvalidInput) as refused:
            platform.stations.log_visit(w.staff, w.station_id, data)
        assert refused.value.field == "code"


def test_codes_that_are_not_a_drivers(platform: Platform) -> None:
    w = make_station_world(platform)
    code = platform.stations.driver_code(w.drivers[0]).code
    account, stamp, mac = code.split(".")
    for bad in ("hello", f"{int(account) + 1}.{stamp}.{mac}", f"{account}.{stamp}.{'0' * 16}"):
        with pytest.raises(InvalidInput):
            platform.stations.log_visit(w.staff, w.station_id, VisitIn(code=bad))
    w.clock.forward(minutes=16)
    with pytest.raises(InvalidInput):
        platform.stations.log_visit(w.staff, w.station_id, VisitIn(code=code))
    with pytest.raises(Forbidden):  # a delivery rider has no station code
        platform.stations.driver_code(w.rider)


def test_only_the_stations_desk_logs_and_reads_visits(platform: Platform) -> None:
    w = make_station_world(platform)
    data = VisitIn(plate="沪A12345", plate_consent=True)
    for who in (w.other_staff, w.drivers[0]):
        with pytest.raises(Forbidden):
            platform.stations.log_visit(who, w.station_id, data)
        with pytest.raises(Forbidden):
            platform.stations.visit_day(who, w.station_id, w.clock.now.date())


def test_after_30_days_only_the_days_counts_remain(platform: Platform) -> None:
    w = make_station_world(platform)
    day = w.clock.now.astimezone(platform.stations.tz).date()
    code = platform.stations.driver_code(w.drivers[0]).code
    platform.stations.log_visit(w.staff, w.station_id, VisitIn(code=code, services=["shower"]))
    platform.stations.log_visit(
        w.staff,
        w.station_id,
        VisitIn(plate="沪A12345", plate_consent=True, services=["shower", "washer"]),
    )
    platform.stations.join(w.drivers[1], w.services[ServiceKind.shower])
    before = platform.stations.visit_day(w.staff, w.station_id, day)
    assert (before.visits, len(before.listed)) == (2, 2)
    w.clock.forward(days=29)
    rules = {
        r.kind: r
        for r in retention_rules(platform.settings, platform.reports, stations=platform.stations)
    }
    visits = rules["truck-driver station visits (rolled into daily counts)"]
    tickets = rules["who held truck-driver station queue tickets"]
    assert visits.purge(visits.kept) == 0
    assert tickets.purge(tickets.kept) == 0
    w.clock.forward(days=2)
    assert visits.purge(visits.kept) == 2
    assert tickets.purge(tickets.kept) == 1
    after = platform.stations.visit_day(w.staff, w.station_id, day)
    assert after.listed == []
    assert after.visits == 2
    assert after.services == {"shower": 2, "washer": 1}
    with platform.factory() as session:
        assert session.scalars(select(StationVisit)).all() == []
        assert session.scalars(select(StationQueueEntry.account_id)).all() == [None]


def test_the_visits_period_is_a_setting(platform: Platform) -> None:
    settings = platform.settings.model_copy(update={"retention_station_visits_days": 7})
    rules = {
        r.kind: r.kept
        for r in retention_rules(settings, platform.reports, stations=platform.stations)
    }
    assert rules["truck-driver station visits (rolled into daily counts)"] == timedelta(days=7)
    assert rules["who held truck-driver station queue tickets"] == timedelta(days=7)
