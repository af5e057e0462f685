"""The demo's giant estate: the synthetic sample estate (about a hundred buildings, several
gates, one hand-off point; clearly labelled synthetic) with its colour zones, and the demo
accounts `property` (its property staff) and `courier` (its community courier)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account
from gigcity.db.models import Estate as EstateRow
from gigcity.geo.district import District
from gigcity.geo.estates.sample import sample_estate
from gigcity.geo.estates.zones import with_zones
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account
from gigcity.services.estates.service import insert_estate

SAMPLE_EXTERNAL_ID = "gigcity:sample-estate"
SEEDER = Principal(role=Role.admin, label="seed")


def demo_estate_id(session: Session) -> int | None:
    """The demo's sample estate, if seeded."""
    return session.scalar(select(EstateRow.id).where(EstateRow.external_id == SAMPLE_EXTERNAL_ID))


def seed_demo_estate(session: Session, district: District, password: str) -> int:
    """The sample estate and its two demo accounts, each unless there already (databases
    seeded before estates existed get them at the next start); the estate's id."""
    estate_id = demo_estate_id(session)
    if estate_id is None:
        estate = with_zones(sample_estate()).model_copy(update={"external_id": SAMPLE_EXTERNAL_ID})
        estate_id = insert_estate(session, SEEDER, estate, action="seed").id
    people = [
        AccountCreate(username="property", password=password, display_name="物业小陈", role=Role.property, estate_id=estate_id),
        AccountCreate(username="courier", password=password, display_name="社区配送员周阿姨", role=Role.courier, estate_id=estate_id),
    ]  # fmt: skip
    for person in people:
        if session.scalar(select(Account.id).where(Account.username == person.username)) is None:
            create_account(session, person, district)
    return estate_id
