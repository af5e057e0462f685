"""The truck-driver stations API: every endpoint's answer, who may call it (401 signed out,
403 for the wrong role or station), bad input (422 naming the field) and conflicts (409).
The services beneath are tried on both databases in tests/services/care/stations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gigcity.services.care.stations import ServiceKind
from gigcity.services.platform import Platform
from services.care.stations.stations_support import StationWorld, make_station_world
from support import token

BASE = "/api/stations"
pytestmark = pytest.mark.one_database


@pytest.fixture
def w(client: TestClient, platform: Platform) -> StationWorld:
    return make_station_world(platform)


def _problem(r: Any, status: int, field: str | None = None) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert field in r.text, r.text


def test_stations_and_services(client: TestClient, w: StationWorld) -> None:
    r = client.get(BASE)
    assert r.status_code == 200
    assert [s["name"] for s in r.json()] == ["桃浦货车司机驿站", "真如货车司机驿站"]
    one = client.get(f"{BASE}/{w.station_id}").json()
    assert [s["kind"] for s in one["services"]] == ["shower", "washer", "recliner"]
    _problem(client.get(f"{BASE}/99999"), 404)
    _problem(client.get(f"{BASE}/0"), 422, "place_id")

    url = f"{BASE}/{w.station_id}/services/repair"
    body = {"units": 1, "typical_minutes": 45, "hours": "08:00-20:00"}
    _problem(client.put(url, json=body), 401)
    _problem(client.put(url, json=body, headers=token(client, "desk2")), 403)
    _problem(client.put(url, json=body, headers=token(client, "driver0")), 403)
    _problem(
        client.put(url, json={**body, "units": -1}, headers=token(client, "desk")), 422, "units"
    )
    _problem(
        client.put(url, json={**body, "hours": "whenever"}, headers=token(client, "desk")),
        422,
        "hours",
    )
    _problem(
        client.put(
            f"{BASE}/{w.station_id}/services/sauna", json=body, headers=token(client, "desk")
        ),
        422,
        "kind",
    )
    r = client.put(url, json=body, headers=token(client, "desk"))
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "repair" and r.json()["hours"] == "Mo-Su 08:00-20:00"  # noqa: PT018
    assert client.put(url, json=body, headers=token(client, "boss")).status_code == 200  # fmt: skip


def test_visits_at_the_desk(client: TestClient, w: StationWorld) -> None:
    _problem(client.get(f"{BASE}/me/code"), 401)
    _problem(client.get(f"{BASE}/me/code", headers=token(client, "courier")), 403)
    code = client.get(f"{BASE}/me/code", headers=token(client, "driver0")).json()["code"]
    url = f"{BASE}/{w.station_id}/visits"
    desk = token(client, "desk")
    _problem(client.post(url, json={"code": code}), 401)
    _problem(client.post(url, json={"code": code}, headers=token(client, "desk2")), 403)
    _problem(client.post(url, json={"plate": "沪A12345"}, headers=desk), 422, "plate_consent")
    _problem(client.post(url, json={"code": "nonsense"}, headers=desk), 422, "code")
    _problem(client.post(url, json={"plate": "x"}, headers=desk), 422, "plate")
    _problem(client.post(url, json={"code": code, "services": ["shower", "shower"]}, headers=desk), 422, "services")  # fmt: skip
    r = client.post(url, json={"code": code, "services": ["shower"]}, headers=desk)
    assert r.status_code == 201, r.text
    r = client.post(url, json={"plate": "沪A12345", "plate_consent": True}, headers=desk)
    assert r.status_code == 201 and r.json()["plate"] == "沪A12345"  # noqa: PT018
    day = client.get(url, params={"day": "2026-12-04"}, headers=desk).json()
    assert day["visits"] == 2 and day["services"] == {"shower": 1}  # noqa: PT018
    _problem(client.get(url, params={"day": "2026-12-04"}, headers=token(client, "driver0")), 403)
    _problem(client.get(url, params={"day": "someday"}, headers=desk), 422, "day")


def test_queues(client: TestClient, w: StationWorld) -> None:
    shower = w.services[ServiceKind.shower]
    washer = w.services[ServiceKind.washer]
    desk = token(client, "desk")
    q = f"{BASE}/services/{washer}/queue"
    state = client.get(q).json()
    assert state["estimate_minutes"] == 0 and state["free"] == 1  # noqa: PT018
    _problem(client.post(q), 401)
    _problem(client.post(q, headers=token(client, "courier")), 403)
    _problem(client.post(q, headers=desk), 403)
    _problem(client.post(f"{BASE}/services/{w.services[ServiceKind.recliner]}/queue", headers=token(client, "driver0")), 404)  # fmt: skip
    first = client.post(q, headers=token(client, "driver0"))
    assert first.status_code == 201, first.text
    _problem(client.post(q, headers=token(client, "driver0")), 409)
    second = client.post(q, headers=token(client, "driver1")).json()
    assert second["position"] == 2 and second["estimate_at_join"] == 40  # noqa: PT018
    mine = client.get(q, headers=token(client, "driver1")).json()["mine"]
    assert mine["id"] == second["id"]

    code = client.get(f"{BASE}/me/code", headers=token(client, "driver2")).json()["code"]
    _problem(client.post(f"{q}/desk", json={}, headers=token(client, "desk2")), 403)
    _problem(client.post(f"{q}/desk", json={"code": "bad"}, headers=desk), 422, "code")
    walk_in = client.post(f"{BASE}/services/{shower}/queue/desk", json={}, headers=desk)
    assert walk_in.status_code == 201 and walk_in.json()["origin"] == "desk"  # noqa: PT018
    assert client.post(f"{q}/desk", json={"code": code}, headers=desk).status_code == 201
    _problem(client.get(f"{q}/entries"), 401)
    _problem(client.get(f"{q}/entries", headers=token(client, "driver0")), 403)
    assert len(client.get(f"{q}/entries", headers=desk).json()) == 3

    _problem(client.post(f"{q}/next", headers=token(client, "desk2")), 403)
    called = client.post(f"{q}/next", headers=desk).json()
    assert called["id"] == first.json()["id"] and called["state"] == "called"  # noqa: PT018
    t = f"{BASE}/tickets/{called['id']}"
    _problem(client.post(f"{t}/finish", headers=desk), 409)
    _problem(client.post(f"{t}/start", headers=token(client, "desk2")), 403)
    assert client.post(f"{t}/start", headers=desk).json()["state"] == "in_use"
    nxt = client.post(f"{q}/next", headers=desk).json()
    _problem(client.post(f"{BASE}/tickets/{nxt['id']}/start", headers=desk), 409)
    assert client.post(f"{t}/finish", headers=desk).json()["state"] == "done"
    assert (
        client.post(f"{BASE}/tickets/{nxt['id']}/no-show", headers=desk).json()["state"] == "left"
    )
    _problem(client.post(f"{BASE}/tickets/{nxt['id']}/no-show", headers=desk), 409)
    _problem(client.post(f"{BASE}/tickets/99999/start", headers=desk), 404)

    mine = client.post(f"{BASE}/services/{shower}/queue", headers=token(client, "driver0")).json()
    _problem(client.delete(f"{BASE}/tickets/{mine['id']}"), 401)
    _problem(client.delete(f"{BASE}/tickets/{mine['id']}", headers=token(client, "driver1")), 403)
    assert client.delete(f"{BASE}/tickets/{mine['id']}", headers=token(client, "driver0")).status_code == 204  # fmt: skip
    _problem(client.delete(f"{BASE}/tickets/{mine['id']}", headers=token(client, "driver0")), 409)
    _problem(client.get(f"{BASE}/services/99999/queue"), 404)


def test_parking(client: TestClient, w: StationWorld) -> None:
    body = {
        "place_id": w.station_id, "name": "桃浦停车场", "lon": 121.373, "lat": 31.287,
        "hours": "24/7", "price_per_hour_fen": 1000, "offpeak_text": "夜间半价",
        "offpeak_hours": "22:00-06:00", "offpeak_price_per_hour_fen": 500,
    }  # fmt: skip
    _problem(client.post(f"{BASE}/parking", json=body), 401)
    _problem(client.post(f"{BASE}/parking", json=body, headers=token(client, "desk2")), 403)
    desk = token(client, "desk")
    _problem(client.post(f"{BASE}/parking", json={**body, "lat": 95}, headers=desk), 422, "lat")
    _problem(client.post(f"{BASE}/parking", json={**body, "price_per_hour_fen": -5}, headers=desk), 422, "price_per_hour_fen")  # fmt: skip
    made = client.post(f"{BASE}/parking", json=body, headers=desk)
    assert made.status_code == 201, made.text
    found = client.get(f"{BASE}/parking", params={"station_id": w.station_id}).json()
    assert [p["id"] for p in found] == [made.json()["id"]]
    assert found[0]["distance_m"] > 0 and found[0]["price_now_fen"] == 1000  # noqa: PT018
    # The hours also as a form, for pages to word them (not OpenStreetMap's syntax).
    assert found[0]["hours_form"]["always_open"] is True
    assert found[0]["offpeak_hours_form"]["weekly"]["mo"] == [{"start": "22:00", "end": "06:00"}]
    near = client.get(f"{BASE}/parking", params={"lon": 121.37, "lat": 31.28, "k": 1})
    assert near.status_code == 200
    _problem(client.get(f"{BASE}/parking"), 422, "lon")
    _problem(client.get(f"{BASE}/parking", params={"k": 0, "lon": 121.3, "lat": 31.2}), 422, "k")
    p = f"{BASE}/parking/{made.json()['id']}"
    _problem(client.patch(p, json={"active": False}), 401)
    _problem(client.patch(p, json={"active": False}, headers=token(client, "desk2")), 403)
    _problem(client.patch(p, json={"name": ""}, headers=desk), 422, "name")
    assert client.patch(p, json={"active": False}, headers=desk).json()["active"] is False
    _problem(client.patch(f"{BASE}/parking/99999", json={}, headers=desk), 404)


def test_legal_aid(client: TestClient, w: StationWorld) -> None:
    roster = f"{BASE}/{w.station_id}/roster"
    slot = {"lawyer_id": w.lawyer.account_id, "day": "2026-12-05", "start": "09:00", "end": "10:00"}
    desk = token(client, "desk")
    _problem(client.post(roster, json=slot), 401)
    _problem(client.post(roster, json=slot, headers=token(client, "desk2")), 403)
    _problem(client.post(roster, json={**slot, "start": "9am"}, headers=desk), 422, "start")
    _problem(client.post(roster, json={**slot, "end": "08:00"}, headers=desk), 422, "end")
    _problem(client.post(roster, json={**slot, "lawyer_id": w.drivers[0].account_id}, headers=desk), 422, "lawyer_id")  # fmt: skip
    # The station's own staff are no lawyers: the roster names accounts of role lawyer only.
    _problem(client.post(roster, json={**slot, "lawyer_id": w.staff.account_id}, headers=desk), 422, "lawyer_id")  # fmt: skip
    _problem(client.post(roster, json=slot, headers=token(client, "lawyer")), 403)
    lawyers = f"{BASE}/legal/lawyers"
    _problem(client.get(lawyers), 401)
    _problem(client.get(lawyers, headers=token(client, "lawyer")), 403)
    _problem(client.get(lawyers, headers=token(client, "driver0")), 403)
    for keeper in (desk, token(client, "boss")):
        got = client.get(lawyers, headers=keeper).json()
        assert got == [{"id": w.lawyer.account_id, "display_name": "lawyer"}]
    made = client.post(roster, json=slot, headers=desk)
    assert made.status_code == 201, made.text
    _problem(client.post(roster, json=slot, headers=desk), 409)
    slot_id = made.json()["id"]
    listed = client.get(roster, params={"since": "2026-12-05"}).json()
    assert [s["id"] for s in listed] == [slot_id]
    _problem(client.get(roster, params={"since": "x"}), 422, "since")

    book = f"{BASE}/slots/{slot_id}/booking"
    _problem(client.post(book, json={"topic": "other"}), 401)
    _problem(client.post(book, json={"topic": "other"}, headers=desk), 403)
    _problem(client.post(book, json={"topic": "divorce"}, headers=token(client, "driver0")), 422, "topic")  # fmt: skip
    r = client.post(book, json={"topic": "freight_payment"}, headers=token(client, "driver0"))
    assert r.status_code == 201 and r.json()["topic"] == "freight_payment"  # noqa: PT018
    _problem(client.post(book, json={"topic": "other"}, headers=token(client, "driver1")), 409)
    _problem(client.delete(f"{BASE}/slots/{slot_id}", headers=desk), 409)
    _problem(client.delete(f"{BASE}/slots/{slot_id}"), 401)

    mine = f"{BASE}/legal/mine"
    _problem(client.get(mine), 401)
    _problem(client.get(mine, headers=token(client, "boss")), 403)
    assert [s["id"] for s in client.get(mine, headers=token(client, "lawyer")).json()] == [slot_id]
    assert [s["id"] for s in client.get(mine, headers=token(client, "driver0")).json()] == [slot_id]
    sittings = f"{BASE}/legal/slots"
    _problem(client.get(sittings), 401)
    for other in ("desk", "boss", "driver0"):
        _problem(client.get(sittings, headers=token(client, other)), 403)
    [sitting] = client.get(sittings, headers=token(client, "lawyer")).json()
    assert sitting["id"] == slot_id
    assert sitting["station_name"] == "桃浦货车司机驿站"
    assert (sitting["topic"], sitting["driver_name"]) == ("freight_payment", "driver0")

    notes = f"{BASE}/slots/{slot_id}/notes"
    _problem(client.post(notes, json={"text": "x"}), 401)
    _problem(client.post(notes, json={"text": ""}, headers=token(client, "lawyer")), 422, "text")
    r = client.post(notes, json={"text": "货主拖欠运费"}, headers=token(client, "driver0"))
    assert r.status_code == 201, r.text
    assert client.post(notes, json={"text": "先发律师函"}, headers=token(client, "lawyer")).status_code == 201  # fmt: skip
    for party in ("lawyer", "driver0"):
        got = client.get(notes, headers=token(client, party)).json()
        assert [n["text"] for n in got] == ["货主拖欠运费", "先发律师函"]
    for other in ("boss", "desk", "desk2", "driver1", "courier"):
        _problem(client.get(notes, headers=token(client, other)), 403)
        _problem(client.post(notes, json={"text": "x"}, headers=token(client, other)), 403)
    _problem(client.get(notes), 401)
    _problem(client.get(f"{BASE}/slots/99999/notes", headers=token(client, "lawyer")), 404)

    _problem(client.delete(book), 401)
    _problem(client.delete(book, headers=token(client, "driver1")), 403)
    assert client.delete(book, headers=token(client, "driver0")).status_code == 204
    _problem(client.delete(f"{BASE}/slots/{slot_id}", headers=token(client, "desk2")), 403)
    assert client.delete(f"{BASE}/slots/{slot_id}", headers=desk).status_code == 204
    _problem(client.delete(f"{BASE}/slots/{slot_id}", headers=desk), 404)


def test_programmes(client: TestClient, w: StationWorld) -> None:
    desk = token(client, "desk")
    url = f"{BASE}/{w.station_id}/services/washer"
    washes = [{"name": "快洗", "minutes": 30}, {"name": "标准", "minutes": 45}]
    body = {"units": 2, "typical_minutes": 40, "programmes": washes}
    _problem(client.put(url, json=body), 401)
    _problem(client.put(url, json=body, headers=token(client, "driver0")), 403)
    too_many = [{"name": f"P{i}", "minutes": 30} for i in range(7)]
    for bad in (
        too_many,
        [*washes, {"name": " 快洗 ", "minutes": 20}],  # named twice
        [{"name": "快洗", "minutes": 0}],
        [{"name": "", "minutes": 30}],
    ):
        _problem(client.put(url, json={**body, "programmes": bad}, headers=desk), 422, "programmes")
    _problem(
        client.put(f"{BASE}/{w.station_id}/services/shower", json=body, headers=desk),
        422,
        "programmes",
    )
    r = client.put(url, json=body, headers=desk)
    assert r.status_code == 200, r.text
    ids = {p["name"]: p["id"] for p in r.json()["programmes"]}
    washer = w.services[ServiceKind.washer]
    q = f"{BASE}/services/{washer}/queue"
    assert [p["run_minutes"] for p in client.get(q).json()["programmes"]] == [30.0, 45.0]

    driver = token(client, "driver0")
    _problem(client.post(q, json={"programme_id": ids["标准"]}), 401)
    _problem(client.post(q, json={"programme_id": 999999}, headers=driver), 422, "programme_id")
    _problem(client.post(q, json={"programme_id": "标准"}, headers=driver), 422, "programme_id")
    shower_q = f"{BASE}/services/{w.services[ServiceKind.shower]}/queue"
    _problem(client.post(shower_q, json={"programme_id": ids["快洗"]}, headers=driver), 422)
    joined = client.post(q, json={"programme_id": ids["标准"]}, headers=driver)
    assert joined.status_code == 201, joined.text
    assert joined.json()["programme_name"] == "标准"
    other = client.post(q, headers=token(client, "driver1"))  # no body: none chosen
    assert other.status_code == 201, other.text
    assert other.json()["programme_id"] is None
    walk_in = client.post(f"{q}/desk", json={"programme_id": ids["快洗"]}, headers=desk)
    assert walk_in.json()["programme_name"] == "快洗"

    called = client.post(f"{q}/next", headers=desk).json()
    start = f"{BASE}/tickets/{called['id']}/start"
    _problem(client.post(start, json={"programme_id": 999999}, headers=desk), 422, "programme_id")
    _problem(client.post(start, json={"programme_id": ids["快洗"]}), 401)
    started = client.post(start, json={"programme_id": ids["快洗"]}, headers=desk)
    assert started.status_code == 200, started.text
    assert (started.json()["programme_name"], started.json()["left_minutes"]) == ("快洗", 30)
    second = client.post(f"{q}/next", headers=desk).json()
    plain = client.post(f"{BASE}/tickets/{second['id']}/start", headers=desk)  # no body
    assert plain.status_code == 200, plain.text
