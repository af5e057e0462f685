"""Opening hours: a weekly schedule, exceptions by date, and 24 h; evaluated in local time.

Text form (CSV import, display) is a subset of OpenStreetMap's `opening_hours` syntax:
`24/7`, or rules separated by `;` such as `Mo-Fr 08:00-20:00; Sa,Su 10:00-14:00,17:00-21:00`.
A range whose end is not after its start runs past midnight (`22:00-06:00`); `24:00` ends a day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Weekday = Literal["mo", "tu", "we", "th", "fr", "sa", "su"]
WEEKDAYS: tuple[Weekday, ...] = ("mo", "tu", "we", "th", "fr", "sa", "su")
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_RANGE = re.compile(r"^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$")


def _minutes(text: str) -> int:
    m = _TIME.match(text)
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        raise ValueError(f"'{text}' is not a time of day as HH:MM (00:00 to 24:00)")
    return int(m.group(1)) * 60 + int(m.group(2))


class TimeRange(BaseModel):
    """Open from `start` to `end` (HH:MM); an end not after the start runs past midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        _minutes(value)
        return value

    @cached_property
    def start_min(self) -> int:
        return _minutes(self.start)

    @cached_property
    def end_min(self) -> int:
        end = _minutes(self.end)
        return end if end > self.start_min else end + 24 * 60

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class DateException(BaseModel):
    """Different hours on one date: closed (no ranges) or the given ranges instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    date: date
    closed: bool = True
    ranges: list[TimeRange] = Field(default_factory=list)
    note: Annotated[str, Field(max_length=200)] = ""


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    always_open: bool = False
    weekly: dict[Weekday, list[TimeRange]] = Field(default_factory=dict)
    exceptions: list[DateException] = Field(default_factory=list)

    @classmethod
    def open_24h(cls) -> OpeningHours:
        return cls(always_open=True)

    def _ranges_on(self, day: date) -> list[tuple[int, int]]:
        for exc in self.exceptions:
            if exc.date == day:
                return [] if exc.closed else [(r.start_min, r.end_min) for r in exc.ranges]
        if self.always_open:
            return [(0, 24 * 60)]
        return [(r.start_min, r.end_min) for r in self.weekly.get(WEEKDAYS[day.weekday()], [])]

    def is_open(self, at: datetime) -> bool:
        """Open at local time `at` (naive or aware; its wall-clock time is used)."""
        minute = at.hour * 60 + at.minute
        today = at.date()
        if any(s <= minute < e for s, e in self._ranges_on(today)):
            return True
        # A range that started yesterday and runs past midnight.
        yesterday = today - timedelta(days=1)
        return any(e > 24 * 60 and minute < e - 24 * 60 for _, e in self._ranges_on(yesterday))

    def next_change(self, at: datetime, horizon_days: int = 7) -> datetime | None:
        """When `is_open` next flips after local time `at` (same tzinfo as `at`): the
        closing time while open, the opening time while closed. Adjacent ranges (a range
        to 24:00 and the next day's from 00:00) count as one stretch. None when nothing
        changes within `horizon_days` (open round the clock, or closed for good)."""
        day0 = at.date() - timedelta(days=1)
        day_min = 24 * 60
        spans = sorted(
            (offset * day_min + s, offset * day_min + e)
            for offset in range(horizon_days + 2)
            for s, e in self._ranges_on(day0 + timedelta(days=offset))
        )
        merged: list[list[int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        now = day_min + at.hour * 60 + at.minute
        limit = (horizon_days + 1) * day_min
        base = datetime.combine(day0, datetime.min.time(), tzinfo=at.tzinfo)
        for s, e in merged:
            if e <= now:
                continue
            change = e if s <= now else s
            return base + timedelta(minutes=change) if change < limit else None
        return None

    def closed_on(self, day: date) -> bool:
        return any(exc.date == day and exc.closed for exc in self.exceptions)

    def with_closed_day(self, day: date, closed: bool, note: str = "") -> OpeningHours:
        """A copy with `day` marked closed (or that mark removed); old exceptions are dropped."""
        keep = [e for e in self.exceptions if e.date != day and e.date >= day - timedelta(days=30)]
        if closed:
            keep.append(DateException(date=day, closed=True, note=note))
        return self.model_copy(update={"exceptions": sorted(keep, key=lambda e: e.date)})

    def to_text(self) -> str:
        """The schedule in the opening_hours text subset (exceptions are not included)."""
        if self.always_open:
            return "24/7"
        groups: list[tuple[list[str], str]] = []
        for day in WEEKDAYS:
            ranges = ",".join(str(r) for r in self.weekly.get(day, []))
            if not ranges:
                continue
            if (
                groups
                and groups[-1][1] == ranges
                and WEEKDAYS.index(groups[-1][0][-1]) + 1 == WEEKDAYS.index(day)
            ):
                groups[-1][0].append(day)
            else:
                groups.append(([day], ranges))
        parts = []
        for days, ranges in groups:
            label = days[0].title() if len(days) == 1 else f"{days[0].title()}-{days[-1].title()}"
            parts.append(f"{label} {ranges}")
        return "; ".join(parts) if parts else "off"


def _day_list(spec: str) -> list[Weekday]:
    days: list[Weekday] = []
    for part in spec.split(","):
        part = part.strip().lower()
        if "-" in part:
            a, b = (p.strip() for p in part.split("-", 1))
            if a not in WEEKDAYS or b not in WEEKDAYS:
                raise ValueError(f"unknown weekday in '{part}' (use Mo Tu We Th Fr Sa Su)")
            i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
            span = range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)]
            days.extend(WEEKDAYS[k] for k in span)
        elif part in WEEKDAYS:
            days.append(part)
        else:
            raise ValueError(f"unknown weekday '{part}' (use Mo Tu We Th Fr Sa Su)")
    return days


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse the opening_hours subset; raises ValueError naming the part it cannot read."""
    text = text.strip()
    if not text:
        raise ValueError("opening hours are empty (use '24/7' or e.g. 'Mo-Fr 08:00-20:00')")
    if text in ("24/7", "24h", "00:00-24:00"):
        return OpeningHours.open_24h()
    weekly: dict[Weekday, list[TimeRange]] = {}
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        head, _, tail = rule.partition(" ")
        if _RANGE.match(rule.split(",")[0]):
            days: list[Weekday] = list(WEEKDAYS)
            tail = rule
        else:
            days = _day_list(head)
        tail = tail.strip()
        if tail == "off":
            for day in days:
                weekly[day] = []
            continue
        ranges = []
        for chunk in tail.split(","):
            m = _RANGE.match(chunk)
            if not m:
                raise ValueError(f"cannot read time range '{chunk.strip()}' in rule '{rule}'")
            ranges.append(TimeRange(start=m.group(1), end=m.group(2)))
        for day in days:
            weekly[day] = ranges
    return OpeningHours(weekly=weekly)
