"""`RulebookPolicy.make_clock`: the hook a subclass overrides to build clocks its own way."""

from __future__ import annotations

from gigcity.dispatch import CourierState, ServiceTimes
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.geo import EuclideanTravel
from gigcity.rules import FatigueClock, load_rulebook

BOOK = load_rulebook("putuo-2025")


class CountingPolicy(RulebookPolicy):
    """Rests nobody before the 7th day, and counts how often it is asked for a clock."""

    def __init__(self) -> None:
        super().__init__(BOOK, EuclideanTravel(60.0), ServiceTimes(240.0, 240.0))
        self.built: list[str] = []

    def make_clock(self, courier: CourierState) -> FatigueClock:
        self.built.append(courier.id)
        return FatigueClock(self.rulebook, courier.work_intervals, other_work_days=range(-6, 0))


def courier(work: tuple[tuple[float, float], ...]) -> CourierState:
    return CourierState("c1", (0.0, 0.0), 36_000.0, 0.0, 86_000.0, work_intervals=work)


def test_the_subclass_clock_decides_and_is_built_once_per_change_of_work() -> None:
    policy = CountingPolicy()
    first = courier(((30_000.0, 31_000.0),))
    # Six days worked before today: the weekly rest day is due, so no work today.
    assert not policy.may_assign(first, 36_000.0, 600.0).ok
    assert policy.work_window(first, 36_000.0).deadline_s <= 36_000.0
    assert policy.clock(first) is policy.clock(courier(((30_000.0, 31_000.0),)))
    assert policy.built == ["c1"]
    more = courier(((30_000.0, 31_000.0), (32_000.0, 33_000.0)))
    assert policy.clock(more) is not policy.clock(first)
    assert policy.built == ["c1", "c1", "c1"]


def test_the_plain_policy_builds_the_rulebook_clock() -> None:
    policy = RulebookPolicy(BOOK, EuclideanTravel(60.0), ServiceTimes(240.0, 240.0))
    rested = courier(((30_000.0, 31_000.0),))
    assert policy.may_assign(rested, 36_000.0, 600.0).ok
    assert policy.make_clock(rested).worked_on_day_s(0) == 1_000.0
