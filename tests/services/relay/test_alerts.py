"""An item not claimed, or not delivered, within the hand-off point's limits raises an alert
(the periodic job); the queue shows it at once, and moving the item on clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gigcity.services.platform import JOBS, Platform
from gigcity.services.relay import ALERTS_JOB
from services.relay.relay_support import consent, dropped, make_relay_world


def test_late_items_raise_alerts_once_and_clear_when_moved_on(platform: Platform) -> None:
    world = make_relay_world(platform)
    consent(platform, world)
    relay = platform.relay
    start = datetime.now(UTC)
    relay.now = lambda: start
    item = dropped(platform, world, "L-1")
    assert relay.raise_alerts(start) == 0
    later = start + timedelta(minutes=21)  # the point's claim limit is 20 min
    relay.now = lambda: later
    assert relay.raise_alerts(later) == 1
    assert relay.raise_alerts(later) == 0  # once per item and kind
    queue = relay.queue(world.couriers[0], world.estate_id, "h1")
    assert queue.waiting[0].alerts == ["not_claimed"]
    assert queue.alerts == 1
    assert [a.kind for a in relay.alerts(world.property, world.estate_id)] == ["not_claimed"]
    relay.claim(world.couriers[0], item.id)
    assert relay.alerts(world.property, world.estate_id) == []
    much_later = later + timedelta(minutes=31)  # delivery limit 30 min
    assert relay.raise_alerts(much_later) == 1
    assert [a.kind for a in relay.alerts(world.property, world.estate_id)] == ["not_delivered"]


def test_the_alert_job_runs_every_minute() -> None:
    assert ALERTS_JOB in JOBS
    assert ALERTS_JOB.cron == "* * * * *"
