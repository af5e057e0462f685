"""China's public holidays and make-up working days (调休), as the State Council publishes
them each November for the next year, from the maintained `holidays` package.

A year whose schedule is not published yet (or not yet in the installed `holidays`) has only
the statutory days (New Year's Day, the Spring Festival's first days, Qingming, Labour Day,
Dragon Boat, Mid-Autumn, National Day) and no make-up working days: keep `holidays` current
(`pip install -U holidays`) when the next year's schedule comes out.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "CN"


@lru_cache(maxsize=32)
def _year(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year)


@lru_cache(maxsize=32)
def _year_zh(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year, language="zh_CN")


def is_public_holiday(day: date) -> bool:
    """A day of a holiday break as announced ("10月1日至7日放假调休，共7天"): a statutory
    holiday, a day off moved onto a working day (e.g. 2026-01-02), or a weekend day inside or
    next to them (2026-10-04, a Sunday; 20-21 June 2026 after the Dragon Boat Friday)."""
    return day in _break_days(day.year)


def is_makeup_workday(day: date) -> bool:
    """A Saturday or Sunday that is a working day to make up for a moved day off."""
    return day.weekday() >= 5 and day in _year(day.year).weekend_workdays


def _is_day_off(day: date) -> bool:
    return day in _year(day.year) or (day.weekday() >= 5 and not is_makeup_workday(day))


@lru_cache(maxsize=32)
def _break_days(year: int) -> frozenset[date]:
    """The days of `year` in a run of days off that holds a holiday."""
    day, last = date(year - 1, 12, 20), date(year + 1, 1, 10)  # runs may cross the new year
    found: set[date] = set()
    run: list[date] = []
    while day <= last:
        if _is_day_off(day):
            run.append(day)
        else:
            if any(d in _year(d.year) for d in run):
                found.update(d for d in run if d.year == year)
            run = []
        day += timedelta(days=1)
    return frozenset(found)


def holiday_name(day: date, locale: str = "zh_CN") -> str | None:
    """The holiday's name in `locale` (zh_CN or English), or None on an ordinary day."""
    calendar = _year_zh(day.year) if locale.startswith("zh") else _year(day.year)
    name = calendar.get(day)
    return str(name) if name is not None else None
