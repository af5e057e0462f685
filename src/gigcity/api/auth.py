"""Sign-in, the caller's own account, accounts and platform API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel, ConfigDict, Field

from gigcity.api.deps import Admin, AnyAccount, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import AccountCreate, AccountOut, ApiKeyOut, Role, Scope, TokenOut

router = APIRouter(prefix="/api", tags=["accounts"])


@router.post("/auth/token", response_model=TokenOut, summary="Sign in and get a bearer token")
def sign_in(
    platform: PlatformDep,
    _: PublicCaller,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenOut:
    """OAuth2 password flow (form fields `username`, `password`); use the token as
    `Authorization: Bearer <token>`."""
    return platform.accounts.sign_in(username, password)


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


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=120)]
    scopes: list[Scope] = Field(
        min_length=1,
        max_length=len(Scope),
        description="What the key may do (at least one): `open311` (file Open311 requests), "
        "`deliveries` (report deliveries and activity, quote orders), `signals` (post live "
        "signal phases), `workbench` (start and read workbench runs).",
    )


@router.post(
    "/api-keys",
    response_model=ApiKeyOut,
    status_code=201,
    summary="Issue a platform API key",
    responses={422: {"description": "A field is invalid (`scopes` empty or unknown)"}},
)
def create_api_key(platform: PlatformDep, caller: Admin, body: ApiKeyIn) -> ApiKeyOut:
    """The secret is returned once; send it as the `X-API-Key` header. The key may call
    only the routes its scopes name."""
    return platform.accounts.create_api_key(caller, body.name, scopes=body.scopes)


@router.get("/api-keys", response_model=list[ApiKeyOut], summary="List API keys")
def list_api_keys(platform: PlatformDep, caller: Admin) -> list[ApiKeyOut]:
    return platform.accounts.list_api_keys(caller)


@router.delete("/api-keys/{key_id:int}", response_model=ApiKeyOut, summary="Revoke an API key")
def revoke_api_key(platform: PlatformDep, caller: Admin, key_id: RowId) -> ApiKeyOut:
    return platform.accounts.revoke_api_key(caller, key_id)


__all__ = ["router"]
