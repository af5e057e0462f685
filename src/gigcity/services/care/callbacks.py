"""Call-backs: a worker who chooses to leave a number is called back by a counsellor in the
time window they chose. The number is encrypted at field level; nothing links it to an
account or to a self-check. Counsellors see the queue (every number they see is logged)
and mark each call called or not reached; 30 days after that the number is deleted
(`retention.purge_callbacks`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from gigcity.db.models import CareCallback
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.base import CareBase, log_reads, require_counsellor
from gigcity.services.care.schemas import (
    CallbackAccepted,
    CallbackDone,
    CallbackIn,
    CallbackOut,
    OutcomeIn,
    Window,
)
from gigcity.services.errors import Conflict, NotFound
from gigcity.services.types import as_utc

KEPT_AFTER_DONE = timedelta(days=30)
WAITING = "waiting"
QUEUE_LIMIT = 200


def _digits(phone: str) -> str:
    """The number as it is dialled: its digits, with a leading + kept."""
    return ("+" if phone.startswith("+") else "") + "".join(c for c in phone if c.isdigit())


class Callbacks(CareBase):
    def request_callback(self, data: CallbackIn) -> CallbackAccepted:
        """Queue a call-back: the number encrypted, the window; no account, no address."""
        cipher = self.cipher  # first use may store the dev key: before the transaction
        with transaction(self.factory) as session:
            session.add(
                CareCallback(
                    phone_enc=cipher.encrypt(_digits(data.phone)),
                    window=data.when.value,
                    state=WAITING,
                    created_at=self.clock(),
                )
            )
        return CallbackAccepted(when=data.when, hotline=self.hotline)

    def callback_queue(self, principal: Principal) -> list[CallbackOut]:
        """The call-backs still to make, oldest first, with their numbers; each number read
        is logged in the same transaction."""
        require_counsellor(principal)
        cipher = self.cipher  # first use may store the dev key: before the transaction
        with transaction(self.factory) as session:
            rows = list(
                session.scalars(
                    select(CareCallback)
                    .where(CareCallback.state == WAITING)
                    .order_by(CareCallback.created_at, CareCallback.id)
                    .limit(QUEUE_LIMIT)
                )
            )
            log_reads(session, principal, [r.id for r in rows], "callback_queue", self.clock())
            return [
                CallbackOut(
                    id=r.id,
                    phone=cipher.decrypt(r.phone_enc),
                    when=Window(r.window),
                    state=r.state,
                    created_at=as_utc(r.created_at),
                )
                for r in rows
            ]

    def mark_callback(
        self, principal: Principal, callback_id: int, data: OutcomeIn
    ) -> CallbackDone:
        """Called or not reached: once (a conditional UPDATE; a second mark is a 409)."""
        require_counsellor(principal)
        now = self.clock()
        with transaction(self.factory) as session:
            done = session.execute(
                update(CareCallback)
                .where(CareCallback.id == callback_id, CareCallback.state == WAITING)
                .values(state=data.outcome.value, done_at=now, done_by=principal.account_id)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                if session.get(CareCallback, callback_id) is None:
                    raise NotFound(N_("No call-back {id}."), id=callback_id)
                raise Conflict(N_("This call-back was already marked by a counsellor."))
        return CallbackDone(
            id=callback_id,
            state=data.outcome,
            done_at=as_utc(now),
            deleted_after=as_utc(now + KEPT_AFTER_DONE),
        )
