"""Which meals an older person has: a weekly pattern, pauses that end by themselves, and
one-off changes until the canteen's cut-off."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Canteen, Elder, ElderMeal, MealChange, MealPause, MealSubscription
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.eldercare.base import get_elder, require_manager
from gigcity.services.eldercare.carers import require_carer
from gigcity.services.eldercare.enrolment import Enrolment
from gigcity.services.eldercare.schemas import (
    ChangeIn,
    ChangeOut,
    Meal,
    PauseIn,
    PauseOut,
    PlannedMeal,
    SubscriptionIn,
    SubscriptionOut,
)
from gigcity.services.errors import Conflict, InvalidInput, NotFound

PLAN_DAYS_MAX = 28


def mask_of(days: list[int]) -> int:
    return sum(1 << d for d in set(days))


def days_of(mask: int) -> list[int]:
    return [d for d in range(7) if mask >> d & 1]


def cutoff_of(canteen: Canteen, meal: Meal) -> time:
    return time.fromisoformat(canteen.lunch_cutoff if meal is Meal.lunch else canteen.dinner_cutoff)


def pause_out(pause: MealPause) -> PauseOut:
    return PauseOut(
        id=pause.id,
        elder_id=pause.elder_id,
        first_day=pause.first_day,
        last_day=pause.last_day,
        resumes_on=pause.last_day + timedelta(days=1),
        reason=pause.reason,
        cancelled=pause.cancelled_at is not None,
    )


@dataclass(frozen=True, slots=True)
class CanteenEaters:
    """A canteen's enrolled older people and what decides their meals from `first` to
    `last`: read once, asked day by day (the menu clashes ahead, the kitchen's plan)."""

    elders: list[Elder]
    subscriptions: dict[int, MealSubscription]
    pauses: dict[int, list[MealPause]] = field(default_factory=dict)
    changes: dict[tuple[int, date, str], str] = field(default_factory=dict)

    def eating(self, day: date, meal: Meal) -> list[Elder]:
        """Those who will have `meal` on `day` (subscribed, or added by a change)."""
        return [
            elder
            for elder in self.elders
            if wants_meal(
                self.subscriptions.get(elder.id),
                self.pauses.get(elder.id, []),
                self.changes.get((elder.id, day, meal.value)),
                day,
                meal,
            )
            in ("subscribed", "added")
        ]


def canteen_eaters(session: Session, canteen_id: int, first: date, last: date) -> CanteenEaters:
    """The canteen's enrolled older people with their subscriptions, and the pauses and
    changes that touch `first`..`last`."""
    elders = list(
        session.scalars(
            select(Elder)
            .where(Elder.canteen_id == canteen_id, Elder.ended_at.is_(None))
            .order_by(Elder.id)
        )
    )
    ids = [e.id for e in elders]
    subscriptions = {
        s.elder_id: s
        for s in session.scalars(select(MealSubscription).where(MealSubscription.elder_id.in_(ids)))
    }
    pauses: dict[int, list[MealPause]] = defaultdict(list)
    for pause in session.scalars(
        select(MealPause).where(
            MealPause.elder_id.in_(ids),
            MealPause.first_day <= last,
            MealPause.last_day >= first,
            MealPause.cancelled_at.is_(None),
        )
    ):
        pauses[pause.elder_id].append(pause)
    changes = {
        (c.elder_id, c.day, c.meal): c.action
        for c in session.scalars(
            select(MealChange).where(
                MealChange.elder_id.in_(ids), MealChange.day >= first, MealChange.day <= last
            )
        )
    }
    return CanteenEaters(elders, subscriptions, dict(pauses), changes)


def wants_meal(
    subscription: MealSubscription | None,
    pauses: list[MealPause],
    change: str | None,
    day: date,
    meal: Meal,
) -> str:
    """Why an older person does or does not have `meal` on `day`: subscribed, added,
    skipped, paused or none (pure; the one rule both generation and the family page use).
    A meal they would have (by the pattern or added) is taken away by a skip or a pause."""
    subscribed = False
    if subscription is not None and subscription.starts_on <= day:
        mask = subscription.lunch_days if meal is Meal.lunch else subscription.dinner_days
        subscribed = bool(mask >> day.weekday() & 1)
    if not subscribed and change != "add":
        return "none"
    if change == "skip":
        return "skipped"
    if any(p.cancelled_at is None and p.first_day <= day <= p.last_day for p in pauses):
        return "paused"
    return "added" if change == "add" else "subscribed"


Row = TypeVar("Row", MealChange, ElderMeal)


def _by_meal(
    session: Session, model: type[Row], elder_id: int, first: date, last: date
) -> list[tuple[tuple[date, str], Row]]:
    """An older person's rows of `model` from `first` to `last`, keyed by (day, meal)."""
    rows = session.scalars(
        select(model).where(model.elder_id == elder_id, model.day >= first, model.day <= last)
    )
    return [((row.day, row.meal), row) for row in rows]


class Subscriptions(Enrolment):
    def _deadline(self, canteen: Canteen, day: date, meal: Meal) -> datetime:
        """When changes to `meal` on `day` close (the canteen's cut-off that day), UTC."""
        local = datetime.combine(day, cutoff_of(canteen, meal), tzinfo=self.day_clock.tz)
        return self.day_clock.to_utc(local)

    def _require_open(self, session: Session, elder: Elder, day: date, meal: Meal) -> None:
        canteen = session.get(Canteen, elder.canteen_id)
        assert canteen is not None  # RESTRICT keeps it
        if self.clock() >= self._deadline(canteen, day, meal):
            raise InvalidInput(
                N_(
                    "Changes to the {meal} of {day} closed at the canteen's cut-off "
                    "({cutoff}); ask the canteen directly."
                ),
                field="day",
                meal=meal.value,
                day=day.isoformat(),
                cutoff=cutoff_of(canteen, meal).strftime("%H:%M"),
            )

    def subscribe(
        self, principal: Principal, elder_id: int, data: SubscriptionIn
    ) -> SubscriptionOut:
        """Set the weekly pattern (replacing the one there)."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            if elder.ended_at is not None:
                raise Conflict(N_("This older person's enrolment has ended already."))
            found = session.scalar(
                select(MealSubscription).where(MealSubscription.elder_id == elder_id)
            )
            if found is None:
                found = MealSubscription(elder_id=elder_id)
                session.add(found)
            found.lunch_days = mask_of(data.lunch)
            found.dinner_days = mask_of(data.dinner)
            found.starts_on = data.starts_on
            found.updated_at = self.clock()
            return SubscriptionOut(
                elder_id=elder_id,
                lunch=days_of(found.lunch_days),
                dinner=days_of(found.dinner_days),
                starts_on=found.starts_on,
            )

    def pause(self, principal: Principal, elder_id: int, data: PauseIn) -> PauseOut:
        """No meals from first_day to last_day; they resume the day after by themselves.
        Meals whose cut-off has passed are not affected (cancel them with the canteen)."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            if data.last_day < self.day_clock.day_of(self.clock()):
                raise InvalidInput(N_("This pause ends in the past."), field="last_day")
            pause = MealPause(
                elder_id=elder_id,
                first_day=data.first_day,
                last_day=data.last_day,
                reason=data.reason,
                created_by=principal.account_id,
                created_at=self.clock(),
            )
            session.add(pause)
            session.flush()
            return pause_out(pause)

    def cancel_pause(self, principal: Principal, elder_id: int, pause_id: int) -> PauseOut:
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            pause = session.get(MealPause, pause_id)
            if pause is None or pause.elder_id != elder_id:
                raise NotFound(N_("No pause {id} for this older person."), id=pause_id)
            done = session.execute(
                update(MealPause)
                .where(MealPause.id == pause_id, MealPause.cancelled_at.is_(None))
                .values(cancelled_at=self.clock())
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(N_("This pause was cancelled already."))
            session.refresh(pause)
            return pause_out(pause)

    def change(self, principal: Principal, elder_id: int, data: ChangeIn) -> ChangeOut:
        """Skip or add one meal, until its cut-off. A second change to the same meal
        replaces the first."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            if elder.ended_at is not None:
                raise Conflict(N_("This older person's enrolment has ended already."))
            self._require_open(session, elder, data.day, data.meal)
            found = session.scalar(
                select(MealChange).where(
                    MealChange.elder_id == elder_id,
                    MealChange.day == data.day,
                    MealChange.meal == data.meal.value,
                )
            )
            if found is None:
                session.add(
                    MealChange(
                        elder_id=elder_id,
                        day=data.day,
                        meal=data.meal.value,
                        action=data.action,
                        created_by=principal.account_id,
                        created_at=self.clock(),
                    )
                )
            else:
                found.action = data.action
                found.created_by = principal.account_id
                found.created_at = self.clock()
            return ChangeOut(elder_id=elder_id, day=data.day, meal=data.meal, action=data.action)

    def planned(
        self, principal: Principal, elder_id: int, first: date, days: int = 14
    ) -> list[PlannedMeal]:
        """The coming meals as the family page shows them, and until when each can change."""
        if not 1 <= days <= PLAN_DAYS_MAX:
            raise InvalidInput(N_("Ask for 1 to {most} days."), field="days", most=PLAN_DAYS_MAX)
        with self.factory() as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            canteen = session.get(Canteen, elder.canteen_id)
            assert canteen is not None
            last = first + timedelta(days=days - 1)
            subscription = session.scalar(
                select(MealSubscription).where(MealSubscription.elder_id == elder_id)
            )
            pauses = list(
                session.scalars(
                    select(MealPause).where(
                        MealPause.elder_id == elder_id,
                        MealPause.last_day >= first,
                        MealPause.first_day <= last,
                    )
                )
            )
            changes = {
                key: c.action for key, c in _by_meal(session, MealChange, elder_id, first, last)
            }
            meals = {key: m.state for key, m in _by_meal(session, ElderMeal, elder_id, first, last)}
        now = self.clock()
        plan = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            for meal in Meal:
                stored = meals.get((day, meal.value))
                if stored is not None:
                    status = f"generated:{stored}"
                else:
                    status = wants_meal(
                        subscription, pauses, changes.get((day, meal.value)), day, meal
                    )
                if status == "none":
                    continue
                deadline = self._deadline(canteen, day, meal)
                plan.append(
                    PlannedMeal(
                        day=day,
                        meal=meal,
                        status=status,
                        changeable_until=deadline if deadline > now and stored is None else None,
                    )
                )
        return plan

    def pauses(self, principal: Principal, elder_id: int) -> list[PauseOut]:
        with self.factory() as session:
            elder = get_elder(session, elder_id)
            require_carer(session, principal, elder)
            found = session.scalars(
                select(MealPause).where(MealPause.elder_id == elder_id).order_by(MealPause.id)
            )
            return [pause_out(p) for p in found]
