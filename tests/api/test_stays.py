"""The stays API on SQLite and PostgreSQL: who may call each endpoint (401, 403), bad input
(422), what does not exist (404), conflicts (409 with the reason), a stay's whole way
through it, and many riders at once for the last beds."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gigcity.db.models import StayBooking
from gigcity.db.session import transaction
from gigcity.services.accounts import AccountCreate, Role, create_account
from gigcity.services.accounts.service import issue_token
from gigcity.services.platform import Platform
from gigcity.services.stays import BookIn
from services.stays.stays_support import TODAY, StaysWorld, make_stays_world
from support import PASSWORD, token


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    return make_stays_world(platform)


def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    return {
        name: token(client, name)
        for name in ("admin", "rider", "rider2", "staff", "homestaff", "officer")
    }


@pytest.mark.one_database  # the HTTP layer; tests/services/stays tries both databases
def test_who_may_call_each_endpoint(client: TestClient, sw: StaysWorld) -> None:
    t = tokens(client)
    home, room, bed = sw.home_id, sw.rooms["men"], sw.beds["M1"]
    booking = client.post(
        "/api/stays/bookings", headers=t["rider"], json={"place_id": home, "night": str(TODAY)}
    ).json()["id"]
    home_body = {"house_rules": "", "checkin_cutoff": "23:00", "nap_slots": []}
    night = {"night": str(TODAY)}
    cases: list[tuple[str, str, Any, list[str]]] = [  # method, path, body, roles refused
        ("put", f"/api/stays/homes/{home}", home_body, ["rider", "staff", "officer"]),
        ("get", f"/api/stays/homes/{home}", None, []),
        ("post", f"/api/stays/homes/{home}/rooms", {"name": "r", "section": "men"}, ["rider"]),
        ("put", f"/api/stays/rooms/{room}", {"name": "r", "section": "men"}, ["rider", "staff"]),
        ("post", f"/api/stays/rooms/{room}/beds", {"label": "x"}, ["rider", "staff"]),
        ("put", f"/api/stays/beds/{bed}", {"label": "M1"}, ["rider", "staff", "officer"]),
        ("post", "/api/stays/bookings", {"place_id": home, **night}, ["admin", "homestaff"]),
        ("get", "/api/stays/bookings/mine", None, ["admin", "homestaff", "officer"]),
        ("get", f"/api/stays/bookings/{booking}", None, ["rider2", "staff", "officer"]),
        ("post", f"/api/stays/bookings/{booking}/accept", None, ["homestaff", "admin"]),
        ("post", f"/api/stays/bookings/{booking}/cancel", None, ["rider2", "staff"]),
        ("post", f"/api/stays/homes/{home}/check-in", {"code": "ABCDEFGHJK"}, ["rider", "staff"]),
        ("post", f"/api/stays/bookings/{booking}/check-out", None, ["rider", "staff"]),
        ("get", f"/api/stays/homes/{home}/bookings", None, ["rider", "staff", "officer"]),
        ("post", "/api/stays/sweep", None, ["rider", "homestaff"]),
        ("post", f"/api/stays/homes/{home}/waits", night, ["homestaff", "admin"]),
        ("get", "/api/stays/waits/mine", None, ["homestaff", "admin"]),
        ("post", "/api/stays/waits/1/leave", None, ["homestaff", "admin"]),
    ]
    for method, path, body, refused in cases:
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, path, **kwargs)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        for who in refused:
            r = client.request(method, path, headers=t[who], **kwargs)
            assert r.status_code == 403, (method, path, who, r.text)
            assert r.json()["title"]
    # The free beds near a point are public: the map shows them signed out.
    r = client.get("/api/stays/homes", params={"lon": 121.401, "lat": 31.272})
    assert r.status_code == 200, r.text
    assert r.json()[0]["free"] == 3


@pytest.mark.one_database  # the service beneath: tests/services/stays, both databases
def test_a_stay_through_the_api(client: TestClient, platform: Platform, sw: StaysWorld) -> None:
    t = tokens(client)
    home = sw.home_id
    r = client.put(
        f"/api/stays/homes/{home}",
        headers=t["homestaff"],
        json={
            "house_rules": "22:00 后请保持安静",
            "checkin_cutoff": "01:00",
            "nap_slots": [{"starts": "13:00", "ends": "15:00"}],
        },
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/stays/homes/{home}/rooms",
        headers=t["homestaff"],
        json={"name": "躺椅区", "section": "mixed"},
    )
    assert r.status_code == 201, r.text
    room = r.json()["id"]
    r = client.post(
        f"/api/stays/rooms/{room}/beds",
        headers=t["homestaff"],
        json={"label": "R1", "kind": "recliner", "price_fen": 0},
    )
    assert r.status_code == 201, r.text
    recliner = r.json()["id"]
    r = client.put(
        f"/api/stays/beds/{recliner}",
        headers=t["homestaff"],
        json={"label": "R1", "kind": "recliner", "price_fen": 500},
    )
    assert r.json()["price_fen"] == 500
    r = client.get(f"/api/stays/homes/{home}", params={"night": str(TODAY)}, headers=t["rider"])
    assert r.status_code == 200, r.text
    assert r.json()["checkin_cutoff"] == "01:00"
    assert all(b["free"] for room_ in r.json()["rooms"] for b in room_["beds"])
    r = client.post(
        "/api/stays/bookings",
        headers=t["rider"],
        json={"place_id": home, "night": str(TODAY), "nights": 2, "bed_kind": "recliner"},
    )
    assert r.status_code == 201, r.text
    booked = r.json()
    assert booked["bed_label"] == "R1"
    assert booked["check_by"] == "2026-12-04T17:00:00Z"  # 01:00 the next day in Shanghai
    assert [b["id"] for b in client.get("/api/stays/bookings/mine", headers=t["rider"]).json()] == [
        booked["id"]
    ]
    r = client.get(f"/api/stays/homes/{home}/bookings", headers=t["homestaff"])
    assert [(b["id"], b["guest"], b["code"]) for b in r.json()] == [(booked["id"], "Wang", None)]
    sw.clock.to(TODAY, 21)
    r = client.post(
        f"/api/stays/homes/{home}/check-in", headers=t["homestaff"], json={"code": "XXXXXXXXXX"}
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/stays/homes/{home}/check-in", headers=t["homestaff"], json={"code": booked["code"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "checked_in"
    r = client.post(f"/api/stays/bookings/{booked['id']}/cancel", headers=t["rider"])
    assert r.status_code == 409
    r = client.post(f"/api/stays/bookings/{booked['id']}/check-out", headers=t["homestaff"])
    assert r.json()["state"] == "checked_out"
    r = client.post(f"/api/stays/bookings/{booked['id']}/check-out", headers=t["homestaff"])
    assert r.status_code == 409
    assert r.json()["detail"] == "只有已入住的住客才能办理退房。"
    r = client.post(f"/api/stays/bookings/{booked['id']}/check-out", headers=t["admin"])
    assert r.status_code == 409
    assert client.post("/api/stays/sweep", headers=t["admin"]).json() == {
        "no_shows": 0, "lapsed": 0, "offered": 0,
    }  # fmt: skip


@pytest.mark.one_database  # the service beneath: tests/services/stays, both databases
def test_the_waiting_list_through_the_api(client: TestClient, sw: StaysWorld) -> None:
    t = tokens(client)
    home = sw.home_id
    r = client.post(
        "/api/stays/bookings",
        headers=t["rider"],
        json={"place_id": home, "night": str(TODAY), "section": "women"},
    )
    booking = r.json()["id"]
    body = {"night": str(TODAY), "section": "women"}
    r = client.post(f"/api/stays/homes/{home}/waits", headers=t["rider2"], json=body)
    assert r.status_code == 201, r.text
    assert r.json()["position"] == 1
    r = client.post(f"/api/stays/homes/{home}/waits", headers=t["rider2"], json=body)
    assert r.status_code == 409
    client.post(f"/api/stays/bookings/{booking}/cancel", headers=t["rider"])
    assert client.get("/api/stays/waits/mine", headers=t["rider2"]).json()[0]["state"] == "offered"
    offer = client.get("/api/stays/bookings/mine", headers=t["rider2"]).json()[0]
    assert offer["state"] == "offered"
    assert offer["offer_expires_at"]
    r = client.post(f"/api/stays/bookings/{offer['id']}/accept", headers=t["rider"])
    assert r.status_code == 403
    r = client.post(f"/api/stays/bookings/{offer['id']}/accept", headers=t["rider2"])
    assert r.status_code == 200, r.text
    assert r.json()["code"]
    # Leave a list: wait for tomorrow's women's bed, then leave.
    client.post(
        "/api/stays/bookings",
        headers=t["rider"],
        json={"place_id": home, "night": str(TODAY + timedelta(days=1)), "section": "women"},
    )
    tomorrow = {"night": str(TODAY + timedelta(days=1)), "section": "women"}
    wait = client.post(f"/api/stays/homes/{home}/waits", headers=t["rider2"], json=tomorrow).json()
    r = client.post(f"/api/stays/waits/{wait['id']}/leave", headers=t["rider2"])
    assert r.json()["state"] == "left"
    assert (
        client.post(f"/api/stays/waits/{wait['id']}/leave", headers=t["rider2"]).status_code == 409
    )
    assert (
        client.post(f"/api/stays/waits/{wait['id']}/leave", headers=t["rider"]).status_code == 404
    )


BAD_INPUT: list[tuple[str, str, Any]] = [
        ("put", "/api/stays/homes/{home}", {"checkin_cutoff": "12:00"}),
        ("put", "/api/stays/homes/{home}", {"checkin_cutoff": "25:00"}),
        ("put", "/api/stays/homes/{home}", {"nap_slots": [{"starts": "15:00", "ends": "13:00"}]}),
        ("put", "/api/stays/homes/{home}", {"nap_slots": [{"starts": "08:00", "ends": "09:00"}]}),
        ("put", "/api/stays/homes/{home}", {"nap_slots": [
            {"starts": "13:00", "ends": "15:00"}, {"starts": "14:00", "ends": "16:00"}]}),
        ("put", "/api/stays/homes/{home}", {"house_rules": "x", "extra": 1}),
        ("post", "/api/stays/homes/{home}/rooms", {"name": "r", "section": "kids"}),
        ("post", "/api/stays/rooms/{room}/beds", {"label": "", "kind": "single"}),
        ("post", "/api/stays/rooms/{room}/beds", {"label": "x", "kind": "sofa"}),
        ("post", "/api/stays/rooms/{room}/beds", {"label": "x", "price_fen": -1}),
        ("post", "/api/stays/bookings", {"place_id": "{home}"}),
        ("post", "/api/stays/bookings", {"place_id": "{home}", "night": "{today}", "nights": 8}),
        ("post", "/api/stays/bookings", {"place_id": "{home}", "night": "{late}"}),
        ("post", "/api/stays/bookings", {"place_id": "{home}", "kind": "nap"}),
        ("post", "/api/stays/bookings", {"place_id": "{home}", "kind": "nap", "nap_starts": "11:00"}),
        ("post", "/api/stays/bookings", {"place_id": 0, "night": "{today}"}),
        ("post", "/api/stays/bookings", {"place_id": "{home}", "night": "tonight"}),
        ("post", "/api/stays/homes/{home}/check-in", {"code": "x"}),
        ("post", "/api/stays/homes/{home}/waits", {"night": "{late}"}),
        ("get", "/api/stays/homes?lon=200&lat=31", None),
        ("get", "/api/stays/homes?lon=121&lat=31&radius_m=0", None),
        ("get", "/api/stays/homes/abc", None),
    ]  # fmt: skip


@pytest.mark.one_database
def test_bad_input_is_422(client: TestClient, sw: StaysWorld) -> None:
    t = tokens(client)
    names = {"home": sw.home_id, "room": sw.rooms["men"], "today": TODAY,
             "late": TODAY + timedelta(days=9)}  # fmt: skip

    def fill(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{"):
            filled = value.format(**names)
            return int(filled) if filled.isdigit() else filled
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    for method, path, body in BAD_INPUT:
        who = "homestaff" if method == "put" or "rooms" in path or "check-in" in path else "rider"
        kwargs = {} if body is None else {"json": fill(body)}
        r = client.request(method, path.format(**names), headers=t[who], **kwargs)
        assert r.status_code == 422, (method, path, body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.one_database
def test_what_does_not_exist_is_404(client: TestClient, sw: StaysWorld) -> None:
    t = tokens(client)
    station = sw.world.station_id  # a service point that takes no stays
    for method, path, body, who in [
        ("get", f"/api/stays/homes/{station}", None, "rider"),
        ("put", "/api/stays/homes/9999", {}, "admin"),
        ("post", f"/api/stays/homes/{station}/rooms", {"name": "r", "section": "men"}, "admin"),
        ("put", "/api/stays/rooms/9999", {"name": "r", "section": "men"}, "admin"),
        ("post", "/api/stays/rooms/9999/beds", {"label": "x"}, "admin"),
        ("put", "/api/stays/beds/9999", {"label": "x"}, "admin"),
        ("post", "/api/stays/bookings", {"place_id": station, "night": str(TODAY)}, "rider"),
        ("post", "/api/stays/bookings", {"place_id": sw.home_id, "night": str(TODAY), "bed_id": 9999}, "rider"),
        ("get", "/api/stays/bookings/9999", None, "rider"),
        ("post", "/api/stays/bookings/9999/accept", None, "rider"),
        ("post", "/api/stays/bookings/9999/cancel", None, "rider"),
        ("post", "/api/stays/bookings/9999/check-out", None, "admin"),
        ("get", f"/api/stays/homes/{station}/bookings", None, "admin"),
        ("post", f"/api/stays/homes/{station}/waits", {"night": str(TODAY)}, "rider"),
        ("post", "/api/stays/waits/9999/leave", None, "rider"),
    ]:  # fmt: skip
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, path, headers=t[who], **kwargs)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["detail"]


@pytest.mark.one_database
def test_refusals_are_409_in_the_readers_language(client: TestClient, sw: StaysWorld) -> None:
    t = tokens(client)
    body = {"place_id": sw.home_id, "night": str(TODAY), "bed_id": sw.beds["W1"]}
    assert client.post("/api/stays/bookings", headers=t["rider"], json=body).status_code == 201
    r = client.post(
        "/api/stays/bookings", headers={**t["rider2"], "Accept-Language": "zh-CN"}, json=body
    )
    assert r.status_code == 409
    assert r.json()["detail"] == "该床位在这段时间已被预订。"
    r = client.post(
        "/api/stays/bookings", headers=t["rider"], json={**body, "bed_id": sw.beds["M1"]}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == "你在这段时间已有床位。"


def race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def riders(platform: Platform, n: int) -> list[dict[str, str]]:
    """`n` new riders' authorization headers (tokens issued without signing in)."""
    heads = []
    key = platform.accounts.signing_key  # made before the transaction (it may write it)
    with transaction(platform.factory) as session:
        for i in range(n):
            account = create_account(
                session,
                AccountCreate(username=f"racer{i}", password=PASSWORD, display_name=f"R{i}",
                              role=Role.rider),
                platform.district,
            )  # fmt: skip
            session.flush()
            out = issue_token(account, key, timedelta(hours=1))
            heads.append({"Authorization": f"Bearer {out.access_token}"})
    return heads


def test_many_riders_for_the_last_two_beds_get_two_bookings(
    client: TestClient, platform: Platform, sw: StaysWorld
) -> None:
    # Two of the four beds are taken: two left, for 24 riders at once.
    platform.stays.book(
        sw.riders[2], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["M1"])
    )
    platform.stays.book(
        sw.riders[3], BookIn(place_id=sw.home_id, night=TODAY, bed_id=sw.beds["W1"])
    )
    body = {"place_id": sw.home_id, "night": str(TODAY)}
    heads = riders(platform, 24)
    calls = [(lambda h=h: client.post("/api/stays/bookings", headers=h, json=body)) for h in heads]
    responses = race(calls)
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 2, 409: 22}, codes
    refusals = {r.json()["detail"] for r in responses if r.status_code == 409}
    assert refusals == {"这段时间本处没有这类空床位了。"}
    with platform.factory() as session:
        active = session.scalar(
            select(func.count()).select_from(StayBooking).where(StayBooking.state == "booked")
        )
    assert active == 4


def test_many_riders_for_one_bed_get_one_booking(
    client: TestClient, platform: Platform, sw: StaysWorld
) -> None:
    body = {"place_id": sw.home_id, "night": str(TODAY), "bed_id": sw.beds["M3"], "nights": 2}
    responses = race(
        [
            (lambda h=h: client.post("/api/stays/bookings", headers=h, json=body))
            for h in riders(platform, 20)
        ]
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        "该床位在这段时间已被预订。"
    }
