"""Where notices go. A channel is given the account and a way to render the notice in any
language; the service sends each notice through every channel it was built with.

- `WebPushChannel`: the browsers the worker allowed notifications in (Web Push with VAPID,
  RFC 8030/8291/8292, through pywebpush); a subscription the push service says is gone
  (404/410) is forgotten.
- `LoggingChannel`: the SMS / WeChat adapter's place. A real adapter implements `Channel`
  with the operator's gateway; this one writes one log line without the text's parameters
  (they may name a person)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog

log = structlog.get_logger("gigcity.notify")


@dataclass(frozen=True, slots=True)
class Rendered:
    """A notice in one language: what the worker reads and what a tap opens."""

    account_id: int
    kind: str
    title: str
    body: str
    url: str


@dataclass(frozen=True, slots=True)
class PushTarget:
    """One browser's push subscription (the PushSubscription the browser gave)."""

    id: int
    endpoint: str
    p256dh: str
    auth: str
    locale: str


Render = Callable[[str], Rendered]
"""`render(locale)`: the notice in that language."""


class Channel(Protocol):
    name: str

    def send(self, account_id: int, render: Render) -> int:
        """Deliver the notice to `account_id`; returns how many deliveries were accepted.
        Raises `ChannelUnavailable` on a passing failure (the notice is tried again)."""
        ...


class ChannelUnavailable(Exception):
    """The channel could not deliver now (its gateway is down); the notice is tried again."""


class LoggingChannel:
    """The SMS / WeChat adapter stand-in: logs that a notice would be sent."""

    name = "log"

    def __init__(self, locale: str = "zh_CN") -> None:
        self.locale = locale

    def send(self, account_id: int, render: Render) -> int:
        notice = render(self.locale)
        log.info("notice", account_id=account_id, kind=notice.kind, url=notice.url)
        return 1


PushSender = Callable[[PushTarget, str], int]
"""`send(target, payload)` -> the push service's HTTP status (201 when accepted)."""


class WebPushChannel:
    """Sends a notice to each of the account's push subscriptions, in its own language."""

    name = "webpush"

    def __init__(
        self,
        targets: Callable[[int], Sequence[PushTarget]],
        forget: Callable[[int], None],
        sender: PushSender,
    ) -> None:
        self._targets = targets
        self._forget = forget
        self._sender = sender

    def send(self, account_id: int, render: Render) -> int:
        """Send to every subscription of `account_id`, rendered in each one's language;
        returns how many push services accepted it."""
        accepted = 0
        failed = 0
        targets = self._targets(account_id)
        for target in targets:
            notice = render(target.locale)
            payload = json.dumps(
                {
                    "title": notice.title,
                    "body": notice.body,
                    "url": notice.url,
                    "kind": notice.kind,
                },
                ensure_ascii=False,
            )
            try:
                status = self._sender(target, payload)
            except OSError as error:  # the push service unreachable
                log.warning("push failed", subscription=target.id, error=type(error).__name__)
                failed += 1
                continue
            if status in (404, 410):  # the browser unsubscribed or the subscription expired
                self._forget(target.id)
            elif 200 <= status < 300:
                accepted += 1
            else:
                log.warning("push refused", subscription=target.id, status=status)
        if targets and failed == len(targets):
            raise ChannelUnavailable("no push service could be reached")
        return accepted
