"""The fleet search on service curves with known answers: it brackets the crossing to one
step in few days, from below or above, on smooth and on noisy curves, and a later seed
stepping by the first seed's slope gets there in fewer days."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.sim.scenarios.equal_service import FleetSearch, ServiceTarget

ORDERS = 70_000
TARGET = ServiceTarget(0.005, 45.0, "given")
Curve = Callable[[int], dict[str, float | None]]


def exponential(start: int, ratio: float, per_share: float) -> Curve:
    """Undelivered `ratio` times the target at `start`, falling by e**-per_share for each
    share of `start` added; click-to-door p90 always met."""

    def values(riders: int) -> dict[str, float | None]:
        share = TARGET.undelivered_share * ratio * math.exp(-per_share * (riders / start - 1))
        return {"undelivered": share, "c2d_p90": 40.0}

    return values


def run(search: FleetSearch, curve: Curve, days: int = 40) -> FleetSearch:
    for _ in range(days):
        search.wake()
        riders = search.next_riders()
        if riders is None:
            return search
        values = curve(riders)
        search.record(riders, TARGET.met_by(values), TARGET.gaps(values, ORDERS))
    raise AssertionError(f"no answer after {days} days: tried {search.tried}")


def smallest_meeting(curve: Curve, low: int, high: int) -> int:
    return next(n for n in range(low, high + 1) if TARGET.met_by(curve(n)))


@settings(max_examples=60, deadline=None)
@given(
    ratio=st.floats(1.5, 30.0),
    per_share=st.floats(4.0, 30.0),
    start=st.integers(300, 5_000),
)
def test_a_short_fleet_is_bracketed_to_one_step_in_a_few_days(
    ratio: float, per_share: float, start: int
) -> None:
    curve = exponential(start, ratio, per_share)
    step = max(1, start // 100)
    search = run(FleetSearch("b", 0, start, step, 3 * start), curve)
    exact = smallest_meeting(curve, start, 3 * start)
    assert search.meets is not None and search.fails is not None
    assert search.meets - search.fails <= step
    assert search.fails < exact <= search.meets  # the answer is within a step of the exact one
    assert TARGET.met_by(curve(search.meets))
    # Bisection from the fleet needs 2 log2(d / step) + 1 days for an answer d riders away.
    assert len(search.tried or ()) <= 6


@settings(max_examples=40, deadline=None)
@given(ratio=st.floats(0.02, 0.7), per_share=st.floats(4.0, 30.0))
def test_a_fleet_with_riders_to_spare_is_searched_down(ratio: float, per_share: float) -> None:
    start = 2_000
    curve = exponential(start, ratio, per_share)
    search = run(FleetSearch("b", 0, start, 20, 3 * start), curve)
    exact = smallest_meeting(curve, 1, start)
    assert search.meets is not None and search.meets <= start
    assert search.fails is None or search.fails < exact <= search.meets
    assert search.fails is None or search.meets - search.fails <= 20


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), noise=st.floats(0.0, 0.3))
def test_on_a_noisy_curve_the_search_ends_on_a_fleet_that_met(seed: int, noise: float) -> None:
    """Days jitter: the log of undelivered moves by up to `noise` from fleet to fleet."""
    jitter = random.Random(seed)
    smooth = exponential(3_333, 5.0, 11.0)
    memo: dict[int, dict[str, float | None]] = {}

    def curve(riders: int) -> dict[str, float | None]:
        if riders not in memo:
            values = smooth(riders)
            share = values["undelivered"]
            assert share is not None
            values["undelivered"] = share * math.exp(jitter.uniform(-noise, noise))
            memo[riders] = values
        return memo[riders]

    search = run(FleetSearch("b", 0, 3_333, 33, 9_999), curve, days=20)
    assert search.meets is not None and TARGET.met_by(curve(search.meets))
    assert len(search.tried or ()) <= 10


def test_a_later_seed_steps_by_the_first_seeds_slope() -> None:
    """The prior says undelivered orders fall by e**-11 per fleet share; these days fall
    twice as fast, which the first seed's search finds out for the others."""
    leader = run(FleetSearch("b", 0, 3_333, 33, 9_999), exponential(3_333, 5.0, 22.0))
    alone = run(FleetSearch("b", 1, 3_400, 34, 9_999), exponential(3_400, 8.0, 22.0))
    led = run(FleetSearch("b", 1, 3_400, 34, 9_999, leader=leader), exponential(3_400, 8.0, 22.0))
    assert abs((led.meets or 0) - (alone.meets or 0)) <= 34
    assert len(led.tried or ()) < len(alone.tried or ())


def test_a_target_never_met_is_searched_to_the_largest_fleet_allowed() -> None:
    def flat(riders: int) -> dict[str, float | None]:
        return {"undelivered": 0.02, "c2d_p90": 40.0}

    search = run(FleetSearch("b", 0, 100, 1, 300), flat)
    assert search.meets is None
    assert search.answer == 300 and search.tried == sorted(set(search.tried or ()))


def test_a_search_settled_at_its_start_simulates_nothing_more() -> None:
    search = FleetSearch("a", 0, 3_333, 33, 9_999)
    search.settle()
    assert search.done and search.answer == 3_333 and search.tried == [3_333]
