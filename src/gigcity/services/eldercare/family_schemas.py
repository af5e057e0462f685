"""What the family's part of the meals API takes and gives: linking a family account to an
older person, and the minimum a family sees (a first name, the canteen, the meals)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from gigcity.services.accounts.service import Password, Username
from gigcity.services.eldercare.schemas import Meal


class FamilyLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Username
    password: Password | None = Field(
        None, description="For a new family account only; an existing one keeps its password"
    )
    display_name: Annotated[str, Field(min_length=1, max_length=120)] | None = Field(
        None, description="A new account's name (default: the username)"
    )
    phone: Annotated[str, Field(max_length=32)] | None = None
    relation: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="Who they are to the older person (daughter, son, spouse ...)"
    )
    consent_note: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="How and when the older person agreed that this person acts for them"
    )


class FamilyLinkOut(BaseModel):
    id: int
    account_id: int
    username: str
    elder_id: int
    relation: str
    granted_at: datetime
    revoked_at: datetime | None
    account_created: bool = Field(False, description="True when this call made the account")


class FamilyMealOut(BaseModel):
    """One lunch or dinner slot of a day as the family page shows it."""

    day: date
    meal: Meal
    status: str  # none, subscribed, added, skipped, paused, generated:<state>
    changeable_until: datetime | None = Field(description="None: it can no longer change")
    cutoff: str = Field(description="The canteen's local cut-off for this meal, HH:MM")
    dishes: list[str] = Field(description="The menu's dishes, when the canteen has put it")


class FamilyElderOut(BaseModel):
    """An older person as their family sees them in the list: nothing else."""

    id: int
    first_name: str
    canteen_name: str
    lunch_cutoff: str
    dinner_cutoff: str
    next_meals: list[FamilyMealOut] = Field(description="The next meals they will have")
