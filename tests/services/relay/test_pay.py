"""A courier is paid once per item carried to the door, however often payment is asked."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigcity.services.platform import Platform
from gigcity.services.relay import CodeIn
from services.relay.relay_support import RelayWorld, consent, dropped, make_relay_world

_orders = itertools.count()
_worlds: dict[int, RelayWorld] = {}


def _world(platform: Platform) -> RelayWorld:
    """One world per platform (hypothesis runs many examples on one fixture)."""
    if id(platform) not in _worlds:
        _worlds[id(platform)] = make_relay_world(platform)
        consent(platform, _worlds[id(platform)])
    return _worlds[id(platform)]


@settings(
    max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(repeats=st.lists(st.sampled_from(["deliver", "settle"]), min_size=1, max_size=6))
def test_delivering_or_settling_again_never_pays_twice(
    platform: Platform, repeats: list[str]
) -> None:
    world = _world(platform)
    courier = world.couriers[0]
    before = platform.relay.earnings(courier).total_fen
    item = dropped(platform, world, f"H-{next(_orders)}")
    platform.relay.claim(courier, item.id)
    platform.relay.deliver(courier, item.id, CodeIn(code=item.confirm_code))
    for action in repeats:
        if action == "deliver":
            # A retry (the answer was lost) is answered with the item, and pays nothing.
            again = platform.relay.deliver(courier, item.id, CodeIn(code=item.confirm_code))
            assert again.state == "delivered"
        else:
            assert platform.relay.settle_pay(item.id) is False
    earned = platform.relay.earnings(courier)
    assert earned.total_fen - before == platform.settings.relay_pay_per_item_fen
    assert [line.item_id for line in earned.lines].count(item.id) == 1
