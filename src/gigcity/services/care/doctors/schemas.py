"""What the family-doctor service takes and gives."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from gigcity.i18n import N_
from gigcity.services.errors import refusal


class Band(StrEnum):
    """The check-up bands that fit shift work (local time)."""

    early = "early"  # 06:00-09:00, before the breakfast and commute orders
    afternoon = "afternoon"  # 14:00-16:30, between the lunch and dinner peaks
    evening = "evening"  # 19:30-22:00, after the dinner peak


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CentreIn(_In):
    capacity: int = Field(ge=1, le=100_000, description="How many workers the centre signs up.")


class DoctorIn(_In):
    name: str = Field(min_length=1, max_length=120)
    list_size: int = Field(ge=1, le=10_000, description="How many patients the doctor takes.")
    account_id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="The doctor's sign-in: a staff account of the centre's place.",
    )


class DoctorUpdate(_In):
    """What is given changes; `account_id: null` takes the doctor's sign-in away."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    list_size: int | None = Field(default=None, ge=1, le=10_000)
    account_id: int | None = Field(default=None, ge=1, le=2_147_483_647)
    active: bool | None = None


class DoctorOut(BaseModel):
    id: int
    name: str
    list_size: int
    taken: int
    free: int
    active: bool


class MyDoctorOut(DoctorOut):
    """A doctor's own record, for their desk: their list and their centre."""

    place_id: int
    centre: str


class CentreOut(BaseModel):
    place_id: int
    name: str
    subdistrict: str | None
    address: str | None
    capacity: int
    taken: int
    free: int
    doctors: list[DoctorOut]


class SignupIn(_In):
    place_id: int = Field(ge=1, le=2_147_483_647, description="The health centre's place id.")
    doctor_id: int | None = Field(
        default=None,
        ge=1,
        le=2_147_483_647,
        description="The doctor chosen; none: the one with the most room on their list.",
    )


class SignupOut(BaseModel):
    place_id: int
    centre: str
    doctor_id: int
    doctor: str
    started_at: datetime


class SlotIn(_In):
    doctor_id: int = Field(ge=1, le=2_147_483_647)
    starts_at: AwareDatetime
    minutes: int = Field(default=20, ge=10, le=60)


class SlotOut(BaseModel):
    id: int
    place_id: int
    doctor_id: int
    doctor: str
    starts_at: datetime
    minutes: int
    band: Band
    booked: bool
    mine: bool = False


class AppointmentOut(BaseModel):
    """A doctor's booked slot and who comes."""

    slot_id: int
    starts_at: datetime
    minutes: int
    band: Band
    patient_id: int
    patient: str


class PatientOut(BaseModel):
    account_id: int
    name: str
    worker_type: str | None
    since: datetime


class ConsentOut(BaseModel):
    granted: bool
    granted_at: datetime | None = None


class ReadingIn(_In):
    """One visit's readings; at least one value. Ranges are what a person can show."""

    worker: str = Field(min_length=1, max_length=64, description="The worker's username.")
    systolic: int | None = Field(default=None, ge=50, le=260, description="mmHg")
    diastolic: int | None = Field(default=None, ge=30, le=160, description="mmHg")
    heart_rate: int | None = Field(default=None, ge=20, le=250, description="beats a minute")
    glucose: float | None = Field(default=None, ge=1.0, le=40.0, description="mmol/L")
    weight: float | None = Field(default=None, ge=20.0, le=300.0, description="kg")

    @model_validator(mode="after")
    def _some_value(self) -> ReadingIn:
        if all(getattr(self, name) is None for name in VALUES):
            raise refusal(N_("A reading needs at least one value."))
        if (self.systolic is None) != (self.diastolic is None):
            raise refusal(N_("Blood pressure needs both systolic and diastolic."))
        if (
            self.systolic is not None
            and self.diastolic is not None
            and self.diastolic >= self.systolic
        ):
            raise refusal(N_("Diastolic pressure must be below systolic."))
        return self


VALUES = ("systolic", "diastolic", "heart_rate", "glucose", "weight")


class ReadingRecorded(BaseModel):
    id: int
    taken_at: datetime


class ReadingOut(BaseModel):
    id: int
    taken_at: datetime
    place: str | None
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    glucose: float | None = None
    weight: float | None = None


class ReadLogOut(BaseModel):
    at: datetime
    role: str
    purpose: str
