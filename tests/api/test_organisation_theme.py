"""The theme-day API: who may call what (401 signed out, 403 for other roles), bad input
(422 naming the field), and the ways that matter: the public list never shows a code, the
station's staff get it with the QR code and poster, a rider checks in by it (201, then 200
with the same attendance), is refused outside the window in their language, checks in
online on shift; the staff add a make-up session and read who came."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from support import Clock, World, add_account, problem_fields, token

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
API = "/api/organisation/theme-days"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_THE_DAY = datetime(2026, 10, 19, 10, 0, tzinfo=SHANGHAI)  # 17 Oct 2026 is a Saturday


@pytest.fixture
def t(client: TestClient, world: World, platform: Platform) -> dict[str, dict[str, str]]:
    platform.theme_days.now = Clock(ON_THE_DAY)
    names = ("admin", "rider", "rider2", "staff")
    return {name: token(client, name) | EN for name in names}


@pytest.mark.one_database
def test_callers_and_bad_input(
    client: TestClient, world: World, t: dict[str, dict[str, str]]
) -> None:
    mine = client.get(f"{API}?station={world.station_id}").json()[0]
    station = f"{API}/stations/{world.station_id}"
    assert client.post(f"{API}/checkin", json={"code": "x" * 22}).status_code == 401
    assert (
        client.post(f"{API}/checkin", json={"code": "x" * 22}, headers=t["staff"]).status_code
        == 403
    )
    assert client.post(f"{API}/{mine['id']}/online", headers=t["staff"]).status_code == 403
    assert client.get(f"{API}/mine", headers=EN).status_code == 401
    assert client.get(f"{API}/mine", headers=t["staff"]).status_code == 403
    assert client.get(station, headers=EN).status_code == 401
    assert client.get(station, headers=t["rider"]).status_code == 403
    assert client.get(f"{API}/stations/{world.home_id}", headers=t["staff"]).status_code == 403
    assert client.get(f"{API}/{mine['id']}/attendance", headers=t["rider"]).status_code == 403
    assert client.get(f"{API}/{mine['id']}/poster", headers=t["rider"]).status_code == 403
    assert client.get(f"{API}/{mine['id']}/poster").status_code == 401
    makeup = f"{API}/{mine['id']}/makeups"
    assert (
        client.post(makeup, json={"held_on": "2026-10-22"}, headers=t["rider"]).status_code == 403
    )

    for body in ({"code": ""}, {"code": "has spaces in it"}, {}):
        r = client.post(f"{API}/checkin", json=body, headers=t["rider"])
        assert r.status_code == 422
        assert any(f.endswith("code") for f in problem_fields(r)), r.json()
    for query, field in (("month=2026-13", "month"), ("month=2031-01", "month"),
                         ("station=abc", "station"), (f"station={world.other_station_id}", "station")):  # fmt: skip
        r = client.get(f"{API}?{query}", headers=EN)
        assert r.status_code == 422, query
        assert any(f.endswith(field) for f in problem_fields(r)), (query, r.json())
    for held_on in ("17 October", "2026-10-19", "2026-11-03"):
        r = client.post(makeup, json={"held_on": held_on}, headers=t["staff"])
        assert r.status_code == 422, held_on
        assert any(f.endswith("held_on") for f in problem_fields(r)), r.json()
    r = client.post(f"{API}/checkin", json={"code": "x" * 22}, headers=t["rider"])
    assert r.status_code == 404
    assert client.post(f"{API}/999999/online", headers=t["rider"]).status_code == 404
    assert client.get(f"{API}/999999/attendance", headers=t["admin"]).status_code == 404


@pytest.mark.one_database
def test_check_in_by_code_online_and_make_up(
    client: TestClient, world: World, platform: Platform, t: dict[str, dict[str, str]]
) -> None:
    public = client.get(API, params={"month": "2026-10"}).json()
    assert {d["held_on"] for d in public} == {"2026-10-19"}
    assert {d["moved_from"] for d in public} == {"2026-10-17"}
    assert all("code" not in d for d in public)

    mine = client.get(f"{API}/stations/{world.station_id}", headers=t["staff"]).json()
    theme = mine["sessions"][0]
    assert theme["checkin_url"].endswith(f"/theme-day?code={theme['code']}")
    assert theme["qr_svg"].startswith("<svg")
    assert (mine["makeup_from"], mine["makeup_until"]) == ("2026-10-20", "2026-11-02")

    first = client.post(f"{API}/checkin", json={"code": theme["code"]}, headers=t["rider"])
    assert first.status_code == 201, first.text
    assert (first.json()["mode"], first.json()["already"]) == ("station", False)
    again = client.post(f"{API}/checkin", json={"code": theme["code"]}, headers=t["rider"])
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["already"]) == (first.json()["id"], True)

    home = next(d for d in public if d["station_id"] == world.home_id)
    online = client.post(f"{API}/{home['id']}/online", headers=t["rider2"])
    assert online.status_code == 201
    assert online.json()["mode"] == "online"
    assert [a["month"] for a in client.get(f"{API}/mine", headers=t["rider2"]).json()] == [
        "2026-10"
    ]

    made = client.post(
        f"{API}/{theme['id']}/makeups",
        json={"held_on": "2026-10-24", "title": "补课：食品安全"},
        headers=t["staff"],
    )
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "makeup"
    came = client.get(f"{API}/{theme['id']}/attendance", headers=t["staff"]).json()
    assert (came["count"], came["attendees"][0]["display_name"]) == (1, "Wang")
    assert "account_id" not in came["attendees"][0]

    poster = client.get(f"{API}/{theme['id']}/poster", headers=t["staff"] | ZH)
    assert poster.headers["content-type"].startswith("image/svg+xml")
    assert "万里驿站" in poster.text
    assert "扫码签到" in poster.text

    platform.theme_days.now = Clock(datetime(2026, 10, 20, 8, 0, tzinfo=SHANGHAI))
    add_account(platform, "rider3", Role.rider)
    r = client.post(
        f"{API}/checkin", json={"code": theme["code"]}, headers=token(client, "rider3") | ZH
    )
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert "2026-10-19" in detail
    assert "06:00" in detail
    assert "签到" in detail
    late = client.post(f"{API}/checkin", json={"code": theme["code"]}, headers=t["rider"])
    assert (late.status_code, late.json()["already"]) == (200, True)  # came on the day
