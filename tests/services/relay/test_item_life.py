"""An item's life: announced by a platform, dropped at the point with the hand-off code,
claimed by a courier, delivered with the recipient's code (or brought back), every step in
the custody chain."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from gigcity.db.models import RelayCustody
from gigcity.db.session import transaction
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.relay import AddressIn, AnnounceIn, CodeIn, WhereIn
from services.relay.relay_support import RelayWorld, announce, consent, dropped, make_relay_world


@pytest.fixture
def world(platform: Platform) -> RelayWorld:
    w = make_relay_world(platform)
    consent(platform, w)
    return w


def test_an_item_goes_from_rider_to_point_to_courier_to_door(
    platform: Platform, world: RelayWorld
) -> None:
    relay = platform.relay
    item = announce(platform, world, "A-1")
    assert item.state == "announced"
    assert len(item.handoff_code) == 8
    assert len(item.confirm_code) == 6
    relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code))
    courier = world.couriers[0]
    claimed = relay.claim(courier, item.id)
    assert claimed.state == "claimed"
    assert claimed.mine
    done = relay.deliver(
        courier, item.id, CodeIn(code=item.confirm_code, lon=121.4015, lat=31.2551)
    )
    assert done.state == "delivered"
    seen = relay.get(world.platform, item.id)
    assert [s.event for s in seen.custody or []] == [
        "announced", "dropped_at_point", "claimed", "delivered",
    ]  # fmt: skip
    assert [s.holder for s in seen.custody or []] == ["rider", "point", "courier", "recipient"]
    assert seen.chain_intact
    assert relay.earnings(courier).total_fen == platform.settings.relay_pay_per_item_fen


def test_no_consent_no_relay(platform: Platform, world: RelayWorld) -> None:
    with pytest.raises(Conflict, match="not agreed"):
        announce(platform, world, "A-2", room="999")


def test_a_revoked_consent_stops_the_next_announcement_and_a_pending_drop(
    platform: Platform, world: RelayWorld
) -> None:
    item = announce(platform, world, "A-3")
    check = platform.relay.consent_check(
        world.platform, world.estate_id, AddressIn(building="1号楼", unit="1", room="101")
    )
    assert check.in_force
    assert check.consent_id is not None
    platform.relay.revoke_consent(world.property, check.consent_id)
    with pytest.raises(Conflict, match="revoked"):
        platform.relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code))
    with pytest.raises(Conflict, match="not agreed"):
        announce(platform, world, "A-4")
    # Consent may be given again, and is then one in force.
    consent(platform, world)
    assert announce(platform, world, "A-4").state == "announced"


def test_the_shelf_refuses_what_it_cannot_hold(platform: Platform) -> None:
    world = make_relay_world(platform, shelf=2)
    consent(platform, world)
    announce(platform, world, "S-1")
    dropped(platform, world, "S-2")
    with pytest.raises(Conflict, match="full"):
        announce(platform, world, "S-3")
    # A claim frees a slot.
    item = platform.relay.queue(world.property, world.estate_id, "h1").waiting[0]
    platform.relay.claim(world.couriers[0], item.id)
    assert announce(platform, world, "S-3").state == "announced"


def test_a_closed_point_takes_no_drop(platform: Platform) -> None:
    world = make_relay_world(platform, hours="Mo-Su 00:00-00:01")
    consent(platform, world)
    item = announce(platform, world, "C-1")
    with pytest.raises(Conflict, match="closed"):
        platform.relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code))


def test_wrong_codes_count_and_lock(platform: Platform, world: RelayWorld) -> None:
    item = announce(platform, world, "W-1")
    wrong = "00000000" if item.handoff_code != "00000000" else "11111111"
    for _ in range(10):
        with pytest.raises(InvalidInput):
            platform.relay.drop(world.platform, item.id, CodeIn(code=wrong))
    with pytest.raises(Conflict, match="Too many"):
        platform.relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code))
    platform.relay.unlock_codes(world.property, item.id)
    assert (
        platform.relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code)).state
        == "at_point"
    )


def test_recipient_absent_goes_back_to_the_point_and_can_be_collected(
    platform: Platform, world: RelayWorld
) -> None:
    relay = platform.relay
    item = dropped(platform, world, "B-1")
    courier = world.couriers[0]
    relay.claim(courier, item.id)
    assert relay.absent(courier, item.id, WhereIn()).state == "returning"
    back = relay.return_to_point(courier, item.id, WhereIn())
    assert back.state == "at_point"
    assert back.attempts == 1
    collected = relay.collect(world.property, item.id, CodeIn(code=item.confirm_code))
    assert collected.state == "collected"
    events = [s.event for s in relay.get(world.admin, item.id).custody or []]
    assert events[-3:] == ["recipient_absent", "returned_to_point", "collected_by_recipient"]
    assert relay.earnings(courier).items == 0  # paid per item carried to the door


def test_only_the_right_people_touch_an_item(platform: Platform, world: RelayWorld) -> None:
    relay = platform.relay
    item = dropped(platform, world, "P-1")
    with pytest.raises(Forbidden):
        relay.claim(world.other_courier, item.id)
    with pytest.raises(Forbidden):
        relay.claim(world.property, item.id)
    with pytest.raises(Forbidden):
        relay.get(world.other_platform, item.id)
    with pytest.raises(Forbidden):
        relay.get(world.rider, item.id)
    relay.claim(world.couriers[0], item.id)
    with pytest.raises(Conflict, match="first"):
        relay.claim(world.couriers[1], item.id)
    with pytest.raises(Forbidden):
        relay.deliver(world.couriers[1], item.id, CodeIn(code=item.confirm_code))


def test_a_platform_announces_an_order_once(platform: Platform, world: RelayWorld) -> None:
    announce(platform, world, "D-1")
    with pytest.raises(Conflict, match="already"):
        announce(platform, world, "D-1")
    with pytest.raises(InvalidInput):
        platform.relay.announce(
            world.platform,
            AnnounceIn(order_ref="D-2", estate_id=world.estate_id, building="88号楼"),
        )


def test_tampering_with_custody_breaks_the_chain(platform: Platform, world: RelayWorld) -> None:
    item = dropped(platform, world, "T-1")
    platform.relay.claim(world.couriers[0], item.id)
    assert platform.relay.verify_custody(item.id) is None
    with transaction(platform.factory) as session:
        session.execute(
            update(RelayCustody)
            .where(RelayCustody.item_id == item.id, RelayCustody.seq == 2)
            .values(actor_kind="courier")
        )
    assert platform.relay.verify_custody(item.id) == 2
    assert platform.relay.get(world.admin, item.id).chain_intact is False


def test_a_retried_step_changes_nothing(platform: Platform, world: RelayWorld) -> None:
    """An answer lost to a dropped signal: the courier's phone sends the step again."""
    item = dropped(platform, world, "Y-1")
    courier = world.couriers[0]
    platform.relay.claim(courier, item.id)
    assert platform.relay.claim(courier, item.id).state == "claimed"
    platform.relay.deliver(courier, item.id, CodeIn(code=item.confirm_code))
    assert (
        platform.relay.deliver(courier, item.id, CodeIn(code=item.confirm_code)).state
        == "delivered"
    )
    steps = platform.relay.get(world.admin, item.id).custody or []
    assert [s.event for s in steps] == ["announced", "dropped_at_point", "claimed", "delivered"]
