"""The concerns API (周二见): who may call what (401 signed out, 403 for other roles and keys
without the scope), bad input (422 naming the field, a meeting off Tuesday among them), and
the way a concern goes: a rider raises it, another says "me too" (once), the committee's
officer puts it on a Tuesday's agenda, a stale change is refused (409), the platform answers
with its API key, the board never names who raised it, and an admin prices it on the
workbench, once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from conftest import start_migrated
from gigcity.config import Settings
from gigcity.services.accounts import Scope
from gigcity.services.platform import Platform
from services.organisation.org_support import committee_tree
from services.workbench_support import OneDayEngine
from support import ADMIN, World, problem_fields, token

EN = {"Accept-Language": "en"}
API = "/api/organisation"
TUESDAY = "2026-12-08"


@pytest.fixture
def platform(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Platform]:
    """With a workbench engine that answers at once, in threads (the simulator is tested
    with the workbench)."""
    start_migrated(settings.database_url, request)
    p = Platform.from_settings(settings, workbench_engine=OneDayEngine())
    p.workbench.pool = "thread"
    p.upgrade_database()
    yield p
    p.close()


@pytest.fixture
def committee(platform: Platform, world: World) -> int:
    """The committee above the riders' station group; the grid officer is its officer."""
    return committee_tree(platform, world)[0]


@pytest.fixture
def t(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    names = ("admin", "officer", "rider", "rider2", "staff")
    return {name: token(client, name) | EN for name in names}


def key(platform: Platform, *scopes: Scope) -> dict[str, str]:
    secret = platform.accounts.create_api_key(
        ADMIN, f"平台-{uuid.uuid4().hex[:8]}", scopes=scopes
    ).key
    assert secret is not None
    return {"X-API-Key": secret} | EN


CONCERN = {"title": "老旧小区爬楼费", "detail": "六楼没有电梯", "topic": "stairs_weight"}


@pytest.mark.one_database
def test_callers_and_bad_input(
    client: TestClient, platform: Platform, committee: int, t: dict[str, dict[str, str]]
) -> None:
    assert client.get(f"{API}/concerns", headers=EN).status_code == 401
    assert client.get(f"{API}/meetings", headers=EN).status_code == 401
    assert client.get(f"{API}/concerns", headers=key(platform, Scope.signals)).status_code == 403
    assert client.post(f"{API}/concerns", json=CONCERN, headers=t["staff"]).status_code == 403
    made = client.post(f"{API}/concerns", json=CONCERN, headers=t["rider"])
    assert made.status_code == 201, made.text
    concern = made.json()
    url = f"{API}/concerns/{concern['id']}"
    assert client.put(f"{url}/support", headers=t["admin"]).status_code == 403
    change = {"updated_at": concern["updated_at"], "owner": "平台"}
    assert client.patch(url, json=change, headers=t["rider"]).status_code == 403
    assert client.patch(url, json=change, headers=t["staff"]).status_code == 403
    assert client.post(f"{url}/proposal", json={}, headers=t["officer"]).status_code == 403
    meeting = {"organisation_id": committee, "held_on": TUESDAY}
    assert client.post(f"{API}/meetings", json=meeting, headers=t["staff"]).status_code == 403

    for body, field in (
        (CONCERN | {"topic": "weather"}, "topic"),
        (CONCERN | {"title": ""}, "title"),
        (CONCERN | {"organisation_id": 999999}, "organisation_id"),
    ):
        r = client.post(f"{API}/concerns", json=body, headers=t["rider"])
        assert r.status_code == 422, body
        assert any(f.endswith(field) for f in problem_fields(r)), r.json()
    r = client.post(f"{API}/meetings", json=meeting | {"held_on": "2026-12-07"}, headers=t["admin"])
    assert r.status_code == 422
    assert problem_fields(r) >= {"held_on"}
    assert "Tuesday" in r.json()["detail"]
    r = client.patch(url, json={"owner": "平台"}, headers=t["officer"])
    assert r.status_code == 422
    assert any(f.endswith("updated_at") for f in problem_fields(r))
    r = client.patch(url, json=change | {"status": "pending"}, headers=t["officer"])
    assert r.status_code == 422
    r = client.get(f"{API}/concerns", params={"topic": "weather"}, headers=t["rider"])
    assert r.status_code == 422
    assert client.get(f"{API}/concerns/999999", headers=t["rider"]).status_code == 404
    assert client.patch(f"{API}/meetings/999999", json={}, headers=t["admin"]).status_code == 404


def test_a_concern_from_raised_to_answered_and_priced(
    client: TestClient, platform: Platform, committee: int, t: dict[str, dict[str, str]]
) -> None:
    assert [c["id"] for c in client.get(f"{API}/committees", headers=t["rider"]).json()] == [
        committee
    ]
    concern = client.post(f"{API}/concerns", json=CONCERN, headers=t["rider"]).json()
    assert concern["organisation_id"] == committee
    url = f"{API}/concerns/{concern['id']}"
    assert client.put(f"{url}/support", headers=t["rider2"]).json()["supporters"] == 2
    again = client.put(f"{url}/support", headers=t["rider2"]).json()
    assert (again["supporters"], again["supported"], again["mine"]) == (2, True, False)

    meeting = {"organisation_id": committee, "held_on": TUESDAY, "agenda": "一、爬楼费"}
    r = client.post(f"{API}/meetings", json=meeting, headers=t["officer"])
    assert r.status_code == 201, r.text
    assert client.post(f"{API}/meetings", json=meeting, headers=t["admin"]).status_code == 409
    seen = again["updated_at"]
    on = client.patch(
        url,
        json={"updated_at": seen, "meeting_id": r.json()["id"], "owner": "平台骑手服务部"},
        headers=t["officer"],
    )
    assert on.status_code == 200, on.text
    assert (on.json()["status"], on.json()["meeting_on"]) == ("on_agenda", TUESDAY)
    stale = client.patch(url, json={"updated_at": seen, "owner": "x"}, headers=t["admin"])
    assert stale.status_code == 409
    closing = {"updated_at": on.json()["updated_at"], "status": "closed"}
    assert client.patch(url, json=closing, headers=t["admin"]).status_code == 409

    answer = {"updated_at": on.json()["updated_at"], "answer": "同意按楼层加价"}
    wrong_key = key(platform, Scope.deliveries)
    assert client.post(f"{url}/answer", json=answer, headers=wrong_key).status_code == 403
    answered = client.post(f"{url}/answer", json=answer, headers=key(platform, Scope.workbench))
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"

    board = client.get(f"{API}/concerns", params={"status": "answered"}, headers=t["rider2"])
    assert [c["id"] for c in board.json()] == [concern["id"]]
    assert "Wang" not in board.text  # the raiser's display name is nowhere
    assert "raised_by" not in board.text
    assert client.get(f"{API}/meetings", headers=t["rider"]).json()[0]["concerns"] == 1

    options = client.get("/api/workbench/options", headers=t["admin"]).json()
    assert {"baseline-2024", "putuo-2025"} <= {c["id"] for c in options["rulebooks"]}
    body = {"rules_a": "baseline-2024", "rules_b": "putuo-2025", "scenario": "putuo-weekday"}
    proposed = client.post(f"{url}/proposal", json=body | {"orders": 60}, headers=t["admin"])
    assert proposed.status_code == 202, proposed.text
    run = proposed.json()["run"]
    assert run["page_url"] == f"/workbench?run={run['id']}"
    again_proposed = client.post(f"{url}/proposal", json=body, headers=t["admin"])
    assert again_proposed.status_code == 409
    r = client.post(f"{url}/proposal", json=body | {"orders": 10}, headers=t["admin"])
    assert r.status_code == 422
    assert any(f.endswith("orders") for f in problem_fields(r))
