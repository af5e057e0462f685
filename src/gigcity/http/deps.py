"""Dependencies shared by the routers: the platform, the caller, and who may call what.

Every route declares its callers with `Allow(...)` (or `Allow.public()`); the app appends
that statement to the route's OpenAPI description, and a test checks no route lacks one.
A route that admits platforms names the one API-key scope it needs (`Allow(Role.platform,
scope=Scope.signals)`): a key without that scope is refused (403 missing-scope).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.errors import Forbidden, NotAuthenticated
from gigcity.services.platform import Platform

# Ids in paths: positive and within a 32-bit integer column, so huge numbers are a 422.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="Row id")]

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)

ROLE_NAMES = {
    Role.rider: "riders and drivers",
    Role.staff: "station staff",
    Role.officer: "grid officers",
    Role.admin: "district admins",
    Role.property: "property staff",
    Role.courier: "community couriers",
    Role.family: "family members of older people",
    Role.committee: "neighbourhood-committee staff",
    Role.canteen: "canteen staff",
    Role.counsellor: "hotline counsellors",
    Role.lawyer: "volunteer lawyers",
    Role.platform: "platforms (API key)",
}


# Dependencies that never block are `async def`: FastAPI runs each sync dependency in the
# thread pool, and those hops cost more than the work on busy endpoints.
async def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


async def optional_principal(
    platform: PlatformDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal | None:
    # Credentials checked in the last few seconds are answered from memory; others need
    # the database (in the thread pool).
    if api_key:
        known = platform.accounts.cached_api_key(api_key)
        if known is not None:
            return known
        return await run_in_threadpool(platform.accounts.principal_from_api_key, api_key)
    if token:
        known = platform.accounts.cached_token(token)
        if known is not None:
            return known
        return await run_in_threadpool(platform.accounts.principal_from_token, token)
    return None


ACCOUNT_ROLES = (
    Role.rider,
    Role.staff,
    Role.officer,
    Role.admin,
    Role.property,
    Role.courier,
    Role.family,
    Role.committee,
    Role.canteen,
    Role.counsellor,
    Role.lawyer,
)
"""The roles of people who sign in (everyone but platform API keys)."""


class MissingScope(Forbidden):
    """A platform API key was issued without the scope this route needs."""

    type_slug = "missing-scope"


class Allow:
    """A dependency naming the roles that may call a route; returns the caller.

    Platform API keys are admitted only with `scope`, which a route admitting
    `Role.platform` must name (so no route grants a key everything by omission)."""

    def __init__(
        self, *roles: Role, public: bool = False, note: str = "", scope: Scope | None = None
    ) -> None:
        if (Role.platform in roles) != (scope is not None):
            raise ValueError("a route admits platform API keys if and only if it names a scope")
        self.roles = frozenset(roles)
        self.public = public
        self.note = note
        self.scope = scope

    def _role_name(self, role: Role) -> str:
        if role == Role.platform and self.scope is not None:
            return f"platform API keys with the `{self.scope.value}` scope"
        return ROLE_NAMES[role]

    @classmethod
    def public_access(cls, note: str = "") -> Allow:
        return cls(public=True, note=note)

    @classmethod
    def accounts_and_platform(cls, scope: Scope, note: str = "") -> Allow:
        """Every signed-in account, and platform API keys holding `scope`."""
        return cls(*ACCOUNT_ROLES, Role.platform, scope=scope, note=note)

    def statement(self) -> str:
        if self.public:
            who = "anyone, signed in or not"
        else:
            who = ", ".join(self._role_name(r) for r in Role if r in self.roles)
        return f"{who}{'; ' + self.note if self.note else ''}"

    async def __call__(
        self, principal: Annotated[Principal | None, Depends(optional_principal)]
    ) -> Principal | None:
        if self.public:
            return principal
        if principal is None:
            raise NotAuthenticated(N_("Please sign in (a bearer token or an API key is required)."))
        if principal.role not in self.roles:
            raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
        if principal.role == Role.platform and self.scope not in principal.scopes:
            assert self.scope is not None  # platforms are only admitted with a scope
            raise MissingScope(
                N_(
                    "This API key lacks the '{scope}' scope; a district admin can issue a key "
                    "with it."
                ),
                scope=self.scope.value,
            )
        return principal


def find_allow(dependant: Dependant) -> Allow | None:
    """The `Allow` a route depends on (directly or through its dependencies), if any."""
    for dep in dependant.dependencies:
        if isinstance(dep.call, Allow):
            return dep.call
        found = find_allow(dep)
        if found is not None:
            return found
    return None


PUBLIC = Allow.public_access()
PublicCaller = Annotated[Principal | None, Depends(PUBLIC)]
AnyAccount = Annotated[Principal, Depends(Allow(*ACCOUNT_ROLES))]
Admin = Annotated[Principal, Depends(Allow(Role.admin))]
PlaceKeeper = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.staff,
            Role.officer,
            note="staff only for their own station, officers only within their sub-district",
        )
    ),
]
