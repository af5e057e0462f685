"""GET /api/eldercare/canteens/{id}/clashes: the menu clashes of the coming days for staff of
the canteen's sub-district; who may call (401, 403), a canteen that does not exist (404),
and a bad `days` (422 naming it), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gigcity.services.eldercare import Diet, Dish, Meal, MenuIn
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import (
    MONDAY,
    CareWorld,
    enrol_with_meals,
    make_care_world,
)
from support import token


@pytest.fixture
def world(platform: Platform) -> CareWorld:
    world = make_care_world(platform)
    enrol_with_meals(platform, world, "王秀英")  # soft, low salt, allergic to peanuts
    dishes = [Dish(name="清蒸鱼", suits=[Diet.soft, Diet.low_salt]), Dish(name="宫保鸡丁")]
    platform.eldercare.set_menu(
        world.officer, world.canteen_id, MONDAY, Meal.lunch, MenuIn(dishes=dishes)
    )
    return world


def path(world: CareWorld) -> str:
    return f"/api/eldercare/canteens/{world.canteen_id}/clashes"


def test_staff_of_the_sub_district_see_the_week(client: TestClient, world: CareWorld) -> None:
    r = client.get(path(world), headers=token(client, "officer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["first"], body["last"]) == ("2026-12-07", "2026-12-13")
    [meal] = body["meals"]
    assert (meal["day"], meal["meal"], meal["eating"], meal["affected"]) == (
        "2026-12-07", "lunch", 1, 1,
    )  # fmt: skip
    assert meal["dishes"] == [{"dish": "宫保鸡丁", "count": 1, "first_names": ["王阿婆"]}]
    assert "王秀英" not in r.text  # first names only
    assert len(body["without_menu"]) == 4  # Tuesday to Friday's lunch
    r = client.get(path(world), params={"days": 1}, headers=token(client, "admin"))
    assert r.status_code == 200
    assert r.json()["without_menu"] == []


def test_who_may_call(client: TestClient, world: CareWorld) -> None:
    assert client.get(path(world)).status_code == 401
    for who in ("rider0", "officer2"):  # a rider; an officer of another sub-district
        r = client.get(path(world), headers=token(client, who))
        assert r.status_code == 403, (who, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get("/api/eldercare/canteens/999999/clashes", headers=token(client, "admin"))
    assert r.status_code == 404


@pytest.mark.parametrize("days", ["0", "15", "-3", "a week"])
def test_a_bad_number_of_days_is_refused_naming_it(
    client: TestClient, world: CareWorld, days: str
) -> None:
    r = client.get(path(world), params={"days": days}, headers=token(client, "officer"))
    assert r.status_code == 422, r.text
    assert "days" in r.text
