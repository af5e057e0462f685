"""A canteen's kitchen: the production list of a meal counts the meals by diet, by exact
combination and by allergy, and each dish by how many people it does not suit — from the
plan before the meals are made and from the meals after — and carries no name, door or
person; canteen staff keep their own canteen's menus and read its list, never another's;
neighbourhood-committee staff act as grid officers do, in their own sub-district only. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gigcity.db.models import ElderMeal
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Principal, Role, create_account, principal_for
from gigcity.services.eldercare import (
    CanteenIn,
    CareIn,
    Diet,
    Dish,
    Meal,
    MenuIn,
    Mobility,
    PauseIn,
)
from gigcity.services.eldercare.kitchen import Kitchen, production_list
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    elder_in,
    enrol_with_meals,
    make_care_world,
)
from support import PASSWORD

# Monday's lunch menu: one dish suits everyone, one clashes by diet and allergy, one by
# allergy only.
FISH = Dish(name="清蒸鱼", suits=[Diet.soft, Diet.low_salt, Diet.diabetic], allergens=["鱼"])
CHICKEN = Dish(name="宫保鸡丁", suits=[], allergens=["花生"])
TOFU = Dish(name="虾仁豆腐", suits=[Diet.soft, Diet.low_salt, Diet.diabetic], allergens=["虾"])


def _staff(
    platform: Platform,
    username: str,
    role: Role,
    *,
    subdistrict: str | None = None,
    canteen_id: int | None = None,
) -> Principal:
    person = AccountCreate(
        username=username, password=PASSWORD, display_name=username, role=role,
        subdistrict=subdistrict, canteen_id=canteen_id,
    )  # fmt: skip
    with transaction(platform.factory) as session:
        return principal_for(create_account(session, person, platform.district))


def _care(diet: list[Diet], allergies: list[str]) -> CareIn:
    return CareIn(mobility=Mobility.walks, diet=diet, allergies=allergies)


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


@pytest.fixture
def kitchen(platform: Platform) -> Kitchen:
    return Kitchen(platform.eldercare)


def _monday_lunch(platform: Platform, world: CareWorld) -> list[int]:
    """Five older people of the canteen; four have Monday's lunch (the fifth is paused)."""
    people = [
        ("王秀英", [Diet.soft, Diet.low_salt], ["花生"]),
        ("张桂兰", [Diet.diabetic], []),
        ("刘志强", [], ["虾"]),
        ("周美华", [], []),
        ("赵淑芬", [Diet.vegetarian], ["鸡蛋"]),
    ]
    ids = [
        enrol_with_meals(platform, world, name, care=_care(diet, allergies))
        for name, diet, allergies in people
    ]
    platform.eldercare.pause(
        world.officer, ids[-1], PauseIn(first_day=MONDAY, last_day=MONDAY, reason="hospital")
    )
    platform.eldercare.set_menu(
        world.officer, world.canteen_id, MONDAY, Meal.lunch, MenuIn(dishes=[FISH, CHICKEN, TOFU])
    )
    return ids


def test_the_production_list_counts_meals_by_diet_allergy_and_clash(
    platform: Platform, care: CareWorld, kitchen: Kitchen
) -> None:
    _monday_lunch(platform, care)
    cook = _staff(platform, "cook", Role.canteen, canteen_id=care.canteen_id)
    k = kitchen.production(cook, care.canteen_id, MONDAY, Meal.lunch)
    assert (k.source, k.changes_closed, k.total, k.regular) == ("plan", False, 4, 1)
    assert (k.capacity, k.over_capacity, k.ready) == (3, 1, "10:30")
    assert [(d.diet, d.count) for d in k.diets] == [
        (Diet.soft, 1), (Diet.low_salt, 1), (Diet.diabetic, 1)
    ]  # fmt: skip
    assert [(a.allergen, a.count) for a in k.allergies] == [("花生", 1), ("虾", 1)]
    assert [(v.diets, v.allergies, v.count) for v in k.variants] == [
        ([], ["虾"], 1),
        ([Diet.diabetic], [], 1),
        ([Diet.soft, Diet.low_salt], ["花生"], 1),
    ]
    assert [(c.dish, c.count, c.diets, c.allergens) for c in k.clashes] == [
        ("宫保鸡丁", 2, [Diet.soft, Diet.low_salt, Diet.diabetic], ["花生"]),
        ("虾仁豆腐", 1, [], ["虾"]),
    ]
    assert k.menu is not None
    assert [d.name for d in k.menu] == ["清蒸鱼", "宫保鸡丁", "虾仁豆腐"]


def test_after_the_meals_are_made_the_list_counts_them_and_leaves_cancelled_ones_out(
    platform: Platform, care: CareWorld, kitchen: Kitchen
) -> None:
    _monday_lunch(platform, care)
    platform.eldercare.generate(MONDAY, Meal.lunch, [care.canteen_id])
    with platform.factory() as session:
        first = session.scalar(select(ElderMeal.id).order_by(ElderMeal.id).limit(1))
    assert first is not None
    platform.eldercare.cancel_meal(care.officer, first)  # 王秀英's: soft, low salt, peanuts
    k = kitchen.production(care.admin, care.canteen_id, MONDAY, Meal.lunch)
    assert (k.source, k.total, k.over_capacity) == ("meals", 3, 0)
    assert [(d.diet, d.count) for d in k.diets] == [(Diet.diabetic, 1)]
    assert [(a.allergen, a.count) for a in k.allergies] == [("虾", 1)]
    assert [(c.dish, c.count) for c in k.clashes] == [("宫保鸡丁", 1), ("虾仁豆腐", 1)]


def test_the_list_names_nobody(platform: Platform, care: CareWorld, kitchen: Kitchen) -> None:
    ids = _monday_lunch(platform, care)
    k = kitchen.production(care.officer, care.canteen_id, MONDAY, Meal.lunch)
    text = k.model_dump_json()
    record = elder_in(care)
    for personal in ("王秀英", "王阿婆", "张桂兰", record.door, record.building, "13800000001"):
        assert personal not in text
    assert "elder" not in text
    assert set(k.model_dump()) == {
        "canteen_id", "canteen_name", "day", "meal", "source", "changes_close_at",
        "changes_closed", "ready", "total", "capacity", "over_capacity", "regular", "diets",
        "variants", "allergies", "clashes", "menu",
    }  # fmt: skip
    assert ids  # the people were there to be counted


def test_without_a_menu_there_is_nothing_to_clash(
    platform: Platform, care: CareWorld, kitchen: Kitchen
) -> None:
    enrol_with_meals(platform, care)
    k = kitchen.production(care.admin, care.canteen_id, MONDAY + timedelta(days=1), Meal.lunch)
    assert (k.total, k.menu, k.clashes) == (1, None, [])


def test_canteen_staff_keep_their_own_canteen_only(
    platform: Platform, care: CareWorld, kitchen: Kitchen
) -> None:
    other = platform.eldercare.add_canteen(
        care.admin,
        CanteenIn(
            name="长征长者食堂", subdistrict="changzheng", lon=121.40, lat=31.24,
            lunch_capacity=10, price_fen=1400,
        ),
    )  # fmt: skip
    cook = _staff(platform, "cook", Role.canteen, canteen_id=care.canteen_id)
    assert cook.canteen_id == care.canteen_id
    menu = MenuIn(dishes=[FISH])
    saved = platform.eldercare.set_menu(cook, care.canteen_id, MONDAY, Meal.dinner, menu)
    assert [d.name for d in saved.dishes] == ["清蒸鱼"]
    assert kitchen.canteen(cook, care.canteen_id).name == "凯旋长者食堂"
    [kept] = kitchen.menus(cook, care.canteen_id, MONDAY, 7)
    assert (kept.day, kept.meal, kept.price_fen) == (MONDAY, Meal.dinner, None)
    for refused in (
        lambda: platform.eldercare.set_menu(cook, other.id, MONDAY, Meal.lunch, menu),
        lambda: kitchen.production(cook, other.id, MONDAY, Meal.lunch),
        lambda: kitchen.canteen(cook, other.id),
        lambda: kitchen.menus(cook, other.id, MONDAY, 7),
        lambda: kitchen.production(care.other_officer, care.canteen_id, MONDAY, Meal.lunch),
        lambda: kitchen.production(care.riders[0], care.canteen_id, MONDAY, Meal.lunch),
        # Nothing else of meals for the elderly: not the older people's records.
        lambda: platform.eldercare.elders(cook),
    ):
        with pytest.raises(Forbidden):
            refused()
    with pytest.raises(InvalidInput) as bad:
        kitchen.menus(cook, care.canteen_id, MONDAY, 15)
    assert bad.value.field == "days"


def test_committee_staff_act_as_grid_officers_in_their_own_sub_district(
    platform: Platform, care: CareWorld, kitchen: Kitchen
) -> None:
    committee = _staff(platform, "juweihui", Role.committee, subdistrict="wanli")
    elsewhere = _staff(platform, "juweihui2", Role.committee, subdistrict="changzheng")
    elder = platform.eldercare.enrol(committee, elder_in(care))
    platform.eldercare.pause(
        committee, elder.id, PauseIn(first_day=MONDAY, last_day=MONDAY, reason="travel")
    )
    assert [e.id for e in platform.eldercare.elders(committee)] == [elder.id]
    assert kitchen.production(committee, care.canteen_id, MONDAY, Meal.lunch).total == 0
    assert platform.eldercare.elders(elsewhere) == []
    for refused in (
        lambda: platform.eldercare.record(elsewhere, elder.id),
        lambda: platform.eldercare.enrol(elsewhere, elder_in(care, "李桂兰")),
        lambda: kitchen.production(elsewhere, care.canteen_id, MONDAY, Meal.lunch),
    ):
        with pytest.raises(Forbidden):
            refused()


def test_bound_accounts_need_what_they_are_bound_to(platform: Platform, care: CareWorld) -> None:
    for role, binding, field in (
        (Role.canteen, {}, "canteen_id"),
        (Role.canteen, {"canteen_id": 999_999}, "canteen_id"),
        (Role.committee, {}, "subdistrict"),
        (Role.committee, {"subdistrict": "atlantis"}, "subdistrict"),
        (Role.officer, {"subdistrict": "wanli", "canteen_id": care.canteen_id}, "canteen_id"),
        (Role.canteen, {"canteen_id": care.canteen_id, "subdistrict": "wanli"}, "subdistrict"),
    ):
        with pytest.raises(InvalidInput) as bad:
            _staff(platform, f"x-{role.value}", role, **binding)  # type: ignore[arg-type]
        assert bad.value.field == field, (role, binding)


def test_the_pure_list_counts_allergies_however_they_are_written() -> None:
    counts = production_list(
        [_care([], ["花生"]), _care([], [" 花生 "]), _care([], ["Egg"]), _care([], ["egg"])],
        [Dish(name="蛋炒饭", allergens=["EGG"])],
    )
    assert [(a.allergen, a.count) for a in counts["allergies"]] == [  # type: ignore[attr-defined]
        ("Egg", 2), ("花生", 2)
    ]  # fmt: skip
    [clash] = counts["clashes"]  # type: ignore[misc]
    assert (clash.dish, clash.count, clash.allergens) == ("蛋炒饭", 2, ["EGG"])
