"""The organisation overview over HTTP: signed out 401, any role but admin 403, a window of
months out of range 422 naming `months`; a rider's registration shows in this month's
check-ins and at its point; the exports carry the same figures, names in the reader's
language."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from support import World, token

API = "/api/organisation"
EN = {"Accept-Language": "en"}


@pytest.mark.one_database
def test_callers_and_bad_input(client: TestClient, world: World) -> None:
    for path in ("/overview", "/overview.csv", "/overview.xlsx"):
        assert client.get(API + path, headers=EN).status_code == 401
        for who in ("officer", "staff", "rider"):
            assert client.get(API + path, headers=token(client, who)).status_code == 403
    admin = token(client, "admin") | EN
    for months in ("0", "25", "twelve"):
        r = client.get(f"{API}/overview", params={"months": months}, headers=admin)
        assert r.status_code == 422
        assert "months" in r.text


def test_a_registration_counts_this_month_and_the_exports_agree(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin")
    point = {"subdistrict": "wanli", "place_id": world.station_id}
    point_id = client.put(f"{API}/checkin-points", json=point, headers=admin).json()["id"]
    r = client.post(f"{API}/checkin-points/{point_id}/register", headers=token(client, "rider"))
    assert r.status_code == 200, r.text

    r = client.get(f"{API}/overview", params={"months": 3}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["months"]) == 3
    assert body["months"][-1]["checkins"] == 1
    assert body["totals"]["members"] == 1
    assert body["points"] == [
        {"id": point_id, "subdistrict": "wanli", "subdistrict_name": "万里街道",
         "place_name": "万里驿站", "members": 1, "checkins": 1}
    ]  # fmt: skip
    assert "Wang" not in r.text  # counts, never a member's name

    r = client.get(f"{API}/overview.csv", params={"months": 3}, headers=admin | EN)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "organisation-overview-" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "month", "key", "name", "figure", "figure_name", "value"]
    assert ["total", "total", "", "", "checkins", "Check-ins at the points", "1"] in rows
    r = client.get(f"{API}/overview.xlsx", headers=admin)
    assert r.status_code == 200
    assert r.content[:2] == b"PK"
