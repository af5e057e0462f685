"""Sign-in, the caller's own account, accounts and platform API keys.

Sign-in is rate-limited on failures (`GIGCITY_SIGNIN_FAILURES_*`), in the shared buckets of
`api.ratelimit`: per address 10 a minute, then 100 an hour (so the wait grows from none to
6 s to 36 s an attempt), and per username 20 a minute from anywhere, kept short and above the
per-address limit so an attacker spends their address's allowance first and cannot keep a
rider out for long. An attempt takes a token from each bucket before the password is hashed
(a limited caller costs no argon2 and gets 429 with Retry-After); a right password gives its
tokens back, so only failures count.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, ConfigDict, Field

from gigcity.api.ratelimit import check_rates, client_ip
from gigcity.config import Settings
from gigcity.http.deps import Admin, AnyAccount, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import (
    AccountCreate,
    AccountOut,
    ApiKeyOut,
    Password,
    Role,
    Scope,
    TokenOut,
)
from gigcity.services.ratelimit import Rate

router = APIRouter(prefix="/api", tags=["accounts"])


def sign_in_buckets(settings: Settings, ip: str, username: str) -> list[tuple[str, str, Rate]]:
    """The failure buckets a sign-in attempt takes a token from."""
    return [
        ("signin-ip-minute", ip, Rate(settings.signin_failures_ip_per_minute, 60.0)),
        ("signin-ip-hour", ip, Rate(settings.signin_failures_ip_per_hour, 3600.0)),
        ("signin-account", username, Rate(settings.signin_failures_account_per_minute, 60.0)),
    ]


@router.post(
    "/auth/token",
    response_model=TokenOut,
    summary="Sign in and get a bearer token",
    responses={429: {"description": "Too many failed sign-ins; see `Retry-After`"}},
)
def sign_in(
    request: Request,
    platform: PlatformDep,
    _: PublicCaller,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenOut:
    """OAuth2 password flow (form fields `username`, `password`); use the token as
    `Authorization: Bearer <token>`. Repeated wrong passwords from one address, or for one
    username, are answered 429 with `Retry-After` for a while."""
    buckets = sign_in_buckets(platform.settings, client_ip(request), username)
    check_rates(request, platform, buckets)  # before argon2: a limited caller costs nothing
    token = platform.accounts.sign_in(username, password)  # a failure keeps its tokens
    platform.reports.limiter.give_back(buckets)
    return token


@router.get("/me", response_model=AccountOut, summary="My account")
def me(platform: PlatformDep, caller: AnyAccount) -> AccountOut:
    assert caller.account_id is not None
    return platform.accounts.get(caller, caller.account_id)


@router.post("/accounts", response_model=AccountOut, status_code=201, summary="Create an account")
def create_account(platform: PlatformDep, caller: Admin, body: AccountCreate) -> AccountOut:
    return platform.accounts.create(caller, body)


@router.get("/accounts", response_model=list[AccountOut], summary="List accounts")
def list_accounts(
    platform: PlatformDep, caller: Admin, role: Role | None = None
) -> list[AccountOut]:
    return platform.accounts.list_accounts(caller, role)


@router.get(
    "/accounts/{account_id:int}",
    response_model=AccountOut,
    summary="Read an account",
    description="Riders, staff and officers may read only their own account.",
)
def get_account(platform: PlatformDep, caller: AnyAccount, account_id: RowId) -> AccountOut:
    return platform.accounts.get(caller, account_id)


class ActiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active: bool


@router.put(
    "/accounts/{account_id:int}/active",
    response_model=AccountOut,
    summary="(De)activate an account",
)
def set_active(
    platform: PlatformDep, caller: Admin, account_id: RowId, body: ActiveIn
) -> AccountOut:
    return platform.accounts.set_active(caller, account_id, body.active)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Password


@router.put(
    "/accounts/{account_id:int}/password",
    response_model=AccountOut,
    summary="Set an account's password",
    responses={422: {"description": "`password` too short, common or easy to guess"}},
)
def set_password(
    platform: PlatformDep, caller: Admin, account_id: RowId, body: PasswordIn
) -> AccountOut:
    """The account's bearer tokens issued so far stop working (it signs in again)."""
    return platform.accounts.set_password(caller, account_id, body.password)


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=120)]
    scopes: list[Scope] = Field(
        min_length=1,
        max_length=len(Scope),
        description="What the key may do (at least one): `open311` (file Open311 requests), "
        "`deliveries` (report deliveries and activity, quote orders), `signals` (post live "
        "signal phases), `workbench` (start and read workbench runs), `gates` (an estate's "
        "gate controller asks whether a rider may pass; needs `estate_id`).",
    )
    estate_id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="The estate whose gates the key answers for (keys with `gates` only).",
    )


@router.post(
    "/api-keys",
    response_model=ApiKeyOut,
    status_code=201,
    summary="Issue a platform API key",
    responses={422: {"description": "A field is invalid (`scopes` empty or unknown, `estate_id`)"}},
)
def create_api_key(platform: PlatformDep, caller: Admin, body: ApiKeyIn) -> ApiKeyOut:
    """The secret is returned once; send it as the `X-API-Key` header. The key may call
    only the routes its scopes name."""
    return platform.accounts.create_api_key(
        caller, body.name, scopes=body.scopes, estate_id=body.estate_id
    )


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="List API keys")
def list_api_keys(platform: PlatformDep, caller: Admin) -> list[ApiKeyOut]:
    return platform.accounts.list_api_keys(caller)


@router.delete("/api-keys/{key_id:int}", response_model=ApiKeyOut, summary="Revoke an API key")
def revoke_api_key(platform: PlatformDep, caller: Admin, key_id: RowId) -> ApiKeyOut:
    return platform.accounts.revoke_api_key(caller, key_id)


__all__ = ["router"]
