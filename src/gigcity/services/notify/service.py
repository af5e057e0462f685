"""The notification service: browsers' push subscriptions, the installation's VAPID key,
and the job that sends each queued notice through the channels.

The VAPID key pair is made on first use and kept in the database (instance secrets), so
every worker signs with the same key and a browser's subscription stays valid across
restarts; `GIGCITY_VAPID_PRIVATE_KEY` sets one instead."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import PushSubscription
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext, translations
from gigcity.services.accounts import Principal
from gigcity.services.accounts.instance_secrets import get_or_create_secret
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.jobs import RetryLater
from gigcity.services.notify.channels import (
    Channel,
    ChannelUnavailable,
    LoggingChannel,
    PushSender,
    PushTarget,
    Rendered,
    WebPushChannel,
)
from gigcity.services.notify.notice import NOTIFY_JOB, Notice
from gigcity.services.notify.schemas import SubscriptionIn

VAPID_SECRET = "vapid_private_key"
MAX_SUBSCRIPTIONS = 5  # browsers per account: a phone, a tablet, a desk; the oldest go first


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A new P-256 private key as VAPID tools write it: the raw 32 bytes, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key_of(private_b64: str) -> str:
    """The application server key a browser subscribes with: the uncompressed public
    point, base64url."""
    padded = private_b64 + "=" * (-len(private_b64) % 4)
    value = int.from_bytes(base64.urlsafe_b64decode(padded), "big")
    key = ec.derive_private_key(value, ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)


def pywebpush_sender(private_b64: str, subject: str) -> PushSender:
    """Sends through pywebpush (imported here: only the job worker sends)."""

    def send(target: PushTarget, payload: str) -> int:
        from pywebpush import WebPushException, webpush

        try:
            response = webpush(
                {
                    "endpoint": target.endpoint,
                    "keys": {"p256dh": target.p256dh, "auth": target.auth},
                },
                data=payload,
                vapid_private_key=private_b64,
                vapid_claims={"sub": subject},
                ttl=3600,
                timeout=10,
            )
        except WebPushException as error:
            if error.response is None:
                raise OSError(str(error)) from error
            return int(error.response.status_code)
        return int(getattr(response, "status_code", 201))

    return send


class NotifyService:
    """Who may be told, in which browsers, and the sending of queued notices."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        vapid_private_key: str | None = None,
        vapid_subject: str = "mailto:admin@localhost",
        sender: PushSender | None = None,
        adapters: Sequence[Channel] | None = None,
    ) -> None:
        self.factory = factory
        self._private_key = vapid_private_key
        self._subject = vapid_subject
        self.sender = sender  # tests and operators may swap it
        # The SMS / WeChat adapters beside Web Push (a logging stand-in by default).
        self.adapters: list[Channel] = [LoggingChannel()] if adapters is None else list(adapters)

    # -- keys -------------------------------------------------------------------------

    def private_key(self) -> str:
        if self._private_key is None:
            self._private_key = get_or_create_secret(self.factory, VAPID_SECRET, new_private_key)
        return self._private_key

    def public_key(self) -> str:
        return public_key_of(self.private_key())

    # -- subscriptions ----------------------------------------------------------------

    def subscribe(self, principal: Principal, data: SubscriptionIn, locale: str) -> None:
        """Keep this browser's subscription for `principal` (the same endpoint given again
        is updated, also when it moved to another account: one browser, one owner)."""
        account_id = _account_id(principal)
        with transaction(self.factory) as session:
            row = session.scalar(
                select(PushSubscription).where(PushSubscription.endpoint == data.endpoint)
            )
            if row is None:
                row = PushSubscription(endpoint=data.endpoint)
                session.add(row)
            row.account_id = account_id
            row.p256dh = data.keys.p256dh
            row.auth = data.keys.auth
            row.locale = locale
            session.flush()
            ids = session.scalars(
                select(PushSubscription.id)
                .where(PushSubscription.account_id == account_id)
                .order_by(PushSubscription.id.desc())
            ).all()
            if len(ids) > MAX_SUBSCRIPTIONS:
                session.execute(
                    delete(PushSubscription).where(PushSubscription.id.in_(ids[MAX_SUBSCRIPTIONS:]))
                )

    def unsubscribe(self, principal: Principal, endpoint: str) -> None:
        account_id = _account_id(principal)
        with transaction(self.factory) as session:
            gone = session.execute(
                delete(PushSubscription).where(
                    PushSubscription.endpoint == endpoint,
                    PushSubscription.account_id == account_id,
                )
            )
            if gone.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(N_("This browser is not subscribed to notifications."))

    def subscribed(self, principal: Principal) -> int:
        """How many browsers `principal` gets notices in."""
        with self.factory() as session:
            count = session.scalar(
                select(func.count())
                .select_from(PushSubscription)
                .where(PushSubscription.account_id == _account_id(principal))
            )
        return int(count or 0)

    # -- sending ----------------------------------------------------------------------

    def channels(self) -> list[Channel]:
        sender = self.sender or pywebpush_sender(self.private_key(), self._subject)
        push = WebPushChannel(self._targets, self._forget, sender)
        return [push, *self.adapters]

    def send(self, notice: Notice) -> dict[str, int]:
        """Send `notice` through every channel now; how many deliveries each accepted."""

        def render(locale: str) -> Rendered:
            return Rendered(
                account_id=notice.account_id,
                kind=notice.kind,
                title=translations(locale, "web").gettext("Gigcity"),
                body=gettext(locale, notice.message, **notice.params),
                url=notice.url,
            )

        sent: dict[str, int] = {}
        unavailable: list[str] = []
        for channel in self.channels():
            try:
                sent[channel.name] = channel.send(notice.account_id, render)
            except ChannelUnavailable:
                unavailable.append(channel.name)
        if unavailable and not any(sent.values()):
            raise ChannelUnavailable(", ".join(unavailable))
        return sent

    def run_job(self, task: str, args: Mapping[str, Any], last_attempt: bool) -> None:
        if task != NOTIFY_JOB.name:
            raise ValueError(f"no job is called {task!r}")
        try:
            self.send(Notice.from_args(args))
        except ChannelUnavailable as error:
            if not last_attempt:
                raise RetryLater(str(error)) from error

    def _targets(self, account_id: int) -> list[PushTarget]:
        with self.factory() as session:
            rows = session.scalars(
                select(PushSubscription).where(PushSubscription.account_id == account_id)
            ).all()
            return [PushTarget(r.id, r.endpoint, r.p256dh, r.auth, r.locale) for r in rows]

    def _forget(self, subscription_id: int) -> None:
        with transaction(self.factory) as session:
            session.execute(delete(PushSubscription).where(PushSubscription.id == subscription_id))


def _account_id(principal: Principal) -> int:
    if principal.account_id is None:
        raise InvalidInput(N_("Only people who sign in can receive notifications."))
    return principal.account_id
