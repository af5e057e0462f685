"""The organisation service's models: what callers send and what they are answered."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class OrgKind(StrEnum):
    platform_committee = "platform_committee"
    company_branch = "company_branch"
    station_group = "station_group"


class Sector(StrEnum):
    instant_retail = "instant_retail"
    ride_hailing = "ride_hailing"
    express_logistics = "express_logistics"
    trucking = "trucking"
    other = "other"


class TransferStatus(StrEnum):
    none = "none"
    transfer_out_requested = "transfer_out_requested"
    transferred_in = "transferred_in"
    # No "transferred_out": the one membership row moves, so the organisation it left
    # holds nothing to mark (the row names where it came from, `transfer_from_id`).


class Position(StrEnum):
    master = "master"  # 站长
    resident_instructor = "resident_instructor"  # 驻站指导员
    sector = "sector"  # 条线指导员, of a `SectorKind`


class SectorKind(StrEnum):
    police_safety = "police_safety"
    market_supervision_food = "market_supervision_food"
    enterprise_liaison = "enterprise_liaison"
    other = "other"


Name = Field(min_length=1, max_length=120)
Phone = Field(default=None, max_length=32, pattern=r"^[0-9+\- ]{3,32}$")


class OrganisationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    sector: Sector
    parent_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    subdistrict: str | None = Field(default=None, max_length=64)
    contact_name: str | None = Field(default=None, max_length=120)
    contact_phone: str | None = Phone


class OrganisationOut(OrganisationIn):
    id: int
    members: int  # a count only: who they are is read (and logged) through the members list


class CheckinPointIn(BaseModel):
    subdistrict: str = Field(min_length=1, max_length=64)
    place_id: int = Field(ge=1, le=2_147_483_647)
    organisation_id: int | None = Field(default=None, ge=1, le=2_147_483_647)


class CheckinPointOut(BaseModel):
    """Public: where a sub-district's check-in point is (no member data)."""

    id: int
    subdistrict: str
    place_id: int
    place_name: str
    lon: float
    lat: float
    organisation_id: int | None


class MembershipOut(BaseModel):
    """A member's membership: sensitive, each answer of one is logged as a read."""

    id: int
    account_id: int
    display_name: str
    organisation_id: int | None
    checkin_point_id: int | None
    checked_in_at: datetime
    transfer_status: TransferStatus
    transfer_to_id: int | None
    transfer_requested_at: datetime | None
    transferred_at: datetime | None
    transfer_from_id: int | None  # the organisation a transferred membership came from


class TransferIn(BaseModel):
    to_organisation_id: int = Field(ge=1, le=2_147_483_647)


class MemberReadOut(BaseModel):
    at: datetime
    member_id: int
    reader_id: int | None
    role: str
    purpose: str


class TeamMemberIn(BaseModel):
    position: Position
    sector_kind: SectorKind | None = None  # required for, and only for, sector instructors
    name: str = Name
    phone: str | None = Phone
    duty_hours: str | None = Field(default=None, max_length=200)


class TeamMemberOut(BaseModel):
    id: int
    position: Position
    sector_kind: SectorKind | None
    name: str
    phone: str | None  # only to signed-in callers
    duty_hours: str | None


class ActionIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    due: date


class ActionOut(BaseModel):
    id: int
    title: str
    due: date
    done: bool
    done_at: datetime | None


class GoalsIn(BaseModel):
    goals: str = Field(max_length=4000)


class DoneIn(BaseModel):
    done: bool


class StationTeamOut(BaseModel):
    station_id: int
    station_name: str
    team: list[TeamMemberOut]
    goals: str
    actions: list[ActionOut]
    progress: float  # share of the plan's actions done, 0..1 (0 without actions)
