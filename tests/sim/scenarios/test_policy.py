"""The scenario policy's fast fatigue window equals the fatigue clock's answer."""

from __future__ import annotations

import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gigcity.dispatch import CourierState, ServiceTimes
from gigcity.geo import EuclideanTravel
from gigcity.rules import FatigueClock, load_rulebook
from gigcity.sim.scenarios import ScenarioPolicy

BOOK = load_rulebook("putuo-2025")
MARGIN = 600.0

steps = st.lists(
    st.tuples(st.sampled_from([0, 60, 300, 900, 1199, 1200, 1800, 3600]), st.floats(60, 4000)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
# Starting late on day 1 after four earlier working days: the weekly rest day binds at the
# next midnight (the fast path once missed it).
@example([(0, 4000.0)] * 10 + [(1200, 4000.0)] * 8, 0, 4, True)
@given(
    steps,
    st.sampled_from([0, 30, 600, 1199, 1200, 5000, 40_000, 70_000]),
    st.integers(0, 6),
    st.booleans(),
)
def test_work_window_is_the_clock_headroom_minus_the_margin(
    work_steps: list[tuple[int, float]], wait: int, days: int, confirms: bool
) -> None:
    policy = ScenarioPolicy(
        BOOK,
        EuclideanTravel(200.0),
        ServiceTimes(120, 120),
        days_worked_before={"r": days},
        confirms_overtime=frozenset({"r"}) if confirms else frozenset(),
        margin_s=MARGIN,
    )
    at, work = 7 * 3600.0, []
    for gap, length in work_steps:
        at += gap
        work.append((at, at + length))
        at += length
    start = at + wait
    courier = CourierState("r", (0.0, 0.0), start, 0.0, 2e5, work_intervals=tuple(work))
    clock = FatigueClock(BOOK, work, other_work_days=range(-days, 0))
    room = clock.headroom_s(start, overtime_confirmed=confirms)
    deadline = policy.work_window(courier, start).deadline_s
    if math.isinf(room):
        assert math.isinf(deadline)
    else:
        assert deadline == start + room - MARGIN
    # may_assign agrees with the window, and a refusal names a fatigue clause.
    verdict = policy.may_assign(courier, start, 600.0)
    assert verdict.ok == (start + 600.0 <= deadline)
    if not verdict.ok:
        assert verdict.reason is not None
        assert verdict.reason.rule is not None
        assert ":fatigue." in verdict.reason.rule
