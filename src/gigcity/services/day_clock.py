"""The district's clock: which local day a moment falls on, and where on that day's clock.

The rules engine counts time in seconds on a day's clock; the API speaks ISO 8601 instants.
A naive timestamp means district local time (as elsewhere in the API).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive one is taken as UTC (how SQLite hands stored times back)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class DayClock:
    def __init__(self, timezone: str) -> None:
        self.tz = ZoneInfo(timezone)

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def to_utc(self, moment: datetime) -> datetime:
        """An instant from the API in UTC, to the whole second (pay counts whole seconds)."""
        return self.local(moment).astimezone(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def day_of(self, moment: datetime) -> date:
        return self.local(moment).date()

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz)

    def seconds_into(self, day: date, moment: datetime) -> int:
        """Seconds elapsed from `day`'s local midnight to `moment` (past 86 400 after midnight)."""
        return int((self.local(moment) - self.midnight(day)).total_seconds())

    def clock_seconds(self, moment: datetime) -> int:
        """Seconds since local midnight as the wall clock shows them (for night windows)."""
        wall = self.local(moment)
        return wall.hour * 3600 + wall.minute * 60 + wall.second

    def split_by_day(self, start: datetime, end: datetime) -> list[tuple[date, datetime, datetime]]:
        """[start, end) cut at local midnights: (day, piece start, piece end), in UTC."""
        pieces = []
        piece_start = self.local(start)
        finish = self.local(end)
        while piece_start < finish:
            next_midnight = self.midnight(piece_start.date() + timedelta(days=1))
            piece_end = min(finish, next_midnight)
            pieces.append((piece_start.date(), as_utc(piece_start), as_utc(piece_end)))
            piece_start = piece_end
        return pieces
