"""The organisation API: who may call what (401 signed out, 403 for other roles), bad input
(422 naming the field), and the ways that matter: a rider registers (twice is once), the
organisation's officer reads its members and the read is logged, a station's staff edit its
roster and plan while the public sees names and duty hours but no phones."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from support import World, token

EN = {"Accept-Language": "en"}
API = "/api/organisation"


@pytest.fixture
def t(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    names = ("admin", "officer", "rider", "rider2", "staff")
    return {name: token(client, name) | EN for name in names}


def _field(r: Any) -> set[str]:
    body = r.json()
    return {str(body.get("field"))} | {str(e.get("field")) for e in body.get("errors", [])}


@pytest.mark.one_database
def test_callers_and_bad_input(
    client: TestClient, world: World, t: dict[str, dict[str, str]]
) -> None:
    org = {"name": "万里站点党支部", "kind": "station_group", "sector": "instant_retail"}
    assert client.post(f"{API}/organisations", json=org).status_code == 401
    assert client.post(f"{API}/organisations", json=org, headers=t["staff"]).status_code == 403
    assert client.get(f"{API}/organisations/1/members", headers=EN).status_code == 401
    assert client.get(f"{API}/reads", headers=t["officer"]).status_code == 403
    assert client.post(f"{API}/checkin-points/1/register", headers=t["staff"]).status_code == 403
    team = f"{API}/stations/{world.station_id}/team"
    master = {"position": "master", "name": "张站长"}
    assert client.post(team, json=master, headers=t["rider"]).status_code == 403

    r = client.post(f"{API}/organisations", json=org | {"kind": "club"}, headers=t["admin"])
    assert r.status_code == 422
    assert any(f.endswith("kind") for f in _field(r)), r.json()
    r = client.post(f"{API}/organisations", json=org | {"subdistrict": "x"}, headers=t["admin"])
    assert r.status_code == 422
    assert "subdistrict" in _field(r)
    r = client.put(
        f"{API}/checkin-points",
        json={"subdistrict": "wanli", "place_id": 999999},
        headers=t["admin"],
    )
    assert r.status_code == 422
    assert "place_id" in _field(r)
    r = client.post(team, json=master | {"sector_kind": "other"}, headers=t["staff"])
    assert r.status_code == 422
    assert "sector_kind" in _field(r)
    other = f"{API}/stations/{world.other_station_id}/team"  # not a rider station
    assert client.get(other).status_code == 404


@pytest.mark.one_database
def test_register_read_members_and_edit_a_station(
    client: TestClient, world: World, t: dict[str, dict[str, str]]
) -> None:
    org = {"name": "万里站点党支部", "kind": "station_group", "sector": "instant_retail"}
    org_id = client.post(f"{API}/organisations", json=org, headers=t["admin"]).json()["id"]
    point = {"subdistrict": "wanli", "place_id": world.station_id, "organisation_id": org_id}
    r = client.put(f"{API}/checkin-points", json=point, headers=t["admin"])
    assert r.status_code == 200, r.text
    point_id = r.json()["id"]
    assert [p["place_name"] for p in client.get(f"{API}/checkin-points").json()] == ["万里驿站"]

    first = client.post(f"{API}/checkin-points/{point_id}/register", headers=t["rider"])
    again = client.post(f"{API}/checkin-points/{point_id}/register", headers=t["rider"])
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert client.get(f"{API}/me", headers=t["rider2"]).status_code == 404

    members = f"{API}/organisations/{org_id}/members"
    assert client.get(members, headers=t["officer"]).status_code == 403
    added = client.post(
        f"{API}/organisations/{org_id}/officers",
        json={"account_id": world.ids["officer"]},
        headers=t["admin"],
    )
    assert added.status_code == 204
    r = client.get(members, headers=t["officer"])
    assert [m["display_name"] for m in r.json()] == ["Wang"]
    log = client.get(f"{API}/reads", headers=t["admin"]).json()
    assert log[0]["reader_id"] == world.ids["officer"]
    assert log[0]["member_id"] == world.ids["rider"]

    team = f"{API}/stations/{world.station_id}/team"
    master = {"position": "master", "name": "张站长", "phone": "13900000000", "duty_hours": "9-21"}
    assert client.post(team, json=master, headers=t["staff"]).status_code == 201
    actions = f"{API}/stations/{world.station_id}/plan/actions"
    action = client.post(
        actions, json={"title": "安全培训", "due": "2026-12-17"}, headers=t["staff"]
    )
    assert action.status_code == 201
    done = client.put(
        f"{actions}/{action.json()['id']}/done", json={"done": True}, headers=t["staff"]
    )
    assert done.json()["done"] is True
    public = client.get(team).json()
    assert public["team"][0]["name"] == "张站长"
    assert public["team"][0]["phone"] is None
    assert public["progress"] == 1.0
    assert client.get(team, headers=t["rider"]).json()["team"][0]["phone"] == "13900000000"
