"""The fleet search on service curves with known answers: it brackets the crossing to one
step in few days, from below or above, on smooth, curved and noisy curves, and a later seed
stepping by the first seed's slope gets there in fewer days."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.sim.scenarios.equal_service import FleetSearch, ServiceTarget, prior_slopes

ORDERS = 70_000
TARGET = ServiceTarget(0.005, 45.0, "given")
Curve = Callable[[int], dict[str, float | None]]


def straight(start: int, ratio: float, per_rider: float) -> Curve:
    """The square root of the orders undelivered falls by `per_rider` a rider from `ratio`
    times the target's at `start` (as on the Putuo weekday); p90 always met."""
    first = math.sqrt(ratio * TARGET.undelivered_share * ORDERS)

    def values(riders: int) -> dict[str, float | None]:
        root = max(0.0, first - per_rider * (riders - start))
        return {"undelivered": root**2 / ORDERS, "c2d_p90": 40.0}

    return values


def exponential(start: int, ratio: float, per_share: float) -> Curve:
    """Undelivered `ratio` times the target at `start`, falling by e**-per_share for each
    share of `start` added: more curved than the search's line."""

    def values(riders: int) -> dict[str, float | None]:
        share = TARGET.undelivered_share * ratio * math.exp(-per_share * (riders / start - 1))
        return {"undelivered": share, "c2d_p90": 40.0}

    return values


def search(start: int, step: int, leader: FleetSearch | None = None) -> FleetSearch:
    prior = prior_slopes(start, ORDERS)
    return FleetSearch("b", 0, start, step, 3 * start, leader=leader, prior=prior)


def run(found: FleetSearch, curve: Curve, days: int = 40) -> FleetSearch:
    for _ in range(days):
        found.wake()
        riders = found.next_riders()
        if riders is None:
            return found
        values = curve(riders)
        found.record(riders, TARGET.met_by(values), TARGET.gaps(values, ORDERS))
    raise AssertionError(f"no answer after {days} days: tried {found.tried}")


def smallest_meeting(curve: Curve, low: int, high: int) -> int:
    return next(n for n in range(low, high + 1) if TARGET.met_by(curve(n)))


def assert_bracketed(found: FleetSearch, curve: Curve, step: int) -> None:
    exact = smallest_meeting(curve, 1, found.max_riders)
    assert found.meets is not None
    assert TARGET.met_by(curve(found.meets))
    assert found.fails is None or found.meets - found.fails <= step
    assert found.fails is None or found.fails < exact <= found.meets  # within a step of it


@settings(max_examples=60, deadline=None)
@given(ratio=st.floats(1.5, 12.0), slower=st.floats(0.7, 1.5), start=st.integers(1_000, 5_000))
def test_on_a_curve_like_the_days_the_answer_takes_three_to_six_days(
    ratio: float, slower: float, start: int
) -> None:
    curve = straight(start, ratio, 0.043 * slower * 3_333 / start)
    step = start // 100
    found = run(search(start, step), curve)
    assert_bracketed(found, curve, step)
    assert found.fails is not None
    assert len(found.tried or ()) <= 6


@settings(max_examples=60, deadline=None)
@given(ratio=st.floats(1.5, 30.0), per_share=st.floats(4.0, 30.0), start=st.integers(300, 5_000))
def test_on_a_curved_curve_the_answer_is_still_bracketed_to_a_step(
    ratio: float, per_share: float, start: int
) -> None:
    curve = exponential(start, ratio, per_share)
    step = max(1, start // 100)
    found = run(search(start, step), curve)
    assert_bracketed(found, curve, step)
    # Doubling then bisecting from the fleet takes about 2 log2(d / step) + 1 days for an
    # answer d riders away; on a curve this bent the search takes at most two more.
    away = abs(smallest_meeting(curve, 1, found.max_riders) - start)
    assert len(found.tried or ()) <= max(4, 2 * math.log2(max(1, away / step)) + 3)


@settings(max_examples=40, deadline=None)
@given(ratio=st.floats(0.02, 0.7), slower=st.floats(0.5, 2.0))
def test_a_fleet_with_riders_to_spare_is_searched_down(ratio: float, slower: float) -> None:
    curve = straight(2_000, ratio, 0.07 * slower)
    found = run(search(2_000, 20), curve)
    assert found.meets is not None
    assert found.meets <= 2_000
    assert_bracketed(found, curve, 20)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), noise=st.floats(0.0, 0.3))
def test_on_a_noisy_curve_the_search_ends_on_a_fleet_that_met(seed: int, noise: float) -> None:
    """Days jitter: undelivered orders move by up to `noise` (a share) from fleet to fleet."""
    jitter = random.Random(seed)
    smooth = straight(3_333, 5.0, 0.043)
    memo: dict[int, dict[str, float | None]] = {}

    def curve(riders: int) -> dict[str, float | None]:
        if riders not in memo:
            values = smooth(riders)
            share = values["undelivered"]
            assert share is not None
            values["undelivered"] = share * (1 + jitter.uniform(-noise, noise))
            memo[riders] = values
        return memo[riders]

    found = run(search(3_333, 33), curve, days=20)
    assert found.meets is not None
    assert TARGET.met_by(curve(found.meets))
    assert len(found.tried or ()) <= 10


def test_a_later_seed_steps_by_the_first_seeds_slope() -> None:
    """These days improve twice as fast as the prior says; the first seed's search finds
    that out for the others."""
    leader = run(search(3_333, 33), straight(3_333, 5.0, 0.09))
    alone = run(search(3_333, 33), straight(3_333, 9.0, 0.09))
    led = run(search(3_333, 33, leader=leader), straight(3_333, 9.0, 0.09))
    assert abs((led.meets or 0) - (alone.meets or 0)) <= 33
    assert len(led.tried or ()) < len(alone.tried or ())


def test_a_target_never_met_is_searched_to_the_largest_fleet_allowed() -> None:
    def flat(riders: int) -> dict[str, float | None]:
        return {"undelivered": 0.02, "c2d_p90": 40.0}

    found = run(FleetSearch("b", 0, 100, 1, 300), flat)
    assert found.meets is None
    assert found.answer == 300
    assert found.tried == sorted(set(found.tried or ()))


def test_a_search_settled_at_its_start_simulates_nothing_more() -> None:
    found = FleetSearch("a", 0, 3_333, 33, 9_999)
    found.settle()
    assert found.done
    assert found.answer == 3_333
    assert found.tried == [3_333]
