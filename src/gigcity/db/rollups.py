"""The keys of the dashboard's rollups (migration 0005): periods, resolution-time buckets and
heatmap cells. They are part of the stored data's meaning: changing one needs a migration
that rebuilds the rollups (`gigcity reports recount` does too).

Rollup rows come in two grains: a local day ("d", period = the day) and a local month
("m", period = its first day), and for "*" (all) as well as each category (sub-district). A window of days is answered from the months it covers
whole and the days at either end, so a year is a dozen month rows per key, not 366 days.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import date, timedelta

DAY = "d"
MONTH = "m"

# Resolution times (seconds) in buckets: whole minutes below 20 minutes, then 5 % wide.
# The dashboard finds the bucket holding a quantile from the rollup, then reads the exact
# value from the (few) reports in that bucket, so the answer is exact all the same.
_EXACT_MINUTES = 20
_GROWTH = 1.05


def _bounds() -> tuple[int, ...]:
    bounds = [m * 60 for m in range(_EXACT_MINUTES)]
    value = float(_EXACT_MINUTES * 60)
    while bounds[-1] <= 2**31:
        bounds.append(max(int(value), bounds[-1] + 1))
        value *= _GROWTH
    return tuple(bounds)


RESOLUTION_BOUNDS = _bounds()


def resolution_bucket(seconds: int) -> int:
    """The bucket of a resolution time (seconds, >= 0)."""
    return bisect_right(RESOLUTION_BOUNDS, max(0, seconds)) - 1


def bucket_range(bucket: int) -> tuple[int, int]:
    """The resolution times [low, high) in seconds that fall in `bucket`."""
    return RESOLUTION_BOUNDS[bucket], RESOLUTION_BOUNDS[bucket + 1]


# Heatmap cells: a fixed grid of 0.0025° (about 250 m by 280 m here), counted from 0°, 0°.
CELL_DEG = 0.0025


def heat_cell(lon: float, lat: float) -> tuple[int, int]:
    return math.floor(lon / CELL_DEG), math.floor(lat / CELL_DEG)


def cell_centre(cx: int, cy: int) -> tuple[float, float]:
    return round((cx + 0.5) * CELL_DEG, 6), round((cy + 0.5) * CELL_DEG, 6)


# Rows are also kept for every category ("*"), and resolution rows for every sub-district,
# so a district-wide window sums a few rows per period rather than one per sub-district and
# category.
ALL = "*"


def heat_keys(subdistrict: str, category: str) -> tuple[tuple[str, str], ...]:
    """The (sub-district, category) rows a filed report counts in (cells lie in one or two
    sub-districts, so a district-wide row would save little)."""
    return (subdistrict, category), (subdistrict, ALL)


def resolution_keys(subdistrict: str, category: str) -> tuple[tuple[str, str], ...]:
    """The (sub-district, category) rows a resolution counts in."""
    return (subdistrict, category), (subdistrict, ALL), (ALL, category), (ALL, ALL)


def month_of(day: date) -> date:
    return day.replace(day=1)


def split_window(
    since: date, until: date
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The window [since, until] (days, inclusive) as whole months (first days [from, to],
    or None) and the ranges of days left over at either end."""
    first = since if since.day == 1 else month_of(month_of(since) + timedelta(days=32))
    after = month_of(until + timedelta(days=1))  # the first month not wholly inside
    if first >= after:
        return None, [(since, until)]
    last = month_of(after - timedelta(days=1))
    days = [(a, b) for a, b in ((since, first - timedelta(days=1)), (after, until)) if a <= b]
    return (first, last), days
