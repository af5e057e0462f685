"""What a monthly statement of meals for the elderly answers: per funder what the ledger says
it owes, the month's meals by state, the subsidy by category, and whether the ledger
reconciles with the splits of the meals delivered. Money in integer fen."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from gigcity.services.eldercare.funding import Funder, Title


class MealState(StrEnum):
    """A meal's state as stored (`ElderMeal.state`)."""

    ordered = "ordered"
    out = "out"  # left the kitchen
    delivered = "delivered"
    not_delivered = "not_delivered"
    cancelled = "cancelled"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class FunderLine(BaseModel):
    """One funder's month: what its ledger lines add up to, against the delivered meals."""

    funder: Funder
    owed_fen: int = Field(description="What the ledger says this funder owes for the month.")
    ledger_lines: int = Field(description="Ledger lines (one per delivered meal with a part).")
    delivered_fen: int = Field(description="This funder's parts of the delivered meals' splits.")
    delivered_lines: int = Field(description="Delivered meals where this funder has a part.")
    difference_fen: int = Field(description="owed_fen - delivered_fen (0 when reconciled).")


class MealCounts(BaseModel):
    """The month's meals by state: cancelled and undelivered ones are kept, charged nothing."""

    ordered: int = 0
    out: int = 0
    delivered: int = 0
    not_delivered: int = 0
    cancelled: int = 0
    total: int = 0


class CategoryLine(BaseModel):
    """The government subsidy for one subsidy category's delivered meals."""

    category: str
    titles: Title | None = Field(
        default=None, description="The category's names (None: not in the current rule)."
    )
    delivered: int = Field(description="Delivered meals of the category.")
    not_charged: int = Field(description="Its meals not delivered or cancelled.")
    price_fen: int = Field(description="What its delivered meals cost.")
    subsidy_fen: int


class MealDifference(BaseModel):
    """A meal whose ledger lines differ from its split (only listed when the totals differ)."""

    meal_id: int
    day: date
    state: MealState
    funder: Funder
    split_fen: int = Field(description="The funder's part if the meal was delivered, else 0.")
    ledger_fen: int


class StatementOut(BaseModel):
    month: date = Field(description="The month's first day.")
    first_day: date
    last_day: date
    subdistrict: str | None = Field(description="The older people's sub-district (None: all).")
    canteen_id: int | None
    funding_rules: list[str] = Field(description="The rules that priced the month's meals.")
    funders: list[FunderLine]
    meals: MealCounts
    categories: list[CategoryLine]
    delivered_price_fen: int = Field(description="What the delivered meals cost in all.")
    owed_fen: int = Field(description="What the ledger says all funders owe in all.")
    reconciled: bool = Field(
        description="Every funder's ledger total (amount and lines) equals the delivered "
        "meals' splits."
    )
    differences: list[MealDifference] = Field(
        description="When not reconciled: the first meals whose ledger differs from the split."
    )
    more_differences: bool = Field(description="More differing meals than listed.")
