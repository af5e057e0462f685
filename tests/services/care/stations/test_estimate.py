"""The expected wait, pure: units, uses under way, people ahead and the learned durations.
Known answers come from the log-normal law itself (its quantiles in closed form)."""

from __future__ import annotations

import math
from itertools import pairwise
from statistics import NormalDist

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.services.care.stations import MIN_RECENT_USES, expected_wait
from gigcity.services.care.stations.estimate import (
    PRIOR_SPREAD,
    PROGRAMME_PRIOR_SPREAD,
    UseModel,
    plays,
    programme_model,
    use_model,
    waits,
)

pytestmark = pytest.mark.one_database

Z = NormalDist().inv_cdf
FIXED = UseModel(15.0, 0.0, False)  # every use exactly 15 minutes


def test_a_free_unit_means_no_wait() -> None:
    found = expected_wait(units=2, in_use_elapsed=[5], ahead=0, recent=[], typical_minutes=15)
    assert found is not None
    assert (found.minutes, found.low, found.high) == (0, 0, 0)
    assert not found.from_recent


def test_with_fixed_durations_people_take_the_units_in_turn() -> None:
    # 2 units free, uses of exactly 15: the third and fourth ahead start at 15, so a fifth
    # person waits until 15 + 15 = 30
    found = waits(units=2, in_use_elapsed=[], ahead=4, model=FIXED)
    assert [e.minutes for e in found] == [0, 0, 15, 15, 30]
    assert all(e.low == e.minutes == e.high for e in found)
    # a use under way frees its unit when its 15 minutes are up
    assert waits(units=1, in_use_elapsed=[10], ahead=1, model=FIXED)[1].minutes == 20


def test_one_use_under_way_the_median_and_range_are_the_laws() -> None:
    # one machine, just started, median 40, spread 0.3: the wait is one use
    found = waits(units=1, in_use_elapsed=[0], ahead=0, model=UseModel(40.0, 0.3, True))[0]
    assert found.minutes == pytest.approx(40, abs=1.5)
    assert found.low == pytest.approx(40 * math.exp(0.3 * Z(0.1)), abs=2)  # 27.2
    assert found.high == pytest.approx(40 * math.exp(0.3 * Z(0.9)), abs=2.5)  # 58.7
    assert found.wide


def test_the_first_of_two_machines_frees_earlier_than_either_median() -> None:
    # min of two: P(min <= t) = 1 - (1 - F(t))^2 = 0.5 at F(t) = 1 - sqrt(0.5): median 34,
    # where "each takes its median" would say 40
    found = waits(units=2, in_use_elapsed=[0, 0], ahead=0, model=UseModel(40.0, 0.3, True))[0]
    expected = 40 * math.exp(0.3 * Z(1 - math.sqrt(0.5)))
    assert found.minutes == pytest.approx(expected, abs=1.5)
    assert found.minutes < 38


def test_a_use_under_way_has_the_rest_of_a_use_that_ran_that_long() -> None:
    # run for its median already: the rest is a draw from the upper half, median at the
    # law's 75th percentile, less the 40 already run
    model = UseModel(40.0, 0.3, True)
    found = waits(units=1, in_use_elapsed=[40], ahead=0, model=model)[0]
    assert found.minutes == pytest.approx(40 * math.exp(0.3 * Z(0.75)) - 40, abs=1)  # 8.9
    # far past nearly every use (a finish the desk forgot): a little left, not another use
    assert waits(units=1, in_use_elapsed=[400], ahead=0, model=model)[0].minutes == 6


def test_durations_are_learned_from_recent_uses() -> None:
    recent = [20.0, 30.0, 25.0]
    assert len(recent) >= MIN_RECENT_USES
    model = use_model(recent, typical_minutes=10)
    assert model.from_recent
    assert model.median == pytest.approx((20 * 30 * 25) ** (1 / 3))
    # three uses say little about the spread: drawn towards the prior
    assert PRIOR_SPREAD > model.spread > 0.1
    few = use_model([99.0], typical_minutes=10)
    assert (few.median, few.spread, few.from_recent) == (10.0, PRIOR_SPREAD, False)


def test_a_forgotten_finish_and_a_mistaken_start_are_left_out_of_the_learning() -> None:
    model = use_model([10.0, 12.0, 0.02, 14.0, 300.0], typical_minutes=10)
    assert model.median == pytest.approx((10 * 12 * 14) ** (1 / 3))


def test_no_units_no_promise() -> None:
    assert expected_wait(units=0, in_use_elapsed=[], ahead=0, recent=[], typical_minutes=5) is None


def test_the_same_question_gets_the_same_answer() -> None:
    ask = {
        "units": 3,
        "in_use_elapsed": [3.0, 17.0, 29.0],
        "ahead": 5,
        "recent": [],
        "typical_minutes": 40,
    }
    assert expected_wait(**ask) == expected_wait(**ask)  # type: ignore[arg-type]


elapsed_lists = st.lists(st.floats(min_value=0, max_value=200), max_size=6)
laws = st.builds(
    UseModel,
    st.floats(min_value=1, max_value=90),
    st.floats(min_value=0, max_value=1),
    st.booleans(),
)


@settings(max_examples=40, deadline=None)
@given(
    units=st.integers(min_value=1, max_value=6),
    elapsed=elapsed_lists,
    ahead=st.integers(min_value=0, max_value=8),
    model=laws,
)
def test_joining_ahead_never_shortens_the_wait_and_the_range_holds_the_point(
    units: int, elapsed: list[float], ahead: int, model: UseModel
) -> None:
    found = waits(units=units, in_use_elapsed=elapsed, ahead=ahead + 1, model=model)
    for before, after in pairwise(found):
        assert after.minutes >= before.minutes
        assert after.low >= before.low
        assert after.high >= before.high
    for e in found:
        assert 0 <= e.low <= e.minutes <= e.high
    # asked alone, the answer for `ahead` is the same as in the list
    alone = waits(units=units, in_use_elapsed=elapsed, ahead=ahead, model=model)[-1]
    assert alone == found[ahead]


# -- programmes: a machine runs the programme chosen at its start --------------------------

STANDARD = programme_model([], 45)  # 标准 45 minutes, nothing learned yet
QUICK = programme_model([], 30)


def test_a_machine_ten_minutes_into_a_45_minute_programme_frees_in_35() -> None:
    assert (STANDARD.median, STANDARD.spread) == (45.0, PROGRAMME_PRIOR_SPREAD)
    found = plays(units=1, under_way=[(10.0, STANDARD)], ahead=[], model=UseModel(40, 0.3, False))
    assert found[0].minutes == 35
    assert not found[0].wide  # a programme's time is known within a few percent
    assert 32 <= found[0].low <= 35 <= found[0].high <= 38
    # the same machine without a programme: the service's wide law, the rest of a use
    # of a median 40 and 30 % spread that has run 10 minutes
    unknown = waits(units=1, in_use_elapsed=[10], ahead=0, model=UseModel(40, 0.3, False))[0]
    assert unknown.wide
    assert STANDARD.left(10) == pytest.approx(35, abs=0.2)


def test_each_person_ahead_takes_their_programme() -> None:
    # one machine 10 minutes into 标准 (35 left), then a driver who chose 快洗 (30): the
    # next waits 65; had that driver chosen 标准, 80
    found = plays(units=1, under_way=[(10.0, STANDARD)], ahead=[QUICK], model=STANDARD)
    assert [e.minutes for e in found] == [35, 65]
    assert (
        plays(units=1, under_way=[(10.0, STANDARD)], ahead=[STANDARD], model=QUICK)[1].minutes == 80
    )
    # two machines: the one ending first takes the person ahead
    two = plays(
        units=2, under_way=[(10.0, STANDARD), (50.0, programme_model([], 60))], ahead=[QUICK],
        model=STANDARD,
    )  # fmt: skip
    assert [e.minutes for e in two] == [10, 35]


def test_a_programmes_run_time_is_learned_with_its_spread() -> None:
    runs = [47.0, 48.0, 47.5, 48.5, 47.0, 48.0]  # the machine runs 标准 a little long
    learned = programme_model(runs, 45)
    assert learned.from_recent
    assert learned.median == pytest.approx(math.exp(sum(map(math.log, runs)) / len(runs)))
    assert 0.01 < learned.spread < PROGRAMME_PRIOR_SPREAD  # measured small, drawn to 5 %
    assert plays(units=1, under_way=[(10.0, learned)], ahead=[], model=QUICK)[0].minutes == 38


@settings(max_examples=30, deadline=None)
@given(
    units=st.integers(min_value=1, max_value=4),
    running=st.lists(st.tuples(st.floats(min_value=0, max_value=120), laws), max_size=4),
    ahead=st.lists(laws, min_size=1, max_size=6),
    model=laws,
)
def test_with_programmes_joining_ahead_still_never_shortens_the_wait(
    units: int, running: list[tuple[float, UseModel]], ahead: list[UseModel], model: UseModel
) -> None:
    found = plays(units=units, under_way=running, ahead=ahead, model=model)
    for before, after in pairwise(found):
        assert after.minutes >= before.minutes and after.low >= before.low  # noqa: PT018
        assert after.high >= before.high
    assert all(0 <= e.low <= e.minutes <= e.high for e in found)
    # a person ahead with a longer programme never lowers anyone's wait after them
    longer = [UseModel(law.median * 1.5, law.spread, law.from_recent) for law in ahead]
    slower = plays(units=units, under_way=running, ahead=longer, model=model)
    assert all(s.minutes >= f.minutes for s, f in zip(slower, found, strict=True))
