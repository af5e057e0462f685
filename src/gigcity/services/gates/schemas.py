"""What the gates service takes in and hands back (pydantic)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

Username = Annotated[str, Field(min_length=1, max_length=64)]
GateRef = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")]
OrderRef = Annotated[str, Field(min_length=1, max_length=120)]
EstateId = Annotated[int, Field(ge=1, le=2_147_483_647)]

MAX_VALIDITY_DAYS = 366
MAX_ORDER_CODE_MINUTES = 120


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CertificationIn(_In):
    rider: Username = Field(description="The rider's username")
    valid_from: datetime | None = Field(
        default=None, description="When it starts (default now); naive = district local time"
    )
    valid_until: datetime = Field(description=f"When it ends (at most {MAX_VALIDITY_DAYS} days)")
    note: Annotated[str, Field(max_length=300)] = ""


class CertificationOut(BaseModel):
    id: int
    rider: str  # username
    rider_name: str
    voucher: str  # who vouched, as a label
    station_id: int | None
    certified_at: datetime
    valid_from: datetime
    valid_until: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    note: str
    in_force: bool


class PassOut(BaseModel):
    """An estate a rider may ask for a pass at, and the rider's pass there if made."""

    estate_id: int
    estate_name: str
    estate_name_en: str
    pass_id: int | None
    label: str | None
    revoked: bool


class PassesOut(BaseModel):
    certified: bool
    valid_until: datetime | None  # of the certification in force that lasts longest
    passes: list[PassOut]


class PassCodeOut(BaseModel):
    pass_id: int
    label: str  # the pseudonymous label the guard sees
    estate_id: int
    estate_name: str
    code: str
    payload: str
    qr_svg: str
    step_s: int
    expires_in_s: int
    valid_until: datetime  # of the certification


class OrderCodeIn(_In):
    rider: Username
    estate_id: EstateId
    order_ref: OrderRef
    minutes_valid: Annotated[int, Field(ge=1, le=MAX_ORDER_CODE_MINUTES)] = 60


class OrderCodeOut(BaseModel):
    code: str  # shown once: only a hash is kept
    estate_id: int
    order_ref: str
    expires_at: datetime


class CheckIn(_In):
    gate: GateRef = Field(description="The gate's ref within the controller's estate")
    payload: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description='A pass\'s QR payload "GCP1:<pass id>:<code>"'
    )
    code: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        default=None, description="A one-time order code"
    )
    order_ref: OrderRef | None = Field(
        default=None, description="The order the rider says it is for (checked if given)"
    )

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        if (self.payload is None) == (self.code is None):
            raise ValueError("give either payload (a pass's QR) or code (an order code)")
        return self


class CheckOut(BaseModel):
    allow: bool
    reason: str
    reason_text: str
    rider_label: str | None  # pseudonymous: the pass label, never a name
    order_ref: str | None
    decision_id: int
    at: datetime


class DecisionOut(BaseModel):
    id: int
    at: datetime
    estate_id: int
    gate: str
    allow: bool
    reason: str
    reason_text: str
    rider_label: str | None
    order_ref: str | None


class CountOut(BaseModel):
    day: date
    gate: str
    allow: bool
    reason: str
    count: int
