"""The daily meals: generated once per canteen after its cut-off from the weekly pattern,
pauses and one-off changes; each priced and split between funders; what the rider sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gigcity.db.models import ElderMeal, ElderRead
from gigcity.services.eldercare import ChangeIn, Dish, Meal, MenuIn, PauseIn
from gigcity.services.eldercare.subscriptions import wants_meal
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    enrol_with_meals,
    make_care_world,
)

TUESDAY = MONDAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


def _meals(platform: Platform) -> list[ElderMeal]:
    with platform.factory() as session:
        return list(session.scalars(select(ElderMeal).order_by(ElderMeal.id)))


def test_a_day_is_generated_once_however_often_it_runs(platform: Platform, care: CareWorld) -> None:
    enrol_with_meals(platform, care)
    enrol_with_meals(platform, care, "赵桂兰", subsidy_category="low_income")
    first = platform.eldercare.generate(MONDAY, Meal.lunch)
    again = platform.eldercare.generate(MONDAY, Meal.lunch)
    assert (first.created, first.already) == (2, 0)
    assert (again.created, again.already) == (0, 2)
    meals = _meals(platform)
    assert len(meals) == 2
    for meal in meals:  # the price split is fixed at generation and adds up
        parts = meal.subsidy_fen + meal.enterprise_fen + meal.charity_fen + meal.copay_fen
        assert parts == meal.price_fen == 1500
    assert {m.subsidy_fen for m in meals} == {300, 800}  # over_80, low_income


def test_weekdays_pauses_and_changes_decide_who_eats(platform: Platform, care: CareWorld) -> None:
    weekdays = enrol_with_meals(platform, care)
    paused = enrol_with_meals(platform, care, "赵桂兰")
    skipping = enrol_with_meals(platform, care, "钱玉珍")
    platform.eldercare.pause(
        care.officer, paused, PauseIn(first_day=MONDAY, last_day=MONDAY, reason="hospital")
    )
    platform.eldercare.change(
        care.officer, skipping, ChangeIn(day=MONDAY, meal=Meal.lunch, action="skip")
    )
    platform.eldercare.change(
        care.officer, weekdays, ChangeIn(day=SATURDAY, meal=Meal.lunch, action="add")
    )
    platform.eldercare.generate(MONDAY, Meal.lunch)
    platform.eldercare.generate(TUESDAY, Meal.lunch)
    platform.eldercare.generate(SATURDAY, Meal.lunch)
    eaten = sorted((m.elder_id, m.day) for m in _meals(platform))
    assert eaten == sorted(
        [
            (weekdays, MONDAY), (weekdays, TUESDAY), (weekdays, SATURDAY),
            (paused, TUESDAY),  # the pause ended: meals resume by themselves
            (skipping, TUESDAY),
        ]
    )  # fmt: skip


def test_the_menu_price_is_used_and_capacity_overflow_is_reported(
    platform: Platform, care: CareWorld
) -> None:
    for name in ("王秀英", "赵桂兰", "钱玉珍", "孙淑芬"):
        enrol_with_meals(platform, care, name)
    menu = MenuIn(dishes=[Dish(name="清蒸鱼", suits=["soft", "low_salt"])], price_fen=1800)
    platform.eldercare.set_menu(care.officer, care.canteen_id, MONDAY, Meal.lunch, menu)
    out = platform.eldercare.generate(MONDAY, Meal.lunch)
    assert out.created == 4  # nobody goes without: the canteen is told it is over
    assert out.over_capacity == {care.canteen_id: 1}
    assert {m.price_fen for m in _meals(platform)} == {1800}


def test_the_job_generates_each_canteen_after_its_cut_off(
    platform: Platform, care: CareWorld
) -> None:
    enrol_with_meals(platform, care)
    before = datetime(2026, 12, 7, 0, 59, tzinfo=UTC)  # 08:59 in Shanghai
    platform.eldercare.clock = lambda: before
    assert platform.eldercare.generate_due() == []
    platform.eldercare.clock = lambda: before + timedelta(minutes=1)  # 09:00, the cut-off
    platform.run_job("eldercare.generate", {})
    platform.run_job("eldercare.generate", {})
    assert [(m.day, m.meal) for m in _meals(platform)] == [(MONDAY, "lunch")]


def test_changes_close_at_the_cut_off(platform: Platform, care: CareWorld) -> None:
    elder = enrol_with_meals(platform, care)
    platform.eldercare.clock = lambda: datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00
    with pytest.raises(InvalidInput) as raised:
        platform.eldercare.change(
            care.officer, elder, ChangeIn(day=MONDAY, meal=Meal.lunch, action="skip")
        )
    assert raised.value.field == "day"
    platform.eldercare.change(  # dinner's cut-off is later
        care.officer, elder, ChangeIn(day=MONDAY, meal=Meal.dinner, action="add")
    )


def test_the_family_plan_shows_statuses_and_deadlines(platform: Platform, care: CareWorld) -> None:
    elder = enrol_with_meals(platform, care, lunch=(0, 1))
    platform.eldercare.pause(
        care.officer, elder, PauseIn(first_day=TUESDAY, last_day=TUESDAY, reason="travel")
    )
    plan = platform.eldercare.planned(care.officer, elder, MONDAY, 2)
    assert [(p.day, p.meal, p.status) for p in plan] == [
        (MONDAY, Meal.lunch, "subscribed"),
        (TUESDAY, Meal.lunch, "paused"),
    ]
    assert plan[0].changeable_until == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    platform.eldercare.generate(MONDAY, Meal.lunch)
    assert platform.eldercare.planned(care.officer, elder, MONDAY, 1)[0].status == (
        "generated:ordered"
    )


def test_the_rider_sees_the_minimum_and_the_read_is_logged(
    platform: Platform, care: CareWorld
) -> None:
    elder = enrol_with_meals(platform, care)
    menu = MenuIn(
        dishes=[
            Dish(name="清蒸鱼", suits=["soft", "low_salt"]),
            Dish(name="宫保鸡丁", suits=["soft", "low_salt"], allergens=["花生"]),
            Dish(name="红烧肉", suits=["soft"]),
        ]
    )
    platform.eldercare.set_menu(care.officer, care.canteen_id, MONDAY, Meal.lunch, menu)
    platform.eldercare.generate(MONDAY, Meal.lunch)
    [seen] = platform.eldercare.rider_meals(care.riders[0], MONDAY)
    assert (seen.first_name, seen.primary) == ("王阿婆", True)
    assert seen.clashes == ["宫保鸡丁", "红烧肉"]  # peanuts; not low-salt
    assert seen.call_first is not None
    assert seen.call_first.phone == "13800000001"
    shown = seen.model_dump()
    assert "name" not in shown
    assert "notes" not in shown
    assert "mobility" not in shown
    assert platform.eldercare.rider_meals(care.riders[1], MONDAY) == []  # the backup's day off
    assert platform.eldercare.rider_meals(care.rider_outside, MONDAY) == []
    with pytest.raises(Forbidden):
        platform.eldercare.rider_meals(care.officer, MONDAY)
    with platform.factory() as session:
        purposes = session.scalars(select(ElderRead.purpose).where(ElderRead.elder_id == elder))
        assert list(purposes) == ["round"]  # the look at the round; empty rounds read nothing


def test_a_meal_is_cancelled_once_and_only_before_it_leaves(
    platform: Platform, care: CareWorld
) -> None:
    enrol_with_meals(platform, care)
    platform.eldercare.generate(MONDAY, Meal.lunch)
    [meal] = _meals(platform)
    platform.eldercare.cancel_meal(care.officer, meal.id)
    with pytest.raises(Conflict):
        platform.eldercare.cancel_meal(care.officer, meal.id)
    with pytest.raises(Forbidden):
        platform.eldercare.cancel_meal(care.other_officer, meal.id)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(ElderMeal)) == 1  # kept


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lunch_days=st.integers(0, 127),
    pause=st.none() | st.tuples(st.integers(0, 13), st.integers(0, 6)),
    change=st.none() | st.sampled_from(["skip", "add"]),
    offset=st.integers(0, 13),
)
def test_who_eats_follows_one_rule(
    lunch_days: int, pause: tuple[int, int] | None, change: str | None, offset: int
) -> None:
    """Only a meal they would have (the pattern or an add) can be skipped or paused; a skip
    wins over a pause, a pause over an add."""
    from gigcity.db.models import MealPause, MealSubscription

    day = MONDAY + timedelta(days=offset)
    subscription = MealSubscription(lunch_days=lunch_days, dinner_days=0, starts_on=MONDAY)
    pauses = []
    if pause is not None:
        first = MONDAY + timedelta(days=pause[0])
        pauses.append(
            MealPause(first_day=first, last_day=first + timedelta(days=pause[1]), cancelled_at=None)
        )
    why = wants_meal(subscription, pauses, change, day, Meal.lunch)
    would = change == "add" or bool(lunch_days >> day.weekday() & 1)
    in_pause = any(p.first_day <= day <= p.last_day for p in pauses)
    if not would:
        assert why == "none"
    elif change == "skip":
        assert why == "skipped"
    elif in_pause:
        assert why == "paused"
    else:
        assert why == ("added" if change == "add" else "subscribed")


def test_rounds_bring_every_meal_hot_and_by_the_familiar_rider(
    platform: Platform, care: CareWorld
) -> None:
    for i, name in enumerate(("王秀英", "赵桂兰", "钱玉珍")):
        enrol_with_meals(platform, care, name, lon=121.42 + 0.003 * i, floor=2 + i)
    platform.eldercare.generate(MONDAY, Meal.lunch)
    plan = platform.eldercare.plan_rounds(care.officer, care.canteen_id, MONDAY, Meal.lunch)
    assert (plan.meals, plan.planned, plan.unassigned) == (3, 3, 0)
    assert plan.primary_share == 1.0
    assert plan.worst_minutes_from_kitchen <= 30
    assert {s.rider_id for s in plan.stops} == {care.riders[0].account_id}
    ready = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    for stop in plan.stops:
        assert stop.at_door is not None
        assert ready < stop.at_door <= ready + timedelta(minutes=30)
    # The rider's list is the round: trip by trip, in the planned order of the doors.
    in_round = sorted(plan.stops, key=lambda s: (s.trip, s.at_door))
    seen = platform.eldercare.rider_meals(care.riders[0], MONDAY)
    assert [m.meal_id for m in seen] == [s.meal_id for s in in_round]
    with pytest.raises(Forbidden):
        platform.eldercare.plan_rounds(care.other_officer, care.canteen_id, MONDAY, Meal.lunch)


def test_without_the_familiar_rider_the_backup_brings_it_and_says_why(
    platform: Platform, care: CareWorld
) -> None:
    enrol_with_meals(platform, care)
    platform.eldercare.generate(MONDAY, Meal.lunch)
    platform.accounts.set_active(care.admin, care.riders[0].account_id, False)
    plan = platform.eldercare.plan_rounds(care.officer, care.canteen_id, MONDAY, Meal.lunch)
    [stop] = plan.stops
    assert (stop.rider_id, stop.by) == (care.riders[1].account_id, "backup")
    assert stop.note_id == "meal_rounds.primary_absent"
    assert plan.primary_share == 0.0


def test_the_job_makes_a_canteens_meals_once_after_its_cut_off(
    platform: Platform, care: CareWorld
) -> None:
    """Someone enrolled after the cut-off gets meals from the next day: the kitchen has
    planned today's already."""
    enrol_with_meals(platform, care)
    platform.eldercare.clock = lambda: datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00
    [made] = platform.eldercare.generate_due()
    assert made.created == 1
    enrol_with_meals(platform, care, "赵桂兰")
    assert platform.eldercare.generate_due() == []
    assert len(_meals(platform)) == 1
