"""Each day's meals, generated once per canteen after its cut-off by a scheduled job: a
rerun adds nothing (one meal per older person, day and meal, by a unique key). Also what
today's rider sees of their meals, and cancelling a meal before it leaves the kitchen."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from gigcity.db.models import (
    Canteen,
    CanteenMenu,
    Elder,
    ElderContact,
    ElderMeal,
    MealChange,
    MealPause,
    MealSubscription,
)
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.base import log_reads, require_manager
from gigcity.services.eldercare.diet import clashes
from gigcity.services.eldercare.enrolment import care_of, contacts_of
from gigcity.services.eldercare.funding import split
from gigcity.services.eldercare.schemas import (
    Dish,
    GenerateOut,
    Meal,
    RiderMealOut,
)
from gigcity.services.eldercare.subscriptions import Subscriptions, cutoff_of, wants_meal
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.idempotent import insert_all_unless_present
from gigcity.services.jobs import JobSpec
from gigcity.services.types import as_utc

# Every ten minutes: the meals of every canteen whose cut-off has passed today.
GENERATE_JOB = JobSpec("eldercare.generate", cron="*/10 * * * *")
MEAL_KEY = ("elder_id", "day", "meal")  # one meal per older person, day and meal
ROUND_FIELDS = ("first_name", "door", "care.diet", "care.allergies", "contacts.first")


class Generation(Subscriptions):
    def generate(self, day: date, meal: Meal, canteen_ids: list[int] | None = None) -> GenerateOut:
        """Generate `meal` on `day` for the canteens named (default every active one)."""
        now = self.clock()
        with transaction(self.factory) as session:
            query = select(Canteen).where(Canteen.active)
            if canteen_ids is not None:
                query = query.where(Canteen.id.in_(canteen_ids))
            canteens = {c.id: c for c in session.scalars(query)}
            if not canteens:
                return GenerateOut(
                    day=day, meal=meal, canteens=0, created=0, already=0, over_capacity={}
                )
            prices = {
                m.canteen_id: m.price_fen
                for m in session.scalars(
                    select(CanteenMenu).where(
                        CanteenMenu.canteen_id.in_(canteens),
                        CanteenMenu.day == day,
                        CanteenMenu.meal == meal.value,
                    )
                )
                if m.price_fen is not None
            }
            enrolled = select(Elder.id).where(
                Elder.canteen_id.in_(canteens), Elder.ended_at.is_(None)
            )
            elders = list(
                session.execute(
                    select(
                        Elder.id,
                        Elder.canteen_id,
                        Elder.subsidy_category,
                        Elder.primary_rider_id,
                        Elder.backup_rider_id,
                    )
                    .where(Elder.id.in_(enrolled))
                    .order_by(Elder.id)  # the meals are made in the same order every time
                )
            )
            subscriptions = {
                s.elder_id: s
                for s in session.scalars(
                    select(MealSubscription).where(MealSubscription.elder_id.in_(enrolled))
                )
            }
            pauses: dict[int, list[MealPause]] = {}
            for pause in session.scalars(
                select(MealPause).where(
                    MealPause.elder_id.in_(enrolled),
                    MealPause.first_day <= day,
                    MealPause.last_day >= day,
                    MealPause.cancelled_at.is_(None),
                )
            ):
                pauses.setdefault(pause.elder_id, []).append(pause)
            changes = {
                c.elder_id: c.action
                for c in session.scalars(
                    select(MealChange).where(
                        MealChange.elder_id.in_(enrolled),
                        MealChange.day == day,
                        MealChange.meal == meal.value,
                    )
                )
            }
            rows: list[dict[str, object]] = []
            wanted: dict[int, int] = {}
            for elder in elders:
                why = wants_meal(
                    subscriptions.get(elder.id),
                    pauses.get(elder.id, []),
                    changes.get(elder.id),
                    day,
                    meal,
                )
                if why not in ("subscribed", "added"):
                    continue
                canteen = canteens[elder.canteen_id]
                price = prices.get(canteen.id, canteen.price_fen)
                parts = split(price, elder.subsidy_category, self.funding)
                wanted[canteen.id] = wanted.get(canteen.id, 0) + 1
                rows.append(
                    {
                        "elder_id": elder.id,
                        "canteen_id": canteen.id,
                        "day": day,
                        "meal": meal.value,
                        "state": "ordered",
                        "subsidy_category": elder.subsidy_category,
                        "funding_rule": self.funding.name,
                        "price_fen": price,
                        "subsidy_fen": parts.subsidy_fen,
                        "enterprise_fen": parts.enterprise_fen,
                        "charity_fen": parts.charity_fen,
                        "copay_fen": parts.copay_fen,
                        "rider_id": elder.primary_rider_id or elder.backup_rider_id,
                        "generated_at": now,
                    }
                )
            created = insert_all_unless_present(session, ElderMeal, rows, MEAL_KEY)
            capacity = {
                c.id: c.lunch_capacity if meal is Meal.lunch else c.dinner_capacity
                for c in canteens.values()
            }
            over = {cid: n - capacity[cid] for cid, n in wanted.items() if n > capacity[cid]}
            return GenerateOut(
                day=day,
                meal=meal,
                canteens=len(canteens),
                created=created,
                already=len(rows) - created,
                over_capacity=over,
            )

    def generate_due(self) -> list[GenerateOut]:
        """Today's meals of every canteen whose cut-off has passed and whose meals are not
        made yet (the job, every ten minutes: a canteen's meals are made once, at the first
        run after its cut-off)."""
        now = self.day_clock.local(self.clock())
        today = now.date()
        done = []
        with self.factory() as session:
            canteens = list(session.scalars(select(Canteen).where(Canteen.active)))
            made = {
                (canteen_id, meal)
                for canteen_id, meal in session.execute(
                    select(ElderMeal.canteen_id, ElderMeal.meal)
                    .where(ElderMeal.day == today)
                    .distinct()
                )
            }
        for meal in Meal:
            due = [
                c.id
                for c in canteens
                if cutoff_of(c, meal) <= now.time() and (c.id, meal.value) not in made
            ]
            if due:
                done.append(self.generate(today, meal, due))
        return done

    def rider_meals(self, principal: Principal, day: date) -> list[RiderMealOut]:
        """Today's meals a rider carries, with only what they need at each door; the read
        is logged."""
        if principal.role != Role.rider:
            raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
        cipher = self.cipher
        with transaction(self.factory) as session:
            found = list(
                session.execute(
                    select(ElderMeal, Elder)
                    .join(Elder, Elder.id == ElderMeal.elder_id)
                    .where(ElderMeal.day == day, ElderMeal.rider_id == principal.account_id)
                    .where(ElderMeal.state != "cancelled")
                )
            )
            found.sort(key=lambda row: _round_order(row[0]))
            elder_ids = [elder.id for _, elder in found]
            first_contacts = {
                c.elder_id: c
                for c in session.scalars(
                    select(ElderContact).where(
                        ElderContact.elder_id.in_(elder_ids), ElderContact.position == 1
                    )
                )
            }
            menus = {
                (m.canteen_id, m.meal): [Dish.model_validate(d) for d in m.dishes]
                for m in session.scalars(
                    select(CanteenMenu).where(
                        CanteenMenu.day == day,
                        CanteenMenu.canteen_id.in_({meal.canteen_id for meal, _ in found}),
                    )
                )
            }
            log_reads(session, principal, elder_ids, ROUND_FIELDS, "round", self.clock())
            out = []
            for meal, elder in found:
                care = care_of(cipher, elder)
                contact = first_contacts.get(elder.id)
                out.append(
                    RiderMealOut(
                        meal_id=meal.id,
                        day=meal.day,
                        meal=Meal(meal.meal),
                        state=meal.state,
                        canteen_id=meal.canteen_id,
                        first_name=cipher.decrypt(elder.first_name_enc),
                        door=cipher.decrypt(elder.door_enc),
                        building=elder.building,
                        floor=elder.floor,
                        lon=elder.lon,
                        lat=elder.lat,
                        diet=care.diet,
                        allergies=care.allergies,
                        clashes=clashes(care, menus.get((meal.canteen_id, meal.meal), [])),
                        call_first=None if contact is None else contacts_of(cipher, [contact])[0],
                        primary=elder.primary_rider_id == principal.account_id,
                    )
                )
            return out

    def cancel_meal(self, principal: Principal, meal_id: int) -> None:
        """Cancel a generated meal that has not left the kitchen (kept, charged nothing)."""
        with transaction(self.factory) as session:
            meal = session.get(ElderMeal, meal_id)
            if meal is None:
                raise NotFound(N_("No meal {id}."), id=meal_id)
            elder = session.get(Elder, meal.elder_id)
            assert elder is not None
            require_manager(principal, elder.subdistrict)
            done = session.execute(
                update(ElderMeal)
                .where(ElderMeal.id == meal_id, ElderMeal.state == "ordered")
                .values(state="cancelled")
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(
                    N_("Meal {id} cannot be cancelled: it is {state}."),
                    id=meal_id,
                    state=meal.state,
                )


def _round_order(meal: ElderMeal) -> tuple[int, int, int, datetime, int]:
    """Lunch before dinner, then the planned round: trip by trip, door by door (meals not
    yet planned last, in the order they were made)."""
    return (
        list(Meal).index(Meal(meal.meal)),
        meal.canteen_id,
        meal.trip if meal.trip is not None else 1 << 30,
        as_utc(meal.planned_at) if meal.planned_at else datetime.max.replace(tzinfo=UTC),
        meal.id,
    )
