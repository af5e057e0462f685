"""The volunteer service's models: what callers send and what they are answered. Answers name
people by display name only (no phones): what a team mate or a verifier needs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.organisation.schemas import Sector

RowIdField = Field(ge=1, le=2_147_483_647)


class ActivityKind(StrEnum):
    patrol = "patrol"  # 安全巡逻
    traffic_guidance = "traffic_guidance"  # 交通疏导
    visit = "visit"  # 走访（日托中心、独居老人）
    carry = "carry"  # 为老人搬运大件
    other = "other"


class MemberRole(StrEnum):
    leader = "leader"
    member = "member"


class HoursState(StrEnum):
    """Where a sign-up's hours stand: nothing recorded yet, waiting for a leader, confirmed."""

    unrecorded = "unrecorded"
    waiting = "waiting"
    confirmed = "confirmed"


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    sector: Sector
    subdistrict: str | None = Field(default=None, max_length=64)
    organisation_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    description: str = Field(default="", max_length=4000)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_id: int = RowIdField


class TeamOut(BaseModel):
    id: int
    name: str
    sector: Sector
    subdistrict: str | None
    organisation_id: int | None
    description: str
    members: int
    leaders: list[str]  # display names
    reports: int  # hazard reports credited to the team
    my_role: MemberRole | None  # the caller's place in the team, if any


class MemberOut(BaseModel):
    account_id: int
    display_name: str
    role: MemberRole
    joined_at: datetime


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ActivityKind
    title: str = Field(min_length=1, max_length=200)
    where_text: str = Field(default="", max_length=300)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    starts_at: datetime  # a naive time is district local time
    ends_at: datetime
    capacity: int = Field(default=10, ge=1, le=500)


class ActivityOut(BaseModel):
    id: int
    team_id: int
    team_name: str
    kind: ActivityKind
    title: str
    where_text: str
    lon: float | None
    lat: float | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signed_up: int
    places_left: int
    cancelled: bool
    i_signed_up: bool


class SignupOut(BaseModel):
    """A volunteer's sign-up and the hours it stands for."""

    id: int
    activity_id: int
    activity_title: str
    kind: ActivityKind
    team_id: int
    team_name: str
    starts_at: datetime
    ends_at: datetime
    account_id: int
    display_name: str
    minutes: int | None
    state: HoursState
    confirmed_by: str | None  # the confirming leader's display name
    confirmed_at: datetime | None


class MinutesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    minutes: int = Field(ge=1, le=24 * 60)


class CreditedReportOut(BaseModel):
    report_id: int
    category: str
    status: str
    created_at: datetime
    activity_id: int | None
    activity_title: str | None


class TeamDetailOut(BaseModel):
    team: TeamOut
    members: list[MemberOut] | None  # to the team's own members and admins only
    activities: list[ActivityOut]  # upcoming (and under way), soonest first
    reports: list[CreditedReportOut]  # the latest credited hazard reports


class MyHoursOut(BaseModel):
    confirmed_minutes: int
    waiting_minutes: int
    signups: list[SignupOut]  # the latest first


class MeOut(BaseModel):
    teams: list[TeamOut]
    activities: list[ActivityOut]  # my teams' upcoming activities
    hours: MyHoursOut


class VerifiedCertificate(BaseModel):
    """What the public verification of a certificate answers: who, which teams, which
    period, and the confirmed hours as the records stand now (no phone, no account id)."""

    code: str
    volunteer: str
    teams: list[str]
    first: date
    last: date
    confirmed_minutes: int
    confirmed_hours: str  # to the hundredth, e.g. "7.50"
    activities: int
