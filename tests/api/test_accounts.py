"""Sign-in, accounts and API keys over HTTP, including who may read and do what."""

from __future__ import annotations

import jwt
import pytest
from fastapi.testclient import TestClient

from gigcity.services.platform import Platform
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


# -- tokens: who signs them, what they must say, when they stop working -----------------------

# The key every dev and demo installation signed tokens with before each database made its
# own: anyone could make an admin token for anyone's demo with it.
OLD_PUBLISHED_DEMO_KEY = "gigcity-demo-and-dev-only-signing-key-do-not-use-in-production"


def _signed(platform: Platform, claims: dict[str, object]) -> dict[str, str]:
    token = jwt.encode(
        {"exp": 4102444800, "gen": 0, **claims}, platform.accounts.signing_key, algorithm="HS256"
    )
    return {"Authorization": f"Bearer {token}"}


def test_a_token_made_with_the_once_published_demo_key_is_refused(
    client: TestClient, world: World
) -> None:
    forged = jwt.encode(
        {"sub": str(world.ids["admin"]), "gen": 0, "role": "admin", "exp": 4102444800},
        OLD_PUBLISHED_DEMO_KEY,
        algorithm="HS256",
    )
    r = client.get("/api/accounts", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


@pytest.mark.parametrize(
    "sub",
    [
        "2147483648",  # one past the integer column
        "99999999999999999999",
        str(2**63),
        "-1",
        "0",
        "1.5",
        "abc",
        " 1",
        "01",
        "１",  # a full-width digit: int() would read it
        "",
    ],
)
def test_a_validly_signed_token_with_a_bad_subject_is_401(
    client: TestClient, platform: Platform, world: World, sub: str
) -> None:
    r = client.get("/api/me", headers=_signed(platform, {"sub": sub}))
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": 1},  # not a string
        {"gen": None},
        {"gen": "0"},
        {"gen": True},
        {"gen": -1},
        {"gen": 2**40},
        {"gen": 1},  # a generation the account never had
    ],
)
def test_a_token_with_a_bad_generation_is_401(
    client: TestClient, platform: Platform, world: World, claims: dict[str, object]
) -> None:
    good = _signed(platform, {"sub": str(world.ids["rider"])})
    assert client.get("/api/me", headers=good).status_code == 200
    bad = _signed(platform, {"sub": str(world.ids["rider"]), **claims})
    assert client.get("/api/me", headers=bad).status_code == 401


def test_a_token_without_a_generation_is_401(
    client: TestClient, platform: Platform, world: World
) -> None:
    token = jwt.encode(
        {"sub": str(world.ids["rider"]), "exp": 4102444800},
        platform.accounts.signing_key,
        algorithm="HS256",
    )
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_reactivating_an_account_does_not_revive_its_old_tokens(
    client: TestClient, world: World
) -> None:
    rider = token(client, "rider")
    admin = token(client, "admin")
    assert client.get("/api/me", headers=rider).status_code == 200  # checked: now remembered
    path = f"/api/accounts/{world.ids['rider']}/active"
    assert client.put(path, json={"active": False}, headers=admin).status_code == 200
    assert client.put(path, json={"active": True}, headers=admin).status_code == 200
    assert client.get("/api/me", headers=rider).status_code == 401
    assert client.get("/api/me", headers=token(client, "rider")).status_code == 200  # new one


def test_an_admin_sets_a_password_and_the_old_tokens_stop_working(
    client: TestClient, world: World
) -> None:
    rider = token(client, "rider")
    rider2 = token(client, "rider2")
    admin = token(client, "admin")
    assert client.get("/api/me", headers=rider).status_code == 200
    path = f"/api/accounts/{world.ids['rider']}/password"
    new = "a different pass phrase"
    r = client.put(path, json={"password": new}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "rider"
    assert client.get("/api/me", headers=rider).status_code == 401
    assert client.get("/api/me", headers=rider2).status_code == 200  # only that account's
    signed = client.post("/api/auth/token", data={"username": "rider", "password": new})
    assert signed.status_code == 200
    old = client.post("/api/auth/token", data={"username": "rider", "password": PASSWORD})
    assert old.status_code == 401
    # Only admins, and only good passwords.
    assert client.put(path, json={"password": new}, headers=rider2).status_code == 403
    weak = client.put(path, json={"password": "password123"}, headers=admin)
    assert weak.status_code == 422
    assert weak.json()["field"] == "password"
