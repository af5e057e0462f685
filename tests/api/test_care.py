"""The care API on SQLite and PostgreSQL: the anonymous self-check and call-back requests
(public, nothing of the caller kept), the counsellors' queue, group sessions (a full one
refuses with 409, also under a race), meal and water offers; who may call what (401, 403)
and bad input (422 naming the field, 404)."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.test_races import race
from gigcity.db.models import CareCallback, CareSelfCheckCount, CareSession, CareSignup
from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from support import World, add_account, token

SOON = (datetime.now(UTC) + timedelta(days=2)).isoformat()


def _session(client: TestClient, headers: dict[str, str], capacity: int = 2) -> int:
    body = {"title": "夜班骑手减压小组", "starts_at": SOON, "venue": "万里街道社区中心",
            "capacity": capacity}  # fmt: skip
    r = client.post("/api/care/sessions", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.mark.one_database  # the service beneath: tests/services/care, both databases
def test_the_self_check_keeps_no_identity_and_always_gives_the_hotline(
    client: TestClient, platform: Platform, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    rider = token(client, "rider")
    with caplog.at_level(logging.DEBUG):
        r = client.post(
            "/api/care/self-check", json={"phq2": [3, 2], "gad2": [0, 1]}, headers=rider
        )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["hotline"] == "021-962525"
    assert body["callback_offered"] is True
    assert body["suggests_assessment"] is True
    assert [(s["instrument"], s["total"], s["band"]) for s in body["scores"]] == [
        ("phq2", 5, "assess"), ("gad2", 1, "low")
    ]  # fmt: skip
    r = client.post("/api/care/self-check", json={"phq2": [0, 0], "gad2": [1, 1]})
    assert (r.status_code, r.json()["suggests_assessment"]) == (200, False)
    with platform.factory() as session:
        counts = session.execute(
            select(CareSelfCheckCount.instrument, CareSelfCheckCount.band, CareSelfCheckCount.count)
        ).all()
    assert sorted(tuple(c) for c in counts) == [
        ("gad2", "low", 2),
        ("phq2", "assess", 1),
        ("phq2", "low", 1),
    ]
    today = datetime.now(UTC).date()
    span = f"first={today - timedelta(days=1)}&last={today + timedelta(days=1)}"
    assert client.get(f"/api/care/self-check/counts?{span}").status_code == 401
    assert client.get(f"/api/care/self-check/counts?{span}", headers=rider).status_code == 403
    r = client.get(f"/api/care/self-check/counts?{span}", headers=token(client, "admin"))
    assert sum(c["count"] for c in r.json()) == 4
    bad = client.get("/api/care/self-check/counts?first=2026-12-02&last=2026-12-01",
                     headers=token(client, "admin"))  # fmt: skip
    assert bad.status_code == 422
    # The log lines name the route, never the answers.
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "/api/care/self-check" in logged
    assert "phq2" not in logged
    assert "[3, 2]" not in logged
    # Nor who asked: the access lines of the self-check carry no address.
    access = [
        r for r in caplog.records if r.name == "gigcity.access" and "self-check" in r.getMessage()
    ]
    assert access
    assert all(r.__dict__.get("client") is None for r in access if "POST" in r.getMessage())


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"phq2": [1, 1]},
        {"phq2": [1, 4], "gad2": [0, 0]},
        {"phq2": [1, -1], "gad2": [0, 0]},
        {"phq2": [1, 1, 1], "gad2": [0, 0]},
        {"phq2": ["a", 1], "gad2": [0, 0]},
        {"phq2": [1, 1], "gad2": [0, 0], "name": "王"},
    ],
)
@pytest.mark.one_database
def test_bad_self_checks_are_422(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/api/care/self-check", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.one_database  # the service beneath: tests/services/care, both databases
def test_callbacks_are_asked_anonymously_and_worked_by_counsellors(
    client: TestClient, platform: Platform, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        r = client.post(
            "/api/care/callbacks", json={"phone": "138-0013-8000", "when": "this_evening"}
        )
    assert r.status_code == 201, r.text
    assert r.json() == {"when": "this_evening", "hotline": "021-962525"}
    assert "13800138000" not in " ".join(str(r.__dict__) for r in caplog.records)
    with platform.factory() as session:
        stored = session.scalars(select(CareCallback.phone_enc)).one()
    # Neither spelling in the clear (a short piece of it could turn up in base64 by chance).
    assert "13800138000" not in stored
    assert "138-0013-8000" not in stored
    add_account(platform, "counsellor", Role.counsellor)
    counsellor = token(client, "counsellor")
    assert client.get("/api/care/callbacks").status_code == 401
    for who in ("rider", "admin", "staff"):
        assert client.get("/api/care/callbacks", headers=token(client, who)).status_code == 403
    r = client.get("/api/care/callbacks", headers=counsellor)
    [waiting] = r.json()
    assert (waiting["phone"], waiting["when"]) == ("13800138000", "this_evening")
    url = f"/api/care/callbacks/{waiting['id']}/outcome"
    assert client.post(url, json={"outcome": "maybe"}, headers=counsellor).status_code == 422
    r = client.post(url, json={"outcome": "not_reached"}, headers=counsellor)
    assert (r.status_code, r.json()["state"]) == (200, "not_reached")
    assert client.post(url, json={"outcome": "called"}, headers=counsellor).status_code == 409
    r = client.post(
        "/api/care/callbacks/999/outcome", json={"outcome": "called"}, headers=counsellor
    )
    assert r.status_code == 404
    assert client.get("/api/care/callbacks", headers=counsellor).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "", "when": "now"},
        {"phone": "call me", "when": "now"},
        {"phone": "1234", "when": "now"},
        {"phone": "13800138000", "when": "whenever"},
        {"phone": "13800138000"},
        {"phone": "1" * 30, "when": "now"},
    ],
)
@pytest.mark.one_database
def test_bad_callbacks_are_422(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/api/care/callbacks", json=body).status_code == 422


@pytest.mark.one_database  # the service beneath: tests/services/care, both databases
def test_group_sessions_fill_up_with_a_clear_409(
    client: TestClient, platform: Platform, world: World
) -> None:
    add_account(platform, "counsellor", Role.counsellor)
    counsellor, rider, rider2 = (token(client, u) for u in ("counsellor", "rider", "rider2"))
    assert client.post("/api/care/sessions", json={}, headers=rider).status_code == 403
    session_id = _session(client, counsellor, capacity=1)
    signup = f"/api/care/sessions/{session_id}/signup"
    assert client.post(signup).status_code == 401
    assert client.post(signup, headers=counsellor).status_code == 403
    r = client.post(signup, headers=rider)
    assert (r.status_code, r.json()["free"], r.json()["mine"]) == (201, 0, True)
    r = client.post(signup, headers=rider2)
    assert (r.status_code, r.json()["detail"]) == (409, "这场团体辅导已报满。")
    assert client.post(signup, headers=rider).status_code == 409
    assert [s["mine"] for s in client.get("/api/care/sessions", headers=rider).json()] == [True]
    assert [s["taken"] for s in client.get("/api/care/sessions", headers=counsellor).json()] == [1]
    assert client.delete(signup, headers=rider).status_code == 204
    assert client.delete(signup, headers=rider).status_code == 404
    assert client.post(signup, headers=rider2).status_code == 201
    assert client.post("/api/care/sessions/999/signup", headers=rider).status_code == 404
    assert client.delete(f"/api/care/sessions/{session_id}", headers=rider).status_code == 403
    assert client.delete(f"/api/care/sessions/{session_id}", headers=counsellor).status_code == 204
    assert client.get("/api/care/sessions", headers=rider).json() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"capacity": 0},
        {"capacity": 501},
        {"title": ""},
        {"starts_at": "2026-12-05T19:00:00"},  # no zone
        {"starts_at": "2020-01-01T19:00:00+08:00"},  # past
        {"minutes": 5},
        {"starts_at": "not a time"},
    ],
)
@pytest.mark.one_database
def test_bad_sessions_are_422(
    client: TestClient, platform: Platform, world: World, changes: dict[str, Any]
) -> None:
    body = {"title": "小组", "starts_at": SOON, "capacity": 5, **changes}
    r = client.post("/api/care/sessions", json=body, headers=token(client, "admin"))
    assert r.status_code == 422, r.text


@pytest.mark.postgres
def test_many_riders_at_once_never_pass_the_capacity(
    client: TestClient, platform: Platform, world: World
) -> None:
    if platform.engine.dialect.name != "postgresql":
        pytest.skip("the race is run on PostgreSQL (SQLite has one writer at a time)")
    riders = [f"racer{n:02d}" for n in range(24)]
    for username in riders:
        add_account(platform, username, Role.rider)
    headers = [token(client, u) for u in riders]
    session_id = _session(client, token(client, "admin"), capacity=5)
    signup = f"/api/care/sessions/{session_id}/signup"
    calls = [lambda h=h: client.post(signup, headers=h) for h in headers]
    codes = Counter(r.status_code for r in race(calls))
    assert codes == {201: 5, 409: 19}, codes
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(CareSignup)) == 5
        assert session.get(CareSession, session_id).taken == 5  # type: ignore[union-attr]


@pytest.mark.one_database  # the service beneath: tests/services/care, both databases
def test_meal_offers_and_the_nearest_cheap_meal(
    client: TestClient, platform: Platform, world: World
) -> None:
    staff, admin, rider = (token(client, u) for u in ("staff", "admin", "rider"))
    meal = {"place_id": world.station_id, "kind": "meal", "name": "骑手套餐", "price_fen": 1290}
    assert client.post("/api/care/offers", json=meal).status_code == 401
    assert client.post("/api/care/offers", json=meal, headers=rider).status_code == 403
    other = {**meal, "place_id": world.other_station_id}
    assert client.post("/api/care/offers", json=other, headers=staff).status_code == 403
    r = client.post("/api/care/offers", json=meal, headers=staff)
    assert r.status_code == 201, r.text
    offer = r.json()
    water = {"place_id": world.other_station_id, "kind": "water", "name": "爱“新”冰箱"}
    assert client.post("/api/care/offers", json=water, headers=admin).status_code == 201
    near = "lon=121.40&lat=31.27"
    r = client.get(f"/api/care/meals/nearest?{near}&max_price_fen=1500&open_now=true")
    assert r.status_code == 200, r.text
    [found] = r.json()
    assert (found["name"], found["price_fen"], found["open_now"]) == ("骑手套餐", 1290, True)
    assert 0 < found["distance_m"] < 200
    assert client.get(f"/api/care/meals/nearest?{near}&max_price_fen=1000").json() == []
    r = client.get(f"/api/care/water/nearest?{near}&open_now=false")
    assert [w["price_fen"] for w in r.json()] == [0]
    r = client.patch(f"/api/care/offers/{offer['id']}", json={"active": False}, headers=staff)
    assert (r.status_code, r.json()["active"]) == (200, False)
    assert client.get(f"/api/care/meals/nearest?{near}").json() == []
    r = client.get(f"/api/care/places/{world.station_id}/offers")
    assert [o["id"] for o in r.json()] == [offer["id"]]
    assert client.get("/api/care/places/999/offers").status_code == 404
    assert client.patch("/api/care/offers/999", json={}, headers=staff).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["", "lon=121.4", "lon=500&lat=31", "lon=121.4&lat=31.2&k=0", "lon=121.4&lat=31.2&k=51",
     "lon=121.4&lat=31.2&max_price_fen=-1", "lon=x&lat=31.2", "lon=121.4&lat=31.2&open_now=perhaps"],
)  # fmt: skip
@pytest.mark.one_database
def test_bad_nearest_queries_are_422(client: TestClient, query: str) -> None:
    assert client.get(f"/api/care/meals/nearest?{query}").status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"place_id": 1, "kind": "soup", "name": "汤"},
        {"place_id": 1, "kind": "meal", "name": ""},
        {"place_id": 1, "kind": "meal", "name": "饭", "price_fen": -5},
        {"place_id": 1, "kind": "meal", "name": "饭", "hours": "whenever"},
        {"place_id": 999, "kind": "meal", "name": "饭"},
        {"place_id": 0, "kind": "meal", "name": "饭"},
    ],
)
@pytest.mark.one_database
def test_bad_offers_are_422(client: TestClient, world: World, body: dict[str, Any]) -> None:
    r = client.post("/api/care/offers", json=body, headers=token(client, "admin"))
    assert r.status_code == 422, r.text
