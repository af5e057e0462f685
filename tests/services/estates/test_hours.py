"""Estate hours are read as the friendly map reads a service point's: what the check on
saving accepts is what the guide's gates and the relay points obey, public holidays
included."""

from __future__ import annotations

from datetime import datetime

from gigcity.services.estates.hours import hours_problem, open_at

NATIONAL_DAY_NOON = datetime(2026, 10, 1, 12, 0)
ORDINARY_NOON = datetime(2026, 10, 13, 12, 0)


def test_empty_hours_are_always_open_and_accepted() -> None:
    assert hours_problem("") is None
    assert open_at("  ", datetime(2026, 10, 13, 3, 0))


def test_a_gate_closed_on_public_holidays_is_closed_on_national_day() -> None:
    hours = "06:00-23:00; PH off"
    assert hours_problem(hours) is None
    assert not open_at(hours, NATIONAL_DAY_NOON)
    assert open_at(hours, ORDINARY_NOON)
    assert not open_at(hours, datetime(2026, 10, 13, 23, 30))


def test_unreadable_hours_are_named_when_saving() -> None:
    problem = hours_problem("sometimes open")
    assert problem is not None
    assert "sometimes" in problem
