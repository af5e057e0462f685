"""The demo's stays: two driver homes with beds (the flagship first), `homestaff` at the
flagship's desk; seeding again adds nothing; the demo rider finds free beds near a home and
books one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from gigcity.db.models import Place, StayBed, StayHome
from gigcity.db.session import transaction
from gigcity.services.demo import seed_demo
from gigcity.services.demo.accounts import demo_logins
from gigcity.services.demo.stays import seed_stays
from gigcity.services.platform import Platform
from gigcity.services.stays import BookIn
from support import principal


def test_the_demo_has_two_homes_with_beds_and_desk_staff(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=200)
    with platform.factory() as session:
        homes = session.execute(
            select(Place.id, Place.name, Place.lon, Place.lat).join(
                StayHome, StayHome.place_id == Place.id
            )
        ).all()
        beds = session.scalar(select(func.count()).select_from(StayBed))
    assert len(homes) == 2
    assert beds == 58
    staff = principal(platform, "homestaff")
    assert staff.station_id in {h.id for h in homes}
    with platform.factory() as session:
        logins = {lg.username: lg for lg in demo_logins(session, platform.district)}
    desk_home = next(h.name for h in homes if h.id == staff.station_id)
    assert desk_home in logins["homestaff"].note
    with transaction(platform.factory) as session:
        seed_stays(session)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(StayBed)) == 58
    home = homes[0]
    near = platform.stays.nearby(home.lon, home.lat, 5000, 10)
    assert home.id in {n.place_id for n in near}
    night = platform.stays.tonight(platform.stays.clock()) + timedelta(days=1)
    booked = platform.stays.book(
        principal(platform, "rider"), BookIn(place_id=home.id, night=night)
    )
    assert booked.code
    desk = platform.stays.desk(staff, staff.station_id or 0, night)
    assert [b.id for b in desk] == ([booked.id] if booked.place_id == staff.station_id else [])
