"""The organisation overview's models: figures per local month, per check-in point and per
volunteer team, and the window's totals. Counts only: no member's name reaches them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from gigcity.i18n import N_

MAX_MONTHS = 24
DEFAULT_MONTHS = 12


class MonthFigures(BaseModel):
    month: str = Field(description="Local month, YYYY-MM.")
    checkins: int = Field(0, description="Members who checked in at a point this month.")
    attendance_station: int = Field(0, description="Theme-day attendance by QR at a station.")
    attendance_online: int = Field(0, description="Theme-day attendance online (on shift).")
    concerns_opened: int = 0
    concerns_closed: int = 0
    volunteer_minutes: int = Field(0, description="Confirmed minutes of the month's activities.")
    volunteer_signups: int = Field(0, description="Confirmed sign-ups of the month's activities.")


class PointFigures(BaseModel):
    id: int
    subdistrict: str
    subdistrict_name: str
    place_name: str
    members: int = Field(description="Memberships held at this point now (any check-in date).")
    checkins: int = Field(description="Of them, checked in within the window.")


class TeamFigures(BaseModel):
    id: int
    name: str
    subdistrict: str | None
    volunteer_minutes: int = Field(description="Confirmed minutes within the window.")
    volunteers: int = Field(description="Different volunteers with confirmed hours.")


class Totals(BaseModel):
    members: int = Field(description="Every membership now, at a point or not.")
    checkins: int = 0
    attendance_station: int = 0
    attendance_online: int = 0
    concerns_opened: int = 0
    concerns_closed: int = 0
    concerns_open_now: int = Field(0, description="Concerns not closed today, whenever raised.")
    volunteer_minutes: int = 0
    volunteer_signups: int = 0


class OrganisationOverviewOut(BaseModel):
    today: date
    since: str = Field(description="First local month of the window, YYYY-MM.")
    until: str = Field(description="Last local month of the window (the current one).")
    months: list[MonthFigures]
    points: list[PointFigures]
    teams: list[TeamFigures]
    totals: Totals


# The figures' names, as the exports and the page show them.
MONTH_FIGURES: dict[str, str] = {
    "checkins": N_("Check-ins at the points"),
    "attendance_station": N_("Theme-day attendance at stations"),
    "attendance_online": N_("Theme-day attendance online"),
    "concerns_opened": N_("Concerns raised"),
    "concerns_closed": N_("Concerns closed"),
    "volunteer_minutes": N_("Volunteer minutes (confirmed)"),
    "volunteer_signups": N_("Volunteer sign-ups (confirmed)"),
}
