"""Platforms' webhooks: each status change of a platform's items is queued in the transaction
that made it and POSTed by the job queue, signed (signing.py), retried until a 2xx."""

from __future__ import annotations

import ipaddress
import json
import secrets
from datetime import datetime

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import (
    RelayItem,
    RelayWebhook,
    RelayWebhookCall,
)
from gigcity.db.session import lock_named, transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.day_clock import as_utc
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.jobs import JobQueue, RetryLater
from gigcity.services.relay import access
from gigcity.services.relay.base import (
    WEBHOOK_JOB,
    RelayBase,
)
from gigcity.services.relay.custody import Event
from gigcity.services.relay.schemas import (
    WebhookIn,
    WebhookOut,
)
from gigcity.services.relay.signing import SIGNATURE_HEADER, sign


def queue_call(
    session: Session, jobs: JobQueue, item: RelayItem, event: Event, seq: int, now: datetime
) -> None:
    """Queue the call telling the item's platform of this step, if it has a webhook: in the
    step's own transaction, so the call exists exactly when the step does."""
    if item.api_key_id is None:
        return
    hook = session.scalar(select(RelayWebhook.id).where(RelayWebhook.api_key_id == item.api_key_id))
    if hook is None:
        return
    body = {
        "type": "relay.item.updated",
        "item_id": item.id,
        "order_ref": item.order_ref,
        "event": event.value,
        "state": item.state,
        "seq": seq,
        "at": as_utc(now).isoformat(),
    }
    call = RelayWebhookCall(
        webhook_id=hook,
        item_id=item.id,
        seq=seq,
        body=body,
        state="pending",
        attempts=0,
        created_at=now,
    )
    session.add(call)
    session.flush()
    jobs.defer(session, WEBHOOK_JOB.name, call_id=call.id)


class Webhooks(RelayBase):
    """Platforms' webhooks and the signed calls to them."""

    def set_webhook(self, principal: Principal, data: WebhookIn) -> WebhookOut:
        key_id = access.platform_key(principal)
        _check_public(data)
        secret = "whsec_" + secrets.token_hex(24)
        now = self.now()
        with transaction(self.factory) as session:
            lock_named(session, f"relay-webhook:{key_id}")
            session.execute(delete(RelayWebhook).where(RelayWebhook.api_key_id == key_id))
            session.add(
                RelayWebhook(api_key_id=key_id, url=str(data.url), secret=secret, created_at=now)
            )
        return WebhookOut(url=str(data.url), created_at=now, secret=secret)

    def webhook(self, principal: Principal) -> WebhookOut:
        key_id = access.platform_key(principal)
        with self.factory() as session:
            row = session.scalars(
                select(RelayWebhook).where(RelayWebhook.api_key_id == key_id)
            ).one_or_none()
        if row is None:
            raise NotFound(N_("No webhook is registered for this API key."))
        return WebhookOut(url=row.url, created_at=as_utc(row.created_at))

    def remove_webhook(self, principal: Principal) -> None:
        key_id = access.platform_key(principal)
        with transaction(self.factory) as session:
            session.execute(delete(RelayWebhook).where(RelayWebhook.api_key_id == key_id))

    def send_webhook(self, call_id: int, last_attempt: bool = True) -> str:
        """POST one queued call, signed; "sent", "failed" or "gone". Raises RetryLater on a
        failure while attempts remain."""
        with self.factory() as session:
            call = session.get(RelayWebhookCall, call_id)
            hook = session.get(RelayWebhook, call.webhook_id) if call else None
        if call is None or hook is None:
            return "gone"
        if call.state == "sent":
            return "sent"
        body = json.dumps(call.body, sort_keys=True, separators=(",", ":")).encode()
        timestamp = int(self.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
            "User-Agent": "gigcity-relay-webhook",
        }
        status: int | None = None
        error: str | None = None
        try:
            status = self.http.post(hook.url, content=body, headers=headers).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        ok = status is not None and 200 <= status < 300
        state = "sent" if ok else ("failed" if last_attempt else "pending")
        with transaction(self.factory) as session:
            session.execute(
                update(RelayWebhookCall)
                .where(RelayWebhookCall.id == call_id)
                .values(
                    state=state,
                    attempts=RelayWebhookCall.attempts + 1,
                    last_status=status,
                    last_error=error if not ok else None,
                    sent_at=self.now() if ok else None,
                )
            )
        if not ok and not last_attempt:
            raise RetryLater(f"webhook call {call_id}: {status or error}")
        return state


def _check_public(data: WebhookIn) -> None:
    """The server POSTs to this URL: refuse this host itself and private networks (a key
    must not make the platform call its own neighbours). Names are not resolved here; the
    operator's egress rules are the second fence (docs/relay.md)."""
    host = (data.url.host or "").strip("[]").lower()
    private = host in ("localhost", "") or host.endswith((".localhost", ".internal", ".local"))
    try:
        address = ipaddress.ip_address(host)
        private = private or not address.is_global
    except ValueError:
        pass  # a name
    if private:
        raise InvalidInput(
            N_("A webhook must be a public address, not this server or a private network."),
            field="url",
        )
