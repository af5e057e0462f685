"""The monthly theme day (主题党日) every station holds on the 17th, moved off days off by
China's holiday calendar, and when its check-in and make-up sessions are open. Pure: the
calendar is passed in (China's by default), times are aware datetimes.

Assumption (the issue says only "moved when it falls on a holiday"): when the 17th is not a
working day — a public holiday, a day of a holiday break, or a Saturday or Sunday that is not
a make-up working day (调休) — the theme day is the next working day of the same month; if no
working day is left in the month, it is the last working day before the 17th. A make-up
working day on a weekend is a working day, so a theme day may fall on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from gigcity.services.places.calendar import is_makeup_workday, is_public_holiday

THEME_DAY_OF_MONTH = 17
LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CHECK_IN_OPENS = time(6, 0)  # the window closes at midnight: riders on shift check in online
MAKE_UP_DAYS = 14  # make-up sessions on the 14 days after the theme day


class WorkingDays(Protocol):
    """Which days are working days (a calendar other than China's serves tests and
    districts that keep their own)."""

    def is_working_day(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class ChinaWorkingDays:
    """China's working days as the State Council publishes them (services.places.calendar)."""

    def is_working_day(self, day: date) -> bool:
        if is_public_holiday(day):
            return False
        return day.weekday() < 5 or is_makeup_workday(day)


CHINA = ChinaWorkingDays()


def theme_day(year: int, month: int, calendar: WorkingDays = CHINA) -> date:
    """The month's theme day: the 17th, or where it moves when the 17th is a day off."""
    nominal = date(year, month, THEME_DAY_OF_MONTH)
    day = nominal
    while day.month == month:
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    day = nominal - timedelta(days=1)
    while day.month == month:
        if calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)
    # A month without a single working day: keep the 17th rather than leave the month.
    return nominal


def theme_days(first: date, last: date, calendar: WorkingDays = CHINA) -> list[date]:
    """The theme days from `first` to `last` (both included), in order."""
    if last < first:
        return []
    out: list[date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = theme_day(year, month, calendar)
        if first <= day <= last:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True, slots=True)
class Window:
    """A span of time [start, end): start included, end excluded."""

    start: datetime
    end: datetime

    def __contains__(self, moment: object) -> bool:
        if not isinstance(moment, datetime):
            return False
        return self.start <= _aware(moment) < self.end


def attendance_window(day: date, tz: ZoneInfo = LOCAL_TZ) -> Window:
    """When check-in is open on a theme day: 06:00 to midnight local time, the same window
    at the station (QR) and online for riders on shift."""
    start = datetime.combine(day, CHECK_IN_OPENS, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
    return Window(start, end)


def make_up_window(day: date, tz: ZoneInfo = LOCAL_TZ) -> Window:
    """When make-up sessions may be held: the 14 whole local days after the theme day."""
    start = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=MAKE_UP_DAYS + 1), time(0, 0), tzinfo=tz)
    return Window(start, end)


def is_make_up_allowed(theme_day: date, when: datetime, tz: ZoneInfo = LOCAL_TZ) -> bool:
    """Whether a make-up session at `when` (an aware time) counts for `theme_day`: on one
    of the 14 local days after it, not on the day itself (that is the check-in) nor before."""
    return _aware(when) in make_up_window(theme_day, tz)


def _aware(moment: datetime) -> datetime:
    # A naive time could be UTC or Shanghai, eight hours apart: refuse to guess.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a check-in time must carry its time zone")
    return moment
