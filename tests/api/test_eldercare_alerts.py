"""The door-check and alerts API: who may call (401, 403), bad input (422), conflicts (409),
and an alert's way from the door to its closing, on SQLite and PostgreSQL.

Until the platform's eldercare service includes `DoorChecks` and app.py includes the router,
the app here is wired as it will be: the service with the mixin, the router added."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.services.platform import Platform
from services.eldercare.doorcheck_support import Meals, add_meal, enrol, make_meals
from support import token


@pytest.fixture
def wired(platform: Platform) -> Iterator[tuple[TestClient, Meals]]:
    meals = make_meals(platform)
    platform.eldercare.clock = meals.clock
    meals.service = platform.eldercare
    with TestClient(create_app(platform.settings, platform)) as client:
        yield client, meals


def test_from_the_door_to_the_closing(wired: tuple[TestClient, Meals]) -> None:
    client, meals = wired
    meal_id = add_meal(meals, enrol(meals))
    rider = token(client, "familiar")
    officer = token(client, "officer")
    url = f"/api/eldercare/meals/{meal_id}/door-check"

    r = client.post(url, json={"result": "no_answer", "note": "敲门无人"}, headers=rider)
    assert r.status_code == 200, r.text
    check = r.json()
    assert (check["state"], check["next_step"]["kind"]) == ("not_delivered", "call_elder")
    assert set(check) == {  # nothing personal: the rider has the name and door already
        "meal_id", "day", "meal", "result", "result_text", "state", "recorded_at", "alert_id",
        "next_step",
    }  # fmt: skip
    again = client.post(url, json={"result": "no_answer", "note": "敲门无人"}, headers=rider)
    assert again.json()["alert_id"] == check["alert_id"]
    r = client.post(url, json={"result": "seen_well"}, headers=rider)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")

    r = client.get("/api/eldercare/alerts", params={"lang": "en"}, headers=officer)
    assert r.status_code == 200, r.text
    [alert] = r.json()
    assert alert["id"] == check["alert_id"]
    assert alert["next_step"]["text"] == "Call the older person."
    assert [c["name"] for c in alert["contacts"]] == ["王芳", "李主任"]

    steps = f"/api/eldercare/alerts/{alert['id']}/steps"
    assert client.post(steps, json={"index": 0}, headers=rider).status_code == 200
    assert client.post(steps, json={"index": 0}, headers=officer).status_code == 409
    assert client.post(steps, json={"index": 1}, headers=rider).status_code == 403
    r = client.post(steps, json={"index": 1, "note": "女儿没接"}, headers=officer)
    assert r.status_code == 200, r.text
    assert [s["index"] for s in r.json()["steps"]] == [0, 1]
    assert r.json()["steps"][1]["taken_by_name"] == "officer-name"

    close = f"/api/eldercare/alerts/{alert['id']}/close"
    r = client.post(close, json={"outcome": "found_well", "note": "在楼下散步"}, headers=officer)
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "found_well"
    assert client.post(close, json={"outcome": "found_well"}, headers=officer).status_code == 409
    assert client.get("/api/eldercare/alerts", headers=officer).json() == []


@pytest.mark.one_database
def test_who_may_call_and_bad_input(wired: tuple[TestClient, Meals]) -> None:
    client, meals = wired
    meal_id = add_meal(meals, enrol(meals))
    url = f"/api/eldercare/meals/{meal_id}/door-check"
    rider = token(client, "familiar")
    assert client.post(url, json={"result": "seen_well"}).status_code == 401
    officer = token(client, "officer")
    assert client.post(url, json={"result": "seen_well"}, headers=officer).status_code == 403
    stranger = token(client, "stranger")
    assert client.post(url, json={"result": "seen_well"}, headers=stranger).status_code == 403
    assert client.post(url, json={"result": "maybe"}, headers=rider).status_code == 422
    assert client.post(url, json={"result": "seen_well", "x": 1}, headers=rider).status_code == 422
    long_note = {"result": "needs_help", "note": "长" * 501}
    assert client.post(url, json=long_note, headers=rider).status_code == 422
    missing = "/api/eldercare/meals/999999/door-check"
    assert client.post(missing, json={"result": "seen_well"}, headers=rider).status_code == 404
    assert client.get("/api/eldercare/alerts", headers=rider).status_code == 403
    other = token(client, "officer2")
    r = client.get("/api/eldercare/alerts", params={"subdistrict": "wanli"}, headers=other)
    assert r.status_code == 403
    assert (
        client.post(
            "/api/eldercare/alerts/1/steps", json={"index": -1}, headers=officer
        ).status_code
        == 422
    )
    r = client.post("/api/eldercare/alerts/5/close", json={"outcome": "gone"}, headers=officer)
    assert r.status_code == 422
    r = client.post("/api/eldercare/alerts/5/close", json={"outcome": "helped"}, headers=officer)
    assert r.status_code == 404
    r = client.post(url, json={"result": "seen_well"}, headers=rider)
    assert (r.status_code, r.json()["state"]) == (200, "delivered")


@pytest.mark.one_database
def test_the_routes_are_documented_like_the_others(wired: tuple[TestClient, Meals]) -> None:
    client, _ = wired
    paths = client.get("/openapi.json").json()["paths"]
    ours = {
        ("post", "/api/eldercare/meals/{meal_id}/door-check"): "eldercare_record_door_check",
        ("get", "/api/eldercare/alerts"): "eldercare_alerts",
        ("post", "/api/eldercare/alerts/{alert_id}/steps"): "eldercare_take_step",
        ("post", "/api/eldercare/alerts/{alert_id}/close"): "eldercare_close_alert",
    }
    for (method, path), op_id in ours.items():
        op = paths[path][method]
        assert op["operationId"] == op_id
        assert "**Who may call:**" in op["description"]
        assert {"4XX", "422"} <= set(op["responses"])
