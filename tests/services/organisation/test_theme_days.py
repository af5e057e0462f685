"""The theme day on the 17th, moved off days off by China's published holiday calendar, and
the check-in and make-up windows around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.services.organisation.theme_days import (
    CHINA,
    attendance_window,
    is_make_up_allowed,
    theme_day,
    theme_days,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("year", "month", "expected", "why"),
    [
        (2025, 1, date(2025, 1, 17), "a Friday, a working day"),
        (2025, 10, date(2025, 10, 17), "a Friday after the National Day break (1-8 Oct)"),
        (2026, 10, date(2026, 10, 19), "an ordinary Saturday: the Monday after"),
        (2026, 1, date(2026, 1, 19), "an ordinary Saturday: the Monday after"),
        (2026, 2, date(2026, 2, 24), "Spring Festival break 15-23 Feb: the Tuesday after"),
        (2024, 9, date(2024, 9, 18), "Mid-Autumn Festival (15-17 Sep): the Wednesday after"),
        (2024, 2, date(2024, 2, 18), "Spring Festival break ends on the 17th; Sunday 18 is worked"),
        (2013, 2, date(2013, 2, 17), "a Sunday worked to make up for the Spring Festival"),
    ],
)
def test_known_months_of_the_published_calendar(
    year: int, month: int, expected: date, why: str
) -> None:
    assert theme_day(year, month) == expected, why


def test_a_weekend_make_up_working_day_is_a_working_day() -> None:
    assert date(2024, 2, 18).weekday() == 6
    assert CHINA.is_working_day(date(2024, 2, 18))
    assert date(2026, 10, 17).weekday() == 5
    assert not CHINA.is_working_day(date(2026, 10, 17))


@dataclass(frozen=True)
class DaysOff:
    """A calendar of weekdays with some extra days off."""

    off: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.off


def test_with_no_working_day_left_in_the_month_it_moves_back() -> None:
    # November 2027: the 17th is a Wednesday; take the 17th to the 30th off.
    calendar = DaysOff(frozenset(date(2027, 11, d) for d in range(17, 31)))
    assert theme_day(2027, 11, calendar) == date(2027, 11, 16)
    # The 15th and 16th off as well: the Friday before.
    calendar = DaysOff(calendar.off | {date(2027, 11, 15), date(2027, 11, 16)})
    assert theme_day(2027, 11, calendar) == date(2027, 11, 12)


months = st.tuples(st.integers(2005, 2030), st.integers(1, 12))


@settings(max_examples=30, deadline=None)
@given(months)
def test_the_theme_day_is_a_working_day_of_its_month_from_the_17th(ym: tuple[int, int]) -> None:
    year, month = ym
    day = theme_day(year, month)
    assert (day.year, day.month) == (year, month)
    assert CHINA.is_working_day(day)
    seventeenth = date(year, month, 17)
    if day >= seventeenth:  # the first working day from the 17th
        between = [seventeenth + timedelta(days=i) for i in range((day - seventeenth).days)]
        assert not any(CHINA.is_working_day(d) for d in between)
    else:  # only when nothing is left after it in the month
        rest = [seventeenth + timedelta(days=i) for i in range(15)]
        assert not any(CHINA.is_working_day(d) for d in rest if d.month == month)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2005, 2030),
    st.sets(st.integers(1, 28), max_size=28),
)
def test_any_calendar_keeps_the_theme_day_in_its_month(year: int, off_days: set[int]) -> None:
    calendar = DaysOff(frozenset(date(year, 2, d) for d in off_days))
    day = theme_day(year, 2, calendar)
    assert (day.year, day.month) == (year, 2)
    working = [d for d in (date(year, 2, i) for i in range(1, 29)) if calendar.is_working_day(d)]
    if working:
        assert calendar.is_working_day(day)
        later = [d for d in working if d.day >= 17]
        assert day == (later[0] if later else working[-1])


def test_theme_days_of_a_range_one_per_month_inside_it() -> None:
    days = theme_days(date(2026, 1, 18), date(2026, 12, 31))
    assert days[0] == date(2026, 1, 19)  # January's moved to the 19th, inside the range
    assert len(days) == 12
    assert [d.month for d in days] == list(range(1, 13))
    assert date(2026, 2, 24) in days
    assert theme_days(date(2026, 1, 20), date(2026, 2, 23)) == []
    assert theme_days(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert theme_days(date(2025, 12, 1), date(2026, 1, 31)) == [
        date(2025, 12, 17),
        date(2026, 1, 19),
    ]


def test_check_in_is_open_06_to_midnight_local_time() -> None:
    window = attendance_window(date(2026, 2, 24), SHANGHAI)
    assert datetime(2026, 2, 24, 6, 0, tzinfo=SHANGHAI) in window
    assert datetime(2026, 2, 24, 23, 59, tzinfo=SHANGHAI) in window
    assert datetime(2026, 2, 24, 5, 59, tzinfo=SHANGHAI) not in window
    assert datetime(2026, 2, 25, 0, 0, tzinfo=SHANGHAI) not in window
    # A rider's phone sends UTC: 22:30 UTC the day before is 06:30 in Shanghai.
    assert datetime(2026, 2, 23, 22, 30, tzinfo=UTC) in window
    assert datetime(2026, 2, 24, 16, 30, tzinfo=UTC) not in window  # 00:30 the next day
    with pytest.raises(ValueError, match="time zone"):
        _ = datetime(2026, 2, 24, 12, 0) in window


def test_make_up_sessions_on_the_14_days_after() -> None:
    day = date(2026, 2, 24)
    assert not is_make_up_allowed(day, datetime(2026, 2, 24, 20, 0, tzinfo=SHANGHAI))
    assert is_make_up_allowed(day, datetime(2026, 2, 25, 0, 0, tzinfo=SHANGHAI))
    assert is_make_up_allowed(day, datetime(2026, 3, 10, 23, 59, tzinfo=SHANGHAI))
    assert not is_make_up_allowed(day, datetime(2026, 3, 11, 0, 0, tzinfo=SHANGHAI))
    assert not is_make_up_allowed(day, datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI))
    # 16:30 UTC on 10 March is 00:30 on 11 March in Shanghai: too late.
    assert not is_make_up_allowed(day, datetime(2026, 3, 10, 16, 30, tzinfo=UTC))
