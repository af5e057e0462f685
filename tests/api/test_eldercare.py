"""The meals-for-the-elderly API: who may call each endpoint (401, 403), bad input (422),
conflicts (409), and an older person from enrolment to the rider's round, on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.eldercare import Meal
from gigcity.services.platform import Platform
from services.eldercare.eldercare_support import MONDAY, CareWorld, elder_in, make_care_world
from support import token


@pytest.fixture
def care(platform: Platform) -> CareWorld:
    return make_care_world(platform)


def _elder_json(world: CareWorld, **changes: Any) -> dict[str, Any]:
    body = elder_in(world).model_dump(mode="json")
    body.update(changes)
    return body


def test_an_older_person_from_enrolment_to_the_riders_round(
    client: TestClient, care: CareWorld
) -> None:
    officer = token(client, "officer")
    r = client.post("/api/eldercare/elders", json=_elder_json(care), headers=officer)
    assert r.status_code == 201, r.text
    elder = r.json()["id"]
    assert r.json()["care"]["mobility"] == "wheelchair"
    r = client.put(
        f"/api/eldercare/elders/{elder}/subscription",
        json={"lunch": [0, 1, 2, 3, 4], "starts_on": MONDAY.isoformat()},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    r = client.put(
        f"/api/eldercare/canteens/{care.canteen_id}/menus/{MONDAY}/lunch",
        json={"dishes": [{"name": "南瓜粥", "suits": ["soft", "low_salt", "diabetic"]}]},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    r = client.get(f"/api/eldercare/elders/{elder}/planned?first={MONDAY}&days=1", headers=officer)
    assert [p["status"] for p in r.json()] == ["subscribed"]
    admin = token(client, "admin")
    body = {"day": MONDAY.isoformat(), "meal": "lunch"}
    r = client.post("/api/eldercare/meals/generate", json=body, headers=admin)
    assert (r.status_code, r.json()["created"]) == (200, 1)
    r = client.get(f"/api/eldercare/my-meals?day={MONDAY}", headers=token(client, "rider0"))
    assert r.status_code == 200, r.text
    [meal] = r.json()
    assert (meal["first_name"], meal["clashes"]) == ("王阿婆", [])
    r = client.get(f"/api/eldercare/elders/{elder}", headers=admin)
    assert r.json()["contacts"][0]["phone"] == "13800000001"
    r = client.get(f"/api/eldercare/elders/{elder}/reads", headers=admin)
    assert [x["purpose"] for x in r.json()] == ["record", "round"]
    r = client.post(f"/api/eldercare/meals/{meal['meal_id']}/cancel", headers=officer)
    assert r.status_code == 204
    r = client.post(f"/api/eldercare/meals/{meal['meal_id']}/cancel", headers=officer)
    assert r.status_code == 409


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/eldercare/canteens"),
        ("get", "/api/eldercare/elders"),
        ("get", "/api/eldercare/elders/1"),
        ("get", "/api/eldercare/elders/1/reads"),
        ("post", "/api/eldercare/elders/1/end"),
        ("get", "/api/eldercare/my-meals"),
        ("get", "/api/eldercare/canteens/1/menus/2026-12-07/lunch"),
    ],
)
def test_nobody_unsigned_gets_in(
    client: TestClient, care: CareWorld, method: str, path: str
) -> None:
    assert client.request(method, path).status_code == 401


@pytest.mark.one_database
def test_roles_are_kept_apart(client: TestClient, care: CareWorld) -> None:
    officer = token(client, "officer")
    elder = client.post("/api/eldercare/elders", json=_elder_json(care), headers=officer).json()
    rider = token(client, "rider0")
    assert client.get(f"/api/eldercare/elders/{elder['id']}", headers=rider).status_code == 403
    assert client.get("/api/eldercare/elders", headers=rider).status_code == 403
    other = token(client, "officer2")
    assert client.get(f"/api/eldercare/elders/{elder['id']}", headers=other).status_code == 403
    assert client.get("/api/eldercare/elders", headers=other).json() == []
    body = {"day": MONDAY.isoformat(), "meal": "lunch"}
    assert (
        client.post("/api/eldercare/meals/generate", json=body, headers=officer).status_code == 403
    )
    assert client.get("/api/eldercare/my-meals", headers=officer).status_code == 403
    r = client.get(f"/api/eldercare/canteens/{care.canteen_id}/menus/{MONDAY}/lunch", headers=rider)
    assert r.status_code == 404  # a rider may read menus; there is none yet


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subsidy_category": "royalty"}, "subsidy_category"),
        ({"contacts": []}, "contacts"),
        ({"lon": 500}, "lon"),
        ({"consent_by": "neighbour"}, "consent_by"),
        ({"care": {"mobility": "flying"}}, "mobility"),
    ],
)
def test_bad_enrolments_are_422_naming_the_field(
    client: TestClient, care: CareWorld, changes: dict[str, Any], field: str
) -> None:
    r = client.post(
        "/api/eldercare/elders", json=_elder_json(care, **changes), headers=token(client, "officer")
    )
    assert r.status_code == 422, r.text
    assert field in r.text
    assert client.get("/api/eldercare/elders", headers=token(client, "admin")).json() == []


@pytest.mark.one_database
def test_bad_pauses_changes_and_canteens_are_422(client: TestClient, care: CareWorld) -> None:
    officer = token(client, "officer")
    elder = client.post("/api/eldercare/elders", json=_elder_json(care), headers=officer).json()[
        "id"
    ]
    base = f"/api/eldercare/elders/{elder}"
    backwards = {"first_day": "2026-12-09", "last_day": "2026-12-08", "reason": "travel"}
    assert client.post(f"{base}/pauses", json=backwards, headers=officer).status_code == 422
    past = {"first_day": "2026-11-01", "last_day": "2026-11-02", "reason": "travel"}
    r = client.post(f"{base}/pauses", json=past, headers=officer)
    assert (r.status_code, "last_day" in r.text) == (422, True)
    r = client.post(
        f"{base}/changes",
        json={"day": "2026-11-02", "meal": "lunch", "action": "skip"},
        headers=officer,
    )
    assert (r.status_code, "day" in r.text) == (422, True)
    r = client.put(
        f"{base}/subscription", json={"lunch": [7], "starts_on": "2026-12-07"}, headers=officer
    )
    assert r.status_code == 422
    canteen = {
        "name": "食堂",
        "subdistrict": "wanli",
        "lon": 121.4,
        "lat": 31.2,
        "lunch_capacity": 10,
        "price_fen": 1500,
        "lunch_cutoff": "11:00",
    }
    r = client.post("/api/eldercare/canteens", json=canteen, headers=officer)
    assert (r.status_code, "lunch_cutoff" in r.text) == (422, True)
    assert (
        client.get(f"{base}/planned?first=2026-12-07&days=40", headers=officer).status_code == 422
    )


def test_a_pause_is_listed_and_cancelled_once(client: TestClient, care: CareWorld) -> None:
    officer = token(client, "officer")
    elder = client.post("/api/eldercare/elders", json=_elder_json(care), headers=officer).json()[
        "id"
    ]
    body = {"first_day": "2026-12-08", "last_day": "2026-12-10", "reason": "hospital"}
    pause = client.post(f"/api/eldercare/elders/{elder}/pauses", json=body, headers=officer).json()
    assert pause["resumes_on"] == "2026-12-11"
    path = f"/api/eldercare/elders/{elder}/pauses/{pause['id']}/cancel"
    assert client.post(path, headers=officer).status_code == 200
    assert client.post(path, headers=officer).status_code == 409
    listed = client.get(f"/api/eldercare/elders/{elder}/pauses", headers=officer).json()
    assert [p["cancelled"] for p in listed] == [True]
    r = client.put(
        f"/api/eldercare/elders/{elder}/riders",
        json={
            "primary_rider_id": care.riders[0].account_id,
            "backup_rider_id": care.riders[0].account_id,
        },
        headers=officer,
    )
    assert r.status_code == 422
    assert client.post(f"/api/eldercare/elders/{elder}/end", headers=officer).status_code == 204
    assert client.post(f"/api/eldercare/elders/{elder}/end", headers=officer).status_code == 409


@pytest.mark.one_database
def test_rounds_are_planned_and_say_why_in_the_readers_language(
    client: TestClient, care: CareWorld, platform: Platform
) -> None:
    officer = token(client, "officer")
    elder = client.post("/api/eldercare/elders", json=_elder_json(care), headers=officer).json()
    client.put(
        f"/api/eldercare/elders/{elder['id']}/subscription",
        json={"lunch": [0], "starts_on": MONDAY.isoformat()},
        headers=officer,
    )
    path = f"/api/eldercare/canteens/{care.canteen_id}/rounds/{MONDAY}/lunch"
    assert client.post(path, headers=officer).status_code == 404  # nothing generated yet
    platform.eldercare.generate(MONDAY, Meal.lunch)
    platform.accounts.set_active(care.admin, care.riders[0].account_id, False)
    r = client.post(path, headers=officer)
    assert r.status_code == 200, r.text
    [stop] = r.json()["stops"]
    assert (stop["by"], stop["rider_id"]) == ("backup", care.riders[1].account_id)
    assert "今天不在送餐名单上" in stop["note"]
    english = client.post(path, headers={**officer, "Accept-Language": "en"}).json()
    assert "is not on today's rounds" in english["stops"][0]["note"]
    assert client.post(path, headers=token(client, "officer2")).status_code == 403
    assert client.post(path, headers=token(client, "rider1")).status_code == 403
