"""`ScenarioPolicy.deadlines_s` gives every rider the deadline `work_window` gives, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gigcity.dispatch import CourierState, ServiceTimes
from gigcity.dispatch.policy import WorkWindows
from gigcity.geo import EuclideanTravel
from gigcity.rules import Rulebook, load_rulebook
from gigcity.sim.scenarios import ScenarioPolicy

BOOKS = {key: load_rulebook(key) for key in ("putuo-2025", "baseline-2024")}
MARGIN = 900.0

steps = st.lists(
    st.tuples(st.sampled_from([0, 60, 300, 900, 1199, 1200, 1800, 3600]), st.floats(60, 4000)),
    max_size=30,
)
rider = st.tuples(
    steps,
    # Waits that start the next job at once, after a short or a long gap, or the next day.
    st.sampled_from([0, 30, 600, 1199, 1200, 5000, 20_000, 40_000, 70_000, 100_000]),
    st.integers(0, 6),
    st.booleans(),
    st.sampled_from([7 * 3600.0, 15 * 3600.0, 21 * 3600.0, 23.5 * 3600.0, 30 * 3600.0]),
)


def _policy(book: Rulebook, riders: list[tuple[int, bool]]) -> ScenarioPolicy:
    return ScenarioPolicy(
        book,
        EuclideanTravel(200.0),
        ServiceTimes(120, 120),
        days_worked_before={f"r{i}": days for i, (days, _) in enumerate(riders)},
        confirms_overtime=frozenset(f"r{i}" for i, (_, yes) in enumerate(riders) if yes),
        margin_s=MARGIN,
    )


def _courier(
    i: int, first_s: float, work_steps: list[tuple[int, float]], wait: int
) -> CourierState:
    at, work = first_s, []
    for gap, length in work_steps:
        at += gap
        work.append((at, at + length))
        at += length
    start = at + wait
    return CourierState(f"r{i}", (0.0, 0.0), start, 0.0, 4e5, work_intervals=tuple(work))


def _bits(values: list[float]) -> list[str]:
    return [v.hex() for v in values]


@settings(max_examples=300, deadline=None)
@example([([(0, 4000.0)] * 10 + [(1200, 4000.0)] * 8, 0, 4, True, 7 * 3600.0)], "putuo-2025")
@example([([(0, 3000.0)] * 4, 0, 5, False, 23.5 * 3600.0)], "putuo-2025")
@example([([], 0, 6, False, 7 * 3600.0)], "putuo-2025")
@given(st.lists(rider, min_size=1, max_size=6), st.sampled_from(sorted(BOOKS)))
def test_deadlines_are_the_work_windows(
    riders: list[tuple[list[tuple[int, float]], int, int, bool, float]], key: str
) -> None:
    book = BOOKS[key]
    histories = [(days, confirms) for _, _, days, confirms, _ in riders]
    couriers = [
        _courier(i, first, work_steps, wait)
        for i, (work_steps, wait, _, _, first) in enumerate(riders)
    ]
    starts = np.array([c.free_at_s for c in couriers], dtype=np.float64)
    batch = _policy(book, histories)
    assert isinstance(batch, WorkWindows)
    deadlines = batch.deadlines_s(couriers, starts)
    one_by_one = _policy(book, histories)
    expected = [
        one_by_one.work_window(c, float(s)).deadline_s
        for c, s in zip(couriers, starts, strict=True)
    ]
    assert _bits(deadlines.tolist()) == _bits(expected)
    # Asked again with the same work (the cache) and then per rider, the answers hold.
    assert _bits(batch.deadlines_s(couriers, starts).tolist()) == _bits(expected)
    for courier, start, deadline in zip(couriers, starts.tolist(), expected, strict=True):
        assert batch.work_window(courier, start).deadline_s.hex() == deadline.hex()
        for duration in (60.0, 3600.0):
            ours = batch.may_assign(courier, start, duration)
            theirs = one_by_one.may_assign(courier, start, duration)
            assert ours.ok == theirs.ok == (start + duration <= deadline)


def test_a_start_before_the_recorded_work_ends_is_refused_as_one_by_one() -> None:
    policy = _policy(BOOKS["putuo-2025"], [(1, False)])
    courier = CourierState("r0", (0.0, 0.0), 0.0, 0.0, 4e5, work_intervals=((3600.0, 7200.0),))
    with pytest.raises(ValueError, match="plans forward"):
        policy.work_window(courier, 5000.0)
    with pytest.raises(ValueError, match="plans forward"):
        policy.deadlines_s([courier], np.array([5000.0]))


def test_riders_without_work_may_work_until_the_limit_less_the_margin() -> None:
    policy = _policy(BOOKS["putuo-2025"], [(0, False), (6, False)])
    couriers = [CourierState(f"r{i}", (0.0, 0.0), 0.0, 0.0, 4e5) for i in range(2)]
    deadlines = policy.deadlines_s(couriers, np.array([8 * 3600.0, 8 * 3600.0]))
    assert deadlines[0] == 8 * 3600.0 + 240 * 60 - MARGIN
    # Six days worked before today: the weekly rest day is due, no work today.
    assert deadlines[1] == 8 * 3600.0 - MARGIN
    assert not math.isinf(deadlines[1])


@pytest.mark.parametrize("key", sorted(BOOKS))
def test_unordered_and_empty_work_give_the_same_deadlines(key: str) -> None:
    work = ((30_000.0, 33_000.0), (20_000.0, 26_000.0), (40_000.0, 40_000.0))
    riders = [(days, False) for days in (0, 6)]
    couriers = [
        CourierState(f"r{i}", (0.0, 0.0), 0.0, 0.0, 4e5, work_intervals=work) for i in range(2)
    ]
    for start in (33_000.0, 34_000.0, 39_000.0, 41_000.0):
        starts = np.array([start, start])
        one_by_one = _policy(BOOKS[key], riders)
        expected = [one_by_one.work_window(c, start).deadline_s for c in couriers]
        deadlines = _policy(BOOKS[key], riders).deadlines_s(couriers, starts)
        assert _bits(deadlines.tolist()) == _bits(expected)
    with pytest.raises(ValueError, match="plans forward"):
        _policy(BOOKS[key], riders).deadlines_s(couriers, np.array([32_000.0, 32_000.0]))
    backwards = [CourierState("r0", (0.0, 0.0), 0.0, 0.0, 4e5, work_intervals=((9.0, 8.0),))]
    with pytest.raises(ValueError, match="before it starts"):
        _policy(BOOKS[key], riders).deadlines_s(backwards, np.array([10.0]))
