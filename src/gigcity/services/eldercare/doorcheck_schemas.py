"""What the door check and the alerts take and give.

The rider's answer (`DoorCheckOut`) carries no personal data: the rider already has the
first name, the door and whom to call from the round. The staff's alerts (`AlertOut`) carry
the decrypted first name, door and, while an alert is open, the contacts to call; every
such read is logged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.eldercare.ladder import DoorCheck, Outcome
from gigcity.services.eldercare.schemas import ContactOut

Note = Annotated[str, Field(max_length=500, description="What was seen or done; may be empty")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DoorCheckIn(_In):
    result: DoorCheck = Field(description="seen_well, needs_help or no_answer")
    note: Note = ""


class StepIn(_In):
    index: Annotated[int, Field(ge=0, le=100)] = Field(
        description="The step taken, from 0 (steps are taken in order)"
    )
    note: Note = ""


class CloseIn(_In):
    outcome: Outcome
    note: Note = ""


class NextStepOut(BaseModel):
    """The step that comes next, and when it is due (it may be due already)."""

    index: int
    kind: str
    text: str
    contact_position: int | None
    due_at: datetime
    is_due: bool


class DoorCheckOut(BaseModel):
    meal_id: int
    day: date
    meal: str
    result: DoorCheck
    result_text: str
    state: str  # delivered or not_delivered
    recorded_at: datetime
    alert_id: int | None
    next_step: NextStepOut | None = Field(
        None, description="The alert's next step, when the door check opened one"
    )


class StepTakenOut(BaseModel):
    index: int
    kind: str
    text: str
    contact_position: int | None
    taken_at: datetime
    taken_by: int | None = Field(description="Account id; none when the platform took it")
    taken_by_name: str
    note: str


class AlertOut(BaseModel):
    id: int
    elder_id: int
    meal_id: int | None
    subdistrict: str
    first_name: str
    door: str
    lon: float = Field(description="The door's position (WGS-84), for the staff's map")
    lat: float
    door_check: DoorCheck
    door_check_text: str
    tier: str
    tier_text: str
    opened_at: datetime
    opened_by: int | None
    note: str
    steps: list[StepTakenOut]
    next_step: NextStepOut | None
    contacts: list[ContactOut] = Field(
        description="Whom to call, in order (only while the alert is open)"
    )
    closed_at: datetime | None
    closed_by: int | None
    outcome: Outcome | None
    outcome_text: str | None


class OverdueAlert(BaseModel):
    """An open alert whose next step is past due: which step and since when."""

    alert_id: int
    elder_id: int
    subdistrict: str
    index: int
    kind: str
    due_at: datetime
    overdue_s: int
