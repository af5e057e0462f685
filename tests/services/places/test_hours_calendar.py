"""Opening hours that know China's public holidays and make-up working days (调休), and the
OpenStreetMap opening_hours syntax beyond the weekly form (months, dates, extended times)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.places.calendar import holiday_name, is_makeup_workday, is_public_holiday
from gigcity.services.places.hours import OpeningHours, parse_opening_hours

NATIONAL_DAY = date(2026, 10, 1)  # a Thursday; 1-7 October 2026 off (the State Council)
NATIONAL_DAY_BREAK = [date(2026, 10, d) for d in range(1, 8)]
MAKEUP_SATURDAY = date(2026, 10, 10)  # worked to make up for the long break
MOVED_DAY_OFF = date(2026, 1, 2)  # a Friday off, worked on Sunday 4 January


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def test_the_calendar_knows_the_published_2026_schedule() -> None:
    assert all(is_public_holiday(day) for day in NATIONAL_DAY_BREAK[:3])
    assert is_public_holiday(MOVED_DAY_OFF)
    assert not is_public_holiday(date(2026, 10, 9))
    assert is_makeup_workday(MAKEUP_SATURDAY)
    assert is_makeup_workday(date(2026, 1, 4))
    assert not is_makeup_workday(date(2026, 10, 17))  # an ordinary Saturday
    assert holiday_name(NATIONAL_DAY) == "国庆节"
    assert holiday_name(NATIONAL_DAY, "en") == "National Day"
    assert holiday_name(date(2026, 10, 9)) is None


def test_a_kiosk_closed_on_public_holidays_is_closed_the_whole_break() -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-18:00; Sa,Su 10:00-16:00; PH off")
    assert hours.public_holidays == []
    assert all(not hours.is_open(at(day, 12)) for day in [*NATIONAL_DAY_BREAK, MOVED_DAY_OFF])
    assert hours.is_open(at(date(2026, 10, 9), 12))  # the Friday after: open as usual
    # Closed right through the break: the next opening is the morning after it.
    assert hours.next_change(at(NATIONAL_DAY, 9)) == at(date(2026, 10, 8), 8)


def test_holiday_hours_replace_the_usual_ones() -> None:
    hours = parse_opening_hours("24/7; PH 10:00-14:00")
    assert hours.always_open
    assert hours.is_open(at(NATIONAL_DAY, 11))
    assert not hours.is_open(at(NATIONAL_DAY, 15))
    assert hours.is_open(at(date(2026, 10, 9), 3))
    assert hours.to_text() == "24/7; PH 10:00-14:00"


def test_a_makeup_saturday_keeps_monday_hours_when_asked() -> None:
    usual = parse_opening_hours("Mo-Fr 08:00-18:00; Sa,Su off")
    assert not usual.is_open(at(MAKEUP_SATURDAY, 9))  # by default the weekend's own hours
    workday = usual.model_copy(update={"makeup_workdays": "mo"})
    assert workday.is_open(at(MAKEUP_SATURDAY, 9))
    assert not workday.is_open(at(MAKEUP_SATURDAY, 19))
    assert not workday.is_open(at(date(2026, 10, 17), 9))  # an ordinary Saturday


def test_a_date_exception_wins_over_the_holiday_rule() -> None:
    hours = parse_opening_hours("Mo-Su 08:00-18:00; PH off").with_closed_day(
        date(2026, 10, 9), True
    )
    assert not hours.is_open(at(date(2026, 10, 9), 12))
    open_on_holiday = OpeningHours.model_validate(
        {
            **hours.model_dump(),
            "exceptions": [{"date": "2026-10-01", "closed": False,
                            "ranges": [{"start": "09:00", "end": "12:00"}]}],
        }
    )  # fmt: skip
    assert open_on_holiday.is_open(at(NATIONAL_DAY, 10))
    assert not open_on_holiday.is_open(at(date(2026, 10, 2), 10))


@pytest.mark.parametrize(
    ("text", "open_at", "closed_at"),
    [
        # Month ranges: a summer schedule.
        ("Jan-Mar,Nov-Dec Mo-Fr 09:00-17:00; Apr-Oct Mo-Fr 07:00-19:00",
         [datetime(2026, 6, 3, 7, 30), datetime(2026, 12, 2, 9, 30)],
         [datetime(2026, 12, 2, 7, 30), datetime(2026, 6, 6, 10, 0)]),
        # Date ranges and a single date.
        ("Mo-Su 08:00-20:00; Dec 24-Dec 26 off; Jan 01 10:00-14:00",
         [datetime(2026, 12, 23, 9, 0), datetime(2027, 1, 1, 11, 0)],
         [datetime(2026, 12, 25, 9, 0), datetime(2027, 1, 1, 15, 0)]),
        # Extended time past midnight, and `,` between rules.
        ("Fr 20:00-26:00, Sa 10:00-12:00",
         [datetime(2026, 12, 4, 21, 0), datetime(2026, 12, 5, 1, 30), datetime(2026, 12, 5, 11, 0)],
         [datetime(2026, 12, 5, 2, 30), datetime(2026, 12, 4, 12, 0)]),
    ],
)  # fmt: skip
def test_osm_syntax_beyond_the_weekly_form(
    text: str, open_at: list[datetime], closed_at: list[datetime]
) -> None:
    hours = parse_opening_hours(text)
    assert hours.osm == text
    assert hours.to_text() == text
    assert all(hours.is_open(when) for when in open_at), [hours.is_open(w) for w in open_at]
    assert not any(hours.is_open(when) for when in closed_at)
    again = OpeningHours.model_validate_json(hours.model_dump_json())  # as stored
    assert [again.is_open(w) for w in open_at + closed_at] == [
        hours.is_open(w) for w in open_at + closed_at
    ]


def test_osm_text_with_public_holidays_uses_the_chinese_calendar() -> None:
    hours = parse_opening_hours("Jan-Dec Mo-Fr 08:00-18:00; PH off")
    assert hours.osm == "Jan-Dec Mo-Fr 08:00-18:00"
    assert not hours.is_open(at(date(2026, 10, 5), 9))  # a Monday of the break
    assert hours.is_open(at(date(2026, 10, 12), 9))
    assert hours.to_text() == "Jan-Dec Mo-Fr 08:00-18:00; PH off"


def test_a_stored_osm_text_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot read opening hours"):
        OpeningHours(osm="Mo-Fr nine to five")


weekly_texts = st.sampled_from(
    ["24/7", "Mo-Fr 08:00-20:00", "Mo-Su 22:00-06:00", "Sa,Su 10:00-14:00,17:00-21:00"]
)
holiday_rules = st.sampled_from(["", "; PH off", "; PH 10:00-14:00"])
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@given(weekly_texts, holiday_rules, days, st.integers(0, 24 * 60 - 1))
def test_text_round_trips_and_holidays_only_change_holidays(
    weekly: str, holiday_rule: str, day: date, minute: int
) -> None:
    hours = parse_opening_hours(weekly + holiday_rule)
    assert parse_opening_hours(hours.to_text()) == hours
    when = at(day, 0) + timedelta(minutes=minute)
    plain = parse_opening_hours(weekly)
    if not is_public_holiday(day) and not is_public_holiday(day - timedelta(days=1)):
        assert hours.is_open(when) == plain.is_open(when)
    if is_public_holiday(day) and holiday_rule == "; PH off" and minute >= 6 * 60:
        assert not hours.is_open(when)  # nothing from the night before reaches past 06:00
