"""What the relay API takes and gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

Part = Annotated[str, Field(max_length=40, description="As residents say it; may be empty")]
Code = Annotated[str, Field(min_length=4, max_length=12, pattern=r"^\s*[0-9]+\s*$")]
Lon = Annotated[float, Field(ge=-180, le=180)]
Lat = Annotated[float, Field(ge=-90, le=90)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressIn(_In):
    building: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description='The building\'s ref or its number as residents say it ("37号楼")'
    )
    unit: Part = ""
    room: Part = ""


class ConsentOut(BaseModel):
    id: int
    estate_id: int
    building: str  # ref
    building_number: str
    unit: str
    room: str
    channel: str
    consented_at: datetime
    revoked_at: datetime | None
    in_force: bool


class ConsentCheck(BaseModel):
    in_force: bool
    consent_id: int | None = None
    consented_at: datetime | None = None


class AnnounceIn(AddressIn):
    order_ref: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="The platform's order id; one item per (API key, order_ref)"
    )
    estate_id: Annotated[int, Field(ge=1, le=2_147_483_647)]
    point: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None, description="The hand-off point's ref; default the estate's first"
    )


class CodeIn(_In):
    code: Code
    lon: Lon | None = None
    lat: Lat | None = None


class WhereIn(_In):
    lon: Lon | None = None
    lat: Lat | None = None


class CustodyOut(BaseModel):
    seq: int
    at: datetime
    event: str
    holder: str
    actor_kind: str
    lon: float | None
    lat: float | None
    hash: str


class ItemOut(BaseModel):
    id: int
    order_ref: str
    estate_id: int
    point: str
    building: str
    building_number: str
    unit: str
    room: str
    state: str
    mine: bool = Field(False, description="Held by the calling courier")
    attempts: int
    announced_at: datetime
    dropped_at: datetime | None
    claimed_at: datetime | None
    finished_at: datetime | None
    claim_due_at: datetime | None
    deliver_due_at: datetime | None
    alerts: list[str] = Field(description="not_claimed, not_delivered: limits passed")
    custody: list[CustodyOut] | None = None
    chain_intact: bool | None = None


class AnnounceOut(ItemOut):
    handoff_code: str = Field(description="The rider shows it at the point (shown once)")
    confirm_code: str = Field(description="Tell the customer: the courier asks for it at the door")


class PointOut(BaseModel):
    estate_id: int
    ref: str
    name: str
    hours: str
    open_now: bool
    shelf_capacity: int
    on_shelf: int
    claim_within_min: int
    deliver_within_min: int


class QueueOut(BaseModel):
    point: PointOut
    waiting: list[ItemOut] = Field(description="At the point, oldest first")
    coming: int = Field(description="Announced, not yet dropped")
    out: list[ItemOut] = Field(description="With couriers")
    alerts: int


class PayLineOut(BaseModel):
    item_id: int
    order_ref: str
    amount_fen: int
    at: datetime


class EarningsOut(BaseModel):
    day: date
    items: int
    total_fen: int
    lines: list[PayLineOut]


class AlertOut(BaseModel):
    id: int
    item_id: int
    order_ref: str
    point: str
    kind: str
    raised_at: datetime


class WebhookIn(_In):
    url: AnyHttpUrl


class WebhookOut(BaseModel):
    url: str
    created_at: datetime
    secret: str | None = Field(None, description="Shown once, when the webhook is (re)set")
