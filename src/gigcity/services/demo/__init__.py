"""Deterministic demo data: service points over the district, one account per role, a month
of reports with their rewards, and a day of deliveries for the demo rider. Same seed, same
data. `seed_platform` and `start_demo` are what the operator's commands run."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Place
from gigcity.db.session import transaction
from gigcity.geo.district import District
from gigcity.services.demo.accounts import (
    DEMO_KEY_NAME,
    DEMO_PASSWORD,
    DemoLogin,
    create_demo_accounts,
    demo_accounts_exist,
    demo_api_key,
    demo_logins,
)
from gigcity.services.demo.audit import seed_demo_audit
from gigcity.services.demo.care import seed_care
from gigcity.services.demo.concerns import seed_concerns
from gigcity.services.demo.doctors import seed_doctors
from gigcity.services.demo.eldercare import EldercareDemo, seed_eldercare
from gigcity.services.demo.eldercare_family import seed_family
from gigcity.services.demo.eldercare_staff import seed_eldercare_staff
from gigcity.services.demo.eldercare_volunteers import seed_volunteer_tasks
from gigcity.services.demo.estates import demo_estate_id, seed_demo_estate
from gigcity.services.demo.gates import demo_gate_key, seed_demo_gates
from gigcity.services.demo.governance import seed_demo_governance
from gigcity.services.demo.organisation import seed_organisation
from gigcity.services.demo.pay import seed_demo_pay
from gigcity.services.demo.places import bulk_insert_places, generate_places, named_places
from gigcity.services.demo.relay import seed_demo_relay
from gigcity.services.demo.reports import seed_demo_reports
from gigcity.services.demo.stations import seed_stations
from gigcity.services.demo.stays import seed_stays
from gigcity.services.demo.theme_days import seed_theme_days
from gigcity.services.demo.three_ones import seed_three_ones
from gigcity.services.demo.volunteers import seed_volunteers
from gigcity.services.organisation.sealing import MemberSeal
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoLimits, PhotoStore


def seed_demo(
    session: Session,
    district: District,
    count: int = 1000,
    seed: int = 2025,
    *,
    photos: tuple[PhotoStore, PhotoLimits] | None = None,
    saved: list[str] | None = None,
    locale: str = "zh_CN",
    eldercare: EldercareDemo | None = None,
    members: MemberSeal | None = None,
) -> list[DemoLogin]:
    """Seed points and demo accounts unless already there; returns the demo logins (their
    notes in `locale`). With `photos` (a photo store and its limits) most demo reports get
    a photo, whose stored names are appended to `saved`. `eldercare`: the platform's field
    cipher, funding rule and timezone (default: the dev key, the example, Shanghai);
    `members` the seal of memberships (default: the dev keys)."""
    if not demo_accounts_exist(session):
        if session.scalar(select(Place.id).limit(1)) is None:
            bulk_insert_places(
                session, district, generate_places(district, count, seed), actor="seed"
            )
        create_demo_accounts(session, district)
    # the last hundred metres: the sample estate, its property staff and community courier
    estate_id = seed_demo_estate(session, district, DEMO_PASSWORD)
    # gate passes: the demo rider certified, a gate controller's key for the sample estate
    seed_demo_gates(session, estate_id)
    # relay delivery: residents' consents and items at the sample estate's hand-off point
    seed_demo_relay(session, estate_id)
    # snap-and-report: routes, pool, a month of reports
    seed_demo_reports(session, district, photos=photos, saved=saved)
    # meals for the elderly: a canteen in the officer's sub-district, today's round
    seed_eldercare(session, district, eldercare)
    seed_family(session, eldercare)  # a family account linked to the first older person
    seed_eldercare_staff(session)  # the committee's and the canteen's staff
    seed_volunteer_tasks(session, eldercare)  # two open volunteer tasks for older people
    seed_care(session)  # a hotline counsellor, group sessions, a rider meal and free water
    seed_doctors(session)  # family doctors: three health centres, `doctor`'s account
    seed_stays(session)  # beds at two driver homes, `homestaff` at the flagship's desk
    seed_stations(session)  # a truck-driver station, its car park, `truckdesk`, `lawyer`
    seed_organisation(session, members)  # organisations, check-in points, the staff's 1+1+N
    seed_theme_days(session)  # this month's theme day at the demo stations
    seed_three_ones(session, members)  # a letter, the learning library, a book
    seed_concerns(session)  # a Tuesday meeting and riders' concerns
    seed_volunteers(session)  # volunteer teams, activities and hours
    return demo_logins(session, district, locale)


def _seed_with_photos(
    platform: Platform, count: int, seed: int, *, with_key: bool
) -> tuple[list[DemoLogin], str]:
    """The demo data (where missing) in one transaction, with photos in the platform's file
    store (removed again should the transaction fail); the logins and (`with_key`) the demo
    API key."""
    saved: list[str] = []
    photos = (platform.reports.photos, platform.reports.photo_limits)
    eldercare = EldercareDemo.of(platform.eldercare)  # before: may store the dev key
    members = platform.organisation.seal
    members.warm()  # likewise
    try:
        with transaction(platform.factory) as session:
            logins = seed_demo(
                session,
                platform.district,
                count=count,
                seed=seed,
                photos=photos,
                saved=saved,
                locale=platform.settings.default_locale,
                eldercare=eldercare,
                members=members,
            )
            key = demo_api_key(session) if with_key else ""
    except BaseException:
        for name in saved:
            platform.reports.photos.discard(name)
        raise
    return logins, key


def seed_platform(
    platform: Platform, count: int = 1000, seed: int = 2025, *, deliveries: bool = True
) -> list[DemoLogin]:
    """`gigcity seed`: the demo data in one transaction, then (with `deliveries`) the demo
    rider's day of deliveries; returns the demo logins."""
    logins, _ = _seed_with_photos(platform, count, seed, with_key=False)
    seed_demo_governance(platform)  # a synthetic year of hotline complaints at the mall
    seed_demo_audit(platform)  # a synthetic day of a platform's decisions, audited
    if deliveries:
        seed_demo_pay(platform, seed)
    return logins


def start_demo(platform: Platform) -> tuple[list[DemoLogin], str]:
    """`gigcity serve --demo`: the demo data (where missing) and the demo's platform API key;
    returns the demo logins and the key."""
    logins, key = _seed_with_photos(platform, 1000, 2025, with_key=True)
    seed_demo_governance(platform)
    seed_demo_audit(platform)
    seed_demo_pay(platform)
    return logins, key


def demo_gate_controller_key(platform: Platform) -> str | None:
    """The demo gate controller's key for the sample estate (None before the demo is
    seeded): what a gate at the demo estate sends to `POST /api/gates/check`."""
    with transaction(platform.factory) as session:
        estate_id = demo_estate_id(session)
        return None if estate_id is None else demo_gate_key(session, estate_id)


__all__ = [
    "DEMO_KEY_NAME",
    "DEMO_PASSWORD",
    "DemoLogin",
    "bulk_insert_places",
    "demo_api_key",
    "demo_gate_controller_key",
    "generate_places",
    "named_places",
    "seed_demo",
    "seed_demo_pay",
    "seed_demo_reports",
    "seed_platform",
    "start_demo",
]
