"""Notices to workers: queued in the transaction of the change (sent only if it commits),
sent to each of the worker's browsers in the language it subscribed in, a subscription the
push service calls gone forgotten, a push service that cannot be reached tried again, one
browser one owner, at most five browsers an account; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from gigcity.db.models import PushSubscription
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.errors import NotFound
from gigcity.services.jobs import RetryLater
from gigcity.services.notify import (
    NOTIFY_JOB,
    ChannelUnavailable,
    Notice,
    PushTarget,
    SubscriptionIn,
    public_key_of,
    queue_notice,
)
from gigcity.services.platform import Platform
from support import World, principal

# A message of the catalog with a parameter (its Chinese is in messages.po).
MESSAGE = N_("This browser is not subscribed to notifications.")


class Pushes:
    """A push service stand-in: records what it was sent, answers `status`."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.sent: list[tuple[PushTarget, dict[str, Any]]] = []
        self.arrived = threading.Event()

    def __call__(self, target: PushTarget, payload: str) -> int:
        self.sent.append((target, json.loads(payload)))
        self.arrived.set()
        if self.status < 0:
            raise OSError("unreachable")
        return self.status


def _browser(n: int) -> SubscriptionIn:
    return SubscriptionIn.model_validate(
        {
            "endpoint": f"https://push.example.com/send/{n}",
            "keys": {"p256dh": "B" + "x" * 86, "auth": "a" * 22},
            "expirationTime": None,
        }
    )


def _count(platform: Platform) -> int:
    with platform.factory() as session:
        return int(session.scalar(select(func.count()).select_from(PushSubscription)) or 0)


def test_a_notice_goes_out_after_its_change_commits_and_never_after_a_rollback(
    platform: Platform, world: World
) -> None:
    pushes = Pushes()
    platform.notify.sender = pushes
    rider = principal(platform, "rider")
    platform.notify.subscribe(rider, _browser(1), "zh_CN")
    notice = Notice(account_id=world.ids["rider"], kind="test.done", message=MESSAGE, url="/stays")

    def failed_change() -> None:
        with transaction(platform.factory) as session:
            queue_notice(session, platform.jobs, notice)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failed_change()
    with transaction(platform.factory) as session:
        queue_notice(session, platform.jobs, notice)
    assert pushes.arrived.wait(10)
    [(target, payload)] = pushes.sent
    assert target.endpoint == "https://push.example.com/send/1"
    assert payload == {
        "title": "新就业群体服务平台",
        "body": "此浏览器未开启通知。",
        "url": "/stays",
        "kind": "test.done",
    }


def test_each_browser_reads_the_notice_in_its_own_language(
    platform: Platform, world: World
) -> None:
    pushes = Pushes()
    platform.notify.sender = pushes
    rider = principal(platform, "rider")
    platform.notify.subscribe(rider, _browser(1), "zh_CN")
    platform.notify.subscribe(rider, _browser(2), "en")
    sent = platform.notify.send(Notice(world.ids["rider"], "test", MESSAGE))
    assert sent["webpush"] == 2
    bodies = {t.endpoint[-1]: p["body"] for t, p in pushes.sent}
    assert bodies == {"1": "此浏览器未开启通知。", "2": MESSAGE}


def test_a_subscription_the_push_service_calls_gone_is_forgotten(
    platform: Platform, world: World
) -> None:
    platform.notify.sender = Pushes(status=410)
    platform.notify.subscribe(principal(platform, "rider"), _browser(1), "zh_CN")
    assert platform.notify.send(Notice(world.ids["rider"], "test", MESSAGE))["webpush"] == 0
    assert _count(platform) == 0


def test_an_unreachable_push_service_is_tried_again_until_the_last_attempt(
    platform: Platform, world: World
) -> None:
    platform.notify.sender = Pushes(status=-1)
    platform.notify.subscribe(principal(platform, "rider"), _browser(1), "zh_CN")
    args = Notice(world.ids["rider"], "test", MESSAGE).as_args()
    # An adapter (SMS) that took it: delivered, not tried again.
    platform.notify.run_job(NOTIFY_JOB.name, args, last_attempt=False)
    platform.notify.adapters = []  # Web Push alone
    with pytest.raises(RetryLater):
        platform.notify.run_job(NOTIFY_JOB.name, args, last_attempt=False)
    platform.notify.run_job(NOTIFY_JOB.name, args, last_attempt=True)  # given up quietly
    with pytest.raises(ChannelUnavailable):
        platform.notify.send(Notice(world.ids["rider"], "test", MESSAGE))
    assert _count(platform) == 1  # kept: the service may be back later


def test_one_browser_has_one_owner_and_an_account_at_most_five(
    platform: Platform, world: World
) -> None:
    rider, other = principal(platform, "rider"), principal(platform, "rider2")
    platform.notify.subscribe(rider, _browser(1), "zh_CN")
    platform.notify.subscribe(other, _browser(1), "en")  # the phone changed hands
    assert (platform.notify.subscribed(rider), platform.notify.subscribed(other)) == (0, 1)
    for n in range(2, 9):
        platform.notify.subscribe(rider, _browser(n), "zh_CN")
    assert platform.notify.subscribed(rider) == 5
    with platform.factory() as session:
        kept = session.scalars(
            select(PushSubscription.endpoint).where(
                PushSubscription.account_id == world.ids["rider"]
            )
        ).all()
    assert sorted(e[-1] for e in kept) == ["4", "5", "6", "7", "8"]  # the newest five
    platform.notify.unsubscribe(rider, _browser(8).endpoint)
    with pytest.raises(NotFound):
        platform.notify.unsubscribe(rider, _browser(1).endpoint)  # another's browser


def test_the_push_key_is_one_for_the_installation(platform: Platform) -> None:
    key = platform.notify.public_key()
    assert key == platform.notify.public_key()
    assert len(key) == 87  # base64url of a 65-byte uncompressed point
    assert key.startswith("B")
    assert key == public_key_of(platform.notify.private_key())
