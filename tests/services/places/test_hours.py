"""Opening hours: parsing, evaluation across midnight, exceptions, and text round trips."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.places.hours import WEEKDAYS, OpeningHours, TimeRange, parse_opening_hours

SAT = datetime(2025, 5, 3, 12, 0)  # a Saturday


def test_weekday_rules() -> None:
    h = parse_opening_hours("Mo-Fr 08:00-20:00; Sa,Su 10:00-14:00,17:00-21:00")
    assert h.is_open(datetime(2025, 5, 2, 8, 0))  # Friday 08:00 opens
    assert not h.is_open(datetime(2025, 5, 2, 20, 0))  # 20:00 is closed (end exclusive)
    assert h.is_open(SAT)
    assert not h.is_open(SAT.replace(hour=15))
    assert h.is_open(SAT.replace(hour=20, minute=59))


def test_overnight_range_continues_into_the_next_day() -> None:
    h = parse_opening_hours("Fr 22:00-06:00")
    assert h.is_open(datetime(2025, 5, 2, 23, 0))  # Friday night
    assert h.is_open(datetime(2025, 5, 3, 5, 59))  # Saturday early morning, from Friday
    assert not h.is_open(datetime(2025, 5, 3, 6, 0))
    assert not h.is_open(datetime(2025, 5, 3, 23, 0))  # Saturday has no hours


def test_closed_today_overrides_24_7_and_can_be_lifted() -> None:
    h = OpeningHours.open_24h().with_closed_day(SAT.date(), True, "water cut")
    assert not h.is_open(SAT)
    assert h.is_open(SAT + timedelta(days=1))
    assert h.with_closed_day(SAT.date(), False).is_open(SAT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("Mo-Fr 25:00-26:00", "25:00"),
        ("Xy 08:00-10:00", "weekday"),
        ("Mo-Fr eight-ten", "eight-ten"),
        ("Mo 08:00-48:30", "48:30"),
        ("Dec 25,PH off", "public holidays are a rule of their own"),
        ("Jan-Mar Mo-Fr 08:00-18:00 blah", "blah"),
    ],
)
def test_bad_text_is_rejected_naming_the_part(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_opening_hours(text)


def test_24_7_text() -> None:
    assert parse_opening_hours("24/7").always_open
    assert OpeningHours.open_24h().to_text() == "24/7"


times = st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")


@given(
    days=st.sets(st.sampled_from(WEEKDAYS), min_size=1),
    start=times,
    end=times,
)
def test_text_round_trip_preserves_meaning(days: set[str], start: str, end: str) -> None:
    if start == end:
        return
    weekly = {d: [TimeRange(start=start, end=end)] for d in days}
    hours = OpeningHours.model_validate({"weekly": weekly})
    again = parse_opening_hours(hours.to_text())
    probe = datetime(2025, 5, 5)  # a Monday
    for minute in range(0, 8 * 24 * 60, 37):
        at = probe + timedelta(minutes=minute)
        assert hours.is_open(at) == again.is_open(at), (hours.to_text(), at)


@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 1, 1)),
    minute=st.integers(0, 1439),
)
def test_always_open_is_open_at_every_minute(day: date, minute: int) -> None:
    at = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    assert OpeningHours.open_24h().is_open(at)


@pytest.mark.parametrize(
    ("at", "change"),
    [
        ("2026-12-03T10:00", "2026-12-03T20:00"),  # Thursday, open: closes tonight
        ("2026-12-03T21:00", "2026-12-04T08:00"),  # closed: opens tomorrow morning
        ("2026-12-04T21:00", "2026-12-05T22:00"),  # Friday night: Saturday's late opening
        ("2026-12-05T23:00", "2026-12-06T02:00"),  # open past midnight: closes at 02:00
        ("2026-12-06T01:00", "2026-12-06T02:00"),  # yesterday's range still running
        ("2026-12-06T03:00", "2026-12-07T08:00"),  # Sunday: nothing until Monday
    ],
)
def test_next_change_is_the_closing_time_when_open_and_the_opening_time_when_closed(
    at: str, change: str
) -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-20:00; Sa 22:00-02:00")
    assert hours.next_change(datetime.fromisoformat(at)) == datetime.fromisoformat(change)


def test_nothing_changes_round_the_clock_and_adjacent_days_join() -> None:
    now = datetime(2026, 12, 3, 12, 0)
    assert OpeningHours.open_24h().next_change(now) is None
    assert parse_opening_hours("Mo-Su 00:00-24:00").next_change(now) is None
    # Open to midnight and again from 06:00: it closes at midnight, not "never".
    late = parse_opening_hours("Mo-Su 06:00-24:00")
    assert late.next_change(datetime(2026, 12, 3, 23, 0)) == datetime(2026, 12, 4, 0, 0)
    # Closed today (an exception) on a 24/7 point: it opens again at midnight.
    closed = OpeningHours.open_24h().with_closed_day(now.date(), True)
    assert closed.next_change(now) == datetime(2026, 12, 4, 0, 0)
    assert parse_opening_hours("Mo-Su off").next_change(now) is None
