"""The rolling-horizon dispatcher, one decision at a time: what it commits, holds and why."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.dispatch import (
    ALLOWED,
    UNLIMITED,
    CourierState,
    Decision,
    DispatchConfig,
    Dispatcher,
    DispatchPolicy,
    DispatchState,
    PendingOrder,
    Reason,
    ServiceTimes,
    Verdict,
    WorkWindow,
    may_assign_within_window,
)
from gigcity.dispatch.bundling import timeline
from gigcity.geo import EuclideanTravel, Location

TRAVEL = EuclideanTravel(60.0)  # 60 m a minute: 600 m is 10 minutes
SERVICE = ServiceTimes(pickup_s=240.0, dropoff_s=240.0)
DAY = 36_000.0


def order(
    oid: str,
    *,
    restaurant: str = "r1",
    at: Location = (0.0, 0.0),
    to: Location = (600.0, 0.0),
    placed: float = 0.0,
    ready: float = 600.0,
) -> PendingOrder:
    return PendingOrder(oid, restaurant, at, to, placed, ready)


def courier(cid: str, at: Location, *, free: float = 0.0, end: float = DAY) -> CourierState:
    return CourierState(cid, at, free, 0.0, end)


def decide(
    orders: Sequence[PendingOrder],
    couriers: Sequence[CourierState],
    now: float = 0.0,
    policy: DispatchPolicy | None = None,
    config: DispatchConfig | None = None,
) -> Decision:
    dispatcher = Dispatcher(TRAVEL, SERVICE, config, policy)
    return dispatcher.decide(DispatchState(now, tuple(orders), tuple(couriers)))


def test_a_late_courier_is_sent_at_once_with_the_planned_timeline() -> None:
    decision = decide([order("o1", ready=600.0)], [courier("c1", (1200.0, 0.0))])
    (a,) = decision.assignments
    assert (a.courier_id, a.order_ids) == ("c1", ("o1",))
    assert (a.depart_s, a.arrive_s, a.pickup_s) == (0.0, 1200.0, 1320.0)
    assert a.dropoff_s == (1320.0 + 120 + 600 + 120,)
    assert a.end_s == a.dropoff_s[0] + 120
    assert a.reasons[0].code == "assign.match"
    assert decision.holds == ()


def test_a_courier_with_time_to_spare_is_held_until_they_must_leave() -> None:
    near = [courier("c1", (60.0, 0.0))]
    food = [order("o1", ready=1800.0)]
    early = decide(food, near, now=1560.0)
    assert early.assignments == ()
    (hold,) = early.holds
    assert hold.reason.code == "hold.can_wait"
    assert "0:27" in hold.reason.message  # may leave as late as 1800 - 120 - 60 s
    (a,) = decide(food, near, now=1620.0).assignments
    assert a.pickup_s == 1800.0  # just in time


def test_orders_ready_much_later_do_not_hold_a_courier_yet() -> None:
    decision = decide([order("o1", ready=7200.0)], [courier("c1", (60.0, 0.0))])
    assert decision.assignments == ()
    assert decision.holds[0].reason.code == "hold.not_yet"
    everything = DispatchConfig(match_window_s=None)
    held = decide([order("o1", ready=7200.0)], [courier("c1", (60.0, 0.0))], config=everything)
    assert held.holds[0].reason.code == "hold.can_wait"


def test_the_courier_who_gets_there_first_is_chosen() -> None:
    far, near = courier("c1", (1200.0, 0.0)), courier("c2", (300.0, 0.0))
    (a,) = decide([order("o1", ready=0.0)], [far, near]).assignments
    assert a.courier_id == "c2"


def test_waits_for_a_busy_courier_who_will_be_quicker() -> None:
    busy_nearby = courier("c1", (0.0, 0.0), free=300.0)
    idle_far = courier("c2", (1200.0, 0.0))
    decision = decide([order("o1", ready=0.0)], [busy_nearby, idle_far])
    assert decision.assignments == ()
    assert decision.holds[0].reason.code == "hold.courier_busy"


def test_an_order_may_wait_for_a_courier_starting_soon_but_is_never_given_early() -> None:
    starting = CourierState("c1", (0.0, 0.0), 0.0, 600.0, DAY)  # on shift in 10 minutes
    far = courier("c2", (2400.0, 0.0))  # 40 minutes away
    decision = decide([order("o1", ready=0.0)], [starting, far])
    assert decision.assignments == ()
    assert decision.holds[0].reason.code == "hold.courier_starting"
    (a,) = decide([order("o1", ready=0.0)], [starting, far], now=600.0).assignments
    assert (a.courier_id, a.depart_s) == ("c1", 600.0)
    later = decide([order("o1", ready=0.0)], [starting, far], config=DispatchConfig(pre_shift_s=0))
    assert [a.courier_id for a in later.assignments] == ["c2"]


def test_no_pickup_after_the_end_of_a_shift() -> None:
    decision = decide([order("o1", ready=0.0)], [courier("c1", (1200.0, 0.0), end=600.0)])
    assert decision.assignments == ()
    assert decision.holds[0].reason.code == "hold.no_courier"


def test_orders_of_one_restaurant_ride_together_when_couriers_are_scarce() -> None:
    food = [order("o1", ready=0.0), order("o2", ready=0.0, to=(660.0, 0.0))]
    decision = decide(food, [courier("c1", (900.0, 0.0))])
    (a,) = decision.assignments
    assert a.order_ids == ("o1", "o2")
    assert any(r.code == "bundle.join" for r in a.reasons)
    assert len(a.dropoff_s) == 2


@dataclass(frozen=True)
class NoCombining:
    @property
    def name(self) -> str:
        return "test-rules"

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        return UNLIMITED

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        return ALLOWED

    def combination_ok(self, pickup: Location, dropoffs: Sequence[Location]) -> Verdict:
        return Verdict(False, Reason("rules.on_route", "not on the way", "test-rules@1:combining"))


def test_combinations_the_rules_refuse_are_not_formed() -> None:
    food = [order("o1", ready=0.0), order("o2", ready=0.0, to=(660.0, 0.0))]
    decision = decide(food, [courier("c1", (900.0, 0.0))], policy=NoCombining())
    (a,) = decision.assignments
    assert len(a.order_ids) == 1
    assert any(r.rule == "test-rules@1:combining" for r in a.reasons)
    assert [h.order_id for h in decision.holds] == [o for o in ("o1", "o2") if o not in a.order_ids]


@dataclass(frozen=True)
class TiredCourier:
    """c1 may work until 600 s; everyone else without limit."""

    @property
    def name(self) -> str:
        return "test-rules"

    def work_window(self, courier: CourierState, start_s: float) -> WorkWindow:
        if courier.id == "c1":
            return WorkWindow(600.0, Reason("rules.fatigue", "rest due", "test-rules@1:fatigue"))
        return UNLIMITED

    def may_assign(
        self, courier: CourierState, start_s: float, expected_duration_s: float
    ) -> Verdict:
        return may_assign_within_window(self, courier, start_s, expected_duration_s)

    def combination_ok(self, pickup: Location, dropoffs: Sequence[Location]) -> Verdict:
        return ALLOWED


def test_a_courier_due_for_rest_gets_no_order_and_the_block_names_the_rule() -> None:
    tired_nearby, fresh_far = courier("c1", (0.0, 0.0)), courier("c2", (1200.0, 0.0))
    decision = decide([order("o1", ready=0.0)], [tired_nearby, fresh_far], policy=TiredCourier())
    (a,) = decision.assignments
    assert a.courier_id == "c2"
    (block,) = decision.blocks
    assert block.courier_id == "c1"
    assert block.reason.rule == "test-rules@1:fatigue"


def test_only_rules_in_the_way_says_so() -> None:
    decision = decide([order("o1", ready=0.0)], [courier("c1", (0.0, 0.0))], policy=TiredCourier())
    assert decision.assignments == ()
    assert decision.holds[0].reason.code == "hold.rules"


# -- properties on random states ---------------------------------------------------------


@st.composite
def states(draw: st.DrawFn) -> DispatchState:
    now = 60.0 * draw(st.integers(0, 60))
    spot = st.tuples(st.integers(0, 3000).map(float), st.integers(0, 3000).map(float))
    restaurants = [draw(spot) for _ in range(draw(st.integers(1, 3)))]
    orders = []
    for i in range(draw(st.integers(1, 7))):
        which = draw(st.integers(0, len(restaurants) - 1))
        placed = now - 60.0 * draw(st.integers(0, 20))
        ready = placed + 60.0 * draw(st.integers(0, 30))
        orders.append(
            PendingOrder(f"o{i}", f"r{which}", restaurants[which], draw(spot), placed, ready)
        )
    couriers = []
    for i in range(draw(st.integers(1, 5))):
        free = now + 60.0 * draw(st.integers(-10, 40))
        end = now + 60.0 * draw(st.integers(1, 240))
        couriers.append(CourierState(f"c{i}", draw(spot), free, 0.0, end))
    return DispatchState(now, tuple(orders), tuple(couriers))


@settings(max_examples=150, deadline=None)
@given(states(), st.integers(0, 2**16))
def test_decisions_are_feasible_complete_and_independent_of_input_order(
    state: DispatchState, shuffle_seed: int
) -> None:
    dispatcher = Dispatcher(TRAVEL, SERVICE, DispatchConfig(max_bundle=3))
    decision = dispatcher.decide(state)
    orders = {o.id: o for o in state.orders}
    couriers = {c.id: c for c in state.couriers}

    assigned = [oid for a in decision.assignments for oid in a.order_ids]
    held = [h.order_id for h in decision.holds]
    assert sorted(assigned + held) == sorted(orders)  # every order decided exactly once
    assert len({a.courier_id for a in decision.assignments}) == len(decision.assignments)

    for a in decision.assignments:
        c = couriers[a.courier_id]
        bundle = [orders[oid] for oid in a.order_ids]
        assert len(bundle) <= 3
        assert {o.restaurant_id for o in bundle} == {a.restaurant_id}
        assert a.depart_s == max(state.now_s, c.free_at_s)
        assert (
            a.arrive_s == a.depart_s + TRAVEL.travel_seconds_many(c.location, [bundle[0].pickup])[0]
        )
        assert a.pickup_s >= max(o.ready_s for o in bundle)
        assert a.pickup_s >= a.arrive_s + SERVICE.pickup_s / 2
        assert a.pickup_s <= c.shift_end_s
        legs = [TRAVEL.travel_seconds_many(bundle[0].pickup, [o.dropoff])[0] for o in bundle]
        between = [
            [TRAVEL.travel_seconds_many(x.dropoff, [y.dropoff])[0] for y in bundle] for x in bundle
        ]
        drops, end = timeline(
            a.pickup_s, range(len(bundle)), np.array(legs), np.array(between), SERVICE
        )
        assert a.dropoff_s == drops
        assert a.end_s == end
        assert math.isfinite(a.end_s)

    rng = random.Random(shuffle_seed)
    shuffled_orders, shuffled_couriers = list(state.orders), list(state.couriers)
    rng.shuffle(shuffled_orders)
    rng.shuffle(shuffled_couriers)
    again = dispatcher.decide(
        DispatchState(state.now_s, tuple(shuffled_orders), tuple(shuffled_couriers))
    )
    assert again == decision


@settings(max_examples=100, deadline=None)
@given(st.lists(states(), min_size=2, max_size=4))
def test_a_dispatcher_that_decided_before_decides_as_a_fresh_one(
    sequence: list[DispatchState],
) -> None:
    # The states reuse order and courier ids with other values: what the dispatcher read of
    # an earlier state must not stand in for a later one.
    used = Dispatcher(TRAVEL, SERVICE, DispatchConfig(max_bundle=3))
    for state in sequence:
        fresh = Dispatcher(TRAVEL, SERVICE, DispatchConfig(max_bundle=3))
        assert used.decide(state) == fresh.decide(state)


def test_a_long_lived_dispatcher_does_not_keep_every_order_it_saw() -> None:
    dispatcher = Dispatcher(TRAVEL, SERVICE)
    for i in range(5000):
        state = DispatchState(0.0, (order(f"o{i}"),), (courier(f"c{i % 7}", (0.0, 0.0)),))
        dispatcher.decide(state)
    # Rows are kept for recent decisions only (pruned past 4 x a decision's + 1,024).
    assert len(dispatcher._order_rows) <= 1029
    assert len(dispatcher._courier_rows) <= 7
