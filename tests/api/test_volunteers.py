"""The volunteer API: who may call what (401 signed out, 403 for other roles), bad input
(422 naming the field), and the way a volunteer goes: an admin makes a team and its leader,
a rider joins and signs up, records hours after the patrol, the leader confirms them, the
rider downloads a certificate whose code the public verifies (no phone in the answer); a
hazard report filed on the patrol is credited to the team, one filed by someone not on it
is refused on `volunteer_activity_id`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from support import Clock, World, problem_fields, token

EN = {"Accept-Language": "en"}
API = "/api/volunteers"
START = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
WANLI = {"lon": 121.3995, "lat": 31.2713}
TEAM = {"name": "桃浦货车司机“车轮上的志愿服务队”", "sector": "trucking", "subdistrict": "taopu"}


@pytest.fixture
def t(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    return {name: token(client, name) | EN for name in ("admin", "rider", "rider2", "staff")}


@pytest.fixture
def clock(platform: Platform) -> Clock:
    clock = Clock(START - timedelta(days=1))
    platform.volunteers.now = clock
    platform.reports.clock = clock
    return clock


def _patrol(hours: int = 2) -> dict[str, Any]:
    return {
        "kind": "patrol", "title": "园区夜间巡逻", "where_text": "桃浦园区",
        "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=hours)).isoformat(),
        "capacity": 3,
    }  # fmt: skip


@pytest.mark.one_database
def test_callers_and_bad_input(
    client: TestClient, world: World, t: dict[str, dict[str, str]], clock: Clock
) -> None:
    assert client.get(f"{API}/teams", headers=EN).status_code == 401
    assert client.get(f"{API}/me", headers=EN).status_code == 401
    assert client.post(f"{API}/teams", json=TEAM, headers=t["rider"]).status_code == 403
    r = client.post(f"{API}/teams", json=TEAM | {"sector": "space"}, headers=t["admin"])
    assert r.status_code == 422
    assert any(f.endswith("sector") for f in problem_fields(r)), r.json()
    r = client.post(f"{API}/teams", json=TEAM | {"subdistrict": "x"}, headers=t["admin"])
    assert (r.status_code, problem_fields(r) >= {"subdistrict"}) == (422, True)
    team = client.post(f"{API}/teams", json=TEAM, headers=t["admin"]).json()["id"]
    assert client.post(f"{API}/teams", json=TEAM, headers=t["admin"]).status_code == 409
    assert client.post(f"{API}/teams/{team}/join", headers=t["staff"]).status_code == 403
    leader = {"account_id": world.ids["rider2"]}
    assert (
        client.put(f"{API}/teams/{team}/leaders", json=leader, headers=t["rider"]).status_code
        == 403
    )
    r = client.put(f"{API}/teams/{team}/leaders", json={"account_id": 0}, headers=t["admin"])
    assert (r.status_code, any(f.endswith("account_id") for f in problem_fields(r))) == (422, True)
    client.put(f"{API}/teams/{team}/leaders", json=leader, headers=t["admin"])
    activities = f"{API}/teams/{team}/activities"
    assert client.post(activities, json=_patrol(), headers=t["rider"]).status_code == 403
    r = client.post(activities, json=_patrol(hours=30), headers=t["rider2"])
    assert (r.status_code, problem_fields(r) >= {"ends_at"}) == (422, True)
    r = client.post(activities, json=_patrol() | {"kind": "party"}, headers=t["rider2"])
    assert (r.status_code, any(f.endswith("kind") for f in problem_fields(r))) == (422, True)
    assert client.get(f"{API}/teams/999999", headers=t["rider"]).status_code == 404
    assert (
        client.put(f"{API}/signups/1/minutes", json={"minutes": 0}, headers=t["rider"]).status_code
        == 422
    )
    assert client.get(f"{API}/teams/{team}/hours", headers=t["rider"]).status_code == 403
    r = client.get(f"{API}/me/certificate.pdf?from=2026-13-01", headers=t["rider"])
    assert (r.status_code, any(f.endswith("from") for f in problem_fields(r))) == (422, True)
    assert client.get(f"{API}/certificates/NOT-A-REAL-CODE-AT-ALL").status_code == 404
    r = client.post(
        "/api/reports",
        json={"category": "road_hazard", "description": "x", **WANLI, "volunteer_activity_id": 0},
        headers=t["rider"],
    )
    assert (r.status_code, any(f.endswith("volunteer_activity_id") for f in problem_fields(r))) == (
        422,
        True,
    )


@pytest.mark.one_database
def test_a_patrol_from_sign_up_to_certificate_and_a_credited_hazard_report(
    client: TestClient, world: World, t: dict[str, dict[str, str]], clock: Clock
) -> None:
    team = client.post(f"{API}/teams", json=TEAM, headers=t["admin"]).json()["id"]
    client.put(
        f"{API}/teams/{team}/leaders", json={"account_id": world.ids["rider2"]}, headers=t["admin"]
    )
    assert client.post(f"{API}/teams/{team}/join", headers=t["rider"]).json()["role"] == "member"
    r = client.post(f"{API}/teams/{team}/activities", json=_patrol(), headers=t["rider2"])
    assert r.status_code == 201, r.text
    activity = r.json()["id"]
    signup = client.post(f"{API}/activities/{activity}/signup", headers=t["rider"])
    assert signup.status_code == 201, signup.text
    me = client.get(f"{API}/me", headers=t["rider"]).json()
    assert [(a["id"], a["places_left"], a["i_signed_up"]) for a in me["activities"]] == [
        (activity, 2, True)
    ]

    clock.now = START + timedelta(minutes=30)  # on patrol: a hazard seen
    hazard = {"category": "road_hazard", "description": "路面塌陷", **WANLI}
    r = client.post(
        "/api/reports", json=hazard | {"volunteer_activity_id": activity}, headers=t["rider"]
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/reports", json=hazard | {"volunteer_activity_id": activity}, headers=t["staff"]
    )
    assert r.status_code == 422
    assert problem_fields(r) >= {"volunteer_activity_id"}

    clock.now = START + timedelta(hours=2)
    signup_id = signup.json()["id"]
    r = client.put(f"{API}/signups/{signup_id}/minutes", json={"minutes": 150}, headers=t["rider"])
    assert (r.status_code, problem_fields(r) >= {"minutes"}) == (422, True)
    r = client.put(f"{API}/signups/{signup_id}/minutes", json={"minutes": 120}, headers=t["rider"])
    assert r.json()["state"] == "waiting"
    waiting = client.get(f"{API}/teams/{team}/hours?state=waiting", headers=t["rider2"]).json()
    assert [s["id"] for s in waiting] == [signup_id]
    assert client.post(f"{API}/signups/{signup_id}/confirm", headers=t["rider"]).status_code == 403
    r = client.post(f"{API}/signups/{signup_id}/confirm", headers=t["rider2"])
    assert (r.json()["state"], r.json()["confirmed_by"]) == ("confirmed", "Li")

    detail = client.get(f"{API}/teams/{team}", headers=t["rider"]).json()
    assert detail["team"]["reports"] == 1
    assert detail["reports"][0]["activity_title"] == "园区夜间巡逻"
    assert detail["team"]["my_role"] == "member"

    pdf = client.get(f"{API}/me/certificate.pdf", headers=t["rider"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(f"{API}/me/certificate.pdf", headers=t["staff"]).status_code == 404
    assert client.get(f"{API}/me", headers=t["rider"]).json()["hours"]["confirmed_minutes"] == 120
    checked = client.get(f"{API}/certificates/{pdf.headers['x-verification-code']}")  # public
    assert checked.status_code == 200
    body = checked.json()
    assert (body["volunteer"], body["confirmed_hours"]) == ("Wang", "2.00")
    assert body["teams"] == [TEAM["name"]]
    assert "13800000001" not in checked.text
