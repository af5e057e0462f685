"""The relay API: who may call each endpoint (401, 403), bad input (422), conflicts (409),
and an item's whole way through it, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
from services.relay.relay_support import RelayWorld, make_relay_world
from support import token


@pytest.fixture
def world(platform: Platform) -> RelayWorld:
    return make_relay_world(platform)


@pytest.fixture
def key(world: RelayWorld) -> dict[str, str]:
    return {"X-API-Key": world.platform_key}


def test_an_item_through_the_api(
    client: TestClient, world: RelayWorld, key: dict[str, str]
) -> None:
    estate = world.estate_id
    prop = token(client, "property")
    courier = token(client, "courier")
    address = {"building": "2号楼", "unit": "1", "room": "302"}
    item_body = {"order_ref": "MT-1", "estate_id": estate, **address}
    r = client.post("/api/relay/items", json=item_body, headers=key)
    assert r.status_code == 409, r.text  # no consent yet
    r = client.post(f"/api/relay/estates/{estate}/consents", json=address, headers=prop)
    assert r.status_code == 201, r.text
    consent_id = r.json()["id"]
    assert r.json()["building"] == "b2"
    r = client.post(f"/api/relay/estates/{estate}/consents", json=address, headers=prop)
    assert r.status_code == 409
    r = client.get(f"/api/relay/estates/{estate}/consent", params=address, headers=key)
    assert r.json()["in_force"] is True
    r = client.post("/api/relay/items", json=item_body, headers=key)
    assert r.status_code == 201, r.text
    item = r.json()
    assert client.post("/api/relay/items", json=item_body, headers=key).status_code == 409
    iid = item["id"]
    r = client.post(
        f"/api/relay/items/{iid}/drop", json={"code": item["handoff_code"]}, headers=key
    )
    assert r.status_code == 200, r.text
    r = client.get(f"/api/relay/estates/{estate}/points/h1/queue", headers=courier)
    assert [i["id"] for i in r.json()["waiting"]] == [iid]
    assert client.post(f"/api/relay/items/{iid}/claim", headers=courier).status_code == 200
    r = client.post(f"/api/relay/items/{iid}/claim", headers=token(client, "courier1"))
    assert r.status_code == 409
    assert [i["id"] for i in client.get("/api/relay/me/items", headers=courier).json()] == [iid]
    r = client.post(f"/api/relay/items/{iid}/deliver", json={"code": "000000"}, headers=courier)
    assert r.status_code in (422, 200)
    r = client.post(
        f"/api/relay/items/{iid}/deliver", json={"code": item["confirm_code"]}, headers=courier
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "delivered"
    earnings = client.get("/api/relay/me/earnings", headers=courier).json()
    assert earnings["items"] == 1
    seen = client.get(f"/api/relay/items/{iid}", headers=key).json()
    assert seen["chain_intact"] is True
    assert [s["event"] for s in seen["custody"]][-1] == "delivered"
    r = client.post(f"/api/relay/consents/{consent_id}/revoke", headers=prop)
    assert r.status_code == 200
    assert r.json()["in_force"] is False
    assert client.post(f"/api/relay/consents/{consent_id}/revoke", headers=prop).status_code == 409


def test_absent_and_return_and_collect(
    client: TestClient, world: RelayWorld, key: dict[str, str]
) -> None:
    estate = world.estate_id
    prop = token(client, "property")
    courier = token(client, "courier")
    address = {"building": "b3", "unit": "", "room": "1201"}
    client.post(f"/api/relay/estates/{estate}/consents", json=address, headers=prop)
    item = client.post(
        "/api/relay/items", json={"order_ref": "EL-9", "estate_id": estate, **address}, headers=key
    ).json()
    iid = item["id"]
    client.post(f"/api/relay/items/{iid}/drop", json={"code": item["handoff_code"]}, headers=prop)
    client.post(f"/api/relay/items/{iid}/claim", headers=courier)
    assert (
        client.post(f"/api/relay/items/{iid}/absent", json={}, headers=courier).json()["state"]
        == "returning"
    )
    assert (
        client.post(f"/api/relay/items/{iid}/return", json={}, headers=courier).json()["state"]
        == "at_point"
    )
    r = client.post(
        f"/api/relay/items/{iid}/collect", json={"code": item["confirm_code"]}, headers=prop
    )
    assert r.json()["state"] == "collected"
    assert client.get(f"/api/relay/estates/{estate}/alerts", headers=prop).json() == []
    assert client.get(f"/api/relay/estates/{estate}/points", headers=prop).json()[0]["ref"] == "h1"


def test_webhook_registration(client: TestClient, world: RelayWorld, key: dict[str, str]) -> None:
    r = client.put("/api/relay/webhook", json={"url": "https://platform.example/hook"}, headers=key)
    assert r.status_code == 200, r.text
    assert r.json()["secret"].startswith("whsec_")
    assert client.get("/api/relay/webhook", headers=key).json()["secret"] is None
    assert client.put("/api/relay/webhook", json={"url": "ftp://x"}, headers=key).status_code == 422
    assert client.delete("/api/relay/webhook", headers=key).status_code == 204
    assert client.get("/api/relay/webhook", headers=key).status_code == 404


ENDPOINTS = [
    ("post", "/api/relay/estates/{e}/consents", {"building": "b1"}),
    ("get", "/api/relay/estates/{e}/consents", None),
    ("get", "/api/relay/estates/{e}/consent?building=b1", None),
    ("post", "/api/relay/consents/1/revoke", None),
    ("post", "/api/relay/items", {"order_ref": "x", "estate_id": 1, "building": "b1"}),
    ("get", "/api/relay/items/1", None),
    ("post", "/api/relay/items/1/drop", {"code": "12345678"}),
    ("post", "/api/relay/items/1/cancel", None),
    ("post", "/api/relay/items/1/claim", None),
    ("post", "/api/relay/items/1/deliver", {"code": "123456"}),
    ("post", "/api/relay/items/1/absent", {}),
    ("post", "/api/relay/items/1/return", {}),
    ("post", "/api/relay/items/1/collect", {"code": "123456"}),
    ("post", "/api/relay/items/1/unlock", None),
    ("get", "/api/relay/estates/{e}/points", None),
    ("get", "/api/relay/estates/{e}/points/h1/queue", None),
    ("get", "/api/relay/estates/{e}/alerts", None),
    ("get", "/api/relay/me/items", None),
    ("get", "/api/relay/me/points", None),
    ("get", "/api/relay/me/earnings", None),
    ("put", "/api/relay/webhook", {"url": "https://a.example/"}),
    ("get", "/api/relay/webhook", None),
    ("delete", "/api/relay/webhook", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_wants_a_caller_and_refuses_riders(
    client: TestClient, world: RelayWorld, method: str, path: str, body: object
) -> None:
    url = path.format(e=world.estate_id)
    kwargs = {"json": body} if body is not None else {}
    assert client.request(method, url, **kwargs).status_code == 401
    r = client.request(method, url, headers=token(client, "rider"), **kwargs)
    assert r.status_code == 403, r.text


def test_strangers_to_the_estate_are_refused(
    client: TestClient, world: RelayWorld, key: dict[str, str]
) -> None:
    elsewhere = token(client, "courier_elsewhere")
    estate = world.estate_id
    assert (
        client.get(f"/api/relay/estates/{estate}/points/h1/queue", headers=elsewhere).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/relay/estates/{estate}/consents", json={"building": "b1"}, headers=elsewhere
        ).status_code
        == 403
    )
    # A courier cannot announce; a platform cannot claim.
    r = client.post(
        "/api/relay/items",
        json={"order_ref": "x", "estate_id": estate, "building": "b1"},
        headers=token(client, "courier"),
    )
    assert r.status_code == 403
    assert client.post("/api/relay/items/1/claim", headers=key).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/relay/items", {"order_ref": "", "estate_id": 1, "building": "b1"}),
        ("post", "/api/relay/items", {"order_ref": "x", "estate_id": 0, "building": "b1"}),
        (
            "post",
            "/api/relay/items",
            {"order_ref": "x", "estate_id": 1, "building": "b1", "extra": 1},
        ),
        ("post", "/api/relay/items/0/drop", {"code": "12345678"}),
        ("post", "/api/relay/items/1/drop", {"code": "abc"}),
        ("post", "/api/relay/items/99999999999/drop", {"code": "12345678"}),
        ("put", "/api/relay/webhook", {"url": "not a url"}),
    ],
)
def test_bad_input_is_422(
    client: TestClient, world: RelayWorld, key: dict[str, str], method: str, path: str, body: object
) -> None:
    r = client.request(method, path, json=body, headers=key)
    assert r.status_code == 422, r.text


def test_unknown_things_are_404_or_422(
    client: TestClient, world: RelayWorld, key: dict[str, str]
) -> None:
    prop = token(client, "property")
    assert client.get("/api/relay/items/4242", headers=key).status_code == 404
    r = client.post(
        f"/api/relay/estates/{world.estate_id}/consents", json={"building": "99号楼"}, headers=prop
    )
    assert r.status_code == 422
    r = client.post(
        "/api/relay/items",
        json={"order_ref": "x", "estate_id": 4242, "building": "b1"},
        headers=key,
    )
    assert r.status_code == 404
    r = client.get(f"/api/relay/estates/{world.estate_id}/points/nope/queue", headers=prop)
    assert r.status_code == 422


def test_errors_speak_chinese_by_default(
    client: TestClient, world: RelayWorld, key: dict[str, str]
) -> None:
    r = client.post(
        "/api/relay/items",
        json={"order_ref": "x", "estate_id": world.estate_id, "building": "b1"},
        headers=key,
    )
    assert r.status_code == 409
    assert "同意" in r.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
    ],
)
def test_a_webhook_cannot_point_inside(client: TestClient, key: dict[str, str], url: str) -> None:
    r = client.put("/api/relay/webhook", json={"url": url}, headers=key)
    assert r.status_code == 422, r.text
