"""The funders' ledger: when a meal is delivered, each funder owes its part of the meal's
split (fixed when the meal was generated). One line per meal and funder, so posting again
changes nothing; meals not delivered are never charged."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gigcity.db.models import ElderMeal, FunderMovement
from gigcity.services.eldercare.funding import Funder
from gigcity.services.idempotent import insert_all_unless_present


def parts_of(meal: ElderMeal) -> dict[Funder, int]:
    return {
        Funder.subsidy: meal.subsidy_fen,
        Funder.enterprise: meal.enterprise_fen,
        Funder.charity: meal.charity_fen,
        Funder.copay: meal.copay_fen,
    }


def post_delivered_meal(session: Session, meal: ElderMeal) -> int:
    """Write the ledger lines of a delivered meal (in the caller's transaction); how many
    were new."""
    assert meal.state == "delivered", "only delivered meals are charged"
    rows = [
        {"meal_id": meal.id, "funder": funder.value, "day": meal.day, "amount_fen": amount}
        for funder, amount in parts_of(meal).items()
        if amount != 0
    ]
    return insert_all_unless_present(session, FunderMovement, rows, key=["meal_id", "funder"])
