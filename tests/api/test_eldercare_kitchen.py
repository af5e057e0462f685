"""The kitchen and the two staff roles of meals for the elderly over HTTP: admins make
committee and canteen accounts bound to a sub-district or a canteen (422 naming the field
otherwise); canteen staff read their canteen's production list and menus and put its menus,
never another canteen's (403); committee staff act as grid officers do in their own
sub-district (alerts, the live stream, steps and closing, enrolment, statements) and not
elsewhere, nor in snap-and-report or the map's points; who may call (401, 403); bad input
(422)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.services.eldercare import CanteenIn
from gigcity.services.platform import Platform
from services.eldercare.doorcheck_support import TODAY, Meals, add_meal, enrol, make_meals
from support import PASSWORD, token

pytestmark = pytest.mark.one_database  # HTTP answers; the service is tried on both databases

MENU = {
    "dishes": [
        {"name": "清蒸鱼", "suits": ["soft", "low_salt"], "allergens": ["鱼"]},
        {"name": "宫保鸡丁", "suits": [], "allergens": ["peanut"]},
    ]
}


@pytest.fixture
def wired(platform: Platform) -> Iterator[tuple[TestClient, Meals]]:
    meals = make_meals(platform)
    platform.eldercare.clock = meals.clock
    meals.service = platform.eldercare
    with TestClient(create_app(platform.settings, platform)) as client:
        yield client, meals


def _account(client: TestClient, username: str, role: str, **binding: Any) -> Any:
    body = {"username": username, "password": PASSWORD, "display_name": username, "role": role}
    return client.post("/api/accounts", json={**body, **binding}, headers=token(client, "admin"))


def _other_canteen(platform: Platform, meals: Meals) -> int:
    made = platform.eldercare.add_canteen(
        meals.admin,
        CanteenIn(
            name="长征长者食堂", subdistrict="changzheng", lon=121.40, lat=31.24,
            lunch_capacity=10, price_fen=1400,
        ),
    )  # fmt: skip
    return made.id


def test_admins_make_bound_committee_and_canteen_accounts(wired: tuple[TestClient, Meals]) -> None:
    client, meals = wired
    r = _account(client, "cook", "canteen", canteen_id=meals.canteen_id)
    assert r.status_code == 201, r.text
    assert (r.json()["role"], r.json()["canteen_id"]) == ("canteen", meals.canteen_id)
    me = client.get("/api/me", headers=token(client, "cook")).json()
    assert me["canteen_id"] == meals.canteen_id
    r = _account(client, "juweihui", "committee", subdistrict="wanli")
    assert (r.status_code, r.json()["subdistrict"]) == (201, "wanli")
    for role, binding, field in (
        ("canteen", {}, "canteen_id"),
        ("canteen", {"canteen_id": 99999}, "canteen_id"),
        ("committee", {}, "subdistrict"),
        ("committee", {"subdistrict": "atlantis"}, "subdistrict"),
        ("rider", {"canteen_id": meals.canteen_id}, "canteen_id"),
    ):
        r = _account(client, f"bad-{role}", role, **binding)
        assert r.status_code == 422, (role, binding, r.text)
        assert r.json()["field"] == field
    r = client.post(
        "/api/accounts",
        json={"username": "x", "password": PASSWORD, "display_name": "x", "role": "canteen",
              "canteen_id": 0},
        headers=token(client, "admin"),
    )  # fmt: skip
    assert r.status_code == 422


def test_canteen_staff_keep_their_own_canteen(
    wired: tuple[TestClient, Meals], platform: Platform
) -> None:
    client, meals = wired
    add_meal(meals, enrol(meals))
    other = _other_canteen(platform, meals)
    assert _account(client, "cook", "canteen", canteen_id=meals.canteen_id).status_code == 201
    cook = token(client, "cook")
    own = f"/api/eldercare/canteens/{meals.canteen_id}"
    r = client.put(f"{own}/menus/{TODAY}/lunch", json=MENU, headers=cook)
    assert r.status_code == 200, r.text
    r = client.get(f"{own}/kitchen/{TODAY}/lunch", headers=cook)
    assert r.status_code == 200, r.text
    k = r.json()
    assert (k["source"], k["total"], k["regular"]) == ("meals", 1, 0)
    assert [(d["diet"], d["count"]) for d in k["diets"]] == [("soft", 1), ("low_salt", 1)]
    assert k["allergies"] == [{"allergen": "peanut", "count": 1}]
    assert [(c["dish"], c["count"]) for c in k["clashes"]] == [("宫保鸡丁", 1)]
    assert "秀英" not in r.text
    assert "长寿路" not in r.text
    assert client.get(own, headers=cook).json()["name"] == "凯旋长者食堂"
    [menu] = client.get(f"{own}/menus", params={"first": str(TODAY)}, headers=cook).json()
    assert (menu["day"], menu["meal"], menu["price_fen"]) == (str(TODAY), "lunch", None)
    theirs = f"/api/eldercare/canteens/{other}"
    for method, path, body in (
        ("PUT", f"{theirs}/menus/{TODAY}/lunch", MENU),
        ("GET", f"{theirs}/kitchen/{TODAY}/lunch", None),
        ("GET", theirs, None),
        ("GET", f"{theirs}/menus?first={TODAY}", None),
        # nothing else of meals for the elderly
        ("GET", "/api/eldercare/canteens", None),
        ("GET", "/api/eldercare/elders", None),
        ("GET", "/api/eldercare/alerts", None),
    ):
        r = client.request(method, path, json=body, headers=cook)
        assert r.status_code == 403, (method, path, r.text)


def test_the_kitchen_is_read_by_the_sub_districts_managers_only(
    wired: tuple[TestClient, Meals], platform: Platform
) -> None:
    client, meals = wired
    path = f"/api/eldercare/canteens/{meals.canteen_id}/kitchen/{TODAY}/dinner"
    assert client.get(path).status_code == 401
    for username, status in (
        ("admin", 200),
        ("officer", 200),
        ("officer2", 403),
        ("familiar", 403),
    ):
        assert client.get(path, headers=token(client, username)).status_code == status, username
    r = client.get(path, headers={**token(client, "officer2"), "Accept-Language": "en"})
    assert "another sub-district" in r.json()["detail"]


def test_committee_staff_work_as_officers_in_their_own_sub_district(
    wired: tuple[TestClient, Meals],
) -> None:
    client, meals = wired
    elder = enrol(meals)
    check = meals.service.record_door_check(meals.primary, add_meal(meals, elder), "no_answer", "")
    assert check.alert_id is not None
    _account(client, "juweihui", "committee", subdistrict="wanli")
    _account(client, "juweihui2", "committee", subdistrict="changzheng")
    mine, theirs = token(client, "juweihui"), token(client, "juweihui2")
    [alert] = client.get("/api/eldercare/alerts", headers=mine).json()
    assert alert["id"] == check.alert_id
    assert client.get("/api/eldercare/alerts", headers=theirs).json() == []
    # the live stream admits them (406: asked without Accept: text/event-stream, after the
    # caller is checked) and keeps them to their sub-district
    stream = "/api/eldercare/alerts/stream"
    assert client.get(stream, headers=mine).status_code == 406
    events = {"Accept": "text/event-stream"}
    r = client.get(stream, params={"subdistrict": "wanli"}, headers={**theirs, **events})
    assert r.status_code == 403
    step = client.post(
        f"/api/eldercare/alerts/{check.alert_id}/steps", json={"index": 0}, headers=mine
    )
    assert step.status_code == 200, step.text
    assert client.get(f"/api/eldercare/elders/{elder}/pauses", headers=mine).status_code == 200
    assert client.get(f"/api/eldercare/elders/{elder}/pauses", headers=theirs).status_code == 403
    r = client.post(
        f"/api/eldercare/alerts/{check.alert_id}/close",
        json={"outcome": "found_well"},
        headers=theirs,
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/eldercare/alerts/{check.alert_id}/close",
        json={"outcome": "found_well"},
        headers=mine,
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/eldercare/statements/2026-07", headers=mine).status_code == 200
    # not snap-and-report's queue, not the map's points
    assert client.get("/api/reports/queue", headers=mine).status_code == 403
    assert client.post("/api/places", json={}, headers=mine).status_code == 403


def test_bad_input_is_a_422_naming_the_field(wired: tuple[TestClient, Meals]) -> None:
    client, meals = wired
    admin = token(client, "admin")
    base = f"/api/eldercare/canteens/{meals.canteen_id}"
    for path in (
        f"{base}/kitchen/{TODAY}/brunch",
        f"{base}/kitchen/2026-13-01/lunch",
        f"{base}/menus?first={TODAY}&days=15",
        f"{base}/menus",
        "/api/eldercare/canteens/0/kitchen/2026-07-14/lunch",
    ):
        r = client.get(path, headers=admin)
        assert r.status_code == 422, (path, r.text)
    r = client.put(f"{base}/menus/{TODAY}/lunch", json={"dishes": []}, headers=admin)
    assert r.status_code == 422
    r = client.get(f"/api/eldercare/canteens/99999/kitchen/{TODAY}/lunch", headers=admin)
    assert r.status_code == 404
