"""The theme-day service's models (issue 20): what callers send and what they are answered.

The public answers never carry a session's `code`: it is the secret in the station's QR
poster, given only to that station's staff and admins (`StationThemeDayOut`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

Month = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


class SessionKind(StrEnum):
    theme = "theme"  # the month's theme day (the 17th, moved off days off)
    makeup = "makeup"  # a make-up session in the 14 days after it


class Mode(StrEnum):
    station = "station"  # by the QR code at the station
    online = "online"  # online, for riders on shift


class ThemeDayOut(BaseModel):
    """Public: a station's theme day or make-up session and when check-in is open."""

    id: int
    station_id: int
    station_name: str
    lon: float
    lat: float
    month: str
    kind: SessionKind
    held_on: date
    moved_from: date | None = Field(description="The 17th, when a day off moved the day")
    title: str
    opens_at: datetime
    closes_at: datetime
    open_now: bool


class StationThemeDayOut(ThemeDayOut):
    """A session as its station's staff and admins see it: with the check-in code, the
    address its QR code carries and how many checked in."""

    code: str
    checkin_url: str
    qr_svg: str
    attendance: int


class StationMonthOut(BaseModel):
    """A station's theme day and make-up sessions of a month, for its staff."""

    station_id: int
    station_name: str
    month: str
    sessions: list[StationThemeDayOut]
    makeup_from: date  # the first and last day a make-up session may be held on
    makeup_until: date


class CodeIn(BaseModel):
    code: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")


class MakeupIn(BaseModel):
    held_on: date
    title: str = Field(default="", max_length=200)


class AttendanceOut(BaseModel):
    """The caller's attendance of a month (answered again, `already`, on a second try)."""

    id: int
    month: str
    mode: Mode
    at: datetime
    theme_day_id: int
    kind: SessionKind
    held_on: date
    station_id: int
    station_name: str
    already: bool = Field(default=False, description="True: checked in before this call")


class AttendeeOut(BaseModel):
    """One attendee as the station's staff see them: a display name, no contact."""

    display_name: str
    mode: Mode
    at: datetime
    kind: SessionKind
    held_on: date


class AttendanceListOut(BaseModel):
    theme_day_id: int
    station_name: str
    month: str
    count: int
    attendees: list[AttendeeOut]
