"""Signal timing plans, waits at arrival, and the live phase feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gigcity.geo.streets import RoadClass, sample_graph
from gigcity.geo.streets.signals import (
    PhaseFeed,
    SignalPlan,
    SignalTiming,
    apply_phase_feed,
    default_plan,
)

MAJOR, MINOR = 0, 1
T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_default_plans_by_road_class() -> None:
    arterial = default_plan(RoadClass.PRIMARY, RoadClass.RESIDENTIAL)
    assert arterial.cycle_s == 130
    assert arterial.offset_s is None
    assert arterial.major_green_s > arterial.minor_green_s  # the main road gets more green
    small = default_plan(RoadClass.RESIDENTIAL, RoadClass.RESIDENTIAL)
    assert small.cycle_s < arterial.cycle_s
    assert small.major_green_s == pytest.approx(small.minor_green_s)
    assert arterial.expected_wait_s(MINOR) > arterial.expected_wait_s(MAJOR)


def test_plan_validation_names_the_problem() -> None:
    with pytest.raises(ValidationError, match="cycle_s"):
        SignalPlan(cycle_s=5, major_green_s=3)
    with pytest.raises(ValidationError, match="minor approach"):
        SignalPlan(cycle_s=60, major_green_s=55)


def test_exact_wait_on_a_known_cycle() -> None:
    plan = SignalPlan(cycle_s=100, major_green_s=50, lost_s=10, offset_s=0)
    # Major green 0-50, all red 50-55, minor green 55-95, all red 95-100.
    assert plan.wait_s(MAJOR, 10, 0) == 0
    assert plan.wait_s(MAJOR, 50, 0) == 50
    assert plan.wait_s(MAJOR, 99, 0) == 1
    assert plan.wait_s(MINOR, 10, 0) == 45
    assert plan.wait_s(MINOR, 60, 0) == 0
    assert plan.wait_s(MINOR, 95, 0) == 60
    assert plan.wait_s(MAJOR, 1_000_010, 1_000_000) == 0  # offset shifts the cycle


plans = st.builds(
    lambda cycle, share, lost: SignalPlan(
        cycle_s=cycle, major_green_s=5.5 + share * (cycle - lost - 11), lost_s=lost
    ),
    st.floats(min_value=40, max_value=200),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=12),
)


@given(
    plan=plans, approach=st.sampled_from([MAJOR, MINOR]), t=st.floats(0, 1e9), off=st.floats(0, 1e6)
)
def test_wait_is_within_the_red_and_zero_exactly_in_green(
    plan: SignalPlan, approach: int, t: float, off: float
) -> None:
    wait = plan.wait_s(approach, t, off)
    assert 0 <= wait <= plan.red_s(approach) + 1e-6
    if wait > 0:  # after waiting, the light has just turned green
        assert plan.wait_s(approach, t + wait + 1e-3, off) == 0


@given(plan=plans, approach=st.sampled_from([MAJOR, MINOR]))
def test_expected_wait_is_the_mean_over_uniform_arrivals(plan: SignalPlan, approach: int) -> None:
    arrivals = np.linspace(0, plan.cycle_s, 20_001)[:-1]
    mean = np.mean([plan.wait_s(approach, float(t), 0.0) for t in arrivals[::10]])
    assert mean == pytest.approx(plan.expected_wait_s(approach), abs=0.1)


@pytest.fixture(scope="module")
def timing() -> SignalTiming:
    return SignalTiming.defaults_for(sample_graph())


def _feed(*phases: dict[str, Any], valid_for_s: float = 600) -> PhaseFeed:
    return PhaseFeed.model_validate(
        {"observed_at": T0.isoformat(), "valid_for_s": valid_for_s, "phases": list(phases)}
    )


def test_live_red_phase_gives_the_exact_remaining_wait(timing: SignalTiming) -> None:
    signal_id, junction = next(iter(timing.junction_of_signal.items()))
    live, report = apply_phase_feed(
        timing, _feed({"signal_id": signal_id, "state": "red", "remaining_s": 23})
    )
    assert report.accepted == 1
    assert not report.rejected
    assert not report.unknown_signal_ids
    t = T0.timestamp()
    assert live.wait_s(junction, MAJOR, t) == pytest.approx((23, True))
    assert live.wait_s(junction, MAJOR, t + 23.5)[0] == 0
    # Outside the validity window the wait is the expectation again.
    assert live.wait_s(junction, MAJOR, t + 601) == (
        timing.plans[junction].expected_wait_s(0),
        False,
    )
    # The original timing is untouched (the function is pure).
    assert timing.wait_s(junction, MAJOR, t)[1] is False


def test_live_green_of_the_minor_approach_with_a_new_cycle(timing: SignalTiming) -> None:
    signal_id, junction = next(iter(timing.junction_of_signal.items()))
    live, report = apply_phase_feed(
        timing,
        _feed({"signal_id": signal_id, "approach": "minor", "state": "green", "remaining_s": 10,
               "cycle_s": 90, "major_green_s": 40}),
    )  # fmt: skip
    assert report.accepted == 1
    t = T0.timestamp()
    assert live.wait_s(junction, MINOR, t + 9)[0] == 0
    # Minor green is 90 - 40 - 8 = 42 s, so its red is 48 s, of which 1 s has passed.
    assert live.wait_s(junction, MINOR, t + 11)[0] == pytest.approx(47, abs=1e-6)
    assert live.live[junction].plan.cycle_s == 90


def test_feed_reports_unknown_and_inconsistent_signals(timing: SignalTiming) -> None:
    signal_id = next(iter(timing.junction_of_signal))
    _, report = apply_phase_feed(
        timing,
        _feed(
            {"signal_id": 999_999_999_999, "state": "red", "remaining_s": 5},
            {"signal_id": signal_id, "state": "green", "remaining_s": 299},
        ),
    )
    assert report.accepted == 0
    assert report.unknown_signal_ids == [999_999_999_999]
    assert report.rejected[0].signal_id == signal_id
    assert "exceeds" in report.rejected[0].reason


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"observed_at": "2026-11-28T12:00:00", "phases": [{"signal_id": 1, "state": "red", "remaining_s": 1}]}, "observed_at"),
        ({"observed_at": T0.isoformat(), "phases": []}, "phases"),
        ({"observed_at": T0.isoformat(), "phases": [{"signal_id": 1, "state": "amber", "remaining_s": 1}]}, "phases.0.state"),
        ({"observed_at": T0.isoformat(), "phases": [{"signal_id": 1, "state": "red", "remaining_s": -1}]}, "phases.0.remaining_s"),
        ({"observed_at": T0.isoformat(), "phases": [{"signal_id": 0, "state": "red", "remaining_s": 1}]}, "phases.0.signal_id"),
        ({"observed_at": T0.isoformat(), "valid_for_s": 0, "phases": [{"signal_id": 1, "state": "red", "remaining_s": 1}]}, "valid_for_s"),
    ],
)  # fmt: skip
def test_feed_validation_names_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        PhaseFeed.model_validate(body)
    assert field in {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}


def test_fixed_time_plans_give_exact_waits(timing: SignalTiming) -> None:
    fixed = timing.with_plans({0: timing.plans[0].model_copy(update={"offset_s": 0.0})})
    assert fixed.wait_s(0, MAJOR, T0.timestamp())[1] is True
    assert fixed.wait_s(1, MAJOR, T0.timestamp())[1] is False
    assert (T0 + timedelta(seconds=1)).tzinfo is UTC


def test_arrival_spread_blends_from_exact_to_expected(timing: SignalTiming) -> None:
    signal_id, junction = next(iter(timing.junction_of_signal.items()))
    live, _ = apply_phase_feed(
        timing, _feed({"signal_id": signal_id, "state": "red", "remaining_s": 30})
    )
    t = T0.timestamp()
    plan = timing.plans[junction]
    assert live.wait_s(junction, MAJOR, t, spread_s=0.0) == (30, True)
    assert live.wait_s(junction, MAJOR, t, spread_s=0.01)[0] == pytest.approx(30, abs=0.05)
    # An arrival uncertain by many cycles knows no more than a random arrival.
    blurred, known = live.wait_s(junction, MAJOR, t, spread_s=5 * plan.cycle_s)
    assert known
    assert blurred == pytest.approx(plan.expected_wait_s(MAJOR), rel=0.1)
    # Without a known phase the spread changes nothing.
    assert timing.wait_s(junction, MAJOR, t, spread_s=20) == (plan.expected_wait_s(MAJOR), False)


@given(
    plan=plans,
    approach=st.sampled_from([MAJOR, MINOR]),
    t=st.floats(0, 1e6),
    spread=st.floats(0, 400),
)
def test_blurred_wait_stays_within_the_red(
    plan: SignalPlan, approach: int, t: float, spread: float
) -> None:
    timing = SignalTiming((plan.model_copy(update={"offset_s": 17.0}),), {1: 0})
    wait, known = timing.wait_s(0, approach, t, spread)
    assert known
    assert -1e-9 <= wait <= plan.red_s(approach) + 1e-9
