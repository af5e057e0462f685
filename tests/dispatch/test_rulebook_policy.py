"""The rulebook-backed policy: the fatigue clock and the on-route test, with cited clauses."""

from __future__ import annotations

import math

import pytest

from gigcity.dispatch import CourierState, ServiceTimes
from gigcity.dispatch.rulebook_policy import RulebookPolicy
from gigcity.geo import EuclideanTravel
from gigcity.rules import load_rulebook

TRAVEL = EuclideanTravel(60.0)
SERVICE = ServiceTimes(240.0, 240.0)


@pytest.fixture(scope="module")
def putuo() -> RulebookPolicy:
    return RulebookPolicy(load_rulebook("putuo-2025"), TRAVEL, SERVICE)


def worked(minutes: float, *, ending_at: float = 36_000.0) -> CourierState:
    """A courier who has just done `minutes` of unbroken work ending at `ending_at` seconds."""
    start = ending_at - minutes * 60
    return CourierState(
        "c1", (0.0, 0.0), ending_at, 0.0, 86_000.0, work_intervals=((start, ending_at),)
    )


def test_work_window_ends_at_four_hours_of_continuous_work(putuo: RulebookPolicy) -> None:
    courier = worked(200)
    window = putuo.work_window(courier, 36_000.0)
    assert window.deadline_s == 36_000.0 + 40 * 60
    assert putuo.may_assign(courier, 36_000.0, 40 * 60).ok
    refused = putuo.may_assign(courier, 36_000.0, 40 * 60 + 1)
    assert not refused.ok
    assert refused.reason is not None
    assert refused.reason.rule == "putuo-2025@1:fatigue.continuous_work_limit_min"
    assert "rest" in refused.reason.message


def test_a_twenty_minute_rest_resets_the_clock(putuo: RulebookPolicy) -> None:
    courier = worked(240)
    assert putuo.work_window(courier, 36_000.0).deadline_s == 36_000.0
    rested = 36_000.0 + 20 * 60
    assert putuo.may_assign(courier, rested, 3 * 3600).ok


def test_baseline_has_no_continuous_limit() -> None:
    baseline = RulebookPolicy(load_rulebook("baseline-2024"), TRAVEL, SERVICE)
    assert math.isinf(baseline.work_window(worked(600), 36_000.0).deadline_s)
    assert baseline.combination_ok((0.0, 0.0), [(600.0, 0.0), (0.0, 600.0)]).ok


def test_on_route_combinations_pass_and_detours_do_not(putuo: RulebookPolicy) -> None:
    restaurant = (0.0, 0.0)
    assert putuo.combination_ok(restaurant, [(300.0, 0.0), (600.0, 0.0)]).ok  # on the way
    detour = putuo.combination_ok(restaurant, [(0.0, 600.0), (600.0, 0.0)])  # opposite direction
    assert not detour.ok
    assert detour.reason is not None
    assert detour.reason.rule is not None
    assert detour.reason.rule.startswith("putuo-2025@1:combining.")
    assert putuo.name == "putuo-2025@1"
