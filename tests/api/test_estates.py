"""Estates over HTTP: the public list, estate, export, guide and poster; keeping estates
(admins, officers of the sub-district, property staff of the estate) with the version and
the audit; import; and the problems bad input and the wrong caller get."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from estate_support import CHANGZHENG, small_estate
from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from support import World, add_account, token


def _doc(name: str = "测试小区", **kwargs: Any) -> dict[str, Any]:
    return small_estate(name, **kwargs).model_dump(mode="json")


@pytest.fixture
def estate_ids(client: TestClient, platform: Platform, world: World) -> tuple[int, int]:
    """Two estates in Wanli (ours, kept by `property`; the other by `property2`)."""
    admin = token(client, "admin")
    ours = client.post("/api/estates", json=_doc(), headers=admin)
    assert ours.status_code == 201, ours.text
    other = client.post("/api/estates", json=_doc("隔壁小区", at=(121.405, 31.275)), headers=admin)
    assert other.status_code == 201, other.text
    ids = ours.json()["id"], other.json()["id"]
    add_account(platform, "property", Role.property, ids[0])
    add_account(platform, "property2", Role.property, ids[1])
    add_account(platform, "courier", Role.courier, ids[0])
    return ids


def test_anyone_lists_and_reads_estates(client: TestClient, estate_ids: tuple[int, int]) -> None:
    ours, other = estate_ids
    listed = client.get("/api/estates").json()
    assert {e["id"] for e in listed} == {ours, other}
    first = listed[0]
    assert set(first) >= {"id", "name", "name_en", "subdistrict", "lon", "lat", "synthetic",
                          "buildings", "gates"}  # fmt: skip
    near = client.get("/api/estates", params={"lon": 121.405, "lat": 31.275}).json()
    assert [e["id"] for e in near] == [other, ours]
    assert client.get("/api/estates", params={"subdistrict": "changzheng"}).json() == []
    one = client.get(f"/api/estates/{ours}")
    assert one.status_code == 200
    body = one.json()
    assert body["version"] == 1
    assert body["estate"]["name"] == "测试小区"
    assert body["estate"]["subdistrict"] == "wanli"
    assert body["estate"]["zones"]
    assert "updated_at" in body


def test_admins_and_officers_add_estates_others_may_not(
    client: TestClient, estate_ids: tuple[int, int]
) -> None:
    assert client.post("/api/estates", json=_doc("新")).status_code == 401
    for who in ("rider", "property", "courier", "staff"):
        r = client.post("/api/estates", json=_doc("新"), headers=token(client, who))
        assert r.status_code == 403, (who, r.text)
    far = _doc("长征小区", at=CHANGZHENG)
    r = client.post("/api/estates", json=far, headers=token(client, "officer"))
    assert r.status_code == 403  # an officer of Wanli, the estate in Changzheng
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post("/api/estates", json=far, headers=token(client, "officer2"))
    assert r.status_code == 201
    assert r.json()["estate"]["subdistrict"] == "changzheng"


def test_bad_documents_are_422_naming_the_field(
    client: TestClient, estate_ids: tuple[int, int]
) -> None:
    admin = token(client, "admin")
    doc = _doc()
    doc["buildings"][0]["floors"] = 0
    r = client.post("/api/estates", json=doc, headers=admin)
    assert r.status_code == 422
    assert "buildings" in json.dumps(r.json())
    doc = _doc()
    doc["gates"] = []
    assert client.post("/api/estates", json=doc, headers=admin).status_code == 422
    assert client.post("/api/estates", json={"name": "x"}, headers=admin).status_code == 422
    doc = _doc()
    doc["subdistrict"] = "atlantis"
    r = client.post("/api/estates", json=doc, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "subdistrict"
    r = client.post("/api/estates", json=_doc(at=(91.4, 31.27)), headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "boundary"


def test_changes_carry_the_version_and_are_audited(
    client: TestClient, estate_ids: tuple[int, int]
) -> None:
    ours, _other = estate_ids
    stored = client.get(f"/api/estates/{ours}").json()
    changed = {**stored["estate"], "name_en": "Our Estate"}
    staff = token(client, "property")
    r = client.put(f"/api/estates/{ours}", json={"version": 1, "estate": changed}, headers=staff)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    # a second change from the same (now stale) version
    late = {**stored["estate"], "name_en": "Late"}
    officer = token(client, "officer")
    r = client.put(f"/api/estates/{ours}", json={"version": 1, "estate": late}, headers=officer)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    audit = client.get(f"/api/estates/{ours}/audit", headers=staff)
    assert audit.status_code == 200
    assert [e["action"] for e in audit.json()] == ["update", "create"]
    assert audit.json()[0]["changed"] == ["name_en"]
    assert audit.json()[0]["after"] == {"name_en": "Our Estate"}
    # property staff of another estate, an officer elsewhere, riders: refused
    body = {"version": 2, "estate": changed}
    for who in ("property2", "officer2", "rider", "courier"):
        r = client.put(f"/api/estates/{ours}", json=body, headers=token(client, who))
        assert r.status_code == 403, who
        assert (
            client.get(f"/api/estates/{ours}/audit", headers=token(client, who)).status_code == 403
        )
    assert client.put(f"/api/estates/{ours}", json=body).status_code == 401
    assert client.get(f"/api/estates/{ours}/audit").status_code == 401
    assert (
        client.put(f"/api/estates/{ours}", json={"estate": changed}, headers=staff).status_code
        == 422
    )
    assert (
        client.put("/api/estates/999999", json=body, headers=token(client, "admin")).status_code
        == 404
    )


def test_only_admins_delete(client: TestClient, estate_ids: tuple[int, int]) -> None:
    ours, _ = estate_ids
    for who in ("property", "officer"):
        assert client.delete(f"/api/estates/{ours}", headers=token(client, who)).status_code == 403
    assert client.delete(f"/api/estates/{ours}").status_code == 401
    admin = token(client, "admin")
    assert client.delete(f"/api/estates/{ours}", headers=admin).status_code == 204
    assert client.get(f"/api/estates/{ours}").status_code == 404
    assert client.delete(f"/api/estates/{ours}", headers=admin).status_code == 404
    history = client.get(f"/api/estates/{ours}/audit", headers=admin).json()
    assert [e["action"] for e in history] == ["delete", "create"]


def test_the_guide_answers_anyone_in_their_language(
    client: TestClient, estate_ids: tuple[int, int]
) -> None:
    ours, _ = estate_ids
    url = f"/api/estates/{ours}/guide"
    zh = client.get(
        url, params={"building": "5", "unit": "2"}, headers={"Accept-Language": "zh-CN"}
    )
    assert zh.status_code == 200, zh.text
    body = zh.json()
    assert body["number"] == "5号楼"
    assert body["entrance"]["ref"] == "b5-u2"
    assert body["zone"]["hex"].startswith("#")
    assert body["zone"]["name"]
    assert body["gate"]["ref"] in ("g-south", "g-east")
    assert body["parking"] is not None
    assert body["trolley"] is True
    assert body["ebikes_inside"] is False
    assert body["path"]
    assert all(len(p) == 2 for p in body["path"])
    assert body["walk_min"] >= 1
    assert body["total_min"] >= body["walk_min"]
    assert body["approach"] is None
    en = client.get(url, params={"building": "5号楼", "unit": "2", "lang": "en"}).json()
    assert en["steps"] != body["steps"]  # the same route in English
    near = client.get(url, params={"building": "5", "lon": 121.41, "lat": 31.27}).json()
    assert near["approach"] == "straight_line"  # no street network in the tests
    assert client.get(url, params={"building": "99"}).status_code == 404
    assert client.get(url, params={"building": "5", "unit": "7"}).status_code == 404
    assert client.get(url).status_code == 422
    assert client.get(url, params={"building": "5", "lon": 121.41}).status_code == 422
    assert client.get(url, params={"building": "5", "by": "car"}).status_code == 422
    assert client.get(url, params={"building": "5", "lat": 99, "lon": 121}).status_code == 422
    assert client.get("/api/estates/999999/guide", params={"building": "5"}).status_code == 404


def test_export_and_poster_are_public_files(
    client: TestClient, estate_ids: tuple[int, int]
) -> None:
    ours, _ = estate_ids
    geo = client.get(f"/api/estates/{ours}/export.geojson")
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.json()["type"] == "FeatureCollection"
    svg = client.get(f"/api/estates/{ours}/poster.svg", params={"lang": "en"})
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in svg.text
    pdf = client.get(f"/api/estates/{ours}/poster.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    for tail in ("export.geojson", "poster.svg", "poster.pdf"):
        assert client.get(f"/api/estates/999999/{tail}").status_code == 404
        assert client.get(f"/api/estates/0/{tail}").status_code == 422


def test_import_reports_each_estate(client: TestClient, estate_ids: tuple[int, int]) -> None:
    ours, _ = estate_ids
    exported = client.get(f"/api/estates/{ours}/export.geojson").content
    officer = token(client, "officer")
    r = client.post(
        "/api/estates/import",
        files={"file": ("ours.geojson", exported, "application/geo+json")},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    report = r.json()
    # ours has no external id: an estate of that name is there, so it is skipped
    assert report["format"] == "geojson"
    assert len(report["skipped"]) == 1
    assert report["skipped"][0]["reason"]
    exported_json = client.get(f"/api/estates/{ours}/export.geojson").json()
    fresh = json.dumps(exported_json, ensure_ascii=False).replace("测试小区", "新测试小区")
    r = client.post(
        "/api/estates/import",
        files={"file": ("new.geojson", fresh.encode(), "application/geo+json")},
        params={"dry_run": "true"},
        headers=officer,
    )
    assert [e["name"] for e in r.json()["created"]] == ["新测试小区"]
    assert r.json()["dry_run"]
    for who in ("property", "rider"):
        r = client.post(
            "/api/estates/import",
            files={"file": ("x.geojson", exported, "application/geo+json")},
            headers=token(client, who),
        )
        assert r.status_code == 403
    bad = client.post(
        "/api/estates/import",
        files={"file": ("x.geojson", b"{not json", "application/geo+json")},
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "file"
    unknown = client.post(
        "/api/estates/import", files={"file": ("x.txt", b"abc", "text/plain")}, headers=officer
    )
    assert unknown.status_code == 422


def test_an_upload_over_the_limit_is_422(
    client: TestClient, estate_ids: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gigcity.api import estates as api

    monkeypatch.setattr(api, "MAX_UPLOAD_BYTES", 100)
    r = client.post(
        "/api/estates/import",
        files={"file": ("big.geojson", b"x" * 200, "application/geo+json")},
        headers=token(client, "admin"),
    )
    assert r.status_code == 422
    assert r.json()["field"] == "file"
