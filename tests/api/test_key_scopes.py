"""Scoped platform API keys: a key does only what its scopes name.

Each route that admits platforms is called with a key holding its scope (it works) and with
a key holding only another scope (403 missing-scope, naming the scope, nothing stored).
Signals and Open311 are covered beside their other tests (test_streets.py, test_open311.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import start_migrated
from gigcity.config import Settings
from gigcity.http.deps import Allow
from gigcity.services.accounts import PLATFORM_SCOPES, Role, Scope
from gigcity.services.platform import Platform
from gigcity.sim.scenarios import ScenarioWorkbench
from services.pay_support import DAY, delivery_json, platform_key, spans
from support import World, token

EN = {"Accept-Language": "en"}


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    """As the API app builds it: with the simulator, so the workbench can start runs."""
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings, workbench_engine=ScenarioWorkbench())
    p.upgrade_database()
    yield p
    p.close()


def key_with(platform: Platform, *scopes: Scope) -> dict[str, str]:
    secret, caller = platform_key(platform, "-".join(scopes), scopes)
    assert caller.scopes == frozenset(scopes)
    return {"X-API-Key": secret} | EN


def assert_missing_scope(response: Any, scope: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:gigcity:problem:missing-scope"
    assert f"'{scope}' scope" in body["detail"]


# ---- issuing keys ------------------------------------------------------------------------


def test_a_key_is_issued_with_its_scopes_and_listed_with_them(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin") | EN
    r = client.post(
        "/api/api-keys",
        json={"name": "traffic", "scopes": ["workbench", "signals", "signals"]},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    assert r.json()["scopes"] == ["signals", "workbench"]  # once each, in a fixed order
    (listed,) = client.get("/api/api-keys", headers=admin).json()
    assert (listed["name"], listed["scopes"], listed["key"]) == (
        "traffic",
        ["signals", "workbench"],
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "no scopes"}, "scopes"),
        ({"name": "empty", "scopes": []}, "scopes"),
        ({"name": "unknown", "scopes": ["signals", "everything"]}, "scopes.1"),
        ({"name": "not a list", "scopes": "signals"}, "scopes"),
    ],
)
def test_a_key_needs_known_scopes(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    admin = token(client, "admin") | EN
    r = client.post("/api/api-keys", json=body, headers=admin)
    assert r.status_code == 422, r.text
    assert field in {e["field"] for e in r.json()["errors"]}
    assert client.get("/api/api-keys", headers=admin).json() == []


def test_the_service_refuses_a_key_without_scopes(platform: Platform, world: World) -> None:
    from gigcity.services.errors import InvalidInput
    from support import ADMIN

    with pytest.raises(InvalidInput) as caught:
        platform.accounts.create_api_key(ADMIN, "nothing", scopes=[])
    assert caught.value.field == "scopes"
    assert "open311, deliveries, signals, workbench" in str(caught.value)


def test_a_cached_key_keeps_its_scopes(platform: Platform, world: World) -> None:
    secret, checked = platform_key(platform, "feed", [Scope.deliveries, Scope.open311])
    cached = platform.accounts.cached_api_key(secret)
    assert cached is not None
    assert cached.scopes == checked.scopes == {Scope.deliveries, Scope.open311}
    assert platform.accounts.principal_from_api_key(secret).scopes == checked.scopes


# ---- the documentation names the scope ---------------------------------------------------


def test_every_route_admitting_keys_names_its_scope(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    access = {
        f"{method.upper()} {path}": op["x-gigcity-access"]
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if "x-gigcity-access" in op
    }
    expected = {
        "POST /api/riders/{username}/deliveries": "deliveries",
        "POST /api/riders/{username}/activity": "deliveries",
        "POST /api/rules/quote": "deliveries",
        "POST /api/signals/phases": "signals",
        "POST /api/workbench/runs": "workbench",
        "GET /api/workbench/runs": "workbench",
        "GET /api/workbench/options": "workbench",
        "GET /api/reports/{report_id}": "open311",
    }
    for route, scope in expected.items():
        assert f"platform API keys with the `{scope}` scope" in access[route], route
    mentioning = {r for r, text in access.items() if "platform" in text.lower()}
    unscoped = {r for r in mentioning if "scope" not in access[r]}
    assert unscoped == set()
    assert set(expected) <= mentioning


def test_a_route_cannot_admit_platforms_without_naming_a_scope() -> None:
    with pytest.raises(ValueError, match="scope"):
        Allow(Role.admin, Role.platform)
    with pytest.raises(ValueError, match="scope"):
        Allow(Role.admin, scope=Scope.signals)  # a scope for a route keys cannot call
    assert "`signals` scope" in Allow(Role.platform, scope=Scope.signals).statement()


# ---- deliveries --------------------------------------------------------------------------


def _statement(client: TestClient) -> Any:
    return client.get(
        "/api/riders/me/statement", params={"date": DAY.isoformat()}, headers=token(client, "rider")
    ).json()


def test_only_deliveries_keys_report_deliveries_and_activity(
    client: TestClient, platform: Platform, world: World
) -> None:
    feed, other = key_with(platform, Scope.deliveries), key_with(platform, Scope.open311)
    activity = spans(DAY, ("10:00", "12:00", "on_order")).model_dump(mode="json")

    refused = client.post("/api/riders/rider/deliveries", json=delivery_json("S1"), headers=other)
    assert_missing_scope(refused, "deliveries")
    assert refused.json()["detail"] == (
        "This API key lacks the 'deliveries' scope; a district admin can issue a key with it."
    )
    zh = client.post(
        "/api/riders/rider/deliveries",
        json=delivery_json("S1"),
        headers={"X-API-Key": other["X-API-Key"]},
    )
    assert zh.status_code == 403
    assert "缺少“deliveries”权限范围" in zh.json()["detail"]
    assert_missing_scope(
        client.post("/api/riders/rider/activity", json=activity, headers=other), "deliveries"
    )
    nothing = _statement(client)
    assert (nothing["deliveries"], nothing["active_s"]) == ([], 0)

    ok = client.post("/api/riders/rider/deliveries", json=delivery_json("S1"), headers=feed)
    assert ok.status_code == 201, ok.text
    assert client.post("/api/riders/rider/activity", json=activity, headers=feed).status_code == 200
    stored = _statement(client)
    assert [d["order_id"] for d in stored["deliveries"]] == ["S1"]
    assert stored["active_s"] == 2 * 3600


def test_only_deliveries_keys_quote_orders(
    client: TestClient, platform: Platform, world: World
) -> None:
    order = {"order_id": "Q1", "distance_m": 2400, "at": "2025-06-02T12:30:00+08:00"}
    ok = client.post("/api/rules/quote", json=order, headers=key_with(platform, Scope.deliveries))
    assert ok.status_code == 200, ok.text
    assert ok.json()["total_fen"] > 0
    refused = client.post("/api/rules/quote", json=order, headers=key_with(platform, Scope.signals))
    assert_missing_scope(refused, "deliveries")


# ---- workbench ---------------------------------------------------------------------------


def test_only_workbench_keys_start_and_read_runs(
    client: TestClient, platform: Platform, world: World
) -> None:
    admin = token(client, "admin")
    other = key_with(platform, Scope.deliveries, Scope.signals, Scope.open311)
    body = {"orders": 50, "seed": 1, "attribution": False}
    assert_missing_scope(client.post("/api/workbench/runs", json=body, headers=other), "workbench")
    assert_missing_scope(client.get("/api/workbench/options", headers=other), "workbench")
    assert_missing_scope(client.get("/api/workbench/runs", headers=other), "workbench")
    assert client.get("/api/workbench/runs", headers=admin).json() == []  # nothing queued

    negotiator = key_with(platform, Scope.workbench)
    assert client.get("/api/workbench/options", headers=negotiator).json()["may_start"] is True
    r = client.post("/api/workbench/runs", json=body, headers=negotiator)
    assert r.status_code == 202, r.text
    run = r.json()
    deadline = time.monotonic() + 120
    while run["status"] in ("queued", "running"):  # let it finish before the database goes
        assert time.monotonic() < deadline, run
        time.sleep(0.3)
        run = client.get(f"/api/workbench/runs/{run['id']}", headers=negotiator).json()
    assert run["status"] == "done", run["error"]
    assert_missing_scope(client.get(f"/api/workbench/runs/{run['id']}", headers=other), "workbench")


# ---- demo --------------------------------------------------------------------------------


def test_the_demo_key_has_every_platform_scope(platform: Platform, world: World) -> None:
    from gigcity.db.session import transaction
    from gigcity.services.demo import demo_api_key

    with transaction(platform.factory) as session:
        secret = demo_api_key(session)
    assert platform.accounts.principal_from_api_key(secret).scopes == PLATFORM_SCOPES
