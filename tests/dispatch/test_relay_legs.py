"""Relay delivery in the dispatcher and the community couriers' pool: a relay order is dropped
at the hand-off point, its leg follows, and every leg is carried exactly once."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.dispatch import (
    CourierState,
    Dispatcher,
    DispatchState,
    EstateAddress,
    PendingOrder,
    RelayCourier,
    RelayLeg,
    RelaySettings,
    ServiceTimes,
    assign_relay_legs,
    relay_legs,
)
from gigcity.geo import EuclideanTravel

TRAVEL = EuclideanTravel(60.0, whole_minutes=False)  # 60 m a minute
SERVICE = ServiceTimes(pickup_s=120.0, dropoff_s=120.0)
DOOR = (1200.0, 0.0)
POINT = (600.0, 0.0)


def _order(oid: str, estate: EstateAddress | None) -> PendingOrder:
    return PendingOrder(oid, "r1", (0.0, 0.0), DOOR, 0.0, 60.0, estate)


def _decide(orders: list[PendingOrder]) -> tuple[Dispatcher, DispatchState]:
    dispatcher = Dispatcher(TRAVEL, SERVICE)
    state = DispatchState(0.0, tuple(orders), (CourierState("c1", (0.0, 0.0), 0.0, 0.0, 36_000),))
    return dispatcher, state


def test_a_relay_order_is_dropped_at_the_hand_off_point() -> None:
    relay = EstateAddress("Sample estate", "b37", POINT, "h1")
    door = EstateAddress("Sample estate", "b37")
    dispatcher, state = _decide([_order("o1", relay)])
    (assignment,) = dispatcher.decide(state).assignments
    # Pickup at 60 s + half the pickup service, 600 m (10 min) to the point, half the drop.
    assert assignment.dropoff_s == (60.0 + 60.0 + 600.0 + 60.0,)
    assert any(r.code == "relay.handoff" and "h1" in r.message for r in assignment.reasons)

    dispatcher, state = _decide([_order("o1", door)])
    (to_door,) = dispatcher.decide(state).assignments
    assert to_door.dropoff_s == (60.0 + 60.0 + 1200.0 + 60.0,)
    assert all(r.code != "relay.handoff" for r in to_door.reasons)


def test_an_estate_address_without_relay_plans_like_a_plain_order() -> None:
    dispatcher, state = _decide([_order("o1", EstateAddress("Sample estate", "b1"))])
    plain_dispatcher, plain = _decide([_order("o1", None)])
    assert dispatcher.decide(state) == plain_dispatcher.decide(plain)


def test_relay_legs_follow_the_relay_orders_of_a_decision() -> None:
    orders = {
        "o1": _order("o1", EstateAddress("Sample estate", "b37", POINT, "h1")),
        "o2": _order("o2", EstateAddress("Sample estate", "b2")),
    }
    dispatcher, state = _decide(list(orders.values()))
    decision = dispatcher.decide(state)
    legs = relay_legs(decision, orders, door_s=lambda order: 90.0)
    drops = {
        oid: at
        for a in decision.assignments
        for oid, at in zip(a.order_ids, a.dropoff_s, strict=True)
    }
    assert legs == (RelayLeg("o1", "Sample estate", "h1", "b37", drops["o1"], 90.0),)


def _walk(a: str, b: str) -> float:
    """Buildings b<n> on a line 100 s apart; the point h1 sits at 0."""

    def at(ref: str) -> float:
        return 0.0 if ref == "h1" else 100.0 * int(ref[1:])

    return abs(at(a) - at(b))


def _leg(oid: str, building: str, ready: float) -> RelayLeg:
    return RelayLeg(oid, "e", "h1", building, ready, 60.0)


def test_first_in_first_out_with_nearby_buildings_batched() -> None:
    legs = [_leg("x1", "b1", 0.0), _leg("x2", "b2", 10.0), _leg("x3", "b9", 20.0)]
    plan = assign_relay_legs(
        legs,
        [RelayCourier("k1", 0.0, 10_000.0)],
        _walk,
        RelaySettings(max_batch=3, batch_within_s=150.0),
    )
    # At 0 s only x1 is on the shelf: it goes alone; back at 320 s, x2 (b2) and x3 (b9, far
    # from b2) wait: x2 goes first and x3 is too far to join.
    assert [t.leg_ids for t in plan.trips] == [("x1",), ("x2",), ("x3",)]
    first, second, third = plan.trips
    assert first.delivered_s == (160.0,)
    assert first.back_s == 260.0
    assert second.depart_s == 260.0
    assert third.depart_s == second.back_s
    plan = assign_relay_legs(
        [_leg("y1", "b3", 0.0), _leg("y2", "b4", 0.0), _leg("y3", "b2", 0.0)],
        [RelayCourier("k1", 0.0, 10_000.0)],
        _walk,
        RelaySettings(max_batch=3, batch_within_s=150.0),
    )
    # One walk: nearest building first from the point (b2), then b3, then b4.
    assert [t.leg_ids for t in plan.trips] == [("y3", "y1", "y2")]


def test_legs_wait_for_a_courier_on_duty_and_are_left_after_hours() -> None:
    plan = assign_relay_legs(
        [_leg("z1", "b1", 100.0), _leg("z2", "b1", 5_000.0)],
        [RelayCourier("k1", 1_000.0, 2_000.0)],
        _walk,
    )
    assert [(t.leg_ids, t.depart_s) for t in plan.trips] == [(("z1",), 1_000.0)]
    assert plan.left == ("z2",)


_refs = st.sampled_from(["b1", "b2", "b3", "b5", "b8", "b13"])


@settings(max_examples=150, deadline=None)
@given(
    legs=st.lists(
        st.tuples(_refs, st.floats(0.0, 20_000.0, allow_nan=False)), min_size=0, max_size=40
    ),
    hours=st.lists(
        st.tuples(st.floats(0.0, 15_000.0), st.floats(60.0, 15_000.0)), min_size=1, max_size=5
    ),
    batch=st.integers(1, 5),
    within=st.floats(0.0, 800.0),
)
def test_the_pool_carries_every_leg_once_and_no_courier_is_in_two_places(
    legs: list[tuple[str, float]],
    hours: list[tuple[float, float]],
    batch: int,
    within: float,
) -> None:
    items = [_leg(f"l{i}", building, ready) for i, (building, ready) in enumerate(legs)]
    couriers = [RelayCourier(f"k{i}", s, s + d) for i, (s, d) in enumerate(hours)]
    config = RelaySettings(max_batch=batch, batch_within_s=within)
    plan = assign_relay_legs(items, couriers, _walk, config)
    carried = [leg for trip in plan.trips for leg in trip.leg_ids]
    assert sorted(carried + list(plan.left)) == sorted(leg.id for leg in items)
    assert len(set(carried)) == len(carried)
    ready = {leg.id: leg.ready_s for leg in items}
    shift = {c.id: c for c in couriers}
    by_courier: dict[str, list[tuple[float, float]]] = {}
    for trip in plan.trips:
        assert 1 <= len(trip.leg_ids) <= batch
        assert all(ready[leg] <= trip.depart_s for leg in trip.leg_ids)
        assert shift[trip.courier_id].start_s <= trip.depart_s < shift[trip.courier_id].end_s
        assert list(trip.delivered_s) == sorted(trip.delivered_s)
        assert trip.depart_s < trip.delivered_s[0]
        assert trip.delivered_s[-1] <= trip.back_s
        by_courier.setdefault(trip.courier_id, []).append((trip.depart_s, trip.back_s))
    for walks in by_courier.values():
        walks.sort()
        assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(walks))
    # A leg is left only when no courier, free after their last walk, could start it
    # within their hours.
    for leg_id in plan.left:
        for c in couriers:
            free = max([c.start_s, *(back for _, back in by_courier.get(c.id, []))])
            assert max(free, ready[leg_id]) >= c.end_s
    assert assign_relay_legs(items, couriers, _walk, config) == plan
