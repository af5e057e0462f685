"""The governance API (hotline imports, complaints, topic rules, hotspots, measures): who
may call each endpoint (401, 403, an officer asking across the boundary), bad input (422
naming the field), an import's way through the background job, and an evaluation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from services.governance.governance_support import (
    PARKING,
    PAVEMENT,
    GovWorld,
    hotline_csv,
    make_gov_world,
)
from support import token


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    return make_gov_world(platform)


@pytest.fixture
def t(client: TestClient, gov: GovWorld, world: Any) -> dict[str, dict[str, str]]:
    return {
        name: token(client, name)
        for name in ("admin", "rider", "staff", "gov-officer", "gov-officer2")
    }


def _wait_done(client: TestClient, headers: dict[str, str], import_id: int) -> dict[str, Any]:
    for _ in range(200):
        r = client.get(f"/api/governance/imports/{import_id}", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("done", "failed"):
            return dict(r.json())
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def _upload(client: TestClient, headers: dict[str, str], data: bytes, name: str) -> Any:
    return client.post(
        "/api/governance/imports", headers=headers, files={"file": (name, data, "text/csv")}
    )


ROWS = [
    ("A-1", "2026-11-02 12:10", "普陀区中海真如环宇城MAX北门", "城市管理", PARKING),
    ("A-2", "2026-11-03 18:40", "普陀区真北路近铜川路", "交通管理", PAVEMENT),
    ("A-3", "不是时间", "普陀区中海真如环宇城MAX", "城市管理", PARKING),
]


@pytest.mark.one_database  # the HTTP layer; tests/services/governance tries both databases
def test_who_may_call_each_endpoint(
    client: TestClient, platform: Platform, gov: GovWorld, t: dict[str, dict[str, str]]
) -> None:
    measure = {"kind": "night_lighting", "title": "灯", "place_id": gov.mall_id,
               "started_on": "2026-10-01"}  # fmt: skip
    rule = {"topic": "noise", "groups": [["吵"]]}
    admin_only = ["gov-officer", "rider", "staff"]
    staff_only = ["rider", "staff"]
    cases: list[tuple[str, str, Any, list[str]]] = [
        ("get", "/api/governance/imports", None, admin_only),
        ("get", "/api/governance/imports/1", None, admin_only),
        ("get", "/api/governance/imports/1/refusals.csv", None, admin_only),
        ("get", "/api/governance/complaints", None, staff_only),
        ("post", "/api/governance/complaints/1/place", {"place_id": gov.mall_id}, staff_only),
        ("post", "/api/governance/complaints/reclassify", None, admin_only),
        ("get", "/api/governance/aliases", None, staff_only),
        ("delete", "/api/governance/aliases/1", None, admin_only),
        ("get", "/api/governance/topic-rules", None, staff_only),
        ("post", "/api/governance/topic-rules", {"id": "x", **rule}, admin_only),
        ("put", "/api/governance/topic-rules/x", rule, admin_only),
        ("delete", "/api/governance/topic-rules/x", None, admin_only),
        ("post", "/api/governance/topic-rules/try", {"text": "骑手"}, staff_only),
        ("get", "/api/governance/hotspots", None, staff_only),
        ("get", "/api/governance/measures", None, staff_only),
        ("post", "/api/governance/measures", measure, staff_only),
        ("put", "/api/governance/measures/1", measure, staff_only),
        ("delete", "/api/governance/measures/1", None, staff_only),
        ("get", "/api/governance/measures/1/effect", None, staff_only),
        ("get", "/api/governance/measures/1/effect.svg", None, staff_only),
        ("get", "/api/governance/measures/1/effect.pdf", None, staff_only),
    ]
    for method, path, body, refused in cases:
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, path, **kwargs)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        for who in refused:
            r = client.request(method, path, headers=t[who], **kwargs)
            assert r.status_code == 403, (method, path, who, r.text)
    r = client.post(
        "/api/governance/imports", files={"file": ("a.csv", hotline_csv(ROWS), "text/csv")}
    )
    assert r.status_code == 401
    r = _upload(client, t["gov-officer"], hotline_csv(ROWS), "a.csv")
    assert r.status_code == 403
    # Across the boundary: an officer asking for another sub-district is refused.
    for path in ("/api/governance/complaints", "/api/governance/hotspots",
                 "/api/governance/measures"):  # fmt: skip
        r = client.get(
            path, headers=t["gov-officer"], params={"subdistrict": gov.store_subdistrict}
        )
        assert r.status_code == 403, (path, r.text)
        r = client.get(path, headers=t["gov-officer"], params={"subdistrict": "atlantis"})
        assert r.status_code == 422, (path, r.text)


@pytest.mark.one_database
def test_an_import_through_the_api_and_the_complaints_it_made(
    client: TestClient, gov: GovWorld, t: dict[str, dict[str, str]]
) -> None:
    r = _upload(client, t["admin"], hotline_csv(ROWS), "十一月.csv")
    assert r.status_code == 202, r.text
    done = _wait_done(client, t["admin"], r.json()["id"])
    assert (done["status"], done["accepted"], done["refused"]) == ("done", 2, 1)
    [refused] = done["refusals"]
    assert refused["line"] == 4
    r = client.get(
        f"/api/governance/imports/{done['id']}/refusals.csv",
        headers={**t["admin"], "Accept-Language": "zh-CN"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "4," in r.text
    # In Chinese by default: the topic's title and the refusal's reason.
    r = client.get("/api/governance/complaints", headers=t["gov-officer"])
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1
    [mine] = page["items"]
    assert mine["topic"] == "parking"
    assert mine["topic_title"] == "乱停放"
    r = client.get("/api/governance/complaints", headers=t["admin"], params={"topic": "weather"})
    assert r.status_code == 422
    assert r.json()["detail"]
    # The same file again: nothing new.
    again = _wait_done(
        client, t["admin"], _upload(client, t["admin"], hotline_csv(ROWS), "again.csv").json()["id"]
    )
    assert (again["accepted"], again["duplicates"]) == (0, 2)
    r = _upload(client, t["admin"], b"", "empty.csv")
    assert r.status_code == 422
    r = _upload(client, t["admin"], b"%PDF", "scan.pdf")
    assert r.status_code == 422
    assert "CSV" in r.json()["detail"] or "csv" in r.json()["detail"].lower()


@pytest.mark.one_database
def test_rules_tried_added_and_bad_input_named(
    client: TestClient, t: dict[str, dict[str, str]]
) -> None:
    r = client.post(
        "/api/governance/topic-rules/try",
        headers={**t["gov-officer"], "Accept-Language": "en"},
        json={"text": PARKING},
    )
    assert r.status_code == 200, r.text
    tried = r.json()
    assert tried["topic"] == "parking"
    assert tried["rule"]
    assert tried["matched"]
    assert tried["words"]
    r = client.post(
        "/api/governance/topic-rules",
        headers=t["admin"],
        json={"id": "mall-noise", "topic": "noise", "groups": [["商场"], ["吵闹"]]},
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/governance/topic-rules",
        headers=t["admin"],
        json={"id": "mall-noise", "topic": "noise", "groups": [["商场"]]},
    )
    assert r.status_code == 409
    for body, field in [
        ({"id": "y", "topic": "weather", "groups": [["雨"]]}, "topic"),
        ({"id": "y", "topic": "noise", "groups": "吵"}, "groups"),
        ({"id": "Y Y", "topic": "noise", "groups": [["吵"]]}, "id"),
    ]:
        r = client.post("/api/governance/topic-rules", headers=t["admin"], json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.text
    r = client.delete("/api/governance/topic-rules/nope", headers=t["admin"])
    assert r.status_code == 404
    r = client.delete("/api/governance/topic-rules/mall-noise", headers=t["admin"])
    assert r.status_code == 204


@pytest.mark.one_database
def test_measures_and_hotspots_through_the_api(
    client: TestClient, gov: GovWorld, t: dict[str, dict[str, str]]
) -> None:
    body = {"kind": "parking_zones", "title": "三处停车区", "place_id": gov.mall_id,
            "started_on": "2026-10-01", "cost_yuan": 180000}  # fmt: skip
    r = client.post("/api/governance/measures", headers=t["gov-officer"], json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["kind_title"]
    r = client.post("/api/governance/measures", headers=t["gov-officer2"], json=body)
    assert r.status_code == 403
    r = client.get("/api/governance/measures", headers=t["gov-officer2"])
    assert r.json() == []
    for bad, field in [
        ({**body, "kind": "wall"}, "kind"),
        ({**body, "radius_m": 5}, "radius_m"),
        ({**body, "started_on": "yesterday"}, "started_on"),
        ({**body, "place_id": None}, "place_id"),
    ]:
        r = client.post("/api/governance/measures", headers=t["admin"], json=bad)
        assert r.status_code == 422, (bad, r.text)
        assert field in r.text
    # Too little data to evaluate: a clear 422, never a 500.
    r = client.get(f"/api/governance/measures/{made['id']}/effect", headers=t["admin"])
    assert r.status_code == 422, r.text
    r = client.get("/api/governance/measures/999/effect", headers=t["admin"])
    assert r.status_code == 404
    r = client.get("/api/governance/hotspots", headers=t["gov-officer"])
    assert r.status_code == 200, r.text
    assert r.json()["subdistrict"] == gov.mall_subdistrict
    r = client.get("/api/governance/hotspots", headers=t["admin"], params={"cell_m": 5})
    assert r.status_code == 422
    r = client.get(
        "/api/governance/hotspots",
        headers=t["admin"],
        params={"since": "2026-12-01", "until": "2026-01-01"},
    )
    assert r.status_code == 422


@pytest.mark.one_database
def test_a_name_remembered_through_the_api_and_its_refusals(
    client: TestClient, gov: GovWorld, t: dict[str, dict[str, str]]
) -> None:
    rows = [
        ("B-1", "2026-11-02 12:10", "普陀区真如环宇城MAX北门", "城市管理", PARKING),
        ("B-2", "2026-11-03 12:10", "普陀区真如环宇城MAX南门", "城市管理", PARKING),
    ]
    done = _wait_done(
        client, t["admin"], _upload(client, t["admin"], hotline_csv(rows), "b.csv").json()["id"]
    )
    assert done["accepted"] == 2
    waiting = client.get("/api/governance/complaints", headers=t["admin"],
                         params={"unplaced": True}).json()["items"]  # fmt: skip
    first = min(c["id"] for c in waiting)
    path = f"/api/governance/complaints/{first}/place"
    zh = {**t["admin"], "Accept-Language": "zh-CN"}
    for body in (
        {"place_id": gov.mall_id, "remember_as": "环宇城PLUS"},
        {"lat": 31.2575, "lon": 121.4128, "remember_as": "真如环宇城MAX"},
        {"place_id": gov.mall_id, "remember_as": "x" * 101},
    ):
        r = client.post(path, headers=zh, json=body)
        assert r.status_code == 422, (body, r.text)
        assert "remember_as" in r.text
    r = client.post(path, headers=t["admin"],
                    json={"place_id": gov.mall_id, "remember_as": "真如环宇城MAX"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["placed_how"], r.json()["also_placed"]) == ("person", 1)
    [alias] = client.get("/api/governance/aliases", headers=t["admin"]).json()
    assert (alias["alias"], alias["place_name"]) == ("真如环宇城MAX", "中海真如环宇城MAX")
    assert (
        client.delete(f"/api/governance/aliases/{alias['id']}", headers=t["admin"]).status_code
        == 204
    )
    r = client.delete(f"/api/governance/aliases/{alias['id']}", headers=t["admin"])
    assert r.status_code == 404
