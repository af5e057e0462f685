"""Sign-in, accounts and API keys over HTTP, including who may read and do what."""

from __future__ import annotations

from fastapi.testclient import TestClient

from support import PASSWORD, World, token

PROBLEM = "application/problem+json"


def test_sign_in_returns_a_bearer_token_that_identifies_me(
    client: TestClient, world: World
) -> None:
    r = client.get("/api/me", headers=token(client, "rider"))
    assert r.status_code == 200
    assert r.json()["username"] == "rider"
    assert r.json()["role"] == "rider"
    assert "password_hash" not in r.json()


def test_wrong_password_is_401_problem_in_chinese_by_default(
    client: TestClient, world: World
) -> None:
    r = client.post("/api/auth/token", data={"username": "rider", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["detail"] == "用户名或密码错误。"
    assert r.headers["www-authenticate"] == "Bearer"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: TestClient, world: World
) -> None:
    r = client.post(
        "/api/auth/token",
        data={"username": "nobody", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 401
    assert r.json()["detail"] == "Wrong username or password."


def test_forged_or_garbage_tokens_are_rejected(client: TestClient, world: World) -> None:
    import jwt

    forged = jwt.encode(
        {"sub": str(world.ids["admin"]), "exp": 4102444800},
        "not-the-signing-key-of-this-server-at-all",
        algorithm="HS256",
    )
    for bad in (forged, "garbage"):
        r = client.get("/api/me", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401, bad


def test_rider_cannot_read_another_riders_account(client: TestClient, world: World) -> None:
    headers = token(client, "rider")
    own = client.get(f"/api/accounts/{world.ids['rider']}", headers=headers)
    assert own.status_code == 200
    assert own.json()["phone"] == "13800000001"
    other = client.get(f"/api/accounts/{world.ids['rider2']}", headers=headers)
    assert other.status_code == 403
    assert "13800000002" not in other.text


def test_admin_reads_any_account_and_lists_them(client: TestClient, world: World) -> None:
    headers = token(client, "admin")
    assert (
        client.get(f"/api/accounts/{world.ids['rider2']}", headers=headers).json()["phone"]
        == "13800000002"
    )
    riders = client.get("/api/accounts?role=rider", headers=headers).json()
    assert {a["username"] for a in riders} == {"rider", "rider2"}
    assert client.get("/api/accounts", headers=token(client, "rider")).status_code == 403


def test_anonymous_calls_to_protected_endpoints_are_401(client: TestClient, world: World) -> None:
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/accounts").status_code == 401


def test_admin_creates_accounts_with_role_bindings_checked(
    client: TestClient, world: World
) -> None:
    headers = token(client, "admin")
    ok = client.post(
        "/api/accounts",
        json={
            "username": "staff2",
            "password": PASSWORD,
            "display_name": "S2",
            "role": "staff",
            "station_id": world.other_station_id,
        },
        headers=headers,
    )
    assert ok.status_code == 201
    assert ok.json()["station_id"] == world.other_station_id
    unbound = client.post(
        "/api/accounts",
        json={
            "username": "officer3",
            "password": PASSWORD,
            "display_name": "O3",
            "role": "officer",
            "subdistrict": "atlantis",
        },
        headers={**headers, "Accept-Language": "en"},
    )
    assert unbound.status_code == 422
    assert unbound.json()["field"] == "subdistrict"
    assert "wanli" in unbound.json()["detail"]
    taken = client.post(
        "/api/accounts",
        json={"username": "rider", "password": PASSWORD, "display_name": "dup", "role": "rider"},
        headers=headers,
    )
    assert taken.status_code == 409
    short = client.post(
        "/api/accounts",
        json={"username": "x", "password": "short", "display_name": "", "role": "rider"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert short.status_code == 422
    fields = {e["field"] for e in short.json()["errors"]}
    assert {"username", "password", "display_name"} <= fields


def test_deactivated_account_loses_access_at_once(client: TestClient, world: World) -> None:
    rider = token(client, "rider")
    admin = token(client, "admin")
    r = client.put(
        f"/api/accounts/{world.ids['rider']}/active", json={"active": False}, headers=admin
    )
    assert r.status_code == 200
    assert r.json()["active"] is False
    assert client.get("/api/me", headers=rider).status_code == 401


def test_platform_api_keys_are_issued_once_used_and_revoked(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin")
    created = client.post(
        "/api/api-keys", json={"name": "ele.me", "scopes": ["deliveries"]}, headers=admin
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("gck_")
    listed = client.get("/api/api-keys", headers=admin).json()
    assert listed[0]["key"] is None  # never shown again
    # A platform may use public endpoints with its key, but not account endpoints.
    assert client.get("/api/places/meta", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/api/me", headers={"X-API-Key": key}).status_code == 403
    assert client.delete(f"/api/api-keys/{created.json()['id']}", headers=admin).status_code == 200
    assert client.get("/api/places/meta", headers={"X-API-Key": key}).status_code == 401
    assert (
        client.post(
            "/api/api-keys",
            json={"name": "x", "scopes": ["signals"]},
            headers=token(client, "staff"),
        ).status_code
        == 403
    )
