"""The notification API: the push key for anyone, a signed-in worker's browsers subscribed and
removed; who may call (401), bad subscriptions (422 naming the field: not https, a private
address, a key that is not base64url), removing a browser that is not one's own (404)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from support import World, token

BASE = "/api/notify"
# The HTTP layer; the service beneath is tried on both databases (tests/services/notify).
pytestmark = pytest.mark.one_database


def _subscription(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
        "expirationTime": None,
        "keys": {"p256dh": "B" + "x" * 86, "auth": "a" * 22},
    }
    body.update(changes)
    return body


def test_a_rider_subscribes_a_browser_and_removes_it(client: TestClient, world: World) -> None:
    rider = token(client, "rider")
    key = client.get(f"{BASE}/push-key")
    assert key.status_code == 200
    assert len(key.json()["public_key"]) == 87

    assert (
        client.post(f"{BASE}/subscriptions", json=_subscription(), headers=rider).status_code == 204
    )
    assert client.get(f"{BASE}/subscriptions", headers=rider).json() == {"browsers": 1}
    gone = {"endpoint": _subscription()["endpoint"]}
    r = client.post(f"{BASE}/subscriptions/remove", json=gone, headers=token(client, "rider2"))
    assert r.status_code == 404  # not that rider's browser
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post(f"{BASE}/subscriptions/remove", json=gone, headers=rider)
    assert r.status_code == 204
    assert client.get(f"{BASE}/subscriptions", headers=rider).json() == {"browsers": 0}


def test_subscribing_needs_a_sign_in(client: TestClient, world: World) -> None:
    assert client.post(f"{BASE}/subscriptions", json=_subscription()).status_code == 401
    assert client.get(f"{BASE}/subscriptions").status_code == 401
    r = client.post(f"{BASE}/subscriptions/remove", json={"endpoint": "https://x.example/1"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"endpoint": "http://push.example.com/1"}, "endpoint"),
        ({"endpoint": "https://10.0.0.8/push"}, "endpoint"),
        ({"endpoint": "https://localhost:8000/api"}, "endpoint"),
        ({"keys": {"p256dh": "not base64!" * 3, "auth": "a" * 22}}, "p256dh"),
        ({"keys": {"p256dh": "B" + "x" * 86}}, "auth"),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(
    client: TestClient, world: World, changes: dict[str, Any], field: str
) -> None:
    r = client.post(
        f"{BASE}/subscriptions", json=_subscription(**changes), headers=token(client, "rider")
    )
    assert r.status_code == 422, r.text
    assert field in r.text
