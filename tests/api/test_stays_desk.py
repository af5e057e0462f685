"""The desk's walk-ins and moves through the API: who may call (401, 403), bad input (422
naming the field), what does not exist (404), a walk-in and a move the whole way (the
guest's desk code, the notices), and a refusal naming the bed in the reader's language.
The service beneath is tried on both databases in tests/services/stays/test_desk.py."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from services.stays.stays_support import TODAY, StaysWorld, make_stays_world
from support import problem_fields, token

pytestmark = pytest.mark.one_database


@pytest.fixture
def sw(platform: Platform) -> StaysWorld:
    world = make_stays_world(platform)
    world.clock.to(TODAY, 19)
    return world


def heads(client: TestClient) -> dict[str, dict[str, str]]:
    return {
        n: token(client, n) for n in ("admin", "rider", "rider2", "staff", "homestaff", "officer")
    }


def test_who_may_walk_guests_in_and_move_them(client: TestClient, sw: StaysWorld) -> None:
    t = heads(client)
    home = sw.home_id
    booking = client.post(
        "/api/stays/bookings", headers=t["rider"], json={"place_id": home, "night": str(TODAY)}
    ).json()["id"]
    cases: list[tuple[str, str, Any, list[str]]] = [  # method, path, body, roles refused
        ("post", f"/api/stays/homes/{home}/walk-in", {"guest": "rider2", "night": str(TODAY)},
         ["rider", "staff", "officer"]),
        ("post", f"/api/stays/bookings/{booking}/move", {"bed_id": sw.beds["M3"]},
         ["rider", "staff", "officer"]),
        ("get", "/api/stays/me/code", None, ["admin", "homestaff", "officer"]),
    ]  # fmt: skip
    for method, path, body, refused in cases:
        kwargs = {} if body is None else {"json": body}
        r = client.request(method, path, **kwargs)
        assert r.status_code == 401, (method, path, r.text)
        for who in refused:
            r = client.request(method, path, headers=t[who], **kwargs)
            assert r.status_code == 403, (method, path, who, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_input_names_the_field(client: TestClient, sw: StaysWorld) -> None:
    t = heads(client)
    walk = f"/api/stays/homes/{sw.home_id}/walk-in"
    night = {"night": str(TODAY)}
    for body, field in [
        (night, "guest"),
        ({**night, "guest": ""}, "guest"),
        ({**night, "guest": "x" * 65}, "guest"),
        ({**night, "guest": "nobody-by-that-name"}, "guest"),
        ({**night, "guest": "staff"}, "guest"),  # not a rider or driver
        ({**night, "guest": "12.99999999999.0123456789abcdef"}, "guest"),  # a forged code
        ({"guest": "rider2", "night": "tonight"}, "night"),
        ({"guest": "rider2", "night": str(TODAY), "nights": 8}, "nights"),
        ({"guest": "rider2", "night": str(TODAY), "bed_id": 0}, "bed_id"),
        ({"guest": "rider2", "night": str(TODAY), "check_in": "perhaps"}, "check_in"),
        ({"guest": "rider2", "night": str(TODAY), "phone": "138"}, "phone"),
    ]:
        r = client.post(walk, headers=t["homestaff"], json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in problem_fields(r), (body, r.json())
    booking = client.post(
        "/api/stays/bookings", headers=t["rider"], json={"place_id": sw.home_id, **night}
    ).json()["id"]
    move = f"/api/stays/bookings/{booking}/move"
    for body, field in [
        ({}, "bed_id"),
        ({"bed_id": "M3"}, "bed_id"),
        ({"bed_id": -1}, "bed_id"),
        ({"bed_id": sw.beds["M1"]}, "bed_id"),  # the bed the guest has already
    ]:
        r = client.post(move, headers=t["homestaff"], json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in problem_fields(r), (body, r.json())


def test_what_does_not_exist_is_404(client: TestClient, sw: StaysWorld) -> None:
    t = heads(client)
    station = sw.world.station_id  # a service point that takes no stays
    for path, body in [
        (f"/api/stays/homes/{station}/walk-in", {"guest": "rider2", "night": str(TODAY)}),
        ("/api/stays/bookings/9999/move", {"bed_id": sw.beds["M3"]}),
    ]:
        r = client.post(path, headers=t["admin"], json=body)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["detail"]
    booking = client.post(
        "/api/stays/bookings",
        headers=t["rider"],
        json={"place_id": sw.home_id, "night": str(TODAY)},
    ).json()["id"]
    r = client.post(
        f"/api/stays/bookings/{booking}/move", headers=t["admin"], json={"bed_id": 9999}
    )
    assert r.status_code == 404, r.text


def test_a_walk_in_by_code_then_a_move_in_chinese(
    client: TestClient, platform: Platform, sw: StaysWorld
) -> None:
    t = heads(client)
    zh = {**t["homestaff"], "Accept-Language": "zh-CN"}
    code = client.get("/api/stays/me/code", headers=t["rider2"])
    assert code.status_code == 200, code.text
    assert code.json()["qr_svg"].startswith("<svg")
    r = client.post(
        f"/api/stays/homes/{sw.home_id}/walk-in",
        headers=zh,
        json={"guest": code.json()["code"], "night": str(TODAY), "section": "men"},
    )
    assert r.status_code == 201, r.text
    walked = r.json()
    assert (walked["state"], walked["bed_label"], walked["guest"]) == ("checked_in", "M1", "Li")
    assert walked["code"] is None  # the desk never sees a code
    # someone else holds M2; the guest cannot be moved there, and the refusal names it
    client.post(
        "/api/stays/bookings",
        headers=t["rider"],
        json={"place_id": sw.home_id, "night": str(TODAY), "bed_id": sw.beds["M2"]},
    )
    r = client.post(
        f"/api/stays/bookings/{walked['id']}/move", headers=zh, json={"bed_id": sw.beds["M2"]}
    )
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == "床位 M2 在这段时间已被预订。"
    sw.clock.forward(minutes=30)
    r = client.post(
        f"/api/stays/bookings/{walked['id']}/move", headers=zh, json={"bed_id": sw.beds["M3"]}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["bed_label"], r.json()["state"]) == ("M3", "checked_in")
    assert sw.notices.kinds()[-1] == "stays.moved"
    mine = client.get("/api/stays/bookings/mine", headers=t["rider2"]).json()
    assert [(b["bed_label"], b["state"]) for b in mine] == [("M1", "moved"), ("M3", "checked_in")]
