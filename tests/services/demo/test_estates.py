"""The demo's sample estate: seeded with its colour zones, labelled synthetic, with the demo
accounts `property` and `courier` bound to it; seeding again adds nothing twice, and a demo
database from before estates gets them at its next start."""

from __future__ import annotations

from sqlalchemy import delete, select

from gigcity.db.models import Account
from gigcity.db.session import transaction
from gigcity.services.accounts import Role
from gigcity.services.demo import DEMO_PASSWORD, seed_demo
from gigcity.services.demo.accounts import demo_logins
from gigcity.services.platform import Platform


def _seed(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=30, seed=3)


def test_the_demo_has_the_sample_estate_and_its_people(platform: Platform) -> None:
    _seed(platform)
    [listed] = platform.estates.list()
    assert listed.synthetic
    assert listed.buildings >= 90
    assert listed.gates >= 3
    estate = platform.estates.get(listed.id).estate
    zoned = {ref for zone in estate.zones for ref in zone.buildings}
    assert zoned == {b.ref for b in estate.buildings}
    assert 1 <= len(estate.zones) <= 7
    assert len(estate.handoffs) == 1
    with platform.factory() as session:
        bound = dict(
            session.execute(
                select(Account.username, Account.estate_id).where(
                    Account.role.in_([Role.property.value, Role.courier.value])
                )
            ).all()
        )
        logins = {login.username: login for login in demo_logins(session, platform.district)}
    assert bound == {"property": listed.id, "courier": listed.id}
    assert logins["property"].role == Role.property
    assert logins["courier"].note == f"{estate.name}的社区配送员"
    staff = platform.accounts.sign_in("property", DEMO_PASSWORD)
    assert staff.access_token
    assert platform.estates.guide(listed.id, estate.buildings[0].number).steps


def test_seeding_again_adds_nothing_and_fills_in_an_older_demo(platform: Platform) -> None:
    _seed(platform)
    _seed(platform)
    assert platform.estates.count() == 1
    with transaction(platform.factory) as session:  # a demo database from before estates
        session.execute(delete(Account).where(Account.username.in_(["property", "courier"])))
    _seed(platform)
    assert platform.estates.count() == 1
    with platform.factory() as session:
        names = set(
            session.scalars(
                select(Account.username).where(Account.username.in_(["property", "courier"]))
            )
        )
    assert names == {"property", "courier"}
