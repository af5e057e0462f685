"""Retention of the read log of older people's personal information, on SQLite and
PostgreSQL: lines older than the setting (default three years, PIPL Art. 56, and never
less) go with the daily retention job; recent lines, the older person's record, their
meals and everything else stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select

from gigcity.config import Settings
from gigcity.db.models import Elder, ElderContact, ElderRead, MealSubscription
from gigcity.db.session import transaction
from gigcity.services.eldercare.read_retention import READS_KEPT_DAYS_MIN, purge_reads
from gigcity.services.platform import RETENTION_JOB, Platform
from gigcity.services.retention import apply_retention, retention_rules
from services.eldercare.eldercare_support import EARLY, enrol_with_meals, make_care_world

KIND = "read log of older people's personal information"
THREE_YEARS = timedelta(days=1095)


def _read_at(platform: Platform, elder_id: int, ago: timedelta, purpose: str) -> None:
    with transaction(platform.factory) as session:
        session.execute(
            insert(ElderRead).values(
                at=EARLY - ago, elder_id=elder_id, account_id=None, role="officer",
                fields="first_name", purpose=purpose,
            )
        )  # fmt: skip


def _counts(platform: Platform) -> dict[str, int]:
    with platform.factory() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Elder, ElderContact, MealSubscription)
        }


def _purposes(platform: Platform) -> list[str]:
    with platform.factory() as session:
        return sorted(session.scalars(select(ElderRead.purpose)))


def test_lines_older_than_three_years_go_and_nothing_else(platform: Platform) -> None:
    world = make_care_world(platform)  # the service's clock: EARLY
    elder_id = enrol_with_meals(platform, world)
    platform.eldercare.record(world.officer, elder_id)  # a read logged now
    logged_now = _purposes(platform)
    assert logged_now  # enrolling and reading the record are logged
    _read_at(platform, elder_id, THREE_YEARS + timedelta(days=1), "ancient")
    _read_at(platform, elder_id, THREE_YEARS + timedelta(minutes=1), "just_too_old")
    _read_at(platform, elder_id, THREE_YEARS - timedelta(minutes=1), "just_young_enough")
    _read_at(platform, elder_id, timedelta(days=400), "last_year")
    before = _counts(platform)

    [rule] = [
        r
        for r in retention_rules(platform.settings, platform.reports, eldercare=platform.eldercare)
        if r.kind == KIND
    ]
    assert rule.kept == THREE_YEARS  # the default
    assert apply_retention([rule]) == {KIND: 2}
    assert _purposes(platform) == sorted([*logged_now, "just_young_enough", "last_year"])
    assert _counts(platform) == before  # the record, contacts and subscription stay
    assert apply_retention([rule]) == {KIND: 0}  # nothing more to do


def test_the_daily_retention_job_applies_it(platform: Platform) -> None:
    world = make_care_world(platform)
    elder_id = enrol_with_meals(platform, world)
    platform.eldercare.record(world.officer, elder_id)  # a read logged now
    _read_at(platform, elder_id, timedelta(days=2000), "ancient")
    platform.run_job(RETENTION_JOB.name, {})
    assert _purposes(platform) == ["record"]  # the recent read stays


def test_a_shorter_setting_than_the_law_allows_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    assert Settings().retention_eldercare_reads_days == 1095 == READS_KEPT_DAYS_MIN
    monkeypatch.setenv("GIGCITY_RETENTION_ELDERCARE_READS_DAYS", "1825")
    assert Settings().retention_eldercare_reads_days == 1825  # five years
    monkeypatch.setenv("GIGCITY_RETENTION_ELDERCARE_READS_DAYS", "365")
    with pytest.raises(ValidationError, match="retention_eldercare_reads_days"):
        Settings()


def test_a_longer_setting_keeps_more(platform: Platform) -> None:
    world = make_care_world(platform)
    elder_id = enrol_with_meals(platform, world)
    _read_at(platform, elder_id, timedelta(days=1500), "four_years_ago")
    assert purge_reads(platform.eldercare, timedelta(days=1825)) == 0
    assert purge_reads(platform.eldercare, THREE_YEARS) == 1
