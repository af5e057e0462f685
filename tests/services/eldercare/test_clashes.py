"""Menu clashes a week ahead, on SQLite and PostgreSQL: for each meal of the coming days,
the dishes that an older person who will have that meal must not eat (diet or allergy),
with counts and first names for staff of the canteen's sub-district (the read logged), the
meals someone will have without a menu yet, and the daily job that logs them without names.
Pauses, skips, ended enrolments and days beyond the window do not count."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gigcity.db.models import ElderRead
from gigcity.services.eldercare import CareIn, Diet, Dish, Meal, MenuIn, Mobility, PauseIn
from gigcity.services.eldercare.clashes import CLASH_JOB, MenuClashes
from gigcity.services.eldercare.schemas import ChangeIn
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.platform import JOBS, Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    enrol_with_meals,
    make_care_world,
)

TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
FISH = Dish(name="清蒸鱼", suits=[Diet.soft, Diet.low_salt, Diet.diabetic])
CHICKEN = Dish(name="宫保鸡丁", suits=[Diet.halal], allergens=["花生"])  # spicy, peanuts
GREENS = Dish(name="香菇青菜", suits=list(Diet))


class Week:
    """A canteen with three older people having lunch on weekdays: 王 (soft, low salt,
    allergic to peanuts), 李 (no needs), 张 (diabetic)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.world: CareWorld = make_care_world(platform)
        self.wang = enrol_with_meals(platform, self.world, "王秀英")
        self.li = enrol_with_meals(platform, self.world, "李桂兰", care=_care())
        self.zhang = enrol_with_meals(
            platform, self.world, "张德明", first_name="张伯伯", care=_care(Diet.diabetic)
        )
        self.clashes = MenuClashes(platform.eldercare)

    def menu(self, day: object, *dishes: Dish, meal: Meal = Meal.lunch) -> None:
        self.platform.eldercare.set_menu(
            self.world.officer, self.world.canteen_id, day, meal, MenuIn(dishes=list(dishes))
        )

    def reads(self) -> list[ElderRead]:
        with self.platform.factory() as session:
            return list(session.scalars(select(ElderRead).where(ElderRead.purpose == "clashes")))


def _care(*diet: Diet) -> CareIn:
    return CareIn(mobility=Mobility.walks, lives_alone=False, diet=list(diet), allergies=[])


@pytest.fixture
def week(platform: Platform) -> Week:
    return Week(platform)


def test_each_clashing_dish_of_the_week_with_counts_and_first_names(week: Week) -> None:
    week.menu(MONDAY, FISH, CHICKEN, GREENS)
    week.menu(TUESDAY, FISH, GREENS)  # suits everyone
    # Wednesday: no menu yet. Thursday and Friday too.
    found = week.clashes.for_manager(week.world.officer, week.world.canteen_id)
    assert (found.first, found.last) == (MONDAY, MONDAY + timedelta(days=6))
    [monday] = found.meals
    assert (monday.day, monday.meal, monday.eating, monday.affected) == (
        MONDAY, Meal.lunch, 3, 2,
    )  # fmt: skip
    [chicken] = monday.dishes
    assert (chicken.dish, chicken.count) == ("宫保鸡丁", 2)
    assert sorted(chicken.first_names) == ["张伯伯", "王阿婆"]  # peanuts; not diabetic
    # Lunch is had on weekdays only; nobody has dinner: only those meals want a menu.
    assert [(m.day, m.meal) for m in found.without_menu] == [
        (MONDAY + timedelta(days=n), Meal.lunch) for n in (2, 3, 4)
    ]
    # The read of the first names is logged: the two affected, what was read and why.
    reads = week.reads()
    assert sorted(r.elder_id for r in reads) == sorted([week.wang, week.zhang])
    assert {(r.account_id, r.fields) for r in reads} == {
        (week.world.officer.account_id, "care.allergies,care.diet,first_name")
    }


def test_pauses_skips_and_ended_enrolments_do_not_count(week: Week) -> None:
    care = week.platform.eldercare
    week.menu(MONDAY, CHICKEN)
    week.menu(TUESDAY, CHICKEN)
    week.menu(WEDNESDAY, CHICKEN)
    care.pause(
        week.world.officer, week.wang, PauseIn(first_day=MONDAY, last_day=MONDAY, reason="hospital")
    )
    care.change(
        week.world.officer, week.zhang, ChangeIn(day=TUESDAY, meal=Meal.lunch, action="skip")
    )
    care.end_enrolment(week.world.officer, week.li)
    found = week.clashes.for_manager(week.world.admin, week.world.canteen_id, days=3)
    by_day = {m.day: m for m in found.meals}
    assert by_day[MONDAY].dishes[0].first_names == ["张伯伯"]  # 王 is in hospital
    assert by_day[TUESDAY].dishes[0].first_names == ["王阿婆"]  # 张 skips Tuesday
    assert sorted(by_day[WEDNESDAY].dishes[0].first_names) == ["张伯伯", "王阿婆"]
    assert {m.eating for m in found.meals} == {1, 2}  # 李 ended: eats nothing


def test_the_window_is_the_days_asked_for(week: Week) -> None:
    eighth = MONDAY + timedelta(days=7)
    week.menu(eighth, CHICKEN)
    assert week.clashes.for_manager(week.world.officer, week.world.canteen_id, days=7).meals == []
    [later] = week.clashes.for_manager(week.world.officer, week.world.canteen_id, days=8).meals
    assert later.day == eighth
    for days in (0, 15, -1):
        with pytest.raises(InvalidInput) as refused:
            week.clashes.for_manager(week.world.officer, week.world.canteen_id, days=days)
        assert refused.value.field == "days"


def test_only_staff_of_the_canteens_sub_district_see_them(week: Week) -> None:
    week.menu(MONDAY, CHICKEN)
    for outsider in (week.world.other_officer, week.world.riders[0]):
        with pytest.raises(Forbidden):
            week.clashes.for_manager(outsider, week.world.canteen_id)
    with pytest.raises(NotFound):
        week.clashes.for_manager(week.world.admin, 999_999)
    assert week.reads() == []  # nothing was read


def test_the_daily_job_logs_dishes_and_counts_never_names(
    week: Week, caplog: pytest.LogCaptureFixture
) -> None:
    assert CLASH_JOB in JOBS
    assert CLASH_JOB.cron is not None
    week.menu(MONDAY, FISH, CHICKEN)
    week.menu(TUESDAY, GREENS)
    with caplog.at_level(logging.INFO, logger="gigcity.eldercare"):
        week.platform.run_job(CLASH_JOB.name, {})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    [line] = [w for w in warnings if "menu clashes" in w]
    assert f"canteen {week.world.canteen_id}" in line
    assert f"{MONDAY} lunch: 宫保鸡丁 x2" in line
    assert not any(name in caplog.text for name in ("王阿婆", "张伯伯", "王秀英", "张德明"))
    assert "without a menu" in caplog.text  # Wednesday to Friday
    assert MenuClashes(week.platform.eldercare).announce() == 1
    with week.platform.factory() as session:  # the platform's own read: not a person's
        assert session.scalar(select(func.count()).select_from(ElderRead).where(
            ElderRead.purpose == "clashes"
        )) == 0  # fmt: skip
