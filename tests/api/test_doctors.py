"""The family-doctor API: who may call each endpoint (401, 403), bad input (422 naming the
field), conflicts (409), a worker from sign-up to a booked check-up and consented readings,
and sign-ups and bookings racing on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import time

import httpx
import pytest
from fastapi.testclient import TestClient

from gigcity.services.accounts import Role
from gigcity.services.platform import Platform
from services.care.doctors.doctors_support import Centres, local_slot, setup_centres
from support import World, add_account, token


@pytest.fixture
def centres(platform: Platform, world: World) -> Centres:
    return setup_centres(platform, world)


def race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


ENDPOINTS = [
    ("GET", "/api/doctors/centres"),
    ("GET", "/api/doctors/centres/1"),
    ("PUT", "/api/doctors/centres/1"),
    ("POST", "/api/doctors/centres/1/doctors"),
    ("PATCH", "/api/doctors/doctors/1"),
    ("POST", "/api/doctors/signup"),
    ("GET", "/api/doctors/signup"),
    ("DELETE", "/api/doctors/signup"),
    ("POST", "/api/doctors/centres/1/slots"),
    ("GET", "/api/doctors/centres/1/slots"),
    ("GET", "/api/doctors/slots"),
    ("POST", "/api/doctors/slots/1/booking"),
    ("DELETE", "/api/doctors/slots/1/booking"),
    ("GET", "/api/doctors/consent"),
    ("PUT", "/api/doctors/consent"),
    ("DELETE", "/api/doctors/consent"),
    ("POST", "/api/doctors/readings"),
    ("GET", "/api/doctors/readings"),
    ("GET", "/api/doctors/readings/log"),
    ("GET", "/api/doctors/me"),
    ("GET", "/api/doctors/patients"),
    ("GET", "/api/doctors/patients/1/readings"),
    ("GET", "/api/doctors/appointments"),
]


@pytest.mark.one_database  # the HTTP layer; the service is tried on both databases
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_a_sign_in(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path).status_code == 401


# who of the test world may not call each (by role)
REFUSED = [
    ("PUT", "/api/doctors/centres/{a}", "rider", {"capacity": 3}),
    ("PUT", "/api/doctors/centres/{a}", "staff", {"capacity": 3}),
    ("POST", "/api/doctors/centres/{a}/doctors", "rider", {"name": "x", "list_size": 1}),
    ("PATCH", "/api/doctors/doctors/{a1}", "doc", {"list_size": 9}),
    ("POST", "/api/doctors/signup", "admin", {"place_id": "{a}"}),
    ("POST", "/api/doctors/signup", "doc", {"place_id": "{a}"}),
    ("GET", "/api/doctors/signup", "officer", None),
    ("DELETE", "/api/doctors/signup", "admin", None),
    ("POST", "/api/doctors/centres/{a}/slots", "rider", {"doctor_id": "{a1}"}),
    ("POST", "/api/doctors/centres/{a}/slots", "staff", {"doctor_id": "{a1}"}),  # other place
    ("GET", "/api/doctors/centres/{a}/slots", "rider", None),
    ("GET", "/api/doctors/slots", "admin", None),
    ("POST", "/api/doctors/slots/1/booking", "staff", None),
    ("DELETE", "/api/doctors/slots/1/booking", "admin", None),
    ("GET", "/api/doctors/consent", "admin", None),
    ("PUT", "/api/doctors/consent", "staff", None),
    ("DELETE", "/api/doctors/consent", "doc", None),
    ("POST", "/api/doctors/readings", "rider", {"worker": "rider", "heart_rate": 70}),
    ("POST", "/api/doctors/readings", "admin", {"worker": "rider", "heart_rate": 70}),
    ("GET", "/api/doctors/readings", "admin", None),
    ("GET", "/api/doctors/readings", "doc", None),
    ("GET", "/api/doctors/readings/log", "admin", None),
    ("GET", "/api/doctors/me", "staff", None),  # staff, but no doctor
    ("GET", "/api/doctors/me", "rider", None),
    ("GET", "/api/doctors/patients", "staff", None),  # staff, but no doctor
    ("GET", "/api/doctors/patients", "admin", None),
    ("GET", "/api/doctors/patients/{rider}/readings", "admin", None),
    ("GET", "/api/doctors/patients/{rider}/readings", "staff", None),
    ("GET", "/api/doctors/patients/{rider}/readings", "doc", None),  # not rider's doctor
    ("GET", "/api/doctors/appointments", "admin", None),
]


def _fill(value: object, ids: dict[str, int]) -> object:
    if isinstance(value, str) and value.startswith("{"):
        return ids[value.strip("{}")]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.one_database
@pytest.mark.parametrize(("method", "path", "who", "body"), REFUSED)
def test_roles_that_may_not_call_get_403(
    client: TestClient,
    world: World,
    centres: Centres,
    method: str,
    path: str,
    who: str,
    body: dict[str, object] | None,
) -> None:
    ids = {"a": centres.a, "a1": centres.a1, "rider": world.ids["rider"]}
    if body is not None and "doctor_id" in body and "starts_at" not in body:
        body = {**body, "starts_at": local_slot(1, time(8)).isoformat()}
    r = client.request(
        method, path.format(**ids), json=_fill(body, ids), headers=token(client, who)
    )
    assert r.status_code == 403, r.text


BAD = [
    ("PUT", "/api/doctors/centres/{a}", "admin", {"capacity": 0}, "capacity"),
    ("POST", "/api/doctors/centres/{a}/doctors", "admin", {"name": "", "list_size": 1}, "name"),
    ("POST", "/api/doctors/centres/{a}/doctors", "admin", {"name": "x", "list_size": 0}, "list_size"),
    ("PATCH", "/api/doctors/doctors/{a1}", "admin", {"list_size": -1}, "list_size"),
    ("POST", "/api/doctors/signup", "rider", {"place_id": "x"}, "place_id"),
    ("POST", "/api/doctors/signup", "rider", {}, "place_id"),
    ("POST", "/api/doctors/centres/{a}/slots", "admin", {"doctor_id": "{a1}", "starts_at": "2030-01-01T12:00:00+08:00"}, "starts_at"),
    ("POST", "/api/doctors/centres/{a}/slots", "admin", {"doctor_id": "{a1}", "starts_at": "2030-01-01T08:00:00"}, "starts_at"),
    ("POST", "/api/doctors/centres/{a}/slots", "admin", {"doctor_id": "{a1}", "starts_at": "2030-01-01T08:00:00+08:00", "minutes": 5}, "minutes"),
    ("POST", "/api/doctors/readings", "staff", {"worker": "rider", "heart_rate": 900}, "heart_rate"),
    ("POST", "/api/doctors/readings", "staff", {"worker": "rider", "systolic": 120}, "diastolic"),
    ("POST", "/api/doctors/readings", "staff", {"worker": "rider"}, "value"),
    ("POST", "/api/doctors/readings", "staff", {"heart_rate": 70}, "worker"),
]  # fmt: skip


@pytest.mark.one_database
@pytest.mark.parametrize(("method", "path", "who", "body", "field"), BAD)
def test_bad_input_is_422_naming_the_field(
    client: TestClient,
    world: World,
    centres: Centres,
    method: str,
    path: str,
    who: str,
    body: dict[str, object],
    field: str,
) -> None:
    ids = {"a": centres.a, "a1": centres.a1}
    r = client.request(
        method,
        path.format(**ids),
        json=_fill(body, ids),
        headers={**token(client, who), "Accept-Language": "en"},
    )
    assert r.status_code == 422, r.text
    assert field in r.text


@pytest.mark.one_database  # the service beneath: tests/services/care/doctors, both databases
def test_a_worker_signs_up_books_and_has_readings_only_they_and_the_doctor_read(
    client: TestClient, world: World, centres: Centres
) -> None:
    rider, admin, staff, doc = (token(client, n) for n in ("rider", "admin", "staff", "doc"))
    listed = client.get("/api/doctors/centres", headers=rider).json()
    assert {c["place_id"] for c in listed} == {centres.a, centres.b}
    assert client.get(f"/api/doctors/centres/{centres.b}", headers=staff).json()["free"] == 5
    assert client.get("/api/doctors/centres/999999", headers=rider).status_code == 404
    assert client.get("/api/doctors/signup", headers=rider).status_code == 404
    r = client.post("/api/doctors/signup", json={"place_id": centres.a}, headers=rider)
    assert r.status_code == 201, r.text
    assert r.json()["doctor_id"] == centres.a1
    assert (
        client.get("/api/doctors/signup", headers=rider).json()["centre"] == "万里社区卫生服务中心"
    )
    # the doctor offers an evening slot; the worker books it; the doctor sees who comes
    slot = client.post(
        f"/api/doctors/centres/{centres.a}/slots",
        json={"doctor_id": centres.a1, "starts_at": local_slot(2, time(19, 45)).isoformat()},
        headers=doc,
    )
    assert slot.status_code == 201, slot.text
    assert slot.json()["band"] == "evening"
    slot_id = slot.json()["id"]
    again = client.post(
        f"/api/doctors/centres/{centres.a}/slots",
        json={"doctor_id": centres.a1, "starts_at": local_slot(2, time(19, 45)).isoformat()},
        headers=admin,
    )
    assert again.status_code == 409
    assert [s["id"] for s in client.get("/api/doctors/slots", headers=rider).json()] == [slot_id]
    assert client.post(f"/api/doctors/slots/{slot_id}/booking", headers=rider).status_code == 201
    assert client.post(f"/api/doctors/slots/{slot_id}/booking", headers=rider).status_code == 409
    assert client.post("/api/doctors/slots/999999/booking", headers=rider).status_code == 404
    centre_slots = client.get(f"/api/doctors/centres/{centres.a}/slots", headers=admin).json()
    assert centre_slots[0]["booked"] is True
    assert "mine" in centre_slots[0]
    appointments = client.get("/api/doctors/appointments", headers=doc).json()
    assert [a["patient"] for a in appointments] == ["Wang"]
    assert client.delete(f"/api/doctors/slots/{slot_id}/booking", headers=rider).status_code == 204
    assert client.delete(f"/api/doctors/slots/{slot_id}/booking", headers=rider).status_code == 404
    # readings: only with consent
    body = {"worker": "rider", "systolic": 135, "diastolic": 85, "glucose": 5.4}
    assert client.post("/api/doctors/readings", json=body, headers=staff).status_code == 409
    assert client.get("/api/doctors/consent", headers=rider).json()["granted"] is False
    assert client.put("/api/doctors/consent", headers=rider).json()["granted"] is True
    recorded = client.post("/api/doctors/readings", json=body, headers=staff)
    assert recorded.status_code == 201, recorded.text
    assert set(recorded.json()) == {"id", "taken_at"}  # the values are not sent back
    unknown = client.post("/api/doctors/readings", json={**body, "worker": "nobody"}, headers=staff)
    assert unknown.status_code == 404
    mine = client.get("/api/doctors/readings", headers=rider).json()
    assert (mine[0]["systolic"], mine[0]["glucose"], mine[0]["place"]) == (135, 5.4, "万里驿站")
    patients = client.get("/api/doctors/patients", headers=doc).json()
    me = client.get("/api/doctors/me", headers=doc).json()
    assert (me["id"], me["place_id"], me["taken"], me["free"]) == (centres.a1, centres.a, 1, 1)
    assert [p["account_id"] for p in patients] == [world.ids["rider"]]
    theirs = client.get(f"/api/doctors/patients/{world.ids['rider']}/readings", headers=doc)
    assert theirs.status_code == 200
    assert theirs.json()[0]["diastolic"] == 85
    log = client.get("/api/doctors/readings/log", headers=rider).json()
    assert [(line["role"], line["purpose"]) for line in log] == [
        ("staff", "patient"),
        ("rider", "own"),
    ]
    assert client.delete("/api/doctors/consent", headers=rider).status_code == 204
    assert client.delete("/api/doctors/consent", headers=rider).status_code == 404
    assert client.post("/api/doctors/readings", json=body, headers=staff).status_code == 409
    # keepers change the centre and doctors; the worker leaves
    assert client.put(f"/api/doctors/centres/{centres.a}", json={"capacity": 12}, headers=token(client, "officer" if centres.subdistrict_a == "wanli" else "admin")).status_code == 200  # fmt: skip
    shrink = client.patch(
        f"/api/doctors/doctors/{centres.a1}", json={"active": False}, headers=admin
    )
    assert shrink.status_code == 409
    renamed = client.patch(
        f"/api/doctors/doctors/{centres.a2}", json={"name": "李医师"}, headers=admin
    )
    assert renamed.json()["name"] == "李医师"
    added = client.post(
        f"/api/doctors/centres/{centres.b}/doctors",
        json={"name": "陈医生", "list_size": 3},
        headers=admin,
    )
    assert added.status_code == 201
    assert client.delete("/api/doctors/signup", headers=rider).status_code == 204
    assert client.delete("/api/doctors/signup", headers=rider).status_code == 404


@pytest.mark.one_database  # the service beneath: tests/services/care/doctors, both databases
def test_a_full_doctor_and_a_full_centre_are_409_naming_them(
    client: TestClient, platform: Platform, world: World, centres: Centres
) -> None:
    full = client.post(
        "/api/doctors/signup",
        json={"place_id": centres.a, "doctor_id": centres.a2},
        headers=token(client, "rider"),
    )
    assert full.status_code == 201
    r = client.post(
        "/api/doctors/signup",
        json={"place_id": centres.a, "doctor_id": centres.a2},
        headers={**token(client, "rider2"), "Accept-Language": "en"},
    )
    assert r.status_code == 409
    assert "李医生" in r.json()["detail"]
    for name in ("worker1", "worker2"):
        add_account(platform, name, Role.rider)
        client.post(
            "/api/doctors/signup", json={"place_id": centres.a}, headers=token(client, name)
        )
    r = client.post(
        "/api/doctors/signup", json={"place_id": centres.a}, headers=token(client, "rider2")
    )
    assert r.status_code == 409
    assert "万里社区卫生服务中心" in r.json()["detail"]


def test_racing_signups_never_pass_the_capacities(
    client: TestClient, platform: Platform, world: World, centres: Centres
) -> None:
    """Twelve workers at once for a centre of 3 (doctors 2 + 1): exactly three get in."""
    names = [f"racer{n:02d}" for n in range(12)]
    for name in names:
        add_account(platform, name, Role.rider)
    heads = [token(client, name) for name in names]
    calls = [
        (lambda h=h: client.post("/api/doctors/signup", json={"place_id": centres.a}, headers=h))
        for h in heads
    ]
    codes = Counter(r.status_code for r in race(calls))
    assert codes == {201: 3, 409: 9}, codes
    centre = client.get(f"/api/doctors/centres/{centres.a}", headers=heads[0]).json()
    assert centre["taken"] == 3
    assert sorted(d["taken"] for d in centre["doctors"]) == [1, 2]


def test_racing_bookings_of_one_slot_book_it_once(
    client: TestClient, platform: Platform, world: World, centres: Centres
) -> None:
    names = [f"racer{n:02d}" for n in range(5)]
    heads = []
    for name in names:
        add_account(platform, name, Role.rider)
        heads.append(token(client, name))
        r = client.post("/api/doctors/signup", json={"place_id": centres.b}, headers=heads[-1])
        assert r.status_code == 201, r.text
    slot = client.post(
        f"/api/doctors/centres/{centres.b}/slots",
        json={"doctor_id": centres.b1, "starts_at": local_slot(3, time(7)).isoformat()},
        headers=token(client, "admin"),
    ).json()
    calls = [
        (lambda h=h: client.post(f"/api/doctors/slots/{slot['id']}/booking", headers=h))
        for h in heads
    ]
    codes = Counter(r.status_code for r in race(calls))
    assert codes == {201: 1, 409: 4}, codes
