"""Accounts: who is calling (roles, scopes, principals), accounts and API keys, passwords
(argon2, the common-password rule), bearer tokens (signed JWT), the credential cache and the
secrets an installation makes for itself."""

from gigcity.services.accounts.principal import ALL_SCOPES, Principal, Role, Scope
from gigcity.services.accounts.service import (
    AccountCreate,
    AccountOut,
    AccountsService,
    ApiKeyOut,
    Password,
    TokenOut,
    WorkerType,
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

__all__ = [
    "ALL_SCOPES",
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
