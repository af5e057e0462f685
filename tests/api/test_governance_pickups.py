"""Pickup times over HTTP: a platform key with the `deliveries` scope sends a batch and gets
the row-level report; a key without it, staff and callers signed out are refused; a batch
that is not a list of at most 500 is a 422 naming `pickups`; the measure's effect on pickup
times answers in minutes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.accounts import Scope
from gigcity.services.platform import Platform
from services.governance.governance_support import GovWorld, make_gov_world
from support import ADMIN, problem_fields, token

NOW = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)
ROUTE = "/api/governance/pickups"
EN = {"Accept-Language": "en"}


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    platform.governance.clock = lambda: NOW
    return make_gov_world(platform)


def _key(platform: Platform, *scopes: Scope) -> dict[str, str]:
    made = platform.accounts.create_api_key(ADMIN, "pickups", scopes=scopes)
    return {"X-API-Key": made.key} | EN


@pytest.mark.one_database  # the HTTP layer; tests/services/governance tries both databases
def test_a_platform_sends_pickups_and_gets_a_row_report(
    client: TestClient, platform: Platform, gov: GovWorld, world: Any
) -> None:
    headers = _key(platform, Scope.deliveries)
    rows = [
        {"id": "a-1", "at": "2026-12-01T12:10:00+08:00", "place_id": gov.mall_id, "minutes": 8},
        {"id": "a-2", "at": "2026-12-01T12:20", "lat": 31.2575, "lon": 121.4128, "minutes": 6.5},
        {"id": "a-3", "at": "soon", "place_id": gov.mall_id, "minutes": 8},
    ]
    r = client.post(ROUTE, json={"pickups": rows}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["received"], body["stored"], body["duplicates"], body["refused"]) == (3, 2, 0, 1)
    assert body["refusals"] == [
        {"row": 2, "id": "a-3", "field": "at", "reason": body["refusals"][0]["reason"]}
    ]
    assert "ISO 8601" in body["refusals"][0]["reason"]
    again = client.post(ROUTE, json={"pickups": rows[:2]}, headers=headers).json()
    assert (again["stored"], again["duplicates"]) == (0, 2)
    zh = client.post(
        ROUTE, json={"pickups": rows[2:]}, headers=headers | {"Accept-Language": "zh-CN"}
    )
    assert "时间" in zh.json()["refusals"][0]["reason"]


@pytest.mark.one_database
def test_who_may_send_and_what_a_batch_must_be(
    client: TestClient, platform: Platform, gov: GovWorld, world: Any
) -> None:
    row = {"id": "b-1", "at": "2026-12-01T12:10", "place_id": gov.mall_id, "minutes": 5}
    assert client.post(ROUTE, json={"pickups": [row]}).status_code == 401
    other = client.post(ROUTE, json={"pickups": [row]}, headers=_key(platform, Scope.open311))
    assert other.status_code == 403
    assert "deliveries" in other.json()["detail"]
    for name in ("admin", "gov-officer"):
        staff = client.post(ROUTE, json={"pickups": [row]}, headers=token(client, name))
        assert staff.status_code == 403
    headers = _key(platform, Scope.deliveries)
    for bad in ({"pickups": []}, {"pickups": [row] * 501}, {"pickups": "rows"}, {}):
        r = client.post(ROUTE, json=bad, headers=headers)
        assert r.status_code in (413, 422), r.text
        if r.status_code == 422:
            assert "pickups" in problem_fields(r)
