"""The expected wait, pure: units free, people ahead, recent durations."""

from __future__ import annotations

from gigcity.services.care.stations import MIN_RECENT_USES, expected_wait


def test_a_free_unit_means_no_wait() -> None:
    found = expected_wait(units=2, in_use_elapsed=[5], ahead=0, recent=[], typical_minutes=15)
    assert found is not None
    assert found.minutes == 0
    assert not found.from_recent


def test_people_ahead_take_the_units_in_turn() -> None:
    # 2 units free, 3 ahead of 15 min: two start now, the third at 15; we get the unit at 15
    found = expected_wait(units=2, in_use_elapsed=[], ahead=3, recent=[], typical_minutes=15)
    assert found is not None
    assert found.minutes == 15
    found = expected_wait(units=2, in_use_elapsed=[], ahead=4, recent=[], typical_minutes=15)
    assert found is not None
    assert found.minutes == 30


def test_uses_under_way_free_their_unit_after_the_rest_of_a_use() -> None:
    found = expected_wait(units=1, in_use_elapsed=[10], ahead=0, recent=[], typical_minutes=15)
    assert found is not None
    assert found.minutes == 5
    # past its time, a use is taken to have a little left (15 % of one)
    over = expected_wait(units=1, in_use_elapsed=[40], ahead=0, recent=[], typical_minutes=20)
    assert over is not None
    assert over.minutes == 3


def test_the_mean_of_recent_uses_replaces_the_typical_duration() -> None:
    recent = [20.0, 30.0, 25.0]
    assert len(recent) >= MIN_RECENT_USES
    found = expected_wait(units=1, in_use_elapsed=[], ahead=2, recent=recent, typical_minutes=10)
    assert found is not None
    assert found.from_recent
    assert found.use_minutes == 25
    assert found.minutes == 50
    few = expected_wait(units=1, in_use_elapsed=[], ahead=2, recent=[99.0], typical_minutes=10)
    assert few is not None
    assert not few.from_recent
    assert few.minutes == 20


def test_no_units_no_promise() -> None:
    assert expected_wait(units=0, in_use_elapsed=[], ahead=0, recent=[], typical_minutes=5) is None


def test_a_forgotten_finish_is_left_out() -> None:
    found = expected_wait(
        units=1, in_use_elapsed=[], ahead=1, recent=[10.0, 12.0, 14.0, 300.0], typical_minutes=10
    )
    assert found is not None
    assert found.use_minutes == 12
