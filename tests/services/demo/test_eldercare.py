"""The demo seeds meals for the elderly in the demo officer's sub-district: the demo rider has
a planned round today whatever the hour, the officer one open "no answer" alert from
yesterday; seeding again adds nothing, a later day's start adds that day's meals; the
fields open with the platform's own key, also when a secret is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gigcity.db.models import Canteen, CanteenMenu, Elder, ElderAlert, ElderMeal, FunderMovement
from gigcity.db.session import transaction
from gigcity.services.demo import seed_demo, seed_platform
from gigcity.services.demo.eldercare import seed_eldercare
from gigcity.services.eldercare import Meal
from gigcity.services.eldercare.ladder import DoorCheck
from gigcity.services.platform import Platform
from support import principal

TABLES = (Canteen, CanteenMenu, Elder, ElderMeal, ElderAlert, FunderMovement)


def _seed(platform: Platform) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=20)


def _counts(platform: Platform) -> dict[str, int]:
    with platform.factory() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in TABLES
        }


def test_the_demo_rider_has_a_planned_round_today(platform: Platform) -> None:
    _seed(platform)
    rider = principal(platform, "rider")
    today = platform.eldercare.day_clock.today()
    meals = platform.eldercare.rider_meals(rider, today)
    assert 6 <= len({m.first_name for m in meals}) <= 8
    assert all(m.primary and m.door and m.call_first is not None for m in meals)
    assert all(m.first_name.endswith(("阿婆", "老伯")) for m in meals)
    with platform.factory() as session:
        planned = session.scalars(
            select(ElderMeal).where(ElderMeal.day == today, ElderMeal.rider_id.is_not(None))
        ).all()
    assert planned
    assert all(m.planned_at is not None and m.trip for m in planned)
    # The rider sees the minimum: the record's full name and notes are not in the answer.
    officer = principal(platform, "officer")
    [elder] = [e for e in platform.eldercare.elders(officer) if e.first_name == "王阿婆"]
    record = platform.eldercare.record(officer, elder.id)
    seen = " ".join(m.model_dump_json() for m in meals)
    assert record.name not in seen
    assert record.care.notes not in seen


def test_the_demo_officer_sees_one_open_no_answer_alert(platform: Platform) -> None:
    _seed(platform)
    officer = principal(platform, "officer")
    [alert] = platform.eldercare.alerts(officer)
    assert alert.door_check is DoorCheck.no_answer
    yesterday = platform.eldercare.day_clock.today() - timedelta(days=1)
    assert platform.eldercare.day_clock.day_of(alert.opened_at) == yesterday
    assert alert.next_step is not None
    assert alert.next_step.is_due
    assert [step.index for step in alert.steps] == [0, 1]
    canteens = platform.eldercare.canteens(officer)
    assert len(canteens) == 1
    assert canteens[0].subdistrict == officer.subdistrict
    assert platform.eldercare.menu(canteens[0].id, yesterday + timedelta(days=7), Meal.lunch).dishes


def test_seeding_again_adds_nothing_and_a_later_day_adds_its_meals(platform: Platform) -> None:
    _seed(platform)
    first = _counts(platform)
    _seed(platform)
    assert _counts(platform) == first
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with transaction(platform.factory) as session:
        seed_eldercare(session, platform.district, now=tomorrow)
    later = _counts(platform)
    assert later["eldercare_alerts"] == 1  # the open one still stands: no second
    assert later["eldercare_meals"] > first["eldercare_meals"]
    assert later["eldercare_menus"] == first["eldercare_menus"] + 2


def test_the_fields_open_with_a_configured_secret(platform: Platform) -> None:
    settings = platform.settings.model_copy(update={"secret_key": "s3cret-for-this-test-" * 3})
    keyed = Platform.from_settings(settings)
    try:
        seed_platform(keyed, count=20, deliveries=False)
        rider = principal(keyed, "rider")
        assert keyed.eldercare.rider_meals(rider, keyed.eldercare.day_clock.today())
    finally:
        keyed.close()
