"""Retention: a finished relay item forgets its unit and room (and the webhook calls that
named them) after the retention period; the item, its custody chain and the courier's pay
stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from gigcity.db.models import RelayItem, RelayPay
from gigcity.db.session import transaction
from gigcity.services.platform import Platform
from gigcity.services.relay import CodeIn
from gigcity.services.retention import apply_retention, retention_rules
from services.relay.relay_support import announce, consent, make_relay_world


def test_finished_items_forget_the_door_but_keep_their_story_and_pay(
    platform: Platform,
) -> None:
    world = make_relay_world(platform)
    consent(platform, world)
    relay = platform.relay
    done = announce(platform, world, "OLD-1")
    relay.drop(world.platform, done.id, CodeIn(code=done.handoff_code))
    relay.claim(world.couriers[0], done.id)
    relay.deliver(world.couriers[0], done.id, CodeIn(code=done.confirm_code))
    waiting = announce(platform, world, "NEW-1")  # not finished: keeps its address
    kept = timedelta(days=platform.settings.retention_relay_addresses_days)
    with transaction(platform.factory) as session:
        session.execute(
            update(RelayItem)
            .where(RelayItem.id == done.id)
            .values(finished_at=datetime.now(UTC) - kept - timedelta(hours=1))
        )
    rules = retention_rules(platform.settings, platform.reports, relay=relay)
    removed = apply_retention([r for r in rules if "relay" in r.kind])
    assert removed["unit and room of finished relay items"] == 1
    with platform.factory() as session:
        old = session.get(RelayItem, done.id)
        new = session.get(RelayItem, waiting.id)
        assert old is not None
        assert new is not None
        assert (old.building, old.unit, old.room) == ("b1", "", "")
        assert (new.unit, new.room) == ("1", "101")
        assert session.scalars(select(RelayPay.item_id)).all() == [done.id]
    assert relay.get(world.platform, done.id).chain_intact
    again = apply_retention([r for r in rules if "relay" in r.kind])
    assert again["unit and room of finished relay items"] == 0
