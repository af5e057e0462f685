"""A platform hears of each status change at its webhook: JSON, signed with HMAC-SHA256 over
timestamp and body, sent by the job queue (retried when the platform does not answer 2xx)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from gigcity.services.platform import Platform
from gigcity.services.relay import SIGNATURE_HEADER, CodeIn, WebhookIn, verify
from services.relay.relay_support import consent, dropped, make_relay_world


def wait_for(check: object, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_every_step_is_posted_signed_and_retried(platform: Platform) -> None:
    world = make_relay_world(platform)
    consent(platform, world)
    hook = platform.relay.set_webhook(
        world.platform, WebhookIn(url="https://platform.example/relay")
    )  # type: ignore[arg-type]
    assert hook.secret is not None
    secret = hook.secret
    received: list[dict[str, object]] = []
    answered: dict[str, int] = {}
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        body = request.read()
        assert verify(secret, request.headers[SIGNATURE_HEADER], body, int(time.time()))
        assert not verify("whsec_wrong", request.headers[SIGNATURE_HEADER], body, int(time.time()))
        event = json.loads(body)
        with lock:
            key = f"{event['item_id']}:{event['seq']}"
            answered[key] = answered.get(key, 0) + 1
            if event["event"] == "claimed" and answered[key] == 1:
                return httpx.Response(503)  # the platform is busy once: tried again later
            received.append(event)
        return httpx.Response(204)

    platform.relay.http = httpx.Client(transport=httpx.MockTransport(handler))
    item = dropped(platform, world, "WH-1")
    platform.relay.claim(world.couriers[0], item.id)
    platform.relay.deliver(world.couriers[0], item.id, CodeIn(code=item.confirm_code))
    wait_for(lambda: len(received) == 4)
    by_seq = sorted(received, key=lambda e: int(e["seq"]))  # type: ignore[call-overload]
    assert [e["event"] for e in by_seq] == ["announced", "dropped_at_point", "claimed", "delivered"]
    assert by_seq[-1]["state"] == "delivered"
    assert by_seq[-1]["order_ref"] == "WH-1"
    assert answered[f"{item.id}:3"] == 2


def test_a_signature_from_long_ago_is_refused() -> None:
    from gigcity.services.relay import sign

    header = sign("whsec_x", 1_000, b"{}")
    assert verify("whsec_x", header, b"{}", 1_100)
    assert not verify("whsec_x", header, b"{}", 1_000 + 3_600)
    assert not verify("whsec_x", header, b'{"a":1}', 1_100)
    assert not verify("whsec_x", "garbage", b"{}", 1_100)


def test_without_a_webhook_nothing_is_queued_and_the_platform_reads_the_api(
    platform: Platform,
) -> None:
    world = make_relay_world(platform)
    consent(platform, world)
    item = dropped(platform, world, "WH-2")
    assert platform.relay.get(world.platform, item.id).state == "at_point"
    platform.relay.set_webhook(world.platform, WebhookIn(url="https://platform.example/x"))  # type: ignore[arg-type]
    assert platform.relay.webhook(world.platform).secret is None  # shown once only
    platform.relay.remove_webhook(world.platform)
    with pytest.raises(Exception, match="No webhook"):
        platform.relay.webhook(world.platform)
