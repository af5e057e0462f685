"""The dashboard is scoped by who asks: a grid officer sees the numbers, lists and exports of
their own sub-district only (asking for another is a 403 naming `subdistrict`), never a held
report; district admins see the whole district, held reports included. Nobody signed out,
and no rider, reads any of it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gigcity.db.models import utcnow
from gigcity.services.platform import Platform
from gigcity.services.reports import BanIn, DispatchIn, NoteIn, PhotoStore, ResolveIn
from services.reports.reports_support import (
    ADMIN,
    CHANGZHENG,
    WANLI,
    database_url,
    jpeg,
    new_report,
    scene,
    setup_district,
)
from support import World, principal, token

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests
PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}
ROUTES = ("/api/dashboard/reports", "/api/dashboard/heatmap", "/api/dashboard/reports.csv",
          "/api/dashboard/counts.csv")  # fmt: skip
HELD_TEXT = "held: someone under review wrote this"
OTHER_TEXT = "changzheng: a private address inside"


@pytest.fixture(autouse=True)
def _ready(platform: Platform, world: World, tmp_path: Path) -> None:
    platform.reports.photos = PhotoStore(tmp_path / "photos")
    setup_district(platform, world)


def _resolve(platform: Platform, who: str, report: int) -> None:
    """Accept, dispatch, start and resolve `report` as `who` (an admin may do so to a held
    report without releasing it)."""
    actor = principal(platform, who)
    platform.reports.accept(actor, report, NoteIn())
    platform.reports.dispatch(actor, report, DispatchIn(to="team"))
    platform.reports.start(actor, report, NoteIn())
    photo = platform.reports.stage_photo(actor, jpeg(scene(seed=report)))
    platform.reports.resolve(actor, report, ResolveIn(photo_ids=[photo.id]))


def _seed(platform: Platform, world: World) -> dict[str, int]:
    """Two reports in wanli (one resolved after an hour), one in changzheng, two held in
    wanli (one resolved by an admin after two hours, without releasing it); filed 3 hours
    ago, so the unresolved ones (elder needs help: 2 h) are overdue now."""
    start = utcnow() - timedelta(hours=3)
    platform.reports.clock = lambda: start
    ids = {
        "wanli": new_report(platform, category="elder_needs_help", description="wanli open"),
        "wanli_done": new_report(platform, category="road_hazard", description="wanli done"),
        "other": new_report(
            platform, category="elder_needs_help", at=CHANGZHENG, description=OTHER_TEXT
        ),
    }
    platform.reports.ban(ADMIN, BanIn(account_id=world.ids["rider2"], reason="review"))
    ids["held"] = new_report(platform, "rider2", category="elder_needs_help", description=HELD_TEXT)
    ids["held_done"] = new_report(platform, "rider2", category="road_hazard", description=HELD_TEXT)
    platform.reports.clock = lambda: start + timedelta(hours=1)
    _resolve(platform, "officer", ids["wanli_done"])
    platform.reports.clock = lambda: start + timedelta(hours=2)
    _resolve(platform, "admin", ids["held_done"])
    platform.reports.clock = lambda: start + timedelta(hours=3)
    return ids


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_an_officer_reads_only_their_own_subdistrict(
    client: TestClient, platform: Platform, world: World
) -> None:
    ids = _seed(platform, world)
    officer = token(client, "officer") | EN
    summary = client.get("/api/dashboard/reports", headers=officer)
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["total"] == 2  # wanli's two; not changzheng's, not the held ones
    assert [s["code"] for s in body["by_subdistrict"]] == ["wanli"]
    assert body["by_subdistrict"][0]["count"] == 2
    assert sum(body["by_category"].values()) == 2
    assert sum(p["total"] for p in body["series"]) == 2
    assert [o["id"] for o in body["overdue"]] == [ids["wanli"]]
    assert body["overdue_total"] == 1
    assert body["resolution"]["resolved"] == 1
    # Asking for none is asking for their own; asking for their own is the same.
    own = client.get("/api/dashboard/reports", headers=officer, params={"subdistrict": "wanli"})
    assert own.json()["total"] == 2
    heat = client.get("/api/dashboard/heatmap", headers=officer).json()
    assert sum(c[2] for c in heat["cells"]) == 2
    assert all(abs(c[0] - WANLI[0]) < 0.01 for c in heat["cells"])
    rows = _csv(client.get("/api/dashboard/reports.csv", headers=officer).text)
    assert sorted(int(r["id"]) for r in rows) == sorted([ids["wanli"], ids["wanli_done"]])
    exported = client.get("/api/dashboard/reports.csv", headers=officer).text
    assert HELD_TEXT not in exported
    assert OTHER_TEXT not in exported
    counts = _csv(client.get("/api/dashboard/counts.csv", headers=officer).text)
    assert {r["subdistrict"] for r in counts} == {"wanli"}
    assert sum(int(r["count"]) for r in counts) == 2


@pytest.mark.parametrize("route", ROUTES)
def test_an_officer_asking_for_another_subdistrict_is_refused_naming_it(
    client: TestClient, platform: Platform, world: World, route: str
) -> None:
    _seed(platform, world)
    r = client.get(
        route, headers=token(client, "officer") | EN, params={"subdistrict": "changzheng"}
    )
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["field"] == "subdistrict"
    assert "万里街道" in r.json()["detail"]  # their own, by name
    assert OTHER_TEXT not in r.text


def test_admins_see_the_whole_district_held_reports_included(
    client: TestClient, platform: Platform, world: World
) -> None:
    ids = _seed(platform, world)
    admin = token(client, "admin")
    body = client.get("/api/dashboard/reports", headers=admin).json()
    assert body["total"] == 5
    assert len(body["by_subdistrict"]) == 10
    assert {o["id"] for o in body["overdue"]} == {ids["wanli"], ids["other"], ids["held"]}
    exported = client.get("/api/dashboard/reports.csv", headers=admin).text
    assert HELD_TEXT in exported
    assert OTHER_TEXT in exported
    only = client.get("/api/dashboard/reports", headers=admin, params={"subdistrict": "changzheng"})
    assert only.json()["total"] == 1
    heat = client.get("/api/dashboard/heatmap", headers=admin).json()
    assert sum(c[2] for c in heat["cells"]) == 5


def test_held_reports_resolved_by_an_admin_are_not_in_an_officers_resolution_times(
    client: TestClient, platform: Platform, world: World
) -> None:
    _seed(platform, world)
    officer_view = client.get("/api/dashboard/reports", headers=token(client, "officer")).json()
    assert officer_view["resolution"]["resolved"] == 1
    assert officer_view["resolution"]["median_hours"] == pytest.approx(1.0)
    assert officer_view["resolution"]["p90_hours"] == pytest.approx(1.0)
    admin_view = client.get("/api/dashboard/reports", headers=token(client, "admin")).json()
    assert admin_view["resolution"]["resolved"] == 2
    assert admin_view["resolution"]["median_hours"] == pytest.approx(1.5)
    wanli = client.get(
        "/api/dashboard/reports", headers=token(client, "admin"), params={"subdistrict": "wanli"}
    ).json()
    assert wanli["resolution"]["resolved"] == 2  # admins see the held one in wanli too


@pytest.mark.parametrize("route", ROUTES)
def test_no_dashboard_route_is_public_or_for_riders(client: TestClient, route: str) -> None:
    assert client.get(route).status_code == 401
    assert client.get(route, headers=token(client, "rider")).status_code == 403
    assert client.get(route, headers=token(client, "staff")).status_code == 403
