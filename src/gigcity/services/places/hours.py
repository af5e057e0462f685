"""Opening hours: a weekly schedule, hours on public holidays and on make-up working days
(调休), exceptions by date, and 24 h; evaluated in local time.

Text form (CSV import, API, display) is OpenStreetMap's `opening_hours` syntax. The form's
own subset — `24/7`, or rules separated by `;` such as `Mo-Fr 08:00-20:00; Sa,Su
10:00-14:00,17:00-21:00; PH off` — is kept as a weekly schedule the staff page can edit.
Anything else OSM allows (months, dates, weeks, years, `sunrise`, comments, `||`...) is kept
as text and evaluated by the `opening-hours-py` parser. Either way public holidays (`PH`)
come from China's published calendar (services.places.calendar), not from the parser.
A range whose end is not after its start runs past midnight (`22:00-06:00`); `24:00` ends a day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gigcity.services.places.calendar import is_makeup_workday, is_public_holiday

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


_DAY_MIN = 24 * 60


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    always_open: bool = False
    weekly: dict[Weekday, list[TimeRange]] = Field(default_factory=dict)
    public_holidays: list[TimeRange] | None = Field(
        None,
        description="Hours on public holidays and moved days off: none (the default) keeps "
        "the usual hours, an empty list closes the place, else these ranges.",
    )
    makeup_workdays: Weekday | None = Field(
        None,
        description="On a weekend day that is a working day (调休), keep the hours of this "
        "weekday of the same week (usually `mo`); none keeps the weekend's own hours.",
    )
    osm: Annotated[str, Field(max_length=500)] | None = Field(
        None,
        description="The schedule as OpenStreetMap opening_hours text, when it uses more than "
        "the weekly form can hold (months, dates, weeks...); `weekly` is then unused.",
    )
    exceptions: list[DateException] = Field(default_factory=list)

    @model_validator(mode="after")
    def _osm_text_parses(self) -> OpeningHours:
        if self.osm is not None:
            _osm_expression(self.osm)  # ValueError naming the problem
        return self

    @classmethod
    def open_24h(cls) -> OpeningHours:
        return cls(always_open=True)

    def _ranges_on(self, day: date) -> list[tuple[int, int]]:
        for exc in self.exceptions:
            if exc.date == day:
                return [] if exc.closed else [(r.start_min, r.end_min) for r in exc.ranges]
        if self.public_holidays is not None and is_public_holiday(day):
            return [(r.start_min, r.end_min) for r in self.public_holidays]
        if self.makeup_workdays is not None and is_makeup_workday(day):
            as_day = day + timedelta(days=WEEKDAYS.index(self.makeup_workdays) - day.weekday())
            return self._usual_ranges_on(as_day)
        return self._usual_ranges_on(day)

    def _usual_ranges_on(self, day: date) -> list[tuple[int, int]]:
        if self.always_open:
            return [(0, _DAY_MIN)]
        if self.osm is not None:
            return list(_osm_ranges_on(self.osm, day))
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

    def next_change(self, at: datetime, horizon_days: int = 10) -> datetime | None:
        """When `is_open` next flips after local time `at` (same tzinfo as `at`): the
        closing time while open, the opening time while closed. Adjacent ranges (a range
        to 24:00 and the next day's from 00:00) count as one stretch. None when nothing
        changes within `horizon_days` (open round the clock, or closed for good); the
        default spans the longest holiday break (the Spring Festival's nine days)."""
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

    def ranges_on(self, day: date) -> list[tuple[str, str]]:
        """The day's opening ranges as ("HH:MM", "HH:MM"), whatever decides them (the week,
        OSM text, a holiday, a make-up working day, an exception); a range past midnight
        ends at "24:00" here (the next day shows its early part only when it is its own)."""
        return [(_clock(s), _clock(min(e, _DAY_MIN))) for s, e in self._ranges_on(day)]

    def closed_on(self, day: date) -> bool:
        return any(exc.date == day and exc.closed for exc in self.exceptions)

    def with_closed_day(self, day: date, closed: bool, note: str = "") -> OpeningHours:
        """A copy with `day` marked closed (or that mark removed); old exceptions are dropped."""
        keep = [e for e in self.exceptions if e.date != day and e.date >= day - timedelta(days=30)]
        if closed:
            keep.append(DateException(date=day, closed=True, note=note))
        return self.model_copy(update={"exceptions": sorted(keep, key=lambda e: e.date)})

    def to_text(self) -> str:
        """The schedule as opening_hours text (exceptions by date and the make-up working
        day rule, which OSM cannot say, are not included)."""
        usual = self.osm if self.osm is not None else self._weekly_text()
        if self.public_holidays is None:
            return usual
        # A later rule overrides an earlier one for the days it names: PH comes last.
        return f"{usual}; PH {','.join(str(r) for r in self.public_holidays) or 'off'}"

    def _weekly_text(self) -> str:
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


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


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
    """Parse opening_hours text; raises ValueError naming the part it cannot read.

    The weekly form's subset becomes a weekly schedule; any other valid OSM expression is
    kept as text. `PH` rules (`PH off`, `PH 10:00-14:00`, `PH,Sa 10:00-14:00`) become the
    public-holiday hours, evaluated with China's published calendar."""
    text = text.strip()
    if not text:
        raise ValueError("opening hours are empty (use '24/7' or e.g. 'Mo-Fr 08:00-20:00')")
    rules = _top_level_rules(text)
    usual_rules, holidays = _public_holiday_rules(rules)
    usual_text = "; ".join(usual_rules) or "off"
    try:
        usual = _parse_weekly(usual_rules)
    except ValueError as subset_error:
        try:
            _osm_expression(usual_text)
        except ValueError as osm_error:
            # Which reading was meant is unknown: say what each could not read.
            raise ValueError(f"{subset_error}; as OpenStreetMap syntax, {osm_error}") from None
        usual = OpeningHours(osm=usual_text)
    return usual.model_copy(update={"public_holidays": holidays})


def _parse_weekly(rules: list[str]) -> OpeningHours:
    """The weekly form's subset: `24/7`, `off`, and `DAYS RANGES` rules."""
    if rules in (["24/7"], ["24h"], ["00:00-24:00"]):
        return OpeningHours.open_24h()
    weekly: dict[Weekday, list[TimeRange]] = {}
    for rule in rules:
        if rule in ("off", "closed"):
            weekly = {day: [] for day in WEEKDAYS}
            continue
        head, _, tail = rule.partition(" ")
        if _RANGE.match(rule.split(",")[0]):
            days: list[Weekday] = list(WEEKDAYS)
            tail = rule
        else:
            days = _day_list(head)
        ranges = _ranges(tail.strip(), rule)
        for day in days:
            weekly[day] = ranges
    return OpeningHours(weekly={day: r for day, r in weekly.items() if r})


def _ranges(text: str, rule: str) -> list[TimeRange]:
    if text in ("off", "closed"):
        return []
    ranges = []
    for chunk in text.split(","):
        m = _RANGE.match(chunk)
        if not m:
            raise ValueError(f"cannot read time range '{chunk.strip()}' in rule '{rule}'")
        ranges.append(TimeRange(start=m.group(1), end=m.group(2)))
    return ranges


def _top_level_rules(text: str) -> list[str]:
    """The `;`-separated rules, leaving `;` inside quoted comments alone."""
    rules: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            rules.append("".join(current))
            current = []
        else:
            current.append(char)
    rules.append("".join(current))
    return [rule.strip() for rule in rules if rule.strip()]


_PH_RULE = re.compile(r"^PH(?:\s*,\s*(?P<days>[A-Za-z, -]+?))?\s+(?P<times>.+)$")


def _public_holiday_rules(rules: list[str]) -> tuple[list[str], list[TimeRange] | None]:
    """The rules without their `PH` selectors, and the public-holiday hours they give (None:
    no PH rule). Public holidays come from China's calendar, so only rules that start with
    `PH` are understood; `PH` elsewhere in a rule is refused."""
    usual: list[str] = []
    holidays: list[TimeRange] | None = None
    for rule in rules:
        found = _PH_RULE.match(rule)
        if found is None:
            if re.search(r"\bPH\b", rule):
                raise ValueError(
                    f"cannot read '{rule}': public holidays are a rule of their own, "
                    "e.g. 'PH off' or 'PH 10:00-14:00'"
                )
            usual.append(rule)
            continue
        holidays = _ranges(found["times"].strip(), rule)
        if found["days"]:
            usual.append(f"{found['days'].strip()} {found['times'].strip()}")
    return usual, holidays


@lru_cache(maxsize=256)
def _osm_expression(text: str) -> Any:
    """The parsed OSM expression (public holidays left to our calendar: no country given)."""
    from opening_hours import OpeningHours as OsmHours
    from opening_hours import ParserError  # type: ignore[attr-defined]  # not in its stub

    try:
        return OsmHours(text)
    except (ParserError, SyntaxError, ValueError) as exc:
        # The parser's message points at a column ("--> 1:12"); name the text from there.
        where = re.search(r"--> 1:(\d+)", str(exc))
        rest = text[int(where.group(1)) - 1 :] if where else text
        raise ValueError(f"cannot read opening hours '{text}' from '{rest}'") from None


@lru_cache(maxsize=8192)
def _osm_ranges_on(text: str, day: date) -> tuple[tuple[int, int], ...]:
    """The open ranges of `day`, in minutes from its midnight (a range past midnight shows
    as two: to 24:00 here, from 00:00 on the next day)."""
    from opening_hours import State

    start = datetime.combine(day, datetime.min.time())
    ranges = []
    for begin, end, state, _comment in _osm_expression(text).intervals(
        start, start + timedelta(days=1)
    ):
        if state == State.OPEN:
            ranges.append(
                (
                    max(0, int((begin - start).total_seconds()) // 60),
                    min(_DAY_MIN, int((end - start).total_seconds()) // 60),
                )
            )
    return tuple(ranges)
