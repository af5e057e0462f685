"""A canteen's kitchen: the production list of one meal (how many meals, how many for each
diet, the allergies to keep out, which dishes of the menu do not suit how many people) and
the menus of the coming days, for the canteen's own staff and the managers of its
sub-district.

Minimum personal information: the kitchen cooks for counts, not for people. The list is
worked out from the older people's diets and allergies (decrypted here) but carries no
name, door, building or id, only numbers per diet, allergen and dish; like the platform's
own planning reads, it is therefore not written to the read log of any one person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import (
    Canteen,
    CanteenMenu,
    Elder,
    ElderMeal,
)
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.eldercare.base import EldercareBase, get_canteen, require_kitchen
from gigcity.services.eldercare.canteens import canteen_out
from gigcity.services.eldercare.diet import clashes
from gigcity.services.eldercare.enrolment import care_of
from gigcity.services.eldercare.schemas import CanteenOut, CareIn, Diet, Dish, Meal
from gigcity.services.eldercare.subscriptions import canteen_eaters, cutoff_of
from gigcity.services.errors import InvalidInput
from gigcity.services.types import UtcDatetime

MENU_DAYS_MAX = 14  # the menus one request reads: a fortnight


class DietCount(BaseModel):
    diet: Diet
    count: int = Field(description="Meals that must suit this diet")


class AllergyCount(BaseModel):
    allergen: str
    count: int = Field(description="Meals that must be free of it")


class VariantCount(BaseModel):
    """Meals needing exactly these diets and free of exactly these allergens."""

    diets: list[Diet]
    allergies: list[str]
    count: int


class ClashCount(BaseModel):
    """A dish of the menu and how many of the meal's people it does not suit."""

    dish: str
    count: int
    diets: list[Diet] = Field(description="Diets needed by those people it is not marked for")
    allergens: list[str] = Field(description="Its allergens that some of those people have")


class KitchenOut(BaseModel):
    """One meal's production list: counts only, never a person."""

    canteen_id: int
    canteen_name: str
    day: date
    meal: Meal
    source: Literal["meals", "plan"] = Field(
        description="`meals`: the meals made after the cut-off; `plan`: the subscriptions, "
        "pauses and changes as they stand (they may change until the cut-off)"
    )
    changes_close_at: UtcDatetime = Field(description="The cut-off of changes to this meal")
    changes_closed: bool
    ready: str = Field(description="When the kitchen hands the meals out (local HH:MM)")
    total: int
    capacity: int
    over_capacity: int = Field(description="Meals beyond the canteen's capacity (0 if none)")
    regular: int = Field(description="Meals with no diet and no allergy to mind")
    diets: list[DietCount]
    variants: list[VariantCount]
    allergies: list[AllergyCount]
    clashes: list[ClashCount]
    menu: list[Dish] | None = Field(description="The dishes; null while there is no menu")


class KitchenMenuOut(BaseModel):
    canteen_id: int
    day: date
    meal: Meal
    dishes: list[Dish]
    price_fen: int | None = Field(description="This meal's own price; null: the canteen's")


def _norm(word: str) -> str:
    return word.strip().casefold()


def production_list(cares: Iterable[CareIn], menu: list[Dish] | None) -> dict[str, object]:
    """The counts of a meal from its people's care records (pure): by diet, by exact
    variant, by allergen, and each dish of `menu` with how many it does not suit."""
    cares = list(cares)
    diets: Counter[Diet] = Counter()
    variants: Counter[tuple[tuple[Diet, ...], tuple[str, ...]]] = Counter()
    allergies: Counter[str] = Counter()
    spelling: dict[str, str] = {}  # an allergen as first written, by its folded form
    regular = 0
    for care in cares:
        needs = tuple(d for d in Diet if d in care.diet)
        folded = sorted({_norm(a) for a in care.allergies if a.strip()})
        for allergen in care.allergies:
            spelling.setdefault(_norm(allergen), allergen.strip())
        diets.update(needs)
        allergies.update(folded)
        if needs or folded:
            variants[(needs, tuple(folded))] += 1
        else:
            regular += 1
    clash_rows = []
    for dish in menu or []:
        lacking: set[Diet] = set()
        allergens: set[str] = set()
        count = 0
        dish_allergens = {_norm(a): a for a in dish.allergens}
        for care in cares:
            if not clashes(care, [dish]):
                continue
            count += 1
            lacking.update(d for d in care.diet if d not in dish.suits)
            allergens.update(
                dish_allergens[a] for a in (_norm(x) for x in care.allergies) if a in dish_allergens
            )
        if count:
            clash_rows.append(
                ClashCount(
                    dish=dish.name,
                    count=count,
                    diets=[d for d in Diet if d in lacking],
                    allergens=sorted(allergens),
                )
            )
    return {
        "total": len(cares),
        "regular": regular,
        "diets": [DietCount(diet=d, count=diets[d]) for d in Diet if diets[d]],
        "variants": [
            VariantCount(diets=list(needs), allergies=[spelling[a] for a in folded], count=n)
            for (needs, folded), n in sorted(
                variants.items(), key=lambda item: (-item[1], item[0][0], item[0][1])
            )
        ],
        "allergies": [
            AllergyCount(allergen=spelling[a], count=n)
            for a, n in sorted(allergies.items(), key=lambda item: (-item[1], item[0]))
        ],
        "clashes": clash_rows,
    }


def _menu_row(session: Session, canteen_id: int, day: date, meal: Meal) -> CanteenMenu | None:
    return session.scalar(
        select(CanteenMenu).where(
            CanteenMenu.canteen_id == canteen_id,
            CanteenMenu.day == day,
            CanteenMenu.meal == meal.value,
        )
    )


class Kitchen:
    """What a canteen's kitchen reads and keeps, on the eldercare service's database,
    cipher and clocks."""

    def __init__(self, care: EldercareBase) -> None:
        self.care = care

    def canteen(self, principal: Principal, canteen_id: int) -> CanteenOut:
        with self.care.factory() as session:
            canteen = get_canteen(session, canteen_id)
            require_kitchen(principal, canteen)
            return canteen_out(canteen)

    def production(
        self, principal: Principal, canteen_id: int, day: date, meal: Meal
    ) -> KitchenOut:
        """The production list of `meal` on `day`: from the meals made, once they are;
        before, from the plan as it stands."""
        care = self.care
        with care.factory() as session:
            canteen = get_canteen(session, canteen_id)
            require_kitchen(principal, canteen)
            source, elders = self._eaters(session, canteen, day, meal)
            cipher = care.cipher
            cares = [care_of(cipher, elder) for elder in elders]
            menu = _menu_row(session, canteen_id, day, meal)
            dishes = None if menu is None else [Dish.model_validate(d) for d in menu.dishes]
            closes = care.day_clock.to_utc(
                datetime.combine(day, cutoff_of(canteen, meal), tzinfo=care.day_clock.tz)
            )
            capacity = canteen.lunch_capacity if meal is Meal.lunch else canteen.dinner_capacity
            counts = production_list(cares, dishes)
            return KitchenOut.model_validate(
                {
                    "canteen_id": canteen.id,
                    "canteen_name": canteen.name,
                    "day": day,
                    "meal": meal,
                    "source": source,
                    "changes_close_at": closes,
                    "changes_closed": care.clock() >= closes,
                    "ready": canteen.lunch_ready if meal is Meal.lunch else canteen.dinner_ready,
                    "capacity": capacity,
                    "over_capacity": max(0, len(cares) - capacity),
                    "menu": dishes,
                    **counts,
                }
            )

    def menus(
        self, principal: Principal, canteen_id: int, first: date, days: int
    ) -> list[KitchenMenuOut]:
        """The menus kept from `first` for `days` days, by day and meal (missing ones left
        out)."""
        if not 1 <= days <= MENU_DAYS_MAX:
            raise InvalidInput(N_("Ask for 1 to {most} days."), field="days", most=MENU_DAYS_MAX)
        with self.care.factory() as session:
            canteen = get_canteen(session, canteen_id)
            require_kitchen(principal, canteen)
            rows = session.scalars(
                select(CanteenMenu).where(
                    CanteenMenu.canteen_id == canteen_id,
                    CanteenMenu.day >= first,
                    CanteenMenu.day < first + timedelta(days=days),
                )
            )
            order = list(Meal)
            found = sorted(rows, key=lambda m: (m.day, order.index(Meal(m.meal))))
            return [
                KitchenMenuOut(
                    canteen_id=canteen_id,
                    day=m.day,
                    meal=Meal(m.meal),
                    dishes=[Dish.model_validate(d) for d in m.dishes],
                    price_fen=m.price_fen,
                )
                for m in found
            ]

    def _eaters(
        self, session: Session, canteen: Canteen, day: date, meal: Meal
    ) -> tuple[Literal["meals", "plan"], list[Elder]]:
        """Whose meals the kitchen cooks: the meals made (not cancelled) once any are made
        for the canteen's meal; before, everyone the plan gives the meal."""
        of_meal = (
            ElderMeal.canteen_id == canteen.id,
            ElderMeal.day == day,
            ElderMeal.meal == meal.value,
        )
        if session.scalar(select(ElderMeal.id).where(*of_meal).limit(1)) is not None:
            made = session.scalars(
                select(Elder)
                .join(ElderMeal, ElderMeal.elder_id == Elder.id)
                .where(*of_meal, ElderMeal.state != "cancelled")
                .order_by(Elder.id)
            )
            return "meals", list(made)
        eating = canteen_eaters(session, canteen.id, day, day).eating(day, meal)
        return "plan", eating
