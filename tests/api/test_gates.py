"""The gate-pass API on SQLite and PostgreSQL: who may call each endpoint (401 without
credentials, 403 for the wrong role or key), bad input answered 422, and the flow a
station, a rider, a platform and a gate controller go through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from estate_support import add_estate
from gigcity.services.accounts import Scope
from gigcity.services.platform import Platform
from services.gates.gates_support import estate_document
from support import ADMIN, World, token

UNTIL = (datetime.now(UTC) + timedelta(days=30)).isoformat()


@pytest.fixture
def estate(platform: Platform, world: World) -> int:
    return add_estate(platform, estate_document())


def key(platform: Platform, scope: Scope, estate_id: int | None = None) -> dict[str, str]:
    made = platform.accounts.create_api_key(ADMIN, f"{scope}", scopes=[scope], estate_id=estate_id)
    assert made.key
    return {"X-API-Key": made.key}


def test_the_whole_flow(client: TestClient, platform: Platform, estate: int) -> None:
    staff, rider, admin = token(client, "staff"), token(client, "rider"), token(client, "admin")
    gate = key(platform, Scope.gates, estate)
    deliveries = key(platform, Scope.deliveries)

    r = client.get("/api/gates/passes", headers=rider)
    assert r.status_code == 200
    assert r.json()["certified"] is False
    assert client.get(f"/api/gates/passes/{estate}/code", headers=rider).status_code == 403

    r = client.post(
        "/api/gates/certifications", headers=staff, json={"rider": "rider", "valid_until": UNTIL}
    )
    assert r.status_code == 201, r.text
    certification = r.json()
    assert certification["voucher"] == "staff"
    assert certification["in_force"]
    mine = client.get("/api/gates/certifications", headers=rider).json()
    assert [c["id"] for c in mine] == [certification["id"]]
    assert client.get("/api/gates/certifications", headers=token(client, "rider2")).json() == []

    r = client.get(f"/api/gates/passes/{estate}/code", headers=rider)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    shown = r.json()
    assert "secret" not in shown
    assert shown["qr_svg"].startswith("<svg")
    assert 0 < shown["expires_in_s"] <= 30
    assert len(shown["code"]) == 6

    r = client.post(
        "/api/gates/check", headers=gate, json={"gate": "g1", "payload": shown["payload"]}
    )
    assert r.status_code == 200
    assert r.json()["allow"] is True
    assert r.json()["reason_text"] == "已认证骑手，门禁通行证有效。"
    assert r.json()["rider_label"] == shown["label"]
    again = client.post(
        "/api/gates/check?lang=en", headers=gate, json={"gate": "g1", "payload": shown["payload"]}
    ).json()
    assert (again["allow"], again["reason_text"]) == (False, "This code has been used already.")

    r = client.post(
        "/api/gates/order-codes",
        headers=deliveries,
        json={"rider": "rider", "estate_id": estate, "order_ref": "MT-1", "minutes_valid": 15},
    )
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = client.post("/api/gates/check", headers=gate, json={"gate": "g2", "code": code})
    assert r.json()["allow"] is True
    assert r.json()["order_ref"] == "MT-1"

    r = client.post(f"/api/gates/certifications/{certification['id']}/revoke", headers=staff)
    assert r.status_code == 200
    assert r.json()["in_force"] is False
    assert client.get(f"/api/gates/passes/{estate}/code", headers=rider).status_code == 403

    log = client.get(f"/api/gates/decisions?estate_id={estate}", headers=admin).json()
    assert [(d["gate"], d["allow"]) for d in log] == [("g2", True), ("g1", False), ("g1", True)]
    today = datetime.now(UTC).date()
    counts = client.get(
        f"/api/gates/decisions/counts?estate_id={estate}&from={today - timedelta(days=1)}"
        f"&to={today + timedelta(days=1)}",
        headers=admin,
    ).json()
    assert sum(c["count"] for c in counts) == 3

    r = client.post(f"/api/gates/passes/{shown['pass_id']}/revoke", headers=admin)
    assert r.status_code == 204


ENDPOINTS = [
    ("post", "/api/gates/certifications", {"rider": "rider", "valid_until": UNTIL}),
    ("get", "/api/gates/certifications", None),
    ("post", "/api/gates/certifications/1/revoke", None),
    ("get", "/api/gates/passes", None),
    ("get", "/api/gates/passes/{estate}/code", None),
    ("post", "/api/gates/passes/1/revoke", None),
    ("post", "/api/gates/order-codes", {"rider": "rider", "estate_id": 1, "order_ref": "x"}),
    ("post", "/api/gates/check", {"gate": "g1", "code": "12345678"}),
    ("get", "/api/gates/decisions", None),
    ("get", "/api/gates/decisions/counts?from=2026-12-01&to=2026-12-02", None),
]

# Callers each endpoint refuses with 403 (by account username, or "deliveries"/"gates" keys).
REFUSED = {
    "/api/gates/certifications": ["rider", "officer", "gates"],
    "/api/gates/passes": ["staff", "admin", "deliveries", "gates"],
    "/api/gates/passes/{estate}/code": ["staff", "admin", "deliveries"],
    "/api/gates/passes/1/revoke": ["rider", "staff", "officer", "deliveries"],
    "/api/gates/order-codes": ["rider", "staff", "admin", "gates"],
    "/api/gates/check": ["rider", "admin", "deliveries"],
    "/api/gates/decisions": ["rider", "staff", "deliveries", "gates"],
    "/api/gates/decisions/counts?from=2026-12-01&to=2026-12-02": ["rider", "staff", "gates"],
    "/api/gates/certifications/1/revoke": ["rider", "officer", "gates"],
}


def test_every_endpoint_needs_credentials(client: TestClient, estate: int) -> None:
    for method, path, body in ENDPOINTS:
        r = client.request(method, path.format(estate=estate), json=body)
        assert r.status_code == 401, (method, path, r.status_code)


def test_every_endpoint_refuses_other_roles(
    client: TestClient, platform: Platform, estate: int
) -> None:
    callers = {name: token(client, name) for name in ("rider", "staff", "officer", "admin")} | {
        "deliveries": key(platform, Scope.deliveries),
        "gates": key(platform, Scope.gates, estate),
    }
    for method, path, body in ENDPOINTS:
        if method == "post" and path == "/api/gates/certifications":
            refused = REFUSED[path]
        elif method == "get" and path == "/api/gates/certifications":
            refused = ["officer", "gates"]
        else:
            refused = REFUSED[path]
        for who in refused:
            r = client.request(method, path.format(estate=estate), json=body, headers=callers[who])
            assert r.status_code == 403, (method, path, who, r.status_code)


@pytest.mark.parametrize(
    ("method", "path", "body", "who"),
    [
        ("post", "/api/gates/certifications", {"rider": "rider"}, "staff"),
        ("post", "/api/gates/certifications", {"rider": "rider", "valid_until": "soon"}, "staff"),
        ("post", "/api/gates/certifications", {"rider": "nobody", "valid_until": UNTIL}, "admin"),
        ("post", "/api/gates/certifications", {"rider": "staff", "valid_until": UNTIL}, "admin"),
        ("post", "/api/gates/certifications", {"rider": "rider", "valid_until": "2020-01-01T00:00:00Z"}, "admin"),
        ("post", "/api/gates/certifications", {"rider": "rider", "valid_until": "2099-01-01T00:00:00Z"}, "admin"),
        ("post", "/api/gates/certifications/0/revoke", None, "admin"),
        ("post", "/api/gates/certifications/99999999999/revoke", None, "admin"),
        ("get", "/api/gates/certifications?limit=0", None, "admin"),
        ("get", "/api/gates/passes/0/code", None, "rider"),
        ("post", "/api/gates/order-codes", {"rider": "rider", "estate_id": 1, "order_ref": "x", "minutes_valid": 121}, "deliveries"),
        ("post", "/api/gates/order-codes", {"rider": "rider", "estate_id": 1, "order_ref": ""}, "deliveries"),
        ("post", "/api/gates/order-codes", {"rider": "rider", "estate_id": 1, "order_ref": "x"}, "deliveries"),
        ("post", "/api/gates/check", {"gate": "g1"}, "gates"),
        ("post", "/api/gates/check", {"gate": "g1", "code": "1", "payload": "x"}, "gates"),
        ("post", "/api/gates/check", {"gate": "g 1", "code": "1"}, "gates"),
        ("post", "/api/gates/check", {"gate": "g1", "code": "1", "extra": 1}, "gates"),
        ("post", "/api/gates/check", [], "gates"),
        ("get", "/api/gates/decisions?reason=bogus", None, "admin"),
        ("get", "/api/gates/decisions?limit=5000", None, "admin"),
        ("get", "/api/gates/decisions", None, "officer"),
        ("get", "/api/gates/decisions/counts?from=2026-12-01", None, "admin"),
        ("get", "/api/gates/decisions/counts?from=2026-12-05&to=2026-12-01&estate_id=1", None, "admin"),
    ],
)  # fmt: skip
def test_bad_input_is_422(
    client: TestClient,
    platform: Platform,
    estate: int,
    method: str,
    path: str,
    body: object,
    who: str,
) -> None:
    headers = (
        key(platform, Scope.gates, estate)
        if who == "gates"
        else key(platform, Scope.deliveries)
        if who == "deliveries"
        else token(client, who)
    )
    r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == 422, (path, body, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")


def test_unknown_things_are_404(client: TestClient, estate: int) -> None:
    admin = token(client, "admin")
    assert client.post("/api/gates/certifications/999/revoke", headers=admin).status_code == 404
    assert client.post("/api/gates/passes/999/revoke", headers=admin).status_code == 404
    assert client.get("/api/gates/decisions?estate_id=999", headers=admin).status_code == 404


def test_property_staff_read_their_estate_only(
    client: TestClient, platform: Platform, estate: int
) -> None:
    from gigcity.services.accounts import AccountCreate, Role

    other = add_estate(platform, estate_document("另一个小区", subdistrict="changzheng"))
    platform.accounts.create_by_operator(
        AccountCreate(
            username="wuye", password="correct horse battery", display_name="物业",
            role=Role.property, estate_id=estate,
        )
    )  # fmt: skip
    wuye = token(client, "wuye")
    assert client.get("/api/gates/decisions", headers=wuye).status_code == 200
    assert client.get(f"/api/gates/decisions?estate_id={other}", headers=wuye).status_code == 403
    officer = token(client, "officer")  # wanli
    assert (
        client.get(f"/api/gates/decisions?estate_id={estate}", headers=officer).status_code == 200
    )
    assert client.get(f"/api/gates/decisions?estate_id={other}", headers=officer).status_code == 403


_BODIES = [
    b'{"gate": "g1"}',
    b'{"gate": "g1", "code": "1", "payload": "x"}',
    b'{"gate": "g1", "code": "1", "extra": 1}',
    b"[]",
    b'{"gate": "g1", "code": ',  # not JSON
    b"",  # no body at all
    b"null",
    b'{"gate": "g1", "code": "00000000"}',  # well formed: a logged decision
    b'{"gate": "nowhere", "payload": "GCP1:1:123456"}',
]


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("body", "content_type"),
    [(body, "application/json") for body in _BODIES]
    + [(body, other) for body in _BODIES[-2:] for other in ("text/plain", None)],
)
def test_the_fast_gate_check_answers_as_the_documented_route(
    platform: Platform, estate: int, body: bytes, content_type: str | None
) -> None:
    """The gate check is answered by a plain route placed first (for speed); it must say
    exactly what the FastAPI route it shadows would, for good and bad requests alike."""
    from gigcity.app import create_app

    headers = key(platform, Scope.gates, estate)
    if content_type is not None:
        headers["Content-Type"] = content_type
    answers = []
    for fast in (True, False):
        app = create_app(platform.settings, platform)
        if not fast:
            app.router.routes.pop(0)  # the fast route: the FastAPI route answers instead
        with TestClient(app) as client:
            r = client.post("/api/gates/check", content=body, headers=headers)
        shown = r.json()
        for volatile in ("instance", "request_id", "decision_id", "at"):
            shown.pop(volatile, None)
        answers.append((r.status_code, r.headers["content-type"], shown))
    assert answers[0] == answers[1]
