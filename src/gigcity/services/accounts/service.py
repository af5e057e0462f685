"""Accounts, roles, passwords (argon2), bearer tokens (signed JWT) and platform API keys."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, NamedTuple

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import Account, ApiKey, Canteen, Estate, Place
from gigcity.db.session import single_statement_sessions, transaction
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts.cache import PrincipalCache
from gigcity.services.accounts.instance_secrets import SIGNING_KEY, get_or_create_secret
from gigcity.services.accounts.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from gigcity.services.accounts.principal import (
    Principal,
    Role,
    Scope,
    WorkerType,
    parse_scopes,
    scopes_text,
)
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from gigcity.services.types import UtcDatetime

_hasher = PasswordHasher()  # argon2id with the library's recommended costs
# Verifying against this keeps the time of a failed login the same for unknown usernames.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def set_password_hash_costs(time_cost: int, memory_cost_kib: int) -> None:
    """Change argon2 costs for new hashes (tests use tiny costs to run fast)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=1)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


API_KEY_PREFIX = "gck_"


Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
# Length here (a 422 naming the field); common and guessable ones in `check_password`.
Password = Annotated[
    str,
    Field(
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description=f"At least {MIN_LENGTH} characters, not a common password.",
    ),
]
MAX_ROW_ID = 2_147_483_647  # ids are 32-bit integer columns


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Password
    display_name: Annotated[str, Field(min_length=1, max_length=120)]
    role: Role
    worker_type: WorkerType | None = None
    phone: Annotated[str, Field(max_length=32)] | None = None
    station_id: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Required for station staff."
    )
    subdistrict: str | None = Field(
        default=None,
        max_length=64,
        description="Required for grid officers and neighbourhood-committee staff.",
    )
    estate_id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="Required for property staff and community couriers.",
    )
    canteen_id: int | None = Field(
        default=None, ge=1, le=2_147_483_647, description="Required for canteen staff."
    )


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    worker_type: WorkerType | None
    phone: str | None
    station_id: int | None
    subdistrict: str | None
    estate_id: int | None = None
    canteen_id: int | None = None
    active: bool
    created_at: UtcDatetime


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[Scope]
    estate_id: int | None = None
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None
    key: str | None = Field(default=None, description="The secret, shown once at creation.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account_out(account: Account) -> AccountOut:
    return AccountOut.model_validate(account, from_attributes=True)


def create_account(session: Session, data: AccountCreate, district: District) -> Account:
    check_password(data.password)
    if data.role == Role.platform:
        raise InvalidInput(N_("Platforms sign in with API keys, not accounts."), field="role")
    if data.role == Role.staff:
        if data.station_id is None:
            raise InvalidInput(N_("Station staff must be bound to a station."), field="station_id")
        if session.get(Place, data.station_id) is None:
            raise InvalidInput(
                N_("Service point {id} does not exist."), field="station_id", id=data.station_id
            )
    elif data.station_id is not None:
        raise InvalidInput(N_("Only station staff are bound to a station."), field="station_id")
    _check_subdistrict_binding(data.role, data.subdistrict, district)
    _check_estate_binding(session, data.role, data.estate_id)
    _check_canteen_binding(session, data.role, data.canteen_id)
    if data.role == Role.rider and data.worker_type is None:
        data = data.model_copy(update={"worker_type": WorkerType.delivery_rider})
    account = Account(
        username=data.username,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        role=data.role.value,
        worker_type=data.worker_type.value if data.worker_type else None,
        phone=data.phone,
        station_id=data.station_id,
        subdistrict=data.subdistrict,
        estate_id=data.estate_id,
        canteen_id=data.canteen_id,
        active=True,
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(
            N_("The username '{username}' is taken."), field="username", username=data.username
        ) from exc
    return account


def _check_subdistrict_binding(role: Role, subdistrict: str | None, district: District) -> None:
    """Grid officers and neighbourhood-committee staff work in one sub-district of the
    district."""
    codes = ", ".join(s.code for s in district.subdistricts)
    if role == Role.officer:
        if not subdistrict or district.get(subdistrict) is None:
            raise InvalidInput(
                N_("Grid officers must be bound to a sub-district; known codes: {codes}."),
                field="subdistrict",
                codes=codes,
            )
    elif role == Role.committee:
        if not subdistrict or district.get(subdistrict) is None:
            raise InvalidInput(
                N_(
                    "Neighbourhood-committee staff must be bound to a sub-district; known "
                    "codes: {codes}."
                ),
                field="subdistrict",
                codes=codes,
            )
    elif subdistrict is not None:
        raise InvalidInput(
            N_("Only grid officers and neighbourhood-committee staff are bound to a sub-district."),
            field="subdistrict",
        )


def _check_canteen_binding(session: Session, role: Role, canteen_id: int | None) -> None:
    """Canteen staff work for one community canteen for the elderly, which must exist."""
    if role == Role.canteen:
        if canteen_id is None:
            raise InvalidInput(N_("Canteen staff must be bound to a canteen."), field="canteen_id")
        if session.get(Canteen, canteen_id) is None:
            raise InvalidInput(
                N_("Canteen {id} does not exist."), field="canteen_id", id=canteen_id
            )
    elif canteen_id is not None:
        raise InvalidInput(N_("Only canteen staff are bound to a canteen."), field="canteen_id")


ESTATE_ROLES = (Role.property, Role.courier)


def _require_estate(session: Session, estate_id: int) -> None:
    if session.get(Estate, estate_id) is None:
        raise InvalidInput(N_("Estate {id} does not exist."), field="estate_id", id=estate_id)


def _check_estate_binding(session: Session, role: Role, estate_id: int | None) -> None:
    """Property staff and community couriers work for one estate, which must exist."""
    if role in ESTATE_ROLES:
        if estate_id is None:
            raise InvalidInput(
                N_("Property staff and community couriers must be bound to an estate."),
                field="estate_id",
            )
        _require_estate(session, estate_id)
    elif estate_id is not None:
        raise InvalidInput(
            N_("Only property staff and community couriers are bound to an estate."),
            field="estate_id",
        )


def authenticate(session: Session, username: str, password: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        verify_password(_DUMMY_HASH, password)
        raise NotAuthenticated(N_("Wrong username or password."))
    if not verify_password(account.password_hash, password) or not account.active:
        raise NotAuthenticated(N_("Wrong username or password."))
    return account


def set_password(session: Session, account: Account, password: str) -> None:
    """A new password; the account's bearer tokens issued so far stop working."""
    check_password(password)
    account.password_hash = hash_password(password)
    bump_token_generation(session, account.id)


def bump_token_generation(session: Session, account_id: int) -> None:
    """Refuse every token issued to the account so far (in the caller's transaction). One
    UPDATE adding 1, so concurrent bumps never fall back onto an old generation."""
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(token_generation=Account.token_generation + 1)
    )


def issue_token(account: Account, signing_key: str, ttl: timedelta) -> TokenOut:
    now = datetime.now(UTC)
    claims = {
        "sub": str(account.id),
        "gen": account.token_generation,  # see Account.token_generation
        "role": account.role,
        "iat": now,
        "exp": now + ttl,
    }
    token = jwt.encode(claims, signing_key, algorithm="HS256")
    return TokenOut(
        access_token=token, expires_in=int(ttl.total_seconds()), role=Role(account.role)
    )


def principal_for(account: Account) -> Principal:
    return Principal(
        role=Role(account.role),
        account_id=account.id,
        label=account.username,
        station_id=account.station_id,
        subdistrict=account.subdistrict,
        estate_id=account.estate_id,
        canteen_id=account.canteen_id,
    )


class TokenClaims(NamedTuple):
    account_id: int
    generation: int
    expires: float  # Unix seconds


_ROW_ID = re.compile(r"[1-9][0-9]{0,9}")  # ASCII digits only: int() also reads "１２"


def token_claims(token: str, signing_key: str) -> TokenClaims:
    """What a validly signed bearer token says. Every claim is checked for shape and range
    (an id beyond the integer column would fail in the database, not here)."""
    invalid = NotAuthenticated(N_("The bearer token is not valid."))
    try:
        claims = jwt.decode(
            token, signing_key, algorithms=["HS256"], options={"require": ["exp", "sub", "gen"]}
        )
        sub, gen, exp = claims["sub"], claims["gen"], float(claims["exp"])
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated(N_("Your sign-in has expired; please sign in again.")) from exc
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
        raise invalid from exc
    if not isinstance(sub, str) or not _ROW_ID.fullmatch(sub) or int(sub) > MAX_ROW_ID:
        raise invalid
    if type(gen) is not int or not 0 <= gen <= MAX_ROW_ID:  # bool is an int too
        raise invalid
    return TokenClaims(int(sub), gen, exp)


def principal_from_token(session: Session, token: str, signing_key: str) -> Principal:
    """The caller behind a bearer token; the account is re-read so revocations apply at once."""
    claims = token_claims(token, signing_key)
    return principal_of_account(session, claims.account_id, claims.generation)


def principal_of_account(session: Session, account_id: int, generation: int) -> Principal:
    """The principal of an active account named by a valid token of its current generation."""
    account = session.get(Account, account_id)
    if account is None or not account.active or account.token_generation != generation:
        raise NotAuthenticated(N_("The bearer token is not valid."))
    return principal_for(account)


def _key_hash(key: str) -> str:
    # API keys are 32 random bytes, so a plain SHA-256 is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_out(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=[s for s in Scope if s in parse_scopes(row.scopes)],
        estate_id=row.estate_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def create_api_key(
    session: Session,
    name: str,
    created_by: int | None,
    *,
    scopes: Iterable[Scope],
    estate_id: int | None = None,
) -> ApiKeyOut:
    """A new key that may do only what `scopes` name (at least one). A key with the `gates`
    scope is a gate controller's and answers for one estate's gates (`estate_id`)."""
    scopes = frozenset(scopes)
    if not name.strip():
        raise InvalidInput(N_("An API key needs a name."), field="name")
    stored = scopes_text(scopes)
    if not stored:
        raise InvalidInput(
            N_("An API key needs at least one scope; known scopes: {scopes}."),
            field="scopes",
            scopes=", ".join(s.value for s in Scope),
        )
    if Scope.gates in scopes:
        if estate_id is None:
            raise InvalidInput(
                N_("A key with the 'gates' scope is a gate controller's: name its estate."),
                field="estate_id",
            )
        _require_estate(session, estate_id)
    elif estate_id is not None:
        raise InvalidInput(
            N_("Only a key with the 'gates' scope is bound to an estate."), field="estate_id"
        )
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name.strip(),
        prefix=secret[:12],
        key_hash=_key_hash(secret),
        scopes=stored,
        created_by=created_by,
        estate_id=estate_id,
    )
    session.add(row)
    session.flush()
    return api_key_out(row).model_copy(update={"key": secret})


def list_api_keys(session: Session) -> list[ApiKeyOut]:
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id))
    return [api_key_out(r) for r in rows]


def revoke_api_key(session: Session, key_id: int) -> ApiKeyOut:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(N_("API key {id} does not exist."), id=key_id)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return api_key_out(row)


def principal_from_api_key(session: Session, key: str) -> Principal:
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _key_hash(key)))
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated(N_("The API key is not valid or has been revoked."))
    return Principal(
        role=Role.platform,
        api_key_id=row.id,
        label=f"api-key:{row.name}",
        scopes=parse_scopes(row.scopes),
        estate_id=row.estate_id,
    )


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(N_("Account {id} does not exist."), id=account_id)
    return account


def list_accounts(session: Session, role: Role | None = None) -> list[Account]:
    query = select(Account).order_by(Account.id)
    if role is not None:
        query = query.where(Account.role == role.value)
    return list(session.scalars(query))


class AccountsService:
    """Accounts and keys, each call in its own transaction."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        signing_key: str,
        token_ttl: timedelta,
    ) -> None:
        self.factory = factory
        self.district = district
        # Empty in dev and demo mode (no GIGCITY_SECRET_KEY): this database's own random
        # key, made on first use (`signing_key`).
        self._signing_key = signing_key
        self._signing_key_lock = threading.Lock()
        self.token_ttl = token_ttl
        self._reads = single_statement_sessions(factory)  # checking a credential only reads
        # Checked credentials, emptied by every change below that could withdraw one.
        self.recent = PrincipalCache()

    @property
    def signing_key(self) -> str:
        """The key bearer tokens are signed with: GIGCITY_SECRET_KEY, or in dev and demo
        mode a random key kept in the database (the same for every worker on it)."""
        if not self._signing_key:
            with self._signing_key_lock:
                if not self._signing_key:
                    self._signing_key = get_or_create_secret(
                        self.factory, SIGNING_KEY, lambda: secrets.token_urlsafe(48)
                    )
        return self._signing_key

    def sign_in(self, username: str, password: str) -> TokenOut:
        with self.factory() as session:
            return issue_token(
                authenticate(session, username, password), self.signing_key, self.token_ttl
            )

    # Tokens and keys are remembered apart: a bearer token sent as an API key (or the
    # reverse) is refused, as it is when nothing is remembered.
    def cached_token(self, token: str) -> Principal | None:
        """The caller behind a bearer token checked within the last few seconds (no I/O:
        callable from the event loop); None means ask `principal_from_token`."""
        return self.recent.get(_TOKEN + token)

    def cached_api_key(self, key: str) -> Principal | None:
        """As `cached_token`, for an API key; None means ask `principal_from_api_key`."""
        return self.recent.get(_API_KEY + key)

    def principal_from_token(self, token: str) -> Principal:
        """The caller behind a bearer token: the account is read (or was, within the
        cache's few seconds), so a deactivation applies at once in this process and within
        seconds everywhere."""
        cached = self.cached_token(token)
        if cached is not None:
            return cached
        claims = token_claims(token, self.signing_key)
        generation = self.recent.generation
        with self._reads() as session:
            principal = principal_of_account(session, claims.account_id, claims.generation)
        self.recent.put(_TOKEN + token, principal, generation, claims.expires - time.time())
        return principal

    def principal_from_api_key(self, key: str) -> Principal:
        cached = self.cached_api_key(key)
        if cached is not None:
            return cached
        generation = self.recent.generation
        with self._reads() as session:
            principal = principal_from_api_key(session, key)
        self.recent.put(_API_KEY + key, principal, generation)
        return principal

    def create(self, principal: Principal, data: AccountCreate) -> AccountOut:
        _require_admin(principal)
        with transaction(self.factory) as session:
            return account_out(create_account(session, data, self.district))

    # The operator's console (`gigcity accounts ...`) acts outside any sign-in: it makes the
    # first district admin and issues keys that no account created.
    def create_by_operator(self, data: AccountCreate) -> AccountOut:
        with transaction(self.factory) as session:
            return account_out(create_account(session, data, self.district))

    def create_api_key_by_operator(
        self, name: str, *, scopes: Iterable[Scope], estate_id: int | None = None
    ) -> ApiKeyOut:
        with transaction(self.factory) as session:
            return create_api_key(session, name, None, scopes=scopes, estate_id=estate_id)

    def get(self, principal: Principal, account_id: int) -> AccountOut:
        """An account's details: the account holder and district admins only."""
        if principal.role != Role.admin and principal.account_id != account_id:
            raise Forbidden(N_("You may only read your own account."))
        with self.factory() as session:
            return account_out(get_account(session, account_id))

    def list_accounts(self, principal: Principal, role: Role | None = None) -> list[AccountOut]:
        _require_admin(principal)
        with self.factory() as session:
            return [account_out(a) for a in list_accounts(session, role)]

    def set_active(self, principal: Principal, account_id: int, active: bool) -> AccountOut:
        _require_admin(principal)
        if principal.account_id == account_id and not active:
            raise InvalidInput(N_("You cannot deactivate your own account."))
        try:
            with transaction(self.factory) as session:
                account = get_account(session, account_id)
                account.active = active
                if not active:  # a later reactivation must not revive the tokens issued so far
                    bump_token_generation(session, account_id)
                return account_out(account)
        finally:
            self.recent.clear()

    def set_password(self, principal: Principal, account_id: int, password: str) -> AccountOut:
        """Set an account's password (district admins); its tokens issued so far stop
        working, here at once and in other workers within the credential cache's TTL."""
        _require_admin(principal)
        try:
            with transaction(self.factory) as session:
                account = get_account(session, account_id)
                set_password(session, account, password)
                return account_out(account)
        finally:
            self.recent.clear()

    def create_api_key(
        self,
        principal: Principal,
        name: str,
        *,
        scopes: Iterable[Scope],
        estate_id: int | None = None,
    ) -> ApiKeyOut:
        _require_admin(principal)
        with transaction(self.factory) as session:
            return create_api_key(
                session, name, principal.account_id, scopes=scopes, estate_id=estate_id
            )

    def list_api_keys(self, principal: Principal) -> list[ApiKeyOut]:
        _require_admin(principal)
        with self.factory() as session:
            return list_api_keys(session)

    def revoke_api_key(self, principal: Principal, key_id: int) -> ApiKeyOut:
        _require_admin(principal)
        try:
            with transaction(self.factory) as session:
                return revoke_api_key(session, key_id)
        finally:
            self.recent.clear()


# Prefixes of the remembered credentials, by the header they came in.
_TOKEN = "bearer:"
_API_KEY = "api-key:"


def _require_admin(principal: Principal) -> None:
    if principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may do this."))
