"""Each canteen's rounds, planned before the lunch (or dinner) peak by the engine
(`dispatch.meal_rounds`, a VRP with time windows): familiar riders first, every meal at
the door within the hot-meal limit of leaving the kitchen, rests as the rulebook in force
requires. The plan is written on the meals (rider, trip, time at the door, and why a meal
is not with its familiar rider)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Canteen, Elder, ElderMeal
from gigcity.db.session import transaction
from gigcity.dispatch.meal_rounds import (
    MealStop,
    RoundRider,
    RoundsPlan,
    RoundsProblem,
    plan_rounds,
)
from gigcity.geo.coords import local_plane_factors
from gigcity.geo.travel import EuclideanTravel
from gigcity.i18n import DEFAULT_LOCALE, N_
from gigcity.rules import Rulebook, load_rulebook
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.base import get_canteen, require_manager
from gigcity.services.eldercare.enrolment import care_of
from gigcity.services.eldercare.generation import Generation
from gigcity.services.eldercare.schemas import Meal, Mobility, RoundsOut, RoundStopOut
from gigcity.services.errors import NotFound
from gigcity.services.rulebooks.wording import message_text

# The peaks rounds must be done by (local time); the hot-meal limit from the kitchen.
PEAK = {Meal.lunch: time(11, 30), Meal.dinner: time(17, 30)}
HOT_MEAL_MINUTES = 30.0
# E-bikes at 18 km/h over the straight line x 1.3 (the streets between): planning speed.
EBIKE = EuclideanTravel(metres_per_minute=300.0 / 1.3, whole_minutes=False)
FALLBACK_RULEBOOK = "putuo-2025"


def door_minutes(floor: int | None, mobility: Mobility) -> float:
    """Time at a door: parking and the hand-over with the wellbeing check, the stairs (a
    walk-up is assumed: 20 s a floor), longer where the older person cannot come to it."""
    stairs = max(0, (floor or 1) - 1) / 3
    return 2.0 + stairs + (2.0 if mobility is not Mobility.walks else 0.0)


class Rounds(Generation):
    def _rulebook(self, day: date) -> Rulebook:
        if self.rulebooks is not None:
            with self.factory() as session:
                row = self.rulebooks.in_force(session, day)
            if row is not None:
                return self.rulebooks.rulebook_of(row)
        return load_rulebook(FALLBACK_RULEBOOK)

    def plan_rounds(
        self,
        principal: Principal,
        canteen_id: int,
        day: date,
        meal: Meal,
        *,
        seed: int = 0,
        locale: str = DEFAULT_LOCALE,
    ) -> RoundsOut:
        """Plan the canteen's rounds for the meals generated (and not cancelled); running
        it again replans them."""
        rulebook = self._rulebook(day)
        with transaction(self.factory) as session:
            canteen = get_canteen(session, canteen_id)
            require_manager(principal, canteen.subdistrict)
            found: list[tuple[ElderMeal, Elder]] = [
                (row, elder)
                for row, elder in session.execute(
                    select(ElderMeal, Elder)
                    .join(Elder, Elder.id == ElderMeal.elder_id)
                    .where(
                        ElderMeal.canteen_id == canteen_id,
                        ElderMeal.day == day,
                        ElderMeal.meal == meal.value,
                        ElderMeal.state == "ordered",
                    )
                    .order_by(ElderMeal.id)
                )
            ]
            if not found:
                raise NotFound(
                    N_("Canteen {id} has no {meal} meals to plan on {day}."),
                    id=canteen_id,
                    meal=meal.value,
                    day=day.isoformat(),
                )
            problem = self._problem(session, canteen, day, meal, found)
            plan = plan_rounds(
                problem, EBIKE, rulebook=rulebook, seed=seed, time_limit_s=3.0, iterations=1000
            )
            return self._write(canteen, day, meal, found, plan, rulebook.ref, locale)

    def _problem(
        self,
        session: Session,
        canteen: Canteen,
        day: date,
        meal: Meal,
        found: list[tuple[ElderMeal, Elder]],
    ) -> RoundsProblem:
        fx, fy = local_plane_factors(canteen.lat)

        def plane(lon: float, lat: float) -> tuple[float, float]:
            return ((lon - canteen.lon) * fx, (lat - canteen.lat) * fy)

        cipher = self.cipher
        stops = []
        rider_ids: set[int] = set()
        for row, elder in found:
            care = care_of(cipher, elder)
            stops.append(
                MealStop(
                    id=str(row.id),
                    at=plane(elder.lon, elder.lat),
                    primary_rider=str(elder.primary_rider_id or ""),
                    backup_rider=str(elder.backup_rider_id or ""),
                    door_minutes=door_minutes(elder.floor, care.mobility),
                )
            )
            rider_ids.update(r for r in (elder.primary_rider_id, elder.backup_rider_id) if r)
        active = session.scalars(
            select(Account.id).where(
                Account.id.in_(rider_ids), Account.active, Account.role == Role.rider.value
            )
        )
        ready = self._seconds(canteen.lunch_ready if meal is Meal.lunch else canteen.dinner_ready)
        riders = tuple(RoundRider(id=str(a), available_from_s=ready) for a in sorted(active))
        peak = PEAK[meal]
        return RoundsProblem(
            canteen_at=(0.0, 0.0),
            kitchen_ready_s=ready,
            deadline_s=peak.hour * 3600 + peak.minute * 60,
            stops=tuple(stops),
            riders=riders,
            max_minutes_from_kitchen=HOT_MEAL_MINUTES,
        )

    @staticmethod
    def _seconds(clock: str) -> float:
        moment = time.fromisoformat(clock)
        return moment.hour * 3600 + moment.minute * 60

    def _at(self, day: date, seconds: float) -> datetime:
        return self.day_clock.to_utc(self.day_clock.midnight(day) + timedelta(seconds=seconds))

    def _write(
        self,
        canteen: Canteen,
        day: date,
        meal: Meal,
        found: list[tuple[ElderMeal, Elder]],
        plan: RoundsPlan,
        rulebook: str,
        locale: str,
    ) -> RoundsOut:
        planned = plan.planned()
        notes = {u.stop_id: u.note for u in plan.unassigned}
        trips: dict[str, int] = {}
        stops: list[RoundStopOut] = []
        for row, _elder in found:
            key = str(row.id)
            if key in planned:
                rider, trip, stop = planned[key]
                number = trips.setdefault(f"{rider}:{trip.depart_s}", len(trips) + 1)
                row.rider_id = int(rider)
                row.trip = number
                row.planned_at = self._at(day, stop.arrive_s)
                note = stop.note
            else:
                row.rider_id, row.trip, row.planned_at = None, None, None
                note = notes.get(key)
            row.plan_note = None if note is None else {"id": note.id, "params": dict(note.params)}
            stops.append(
                RoundStopOut(
                    meal_id=row.id,
                    rider_id=row.rider_id,
                    trip=row.trip,
                    at_door=row.planned_at,
                    by=planned[key][2].by if key in planned else None,
                    note=None if note is None else message_text(note.message(), locale),
                    note_id=None if note is None else note.id,
                )
            )
        return RoundsOut(
            canteen_id=canteen.id,
            day=day,
            meal=meal,
            rulebook=rulebook,
            meals=len(found),
            planned=len(planned),
            unassigned=len(plan.unassigned),
            primary_share=round(plan.primary_share, 4),
            worst_minutes_from_kitchen=round(plan.worst_minutes_from_kitchen, 2),
            stops=stops,
        )
