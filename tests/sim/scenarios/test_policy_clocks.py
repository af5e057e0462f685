"""`ScenarioPolicy.make_clock` extends a rider's last clock as their work grows: the clock it
gives is the one a new `FatigueClock` of the same work would be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.dispatch import CourierState, ServiceTimes
from gigcity.geo import EuclideanTravel
from gigcity.rules import FatigueClock, Rulebook, load_rulebook
from gigcity.sim.scenarios import ScenarioPolicy

BOOKS = [load_rulebook(key) for key in ("putuo-2025", "baseline-2024")]

# How a rider's work changes between two questions: a job queued after a gap (0: touching
# the last), the last job lengthened, the last job replaced by a shorter one.
changes = st.lists(
    st.one_of(
        st.tuples(st.just("queue"), st.sampled_from([0, 60, 1199, 1200, 5000, 40_000])),
        st.tuples(st.just("lengthen"), st.sampled_from([1, 300, 3600])),
        st.tuples(st.just("shorten"), st.sampled_from([1, 300])),
    ),
    min_size=1,
    max_size=25,
)


def _changed(work: list[tuple[float, float]], change: tuple[str, int]) -> None:
    kind, amount = change
    end = work[-1][1] if work else 7 * 3600.0
    if kind == "queue" or not work:
        work.append((end + amount, end + amount + 900.0))
    elif kind == "lengthen":
        work[-1] = (work[-1][0], end + amount)
    else:
        start = work[-1][0]
        work[-1] = (start, max(start, end - amount))


def _same(clock: FatigueClock, fresh: FatigueClock, at_s: float) -> None:
    assert clock.status(at_s) == fresh.status(at_s)
    for length in (60.0, 3600.0, 5 * 3600.0):
        assert clock.may_assign(at_s, length) == fresh.may_assign(at_s, length)


@settings(max_examples=60, deadline=None)
@given(changes, st.sampled_from(BOOKS), st.integers(0, 6))
def test_a_riders_clock_as_their_work_grows_is_a_new_clock_of_that_work(
    steps: list[tuple[str, int]], rulebook: Rulebook, days_before: int
) -> None:
    policy = ScenarioPolicy(
        rulebook,
        EuclideanTravel(200.0),
        ServiceTimes(120, 120),
        days_worked_before={"r1": days_before},
        confirms_overtime=frozenset(),
    )
    work: list[tuple[float, float]] = []
    for change in steps:
        _changed(work, change)
        courier = CourierState("r1", (0.0, 0.0), 0.0, 0.0, 4e5, work_intervals=tuple(work))
        clock = policy.make_clock(courier)
        fresh = FatigueClock(
            policy._without_weekly if "r1" in policy._short_history else rulebook,
            work,
            other_work_days=policy.history.get("r1", frozenset()),
        )
        _same(clock, fresh, work[-1][1])
