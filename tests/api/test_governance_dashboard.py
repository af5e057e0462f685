"""The district overview over HTTP. The boundary is tried through every endpoint (JSON,
GeoJSON, CSV, XLSX): a grid officer of A asking for B gets a 403 naming `subdistrict`;
asking for nothing gets A's figures only (B's numbers appear nowhere, totals included);
district admins see both. Riders and callers signed out read nothing; a window of more
than a year, dates in the wrong order or not dates are 422s that say why."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from services.governance.dashboard_support import (
    EXPECTED,
    HELD_FILED,
    NOW,
    SINCE,
    UNTIL,
    A,
    B,
    seed_overview,
)
from support import add_account, token

ROUTES = (
    "/api/governance/overview",
    "/api/governance/overview.geojson",
    "/api/governance/overview.csv",
    "/api/governance/overview.xlsx",
)
WINDOW = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
EN = {"Accept-Language": "en"}
PROBLEM = "application/problem+json"


@pytest.fixture
def seeded(platform: Platform) -> None:
    platform.governance.clock = lambda: NOW
    seed_overview(platform)
    add_account(platform, "dash-admin", Role.admin)


def _read(route: str, response: Any) -> dict[tuple[str, str], Any]:
    """{(sub-district, figure): total} from any of the four answers."""
    assert response.status_code == 200, response.text
    if route.endswith("overview"):
        body = response.json()
        return {
            (s["code"], k): v
            for s in body["subdistricts"]
            for k, v in s["total"].items()
            if isinstance(v, int)
        } | {("*", k): v for k, v in body["total"]["total"].items() if isinstance(v, int)}
    if route.endswith(".geojson"):
        assert response.headers["content-type"].startswith("application/geo+json")
        return {
            (f["id"], k): v
            for f in response.json()["features"]
            for k, v in f["properties"].items()
            if isinstance(v, int)
        }
    if route.endswith(".csv"):
        assert response.headers["content-type"].startswith("text/csv")
        rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        return {
            (r["subdistrict"], r["figure"]): _number(r["value"])
            for r in rows
            if r["month"] == "total"
        }
    book = load_workbook(io.BytesIO(response.content))
    sheet = list(book["overview"].iter_rows(values_only=True))[1:]
    return {(row[1], row[5]): _number(row[7]) for row in sheet if row[0] == "total"}


def _number(value: Any) -> Any:
    """A count as a number; "<3" (a small count in an officer's file) as it is."""
    return value if value in ("<3", "*") else int(float(value))


@pytest.mark.parametrize("route", ROUTES)
def test_an_officer_sees_only_their_own_sub_district_through_every_endpoint(
    client: TestClient, seeded: None, route: str
) -> None:
    r = client.get(route, params=WINDOW, headers=token(client, "dash-officer-a"))
    figures = _read(route, r)
    assert {sub for sub, _ in figures} <= {A, "*"}  # "*": the answer's total, of A alone
    assert figures[(A, "complaints")] == EXPECTED[A]["complaints"]
    assert figures[(A, "reports_filed")] == EXPECTED[A]["reports_filed"] - HELD_FILED
    file = route.endswith((".csv", ".xlsx"))
    # 2 items: exact on the page, "<3" in a file that leaves the platform.
    assert figures[(A, "relay_delivered")] == ("<3" if file else EXPECTED[A]["relay_delivered"])
    assert figures[(A, "map_nearby")] == EXPECTED[A]["map_nearby"]
    if route.endswith("overview"):  # the total the officer sees is their own, not the district's
        assert figures[("*", "complaints")] == EXPECTED[A]["complaints"]
        assert figures[("*", "bed_nights")] == EXPECTED[A]["bed_nights"]
    if route.endswith(".csv"):
        assert "*" not in {sub for sub, _ in figures}  # no district total in an officer's file


@pytest.mark.parametrize("route", ROUTES)
def test_an_officer_asking_for_another_sub_district_is_refused(
    client: TestClient, seeded: None, route: str
) -> None:
    headers = token(client, "dash-officer-a") | EN
    r = client.get(route, params=WINDOW | {"subdistrict": B}, headers=headers)
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "own sub-district" in r.json()["detail"]


@pytest.mark.parametrize("route", ROUTES)
def test_an_admin_sees_both_sub_districts(client: TestClient, seeded: None, route: str) -> None:
    headers = token(client, "dash-admin")
    figures = _read(route, client.get(route, params=WINDOW, headers=headers))
    for sub in (A, B):
        for figure in ("complaints", "reports_filed", "survey_answers", "meals_delivered"):
            assert figures[(sub, figure)] == EXPECTED[sub][figure], (sub, figure)
    one = _read(route, client.get(route, params=WINDOW | {"subdistrict": B}, headers=headers))
    assert {sub for sub, _ in one} <= {B, "*"}
    assert one[(B, "volunteer_tasks_done")] == EXPECTED[B]["volunteer_tasks_done"]


@pytest.mark.parametrize("route", ROUTES)
def test_riders_and_callers_signed_out_read_nothing(
    client: TestClient, seeded: None, route: str
) -> None:
    assert client.get(route, params=WINDOW).status_code == 401
    rider = client.get(route, params=WINDOW, headers=token(client, "dash-rider"))
    assert rider.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2025-01-01", "until": "2026-01-02"}, "since"),
        ({"since": "2025-05-01", "until": "2025-04-01"}, "since"),
        ({"since": "not-a-day"}, "since"),
        ({"subdistrict": "atlantis"}, "subdistrict"),
    ],
)
def test_a_bad_window_is_a_clear_422(
    client: TestClient, seeded: None, params: dict[str, str], field: str
) -> None:
    for route in ROUTES:
        r = client.get(route, params=params, headers=token(client, "dash-admin") | EN)
        assert r.status_code == 422, (route, r.text)
        assert r.headers["content-type"].startswith(PROBLEM)
        body = r.json()
        fields = [e.get("field", "") for e in body.get("errors", [])] + [body.get("field", "")]
        assert any(field in f for f in fields if f), body


def test_the_files_are_named_for_their_window_and_in_the_readers_language(
    client: TestClient, seeded: None
) -> None:
    r = client.get(
        "/api/governance/overview.csv",
        params=WINDOW,
        headers=token(client, "dash-officer-a") | {"Accept-Language": "zh-CN"},
    )
    assert f"district-overview-{A}-2025-01-01-2025-12-31.csv" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    assert "外卖配送相关热线投诉" in text
    assert "万里街道" in text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_hotspots_files_keep_the_boundary(client: TestClient, seeded: None, kind: str) -> None:
    route = f"/api/governance/hotspots.{kind}"
    officer = token(client, "dash-officer-a") | EN
    mine = client.get(route, params=WINDOW, headers=officer)
    assert mine.status_code == 200, mine.text
    assert f"hotspots-{A}-2025-01-01-2025-12-31.{kind}" in mine.headers["content-disposition"]
    across = client.get(route, params=WINDOW | {"subdistrict": B}, headers=officer)
    assert across.status_code == 403
    assert across.headers["content-type"].startswith(PROBLEM)
    assert client.get(route, params=WINDOW, headers=token(client, "dash-rider")).status_code == 403
    bad = client.get(route, params={"cell_m": 10}, headers=token(client, "dash-admin"))
    assert bad.status_code == 422


def test_map_use_from_the_map_reaches_the_overview(client: TestClient, seeded: None) -> None:
    platform: Platform = client.app.state.platform  # type: ignore[attr-defined]
    wanli = platform.district.get(A)
    assert wanli is not None
    for _ in range(3):
        r = client.get("/api/places/nearby", params={"lat": wanli.lat, "lon": wanli.lon})
        assert r.status_code == 200
    today = {"since": NOW.date().isoformat(), "until": NOW.date().isoformat()}
    body = client.get(
        "/api/governance/overview", params=today, headers=token(client, "dash-officer-a")
    ).json()
    assert body["total"]["total"]["map_nearby"] == 3
    assert body["subdistricts"][0]["code"] == A
