"""The demo's truck-driver station: its services, a car park's offer, the desk and a
volunteer lawyer on the roster a driver can book; seeding again adds nothing twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from gigcity.db.models import StationLawyerSlot, StationService
from gigcity.db.session import transaction
from gigcity.services.accounts import Role
from gigcity.services.care.stations import BookingIn, Topic
from gigcity.services.demo import seed_demo
from gigcity.services.demo.stations import seed_stations
from gigcity.services.platform import Platform
from support import principal


def test_the_demo_has_a_truck_station_with_a_lawyer(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=200)
    served = [s for s in platform.stations.stations() if s.services]
    assert len(served) == 1
    station = served[0]
    assert {s.kind for s in station.services} == {
        "shower", "washer", "dryer", "recliner", "repair",
    }  # fmt: skip
    desk, lawyer = principal(platform, "truckdesk"), principal(platform, "lawyer")
    assert desk.role == lawyer.role == Role.staff
    assert desk.station_id == lawyer.station_id == station.id
    parking = platform.stations.parking_near(station_id=station.id)
    assert len(parking) == 1
    assert parking[0].offpeak_price_per_hour_fen == 400
    tomorrow = (platform.stations.local_now() + timedelta(days=1)).date()
    roster = platform.stations.roster(None, station.id, tomorrow)
    assert len(roster) == 14
    booked = platform.stations.book_slot(
        principal(platform, "driver"), roster[0].id, BookingIn(topic=Topic.freight_payment)
    )
    assert booked.mine
    with transaction(platform.factory) as session:
        seed_stations(session)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(StationService)) == 5
        assert session.scalar(select(func.count()).select_from(StationLawyerSlot)) == 14
