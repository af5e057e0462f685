"""The demo posts two open volunteer tasks for its older people, in the days ahead, which
the demo truck driver finds in the officer's sub-district with the minimum (first name,
building); seeding again adds nothing, and a later day adds them again for the days ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gigcity.db.models import Account, VolunteerTask
from gigcity.db.session import transaction
from gigcity.services.demo import seed_demo
from gigcity.services.demo.eldercare_volunteers import seed_volunteer_tasks
from gigcity.services.eldercare.volunteers import TaskKind
from gigcity.services.platform import Platform
from support import principal


def _tasks(platform: Platform) -> int:
    with platform.factory() as session:
        return session.scalar(select(func.count()).select_from(VolunteerTask)) or 0


def test_the_demo_driver_finds_two_open_tasks_and_seeding_again_adds_none(
    platform: Platform,
) -> None:
    with transaction(platform.factory) as session:
        seed_demo(session, platform.district, count=20)
        officer_area = session.scalar(
            select(Account.subdistrict).where(Account.username == "officer")
        )
    assert officer_area is not None
    driver = principal(platform, "driver")
    tasks = platform.eldercare.volunteers
    found = tasks.open_tasks(driver, officer_area)
    assert {t.kind for t in found} == {TaskKind.carry_large_item, TaskKind.visit}
    today = platform.eldercare.day_clock.today()
    assert all(t.day > today and t.door is None and t.first_name for t in found)

    with transaction(platform.factory) as session:
        assert seed_volunteer_tasks(session) == 0
    assert _tasks(platform) == 2
    # A week later the demo's tasks are past: seeding adds them for the days ahead again.
    later = datetime.now(UTC) + timedelta(days=7)
    with transaction(platform.factory) as session:
        assert seed_volunteer_tasks(session, now=later) == 2
    assert _tasks(platform) == 4
