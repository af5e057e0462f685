"""The meals-for-the-elderly service's shared base: its settings, the field cipher, who may
do what, and the log of every read of an older person's sensitive fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.config import SettingsError
from gigcity.db.models import Canteen, Elder, ElderRead
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.cipher import FieldCipher
from gigcity.services.day_clock import DayClock
from gigcity.services.eldercare.funding import FundingRule, load_funding_rule
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.field_keys import KeyRing
from gigcity.services.jobs import JobQueue
from gigcity.services.rulebooks import RulebooksService

EXAMPLE_FUNDING = Path(__file__).with_name("funding-example.yaml")
DEV_KEY = "eldercare_field_key"  # dev and demo: the database's own random field key


def _utcnow() -> datetime:
    return datetime.now(UTC)


def load_funding(path: Path | None) -> FundingRule:
    """The funding rule from `path` (YAML), or the example shipped with gigcity; a file
    that cannot be used is a SettingsError saying why."""
    try:
        with open(path or EXAMPLE_FUNDING, encoding="utf-8") as file:
            return load_funding_rule(yaml.safe_load(file))
    except (OSError, yaml.YAMLError, InvalidInput) as exc:
        where = f" (field {exc.field})" if isinstance(exc, InvalidInput) and exc.field else ""
        raise SettingsError(f"GIGCITY_ELDERCARE_FUNDING_FILE {path}{where}: {exc}") from exc


class EldercareBase:
    def __init__(
        self,
        factory: sessionmaker[Session],
        district: District,
        day_clock: DayClock,
        jobs: JobQueue,
        *,
        keys: str = "",
        signing_secret: str = "",
        funding: FundingRule | None = None,
        rulebooks: RulebooksService | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.factory = factory
        self.district = district
        self.day_clock = day_clock
        self.jobs = jobs
        self.keys = KeyRing(
            factory, keys, signing_secret, dev_key=DEV_KEY, purpose="eldercare fields"
        )
        self.funding = funding or load_funding(None)
        self.rulebooks = rulebooks  # the rulebook in force for rounds (else the shipped one)
        self.clock = clock

    @property
    def cipher(self) -> FieldCipher:
        return self.keys.cipher


# -- who may do what -------------------------------------------------------------------
# District admins everywhere; grid officers and neighbourhood-committee staff in their own
# sub-district; riders only through their round (see `rounds`); canteen staff only their
# canteen's menus and kitchen (`require_kitchen`).
MANAGERS = (Role.admin, Role.officer, Role.committee)
LOCAL_MANAGERS = (Role.officer, Role.committee)  # bound to one sub-district


def require_manager(principal: Principal, subdistrict: str | None = None) -> None:
    """Admins, and officers and committee staff of `subdistrict` (any, when None: they see
    only their own)."""
    if principal.role == Role.admin:
        return
    if principal.role not in LOCAL_MANAGERS:
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
    if subdistrict is not None and principal.subdistrict != subdistrict:
        raise Forbidden(N_("This older person or canteen is in another sub-district."))


def scope_subdistrict(principal: Principal) -> str | None:
    """The sub-district a manager's lists are limited to (None: all, for admins)."""
    require_manager(principal)
    return None if principal.role == Role.admin else principal.subdistrict


def require_kitchen(principal: Principal, canteen: Canteen) -> None:
    """Who may keep a canteen's menus and read its kitchen list: its own canteen staff, and
    the managers of its sub-district (admins everywhere)."""
    if principal.role == Role.canteen:
        if principal.canteen_id != canteen.id:
            raise Forbidden(N_("Canteen staff may act only for their own canteen."))
        return
    require_manager(principal, canteen.subdistrict)


def get_elder(session: Session, elder_id: int) -> Elder:
    elder = session.get(Elder, elder_id)
    if elder is None:
        raise NotFound(N_("No older person {id} is enrolled."), id=elder_id)
    return elder


def get_canteen(session: Session, canteen_id: int) -> Canteen:
    canteen = session.get(Canteen, canteen_id)
    if canteen is None:
        raise NotFound(N_("No canteen {id}."), id=canteen_id)
    return canteen


def log_reads(
    session: Session,
    principal: Principal,
    elder_ids: Iterable[int],
    fields: Iterable[str],
    purpose: str,
    at: datetime,
) -> None:
    """Record that `principal` read `fields` of each older person (in the reading
    transaction: a read that is not logged does not happen)."""
    names = ",".join(sorted(set(fields)))
    rows = [
        {
            "at": at,
            "elder_id": elder_id,
            "account_id": principal.account_id,
            "role": principal.role.value,
            "fields": names,
            "purpose": purpose,
        }
        for elder_id in sorted(set(elder_ids))
    ]
    if rows:
        session.execute(insert(ElderRead), rows)


def reads_of(session: Session, elder_id: int, limit: int) -> list[ElderRead]:
    return list(
        session.scalars(
            select(ElderRead)
            .where(ElderRead.elder_id == elder_id)
            .order_by(ElderRead.at.desc(), ElderRead.id.desc())
            .limit(limit)
        )
    )
