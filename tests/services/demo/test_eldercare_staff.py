"""The demo's staff of meals for the elderly: `committee` of the demo officer's sub-district and
`canteen` of the demo canteen, both listed among the demo logins; seeding again adds no one
twice; the canteen account reads its kitchen and no other."""

from __future__ import annotations

from sqlalchemy import func, select

from gigcity.db.models import Account, Canteen
from gigcity.db.session import transaction
from gigcity.services.accounts import Role
from gigcity.services.demo import seed_demo
from gigcity.services.demo.accounts import demo_logins
from gigcity.services.demo.eldercare_staff import seed_eldercare_staff
from gigcity.services.eldercare import Meal
from gigcity.services.eldercare.kitchen import Kitchen
from gigcity.services.platform import Platform
from support import principal


def test_the_demo_has_committee_and_canteen_staff(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=20)
    committee, cook, officer = (principal(platform, u) for u in ("committee", "canteen", "officer"))
    assert (committee.role, committee.subdistrict) == (Role.committee, officer.subdistrict)
    with platform.factory() as session:
        canteen = session.scalar(select(Canteen).where(Canteen.id == cook.canteen_id))
        assert canteen is not None
        assert (cook.role, canteen.subdistrict) == (Role.canteen, officer.subdistrict)
        logins = {lg.username: lg for lg in demo_logins(session, platform.district)}
    assert logins["committee"].role == Role.committee
    assert logins["canteen"].role == Role.canteen
    assert canteen.name in logins["canteen"].note
    today = platform.eldercare.day_clock.today()
    lunch = Kitchen(platform.eldercare).production(cook, canteen.id, today, Meal.lunch)
    assert lunch.total > 0  # the demo's older people have lunch every day
    assert platform.eldercare.elders(committee)  # the officer's older people are theirs too
    with transaction(platform.factory) as session:
        seed_eldercare_staff(session)
    with platform.factory() as session:
        made = session.scalar(
            select(func.count())
            .select_from(Account)
            .where(Account.username.in_(["committee", "canteen"]))
        )
    assert made == 2
