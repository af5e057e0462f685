"""The care service's shared base: its settings, the field cipher for call-back numbers,
who may do what, and the log of every read of a number by a person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import CareCallbackRead
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.cipher import FieldCipher
from gigcity.services.errors import Forbidden
from gigcity.services.field_keys import KeyRing
from gigcity.services.jobs import JobQueue
from gigcity.services.places import PlacesService

DEV_KEY = "care_field_key"  # dev and demo: the database's own random field key
PURPOSE = "care fields"  # keeps this service's derived key apart from eldercare's


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CareBase:
    def __init__(
        self,
        factory: sessionmaker[Session],
        places: PlacesService,
        *,
        hotline: str,
        timezone: str = "Asia/Shanghai",
        keys: str = "",
        signing_secret: str = "",
        jobs: JobQueue | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.factory = factory
        self.jobs = jobs  # notices to workers (a place confirmed) go through it
        self.places = places
        self.hotline = hotline
        self.tz = ZoneInfo(timezone)
        self.keys = KeyRing(factory, keys, signing_secret, dev_key=DEV_KEY, purpose=PURPOSE)
        self.clock = clock

    @property
    def cipher(self) -> FieldCipher:
        return self.keys.cipher


# -- who may do what -------------------------------------------------------------------
# Counsellors (hotline staff) work the call-backs and run group sessions; district admins
# may run sessions too, but never read a worker's number.
SESSION_KEEPERS = (Role.counsellor, Role.admin)


def require_counsellor(principal: Principal) -> None:
    if principal.role != Role.counsellor:
        raise Forbidden(N_("Only hotline counsellors may do this."))


def require_session_keeper(principal: Principal) -> None:
    if principal.role not in SESSION_KEEPERS:
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)


def log_reads(
    session: Session, principal: Principal, callback_ids: Iterable[int], purpose: str, at: datetime
) -> None:
    """Record that `principal` read the number of each call-back (in the reading
    transaction: a read that is not logged does not happen)."""
    rows = [
        {
            "at": at,
            "callback_id": callback_id,
            "account_id": principal.account_id,
            "role": principal.role.value,
            "purpose": purpose,
        }
        for callback_id in sorted(set(callback_ids))
    ]
    if rows:
        session.execute(insert(CareCallbackRead), rows)
