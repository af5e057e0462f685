"""Snap-and-report over HTTP: photos (content, headers), filing and following, officers'
steps, rate limits (429 + Retry-After), rewards and the dashboard; errors are problems."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gigcity.services.platform import Platform
from gigcity.services.ratelimit import Rate
from gigcity.services.reports import PhotoStore
from services.reports.reports_support import (
    CHANGZHENG,
    MAKER,
    WANLI,
    database_url,
    jpeg,
    png,
    scene,
    setup_district,
)
from support import World, token

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests
PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _ready(platform: Platform, world: World, tmp_path: Path) -> None:
    platform.reports.photos = PhotoStore(tmp_path / "photos")
    setup_district(platform, world)


def upload(
    client: TestClient,
    who: dict[str, str],
    data: bytes,
    name: str = "photo.jpg",
    kind: str = "image/jpeg",
):  # type: ignore[no-untyped-def]
    return client.post("/api/reports/photos", headers=who, files={"file": (name, data, kind)})


def report_body(**fields: object) -> dict[str, object]:
    return {
        "category": "fire_passage_blocked",
        "description": "stairwell blocked",
        "lon": WANLI[0],
        "lat": WANLI[1],
    } | fields


def test_a_photo_is_judged_by_content_stripped_and_served_safely(client: TestClient) -> None:
    rider = token(client, "rider")
    # A real JPEG called .png with a wrong declared type: the content decides, it is fine.
    r = upload(client, rider, jpeg(), name="holiday.png", kind="image/png")
    assert r.status_code == 201, r.text
    photo = r.json()
    served = client.get(photo["url"], headers=rider)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"].startswith("default-src 'none'")
    assert served.headers["content-disposition"] == 'inline; filename="report-photo.jpg"'
    assert MAKER.encode() not in served.content
    assert b"Exif" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (320, 200)
    thumb = client.get(photo["thumb_url"], headers=rider)
    assert thumb.status_code == 200
    assert len(thumb.content) < len(served.content) * 2
    # HTML called photo.jpg and sent as image/jpeg is refused, naming the field.
    r = upload(client, rider, b"<html><script>alert(1)</script></html>", kind="image/jpeg")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["field"] == "file"
    for bad in ("../../etc/passwd", "nothing.jpg", "0123.svg"):
        assert client.get(f"/api/reports/photos/{bad}", headers=rider).status_code == 404


def test_oversized_uploads_are_refused_early(client: TestClient, platform: Platform) -> None:
    platform.reports.photo_limits = platform.reports.photo_limits.__class__(
        max_bytes=5_000, max_pixels=10_000_000, max_side=1024
    )
    noisy = png(Image.effect_noise((400, 400), 100).convert("RGB"))
    assert len(noisy) > 5_000
    r = upload(client, token(client, "rider") | EN, noisy, name="big.png", kind="image/png")
    assert r.status_code == 422
    assert "larger than" in r.json()["detail"]


def test_file_follow_and_be_offered_the_same(client: TestClient) -> None:
    rider, rider2 = token(client, "rider"), token(client, "rider2")
    photo = upload(client, rider, jpeg()).json()
    r = client.post(
        "/api/reports",
        headers=rider,
        json=report_body(photo_ids=[photo["id"]], client_key="app-0001-xyz"),
    )
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["photos"][0]["id"] == photo["id"]
    assert report["my_part"] == "original"
    assert (
        client.post(
            "/api/reports", headers=rider, json=report_body(client_key="app-0001-xyz")
        ).json()["id"]
        == report["id"]
    )
    offers = client.get(
        "/api/reports/similar",
        headers=rider2,
        params={"category": "fire_passage_blocked", "lat": WANLI[1], "lon": WANLI[0] + 0.0002},
    ).json()
    assert [o["id"] for o in offers] == [report["id"]]
    assert offers[0]["thumb_url"] is None  # another rider's photo is not shown to rider2
    here = {"lat": WANLI[1], "lon": WANLI[0] + 0.0002}  # where rider2 stands
    # Joining needs the rider's own position (near the report), named when missing or far.
    for body, field in (
        ({"description": "me too"}, "lat"),
        ({"description": "me too", "lat": CHANGZHENG[1], "lon": CHANGZHENG[0]}, "lat"),
        (here | {"category": "road_hazard"}, "category"),
    ):
        refused = client.post(f"/api/reports/{report['id']}/same", headers=rider2, json=body)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith(PROBLEM)
        problem = refused.json()
        assert field in [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
    joined = client.post(
        f"/api/reports/{report['id']}/same",
        headers=rider2,
        json=here | {"description": "me too", "category": "fire_passage_blocked"},
    )
    assert joined.status_code == 200
    assert joined.json()["my_part"] == "same"
    # rider2 sees it as the public does: not the original reporter's other photos or trail.
    assert joined.json()["reference"] is None
    assert [e["action"] for e in joined.json()["events"]] == ["submit", "same"]
    mine = client.get("/api/reports/mine", headers=rider2).json()
    assert [m["id"] for m in mine] == [report["id"]]
    assert "reporters" not in mine[0] or mine[0]["reporters"] is None
    # Nobody else reads it; signed-out callers are asked to sign in.
    assert client.get(f"/api/reports/{report['id']}").status_code == 401
    assert (
        client.get(f"/api/reports/{report['id']}", headers=token(client, "officer2")).status_code
        == 403
    )
    assert client.get("/api/reports/2147483648", headers=rider).status_code == 422


def test_invalid_reports_are_problems_naming_the_field(client: TestClient) -> None:
    rider = token(client, "rider") | EN
    cases = [
        (report_body(category="volcano"), "category"),
        (report_body(lat=95), "lat"),
        (report_body(lon=121.60, lat=31.10), "lat"),
        (report_body(category="food_safety"), "reference"),
        (report_body(description="x" * 4001), "description"),
        (report_body(extra="no"), "extra"),
    ]
    for body, field in cases:
        r = client.post("/api/reports", headers=rider, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
        problem = r.json()
        fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
        assert field in fields, (field, problem)


def test_officers_steps_over_http(client: TestClient) -> None:
    rider, officer = token(client, "rider"), token(client, "officer")
    report = client.post("/api/reports", headers=rider, json=report_body()).json()["id"]
    assert client.post(f"/api/reports/{report}/accept", headers=rider, json={}).status_code == 403
    queue = client.get("/api/reports/queue", headers=officer).json()
    assert queue["scope"] == "mine"
    assert [i["id"] for i in queue["items"]] == [report]
    assert (
        client.post(f"/api/reports/{report}/accept", headers=officer, json={}).json()[
            "reward_status"
        ]
        == "paid"
    )
    again = client.post(f"/api/reports/{report}/accept", headers=officer | EN, json={})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith(PROBLEM)
    assert "accepted now" in again.json()["detail"]
    assert (
        client.post(
            f"/api/reports/{report}/dispatch", headers=officer, json={"to": "fire station"}
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/reports/{report}/start",
            headers=officer,
            json={"note": "on site; gate code 4711", "public_note": "Work has begun."},
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/reports/{report}/resolve", headers=officer, json={"photo_ids": []}
        ).status_code
        == 422
    )
    after = upload(client, officer, jpeg(scene(seed=3))).json()
    done = client.post(
        f"/api/reports/{report}/resolve", headers=officer, json={"photo_ids": [after["id"]]}
    )
    assert done.status_code == 200
    assert done.json()["after_photos"][0]["id"] == after["id"]
    closed = client.post(f"/api/reports/{report}/close", headers=officer, json={}).json()
    assert closed["status"] == "closed"
    seen = client.get(f"/api/reports/{report}", headers=rider).json()
    assert [e["to_status"] for e in seen["events"] if e["to_status"]] == [
        "submitted", "accepted", "dispatched", "in_progress", "resolved", "closed",
    ]  # fmt: skip
    # The reporter reads the public note, never the internal one.
    assert seen["status_note"] == "Work has begun."
    assert "gate code" not in str(seen)  # (a bare "4711" could be in a timestamp's microseconds)
    staff_seen = client.get(f"/api/reports/{report}", headers=officer).json()
    start = next(e for e in staff_seen["events"] if e["action"] == "start")
    assert (start["note"], start["public_note"]) == ("on site; gate code 4711", "Work has begun.")


def test_merge_over_http(client: TestClient) -> None:
    officer = token(client, "officer")
    a = client.post("/api/reports", headers=token(client, "rider"), json=report_body()).json()["id"]
    b = client.post("/api/reports", headers=token(client, "rider2"), json=report_body()).json()[
        "id"
    ]
    merged = client.post(f"/api/reports/{b}/merge", headers=officer, json={"into": a}).json()
    assert merged["merged_into_id"] == a
    assert merged["reject_reason"] == "duplicate"
    keeper = client.get(f"/api/reports/{a}", headers=officer).json()
    assert {r["how"] for r in keeper["reporters"]} == {"original", "merged"}


def test_rate_limits_answer_429_with_retry_after(client: TestClient, platform: Platform) -> None:
    platform.reports.rates = platform.reports.rates.__class__(
        reports_per_account=Rate(2, 3600),
        reports_per_ip=Rate(3, 3600),
        photos_per_account=Rate(1, 60),
        open311_reads_per_ip=Rate(0, 60),
    )
    platform.reports.limiter.reset()
    rider, rider2 = token(client, "rider") | EN, token(client, "rider2")
    assert [
        client.post("/api/reports", headers=rider, json=report_body()).status_code for _ in range(3)
    ] == [201, 201, 429]
    limited = client.post("/api/reports", headers=rider, json=report_body())
    assert limited.headers["content-type"].startswith(PROBLEM)
    assert limited.json()["status"] == 429
    assert "try again" in limited.json()["detail"]
    assert 1 <= int(limited.headers["retry-after"]) <= 1800
    # Another account from the same address has its own allowance, until the address's runs out.
    assert client.post("/api/reports", headers=rider2, json=report_body()).status_code == 201
    assert client.post("/api/reports", headers=rider2, json=report_body()).status_code == 429
    assert upload(client, rider, jpeg()).status_code == 201
    assert upload(client, rider, jpeg()).status_code == 429


def test_settings_reviews_and_rewards_over_http(client: TestClient, world: World) -> None:
    admin, rider = token(client, "admin"), token(client, "rider")
    cats = client.get("/api/reports/categories", headers=EN).json()
    assert [c["code"] for c in cats][:2] == ["fire_passage_blocked", "fire_hazard"]
    assert cats[0]["label"] == "Fire passage blocked"
    assert cats[0]["reward_fen"] == 5000
    zh = client.get("/api/reports/categories").json()
    assert zh[0]["label"] != "Fire passage blocked"  # Chinese by default
    rule = {"reward_fen": 8000, "sla_hours": 6, "duplicate_radius_m": 80}
    assert (
        client.put("/api/reports/categories/fire_hazard", headers=rider, json=rule).status_code
        == 403
    )
    assert (
        client.put("/api/reports/categories/fire_hazard", headers=admin, json=rule).json()[
            "reward_fen"
        ]
        == 8000
    )
    routes = client.get("/api/reports/routes", headers=admin).json()
    assert {(r["subdistrict"], r["category"]) for r in routes} == {
        ("wanli", "*"),
        ("changzheng", "*"),
    }
    review = client.post(
        "/api/reports/reviews",
        headers=admin,
        json={"account_id": world.ids["rider2"], "reason": "spam"},
    )
    assert review.status_code == 201
    held = client.post(
        "/api/reports",
        headers=token(client, "rider2"),
        json=report_body(lon=CHANGZHENG[0], lat=CHANGZHENG[1]),
    ).json()
    assert held["held"]
    assert [
        i["id"]
        for i in client.get("/api/reports/queue", headers=admin, params={"scope": "held"}).json()[
            "items"
        ]
    ] == [held["id"]]
    assert client.post(f"/api/reports/{held['id']}/release", headers=admin).json()["held"] is False
    assert (
        client.delete(f"/api/reports/reviews/{review.json()['id']}", headers=admin).status_code
        == 204
    )
    top = client.post(
        "/api/reports/rewards/pool/top-up",
        headers=admin,
        json={"amount_fen": 500, "key": "topup-0002"},
    )
    assert top.json()["budget_fen"] == 1_000_500
    report = client.post(
        "/api/reports", headers=rider, json=report_body(category="fire_hazard")
    ).json()["id"]
    client.post(f"/api/reports/{report}/accept", headers=token(client, "officer"), json={})
    assert client.get("/api/reports/rewards/mine", headers=rider).json()["total_fen"] == 8000
    ledger = client.get("/api/reports/rewards/ledger", headers=admin).json()
    assert [e["kind"] for e in ledger] == ["payout", "top_up", "top_up"]
    assert client.get("/api/reports/rewards/pool", headers=rider).status_code == 403


def test_the_dashboard_over_http(client: TestClient) -> None:
    rider, officer, admin = token(client, "rider"), token(client, "officer"), token(client, "admin")
    client.post("/api/reports", headers=rider, json=report_body(description="=cmd|' /C calc'!A0"))
    assert client.get("/api/dashboard/reports", headers=rider).status_code == 403
    summary = client.get(
        "/api/dashboard/reports", headers=officer, params={"bucket": "week"}
    ).json()
    assert summary["total"] == 1
    assert summary["bucket"] == "week"
    assert (
        client.get("/api/dashboard/reports", headers=admin, params={"bucket": "year"}).status_code
        == 422
    )
    assert (
        client.get(
            "/api/dashboard/reports", headers=admin, params={"since": "2024-01-01"}
        ).status_code
        == 422
    )
    heat = client.get("/api/dashboard/heatmap", headers=admin).json()
    assert heat["max"] == 1
    assert len(heat["cells"]) == 1
    exported = client.get("/api/dashboard/reports.csv", headers=admin)
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"].startswith('attachment; filename="reports-')
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["description"].startswith("'=")
    counts = client.get("/api/dashboard/counts.csv", headers=admin)
    assert (
        counts.text.lstrip("\ufeff")
        .splitlines()[1]
        .endswith(",wanli,fire_passage_blocked,submitted,1")
    )
