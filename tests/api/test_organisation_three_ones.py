"""The "three ones" API: who may call what (401 signed out, 403 for other roles), bad input
(422 naming the field), and the ways through it: an admin writes to all members, a member
opens the letter and the admin sees it read; the library with a member's progress and its QR
code; a book handed out at the staff's station against the member's code, twice is 409."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from support import World, token

EN = {"Accept-Language": "en"}
API = "/api/organisation"


@pytest.fixture
def t(client: TestClient, world: World) -> dict[str, dict[str, str]]:
    names = ("admin", "officer", "rider", "staff")
    return {name: token(client, name) | EN for name in names}


def _field(r: Any) -> set[str]:
    body = r.json()
    return {str(body.get("field"))} | {str(e.get("field")) for e in body.get("errors", [])}


def _member(client: TestClient, world: World, t: dict[str, dict[str, str]]) -> int:
    """An organisation with a check-in point at the station; the rider registered there."""
    org = {"name": "万里站点党支部", "kind": "station_group", "sector": "instant_retail"}
    org_id: int = client.post(f"{API}/organisations", json=org, headers=t["admin"]).json()["id"]
    point = {"subdistrict": "wanli", "place_id": world.station_id, "organisation_id": org_id}
    point_id = client.put(f"{API}/checkin-points", json=point, headers=t["admin"]).json()["id"]
    assert client.post(f"{API}/checkin-points/{point_id}/register", headers=t["rider"]).is_success
    return org_id


@pytest.mark.one_database
def test_callers_and_bad_input(
    client: TestClient, world: World, t: dict[str, dict[str, str]]
) -> None:
    letter = {"title": "致全体党员", "body": "……"}
    assert client.post(f"{API}/letters", json=letter).status_code == 401
    assert client.post(f"{API}/letters", json=letter, headers=t["officer"]).status_code == 403
    assert client.get(f"{API}/letters/mine", headers=t["staff"]).status_code == 403
    assert client.get(f"{API}/letters/1/receipts", headers=EN).status_code == 401
    assert client.post(f"{API}/learning", json={}, headers=t["rider"]).status_code == 403
    assert client.put(f"{API}/learning/1/progress", json={"percent": 5}).status_code == 401
    assert client.get(f"{API}/books/code", headers=t["staff"]).status_code == 403
    assert client.post(f"{API}/books", json={}, headers=t["rider"]).status_code == 403
    assert client.get(f"{API}/books", headers=t["officer"]).status_code == 422  # says which org

    r = client.post(f"{API}/letters", json={"title": "", "body": "x"}, headers=t["admin"])
    assert r.status_code == 422
    assert any(f.endswith("title") for f in _field(r))
    r = client.post(f"{API}/letters", json=letter | {"organisation_id": 9999}, headers=t["admin"])
    assert r.status_code == 422
    assert "organisation_id" in _field(r)
    r = client.get(f"{API}/letters/mine", params={"month": "12/2026"}, headers=t["rider"])
    assert r.status_code == 422
    assert any(f.endswith("month") for f in _field(r))
    r = client.post(f"{API}/learning", json={"title": "x", "kind": "game"}, headers=t["admin"])
    assert r.status_code == 422
    assert any(f.endswith("kind") for f in _field(r))
    r = client.put(f"{API}/learning/1/progress", json={"percent": 101}, headers=t["rider"])
    assert r.status_code == 422
    assert any(f.endswith("percent") for f in _field(r))
    r = client.post(f"{API}/books", json={"code": "1-000000", "title": "党章"}, headers=t["staff"])
    assert r.status_code == 422
    assert "code" in _field(r)
    assert client.get(f"{API}/learning/progress", headers=t["admin"]).status_code == 422


@pytest.mark.one_database
def test_letter_learning_and_book_the_way_members_and_officers_use_them(
    client: TestClient, world: World, t: dict[str, dict[str, str]]
) -> None:
    org_id = _member(client, world, t)
    sent = client.post(
        f"{API}/letters", json={"title": "致全体党员", "body": "同志们好"}, headers=t["admin"]
    )
    assert sent.status_code == 201
    letter_id = sent.json()["id"]
    mine = client.get(f"{API}/letters/mine", headers=t["rider"]).json()
    assert [(m["title"], m["read_at"], m["body"]) for m in mine] == [("致全体党员", None, None)]
    opened = client.post(f"{API}/letters/{letter_id}/open", headers=t["rider"])
    assert opened.json()["body"] == "同志们好"
    assert client.get(f"{API}/letters/sent", headers=t["admin"]).json()[0]["read"] == 1
    receipts = client.get(f"{API}/letters/{letter_id}/receipts", headers=t["admin"]).json()
    assert (receipts["read"], receipts["unread"]) == (1, 0)
    assert client.get(f"{API}/reads", headers=t["admin"]).json()[0]["purpose"] == "letter_receipts"

    body = {"title": "微党课", "kind": "video", "url": "https://example.org/v/1", "minutes": 8}
    resource = client.post(f"{API}/learning", json=body, headers=t["admin"])
    assert resource.status_code == 201
    rid = resource.json()["id"]
    progress = f"{API}/learning/{rid}/progress"
    assert client.put(progress, json={"percent": 60}, headers=t["rider"]).json()["percent"] == 60
    assert client.put(progress, json={"percent": 30}, headers=t["rider"]).json()["percent"] == 60
    assert client.get(f"{API}/learning", headers=t["rider"]).json()[0]["percent"] == 60
    assert client.get(f"{API}/learning").json()[0]["percent"] is None
    members = client.get(
        f"{API}/learning/progress", params={"organisation_id": org_id}, headers=t["officer"]
    )
    assert members.status_code == 403  # not this organisation's officer
    members = client.get(
        f"{API}/learning/progress", params={"organisation_id": org_id}, headers=t["admin"]
    )
    assert members.json()["members"][0]["percent"] == 60
    qr = client.get(f"{API}/learning/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml")
    unpublish = client.put(
        f"{API}/learning/{rid}", json=body | {"published": False}, headers=t["admin"]
    )
    assert unpublish.json()["published"] is False
    assert client.get(f"{API}/learning", headers=t["rider"]).json() == []

    code = client.get(f"{API}/books/code", headers=t["rider"]).json()["code"]
    book = {"code": code, "title": "党章"}
    given = client.post(f"{API}/books", json=book, headers=t["staff"])
    assert given.status_code == 201
    assert given.json()["place_name"] == "万里驿站"
    again = client.post(f"{API}/books", json=book, headers=t["staff"])
    assert again.status_code == 409
    assert "党章" in again.json()["detail"]
    assert [b["title"] for b in client.get(f"{API}/books/mine", headers=t["rider"]).json()] == [
        "党章"
    ]
    who = client.get(f"{API}/books", params={"organisation_id": org_id}, headers=t["admin"])
    assert [h["display_name"] for h in who.json()] == ["Wang"]
