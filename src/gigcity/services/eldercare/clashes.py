"""Menu clashes a week ahead: which dishes on a canteen's menus of the coming days an older
person who will eat that meal must not have (a diet the dish is not marked for, or an
allergen they avoid; `diet.clashes`), so that the kitchen can cook another portion and
staff can call the family before the day, not the rider at the door.

Who eats a meal follows the one rule generation uses (`wants_meal`: the weekly pattern, the
pauses and the one-off changes known today). Staff of the canteen's sub-district (admins
everywhere) see, per meal, each clashing dish with how many people and their first names;
that read is logged like the other reads of eldercare (purpose `clashes`). A daily job
(`eldercare.menu_clashes`) looks at every active canteen's coming week and logs, per canteen,
the dishes and counts (never a name), so the operators' log and monitoring carry the
warning; the staff page shows the week live.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Canteen, CanteenMenu
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.eldercare.base import (
    EldercareBase,
    get_canteen,
    log_reads,
    require_manager,
)
from gigcity.services.eldercare.diet import clashes
from gigcity.services.eldercare.enrolment import care_of
from gigcity.services.eldercare.schemas import Dish, Meal
from gigcity.services.eldercare.subscriptions import canteen_eaters
from gigcity.services.errors import InvalidInput
from gigcity.services.jobs import JobSpec

log = logging.getLogger("gigcity.eldercare")

# Daily at 06:00 Shanghai time (22:00 UTC): before the canteens plan their day's shopping.
CLASH_JOB = JobSpec("eldercare.menu_clashes", cron="0 22 * * *")
DAYS_AHEAD = 7  # the week ahead the job looks at, and the API's default
DAYS_MAX = 14  # the furthest the API looks
CLASH_FIELDS = ("first_name", "care.diet", "care.allergies")  # what a manager's view reads


class ClashDishOut(BaseModel):
    dish: str
    count: int = Field(description="How many of the meal's older people must not have it")
    first_names: list[str] = Field(
        default_factory=list, description="Their first names (managers only; empty in the log)"
    )


class ClashMealOut(BaseModel):
    day: date
    meal: Meal
    eating: int = Field(description="Older people who will have this meal")
    affected: int = Field(description="Of them, those with at least one clashing dish")
    dishes: list[ClashDishOut]


class MealSlotOut(BaseModel):
    day: date
    meal: Meal


class CanteenClashesOut(BaseModel):
    canteen_id: int
    canteen_name: str
    first: date
    last: date
    meals: list[ClashMealOut] = Field(description="The meals with a clash, in time order")
    without_menu: list[MealSlotOut] = Field(
        description="Meals someone will have whose menu is not set yet (clashes unknown)"
    )


def _slots(first: date, days: int) -> list[tuple[date, Meal]]:
    return [(first + timedelta(days=n), meal) for n in range(days) for meal in Meal]


class MenuClashes:
    """Menu clashes of the coming days, on the eldercare service's database, cipher and
    clock."""

    def __init__(self, care: EldercareBase) -> None:
        self.care = care

    def _today(self) -> date:
        return self.care.day_clock.day_of(self.care.clock())

    def for_manager(
        self, principal: Principal, canteen_id: int, days: int = DAYS_AHEAD
    ) -> CanteenClashesOut:
        """A canteen's clashes from today for `days` days, with the first names affected,
        for staff of its sub-district (the read is logged)."""
        if not 1 <= days <= DAYS_MAX:
            raise InvalidInput(N_("Look from 1 to {most} days ahead."), field="days", most=DAYS_MAX)
        with transaction(self.care.factory) as session:  # writing: the read is logged
            canteen = get_canteen(session, canteen_id)
            require_manager(principal, canteen.subdistrict)
            found, read = self._clashes(session, canteen, self._today(), days, names=True)
            log_reads(session, principal, read, CLASH_FIELDS, "clashes", self.care.clock())
            return found

    def announce(self, days: int = DAYS_AHEAD) -> int:
        """The daily job: log each active canteen's clashes of the coming `days` (dishes and
        counts, no names: the platform's own read, not a person's, so not in the read log);
        how many meals have one."""
        first = self._today()
        meals = 0
        with self.care.factory() as session:
            for canteen in session.scalars(
                select(Canteen).where(Canteen.active).order_by(Canteen.id)
            ):
                found, _ = self._clashes(session, canteen, first, days, names=False)
                meals += len(found.meals)
                if found.meals:
                    log.warning(
                        "eldercare: canteen %d has menu clashes in the next %d days: %s",
                        canteen.id,
                        days,
                        "; ".join(
                            f"{m.day} {m.meal.value}: "
                            + ", ".join(f"{d.dish} x{d.count}" for d in m.dishes)
                            for m in found.meals
                        ),
                    )
                if found.without_menu:
                    log.info(
                        "eldercare: canteen %d has %d meal(s) without a menu in the next %d days",
                        canteen.id,
                        len(found.without_menu),
                        days,
                    )
        return meals

    def _clashes(
        self, session: Session, canteen: Canteen, first: date, days: int, *, names: bool
    ) -> tuple[CanteenClashesOut, set[int]]:
        """The canteen's clashes from `first` for `days` days, and the ids of the older
        people whose first names it carries."""
        last = first + timedelta(days=days - 1)
        eaters = canteen_eaters(session, canteen.id, first, last)
        elders = eaters.elders
        menus = {
            (m.day, m.meal): [Dish.model_validate(d) for d in m.dishes]
            for m in session.scalars(
                select(CanteenMenu).where(
                    CanteenMenu.canteen_id == canteen.id,
                    CanteenMenu.day >= first,
                    CanteenMenu.day <= last,
                )
            )
        }
        cipher = self.care.cipher
        cares = {e.id: care_of(cipher, e) for e in elders}
        first_names: dict[int, str] = {}
        read: set[int] = set()
        meals: list[ClashMealOut] = []
        without: list[MealSlotOut] = []
        for day, meal in _slots(first, days):
            eating = eaters.eating(day, meal)
            if not eating:
                continue
            dishes = menus.get((day, meal.value))
            if dishes is None:
                without.append(MealSlotOut(day=day, meal=meal))
                continue
            by_dish: dict[str, list[int]] = {}
            for elder in eating:
                for name in dict.fromkeys(clashes(cares[elder.id], dishes)):
                    by_dish.setdefault(name, []).append(elder.id)
            if not by_dish:
                continue
            out = []
            for dish_name in dict.fromkeys(d.name for d in dishes):  # in menu order
                who = by_dish.get(dish_name)
                if not who:
                    continue
                shown: list[str] = []
                if names:
                    for elder_id in who:
                        if elder_id not in first_names:
                            elder = next(e for e in eating if e.id == elder_id)
                            first_names[elder_id] = cipher.decrypt(elder.first_name_enc)
                        shown.append(first_names[elder_id])
                    read.update(who)
                out.append(ClashDishOut(dish=dish_name, count=len(who), first_names=shown))
            affected = {i for who in by_dish.values() for i in who}
            meals.append(
                ClashMealOut(
                    day=day, meal=meal, eating=len(eating), affected=len(affected), dishes=out
                )
            )
        found = CanteenClashesOut(
            canteen_id=canteen.id,
            canteen_name=canteen.name,
            first=first,
            last=last,
            meals=meals,
            without_menu=without,
        )
        return found, read
