"""Accounts: who is calling (roles, scopes, principals), accounts and API keys, passwords
(argon2, the common-password rule), bearer tokens (signed JWT), the credential cache and the
secrets an installation makes for itself."""

from typing import TYPE_CHECKING, Any

from gigcity.services.accounts.principal import (
    ALL_SCOPES,
    PLATFORM_SCOPES,
    Principal,
    Role,
    Scope,
    WorkerType,
)

if TYPE_CHECKING:
    from gigcity.services.accounts.service import (
        AccountCreate,
        AccountOut,
        AccountsService,
        ApiKeyOut,
        Password,
        TokenOut,
        create_account,
        create_api_key,
        get_account,
        hash_password,
        issue_token,
        list_api_keys,
        principal_for,
        principal_from_api_key,
        revoke_api_key,
        set_password_hash_costs,
    )


# Who a caller is (above) is light; the service (SQLAlchemy, argon2, JWT) is imported on
# first use of its names, so `gigcity --help` and other light callers do not pay for it.
def __getattr__(name: str) -> Any:
    if name in __all__:
        from gigcity.services.accounts import service

        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ALL_SCOPES",
    "PLATFORM_SCOPES",
    "AccountCreate",
    "AccountOut",
    "AccountsService",
    "ApiKeyOut",
    "Password",
    "Principal",
    "Role",
    "Scope",
    "TokenOut",
    "WorkerType",
    "create_account",
    "create_api_key",
    "get_account",
    "hash_password",
    "issue_token",
    "list_api_keys",
    "principal_for",
    "principal_from_api_key",
    "revoke_api_key",
    "set_password_hash_costs",
]
