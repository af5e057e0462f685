"""While a day is simulated the collector's young generation is collected less often; the
process's thresholds are put back afterwards, however the days overlap in threads, and a
day's outcome is the same whatever the collector does."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.rules import load_rulebook
from gigcity.sim.courier_day import CourierDay
from gigcity.sim.gc_thresholds import YOUNG_THRESHOLD, fewer_collections
from gigcity.sim.scenarios.runner import ScenarioSpec, load_scenario
from gigcity.sim.scenarios.simulate import simulate_scenario


@pytest.fixture(autouse=True)
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_raised_inside_and_put_back_after_even_when_the_day_fails(
    thresholds: tuple[int, int, int],
) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert gc.get_threshold() == thresholds
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("the day failed")
    assert gc.get_threshold() == thresholds


def test_a_threshold_set_higher_or_off_is_left_as_it_is() -> None:
    for young in (0, 50_000):
        gc.set_threshold(young, 10, 10)
        with fewer_collections():
            assert gc.get_threshold() == (young, 10, 10)
        assert gc.get_threshold() == (young, 10, 10)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=6))
def test_days_overlapping_in_threads_put_back_the_thresholds_once_all_are_done(
    holds_ms: list[int],
) -> None:
    gc.set_threshold(700, 10, 10)
    inside: list[tuple[int, int, int]] = []
    started = threading.Barrier(len(holds_ms))

    def day(hold_ms: int) -> None:
        started.wait()
        with fewer_collections():
            inside.append(gc.get_threshold())
            threading.Event().wait(hold_ms / 1000)

    threads = [threading.Thread(target=day, args=(hold,)) for hold in holds_ms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inside == [(YOUNG_THRESHOLD, 10, 10)] * len(holds_ms)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_days_outcome_does_not_depend_on_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(ScenarioSpec("putuo-weekday", 0, 600))
    rulebook = load_rulebook("putuo-2025")
    usual = simulate_scenario(scenario, rulebook)
    # Collected far more often than CPython's default, then not at all.
    monkeypatch.setattr("gigcity.sim.gc_thresholds.YOUNG_THRESHOLD", 1)
    gc.set_threshold(50, 2, 2)
    assert simulate_scenario(scenario, rulebook) == usual
    gc.disable()
    try:
        assert simulate_scenario(scenario, rulebook) == usual
    finally:
        gc.enable()


def test_a_day_is_simulated_with_the_threshold_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, int]] = []
    replay = CourierDay._replay_events

    def watched(day: CourierDay) -> None:  # type: ignore[type-arg]
        seen.append(gc.get_threshold())
        replay(day)

    monkeypatch.setattr(CourierDay, "_replay_events", watched)
    simulate_scenario(
        load_scenario(ScenarioSpec("putuo-weekday", 0, 200)), load_rulebook("putuo-2025")
    )
    assert seen == [(YOUNG_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)
