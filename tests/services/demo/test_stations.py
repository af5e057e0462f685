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
from gigcity.services.demo.accounts import demo_logins
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
    assert (desk.role, desk.station_id) == (Role.staff, station.id)
    assert (lawyer.role, lawyer.station_id) == (Role.lawyer, None)  # a lawyer of no one station
    with platform.factory() as session:
        logins = {lg.username: lg for lg in demo_logins(session, platform.district)}
    assert logins["lawyer"].role == Role.lawyer
    assert logins["truckdesk"].role == Role.staff
    assert station.name in logins["truckdesk"].note
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
    [sitting] = [s for s in platform.stations.lawyer_slots(lawyer) if s.id == booked.id]
    assert (sitting.topic, sitting.driver_name) == (Topic.freight_payment, "货车司机老张")
    with transaction(platform.factory) as session:
        seed_stations(session)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(StationService)) == 5
        assert session.scalar(select(func.count()).select_from(StationLawyerSlot)) == 14
