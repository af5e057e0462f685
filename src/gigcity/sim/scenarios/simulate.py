"""Replaying a scenario day under a rulebook: the dispatcher decides, the street decides how long.

Like `gigcity.sim.simulate` (same dispatcher, same event queue, same commitment rules: both
are a `gigcity.sim.courier_day.CourierDay`), with what a Putuo day adds:

- dispatch areas: a sub-district's merchants' orders go to the riders of its station and to
  riders whose committed work ends in it, so one decision is ten small problems rather than
  one large one; a rider delivering across the border may take the next order there, and
  an idle rider belongs to their station again (supply does not drain to the edges);
  an area with more waiting orders than idle riders borrows nearby idle riders from areas
  with riders to spare, one decision at a time;
- the dispatcher plans with what the rulebook says it is told (predicted kitchen delays
  under `eta.include_predicted_prep`, closures under `eta.include_closures`); the trip is
  then executed with what really happens: the kitchen's actual delay, a mall's long pickup,
  stairs, old estates, a customer who does not answer, rain, detours round closures;
- riders' rest-day history and overtime confirmations feed the fatigue clock, and a queued
  job whose start slipped is checked again before it starts (a rider due for rest hands it
  back rather than work on);
- under a continuous-work limit, riders take their rest early when their area is quiet
  (few orders waiting for the idle riders) rather than be stopped by it at a peak.

Times are seconds from the scenario's midnight. The same scenario, rulebook and settings
give the same outcome.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.model import Assignment, Decision, PendingOrder
from gigcity.dispatch.travel_matrix import travel_matrix_s
from gigcity.geo.travel import Location, TravelModel
from gigcity.rules import Rulebook
from gigcity.sim.courier_day import CourierDay, CourierRun, DayEvent, Leg, service_times
from gigcity.sim.events import Priority
from gigcity.sim.mdrp.instance import Instance
from gigcity.sim.scenarios.estate_delivery import EstateDelivery, EstateOutcome, EstateSettings
from gigcity.sim.scenarios.model import Scenario
from gigcity.sim.scenarios.policy import PLANNING_MARGIN_S, ScenarioPolicy
from gigcity.sim.scenarios.travel import DistrictTravel


@dataclass(frozen=True, slots=True)
class TripRecord:
    """One executed (or abandoned) trip, in seconds."""

    courier_id: str
    merchant_id: str
    order_ids: tuple[str, ...]
    assigned_s: float
    start_s: float
    arrive_s: float
    pickup_s: float | None
    """None when the rider's shift ended before the food was ready: the orders went back."""
    dropoff_s: tuple[float, ...]
    end_s: float
    closure_m: tuple[float, ...]
    """Per order: extra metres its leg rode round a closure."""
    closure_s: tuple[float, ...]
    """Per order: extra seconds a closure cost its leg."""


@dataclass(frozen=True, slots=True)
class DayOutcome:
    """What happened on the day under one rulebook's dispatch clauses."""

    scenario: Scenario
    rulebook_ref: str
    trips: tuple[TripRecord, ...]
    undelivered: tuple[str, ...]
    decisions: int
    plan_deviations: int
    handed_back: int
    """Queued jobs a rider handed back because their start slipped into a rest."""
    rested_early: int
    """Rests taken early because the rider's area was quiet."""
    blocks: dict[str, int]
    """Rule clause -> how many times a rider was kept from work by it."""
    blocked_riders: tuple[str, ...]
    asks_confirmation: bool
    """The rulebook asks riders before work beyond its daily threshold."""
    estate: EstateOutcome | None = None
    """What happened in the giant estate (scenario putuo-estate), relay legs included."""


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    margin_s: float = PLANNING_MARGIN_S
    rest_early_after_s: float | None = 150 * 60.0
    """assumption: an idle rider with this much continuous work rests when it is quiet
    (None: riders rest only when the limit stops them)."""
    quiet_ratio: float = 0.5
    """An area is quiet when its waiting orders are at most this share of its idle riders."""
    lend_within_s: float | None = 900.0
    """assumption: when an area has more waiting orders than idle riders, idle riders of
    areas with riders to spare, at most this far (riding time) from it, are lent to it for
    the next decision (None: riders are dispatched in their own area only)."""
    estate: EstateSettings = field(default_factory=EstateSettings)
    """Guide and relay in the giant estate (only a day with estate orders uses them)."""


@dataclass(slots=True, kw_only=True)
class _Rider(CourierRun):
    area: str
    """The dispatch area the rider is dispatched in now."""
    here: Location
    """Where the rider's last executed trip ended (or their starting point)."""
    done: list[tuple[float, float]] = field(default_factory=list)
    """Work started or finished today (actual times)."""
    free_s: float = 0.0
    resting_until_s: float = -math.inf


def _planning_travel(travel: TravelModel, rulebook: Rulebook) -> TravelModel:
    """What dispatch plans with: the travel model, without closures unless the ETA has them."""
    planning: TravelModel = travel
    if isinstance(travel, DistrictTravel) and not rulebook.eta.include_closures:
        planning = travel.without_closures()
    return planning


def _scenario_policy(
    scenario: Scenario, rulebook: Rulebook, planning: TravelModel, settings: SimulationSettings
) -> ScenarioPolicy:
    return ScenarioPolicy(
        rulebook,
        planning,
        service_times(scenario.instance),
        days_worked_before={r.rider_id: r.days_worked_before for r in scenario.riders.values()},
        confirms_overtime=frozenset(
            r.rider_id for r in scenario.riders.values() if r.confirms_overtime
        ),
        margin_s=settings.margin_s,
    )


def _riders(scenario: Scenario) -> dict[str, _Rider]:
    """Every rider at their starting point, free from the start of their shift."""
    return {
        c.id: _Rider(
            courier=c,
            location=c.location,
            area=scenario.riders[c.id].area,
            here=c.location,
            free_s=c.on_min * 60.0,
        )
        for c in scenario.instance.couriers
    }


def _planned_ready_s(scenario: Scenario, rulebook: Rulebook) -> dict[str, float]:
    """When dispatch expects each order ready: with the predicted delay if the ETA knows it."""
    knows_delay = rulebook.eta.include_predicted_prep
    return {
        o.id: (o.ready_min + (scenario.orders[o.id].predicted_delay_min if knows_delay else 0))
        * 60.0
        for o in scenario.instance.orders
    }


def _guaranteed_orders(instance: Instance, rulebook: Rulebook) -> dict[str, float]:
    """Per rider, the orders whose pay equals the hourly guarantee over the shift."""
    per_order = max(instance.parameters.pay_per_order_cents, 1)
    hourly = rulebook.guarantee.hourly_minimum_fen
    return {c.id: hourly / per_order * c.shift_min / 60.0 for c in instance.couriers}


def _area_centres(scenario: Scenario, area_names: list[str]) -> NDArray[np.float64]:
    """An area's centre: the mean of its merchants (works for exported days too)."""
    instance = scenario.instance
    return np.array(
        [
            np.mean(
                [
                    instance.restaurants[m.merchant_id].location
                    for m in scenario.merchants.values()
                    if m.area == area
                ]
                or [(0.0, 0.0)],
                axis=0,
            )
            for area in area_names
        ]
    )


class _Day(CourierDay[_Rider]):
    """One simulated day; mutable, used once."""

    def __init__(
        self,
        scenario: Scenario,
        rulebook: Rulebook,
        travel: TravelModel,
        settings: SimulationSettings,
    ) -> None:
        instance = scenario.instance
        planning = _planning_travel(travel, rulebook)
        self.policy = _scenario_policy(scenario, rulebook, planning, settings)
        riders = _riders(scenario)
        super().__init__(
            instance,
            riders,
            sorted(riders.values(), key=lambda r: (r.courier.on_min, r.courier.id)),
            travel=travel,
            planning=planning,
            policy=self.policy,
            dispatch=settings.dispatch,
            planned_ready_s=_planned_ready_s(scenario, rulebook),
            actual_ready_s={
                o.id: (o.ready_min + scenario.orders[o.id].prep_delay_min) * 60.0
                for o in instance.orders
            },
            guaranteed_orders=_guaranteed_orders(instance, rulebook),
        )
        self.scenario = scenario
        self.rulebook = rulebook
        self.settings = settings
        self.area_of_order = {
            o.id: scenario.merchants[o.restaurant_id].area for o in instance.orders
        }
        self.pending: dict[str, dict[str, PendingOrder]] = {a: {} for a in scenario.areas}
        self.active: dict[str, dict[str, _Rider]] = {a: {} for a in scenario.areas}
        self.station = {r.rider_id: r.area for r in scenario.riders.values()}
        self.area_names = list(scenario.areas)
        self.area_centres = _area_centres(scenario, self.area_names)
        # The centres' coordinates as contiguous arrays, for `_relocate` at every trip.
        self.centre_x = np.ascontiguousarray(self.area_centres[:, 0])
        self.centre_y = np.ascontiguousarray(self.area_centres[:, 1])
        self.trips: list[TripRecord] = []
        self.deviations = 0
        self.handed_back = 0
        self.rested_early = 0
        self.blocks: Counter[str] = Counter()
        self.blocked_riders: set[str] = set()
        self.estate = EstateDelivery(scenario, settings.estate, travel) if scenario.estate else None

    def run(self) -> DayOutcome:
        self._run_events()
        delivered = {oid for t in self.trips if t.pickup_s is not None for oid in t.order_ids}
        return DayOutcome(
            scenario=self.scenario,
            rulebook_ref=self.rulebook.ref,
            trips=tuple(self.trips),
            undelivered=tuple(o for o in self.orders if o not in delivered),
            decisions=self.decisions,
            plan_deviations=self.deviations,
            handed_back=self.handed_back,
            rested_early=self.rested_early,
            blocks=dict(sorted(self.blocks.items())),
            blocked_riders=tuple(sorted(self.blocked_riders)),
            asks_confirmation=self.rulebook.fatigue.daily_confirmation_after_min is not None,
            estate=self.estate.outcome() if self.estate is not None else None,
        )

    def _pool_of(self, order_id: str) -> dict[str, PendingOrder]:
        return self.pending[self.area_of_order[order_id]]

    def _active_of(self, run: _Rider) -> dict[str, _Rider]:
        return self.active[run.area]

    def _decide(self, now: float) -> None:
        self._activate_due(now)
        if self.settings.lend_within_s is not None:
            self._lend_idle_riders(now, self.settings.lend_within_s)
        waiting = False
        for area, pending in self.pending.items():
            if not pending:
                continue
            waiting = True
            riders = self.active[area]
            self._rest_when_quiet(now, riders, len(pending))
            # `_state`, its kept state read inline: most riders' state is unchanged.
            states = tuple(
                [r.state or self._state(r) for r in riders.values() if r.resting_until_s <= now]
            )
            self._apply(self._ask(now, pending, states), now, pending, riders)
        self._decide_again(now, waiting=waiting)

    def _lend_idle_riders(self, now: float, within_s: float) -> None:
        """Idle riders go home to their station's area, then areas short of idle riders
        borrow the nearest spare ones of other areas for this decision.

        Supply and demand differ between sub-districts at the evening peak; a platform
        dispatches across the line rather than leave orders waiting next to idle riders.
        """
        idle: dict[str, list[_Rider]] = {area: [] for area in self.area_names}
        # The idle riders (on duty, not busy, not resting) picked out in one pass: every
        # active rider is looked at every epoch.
        everyone = [
            r
            for area in self.area_names
            for r in self.active[area].values()
            if r.on_duty and not r.busy and r.resting_until_s <= now
        ]
        for rider in everyone:
            home = self.station[rider.courier.id]
            if home != rider.area:
                self._move(rider, home)
            idle[home].append(rider)
        short = {a: len(self.pending[a]) - len(idle[a]) for a in self.area_names}
        # An area lends at most half of what it has to spare, so its own next orders still
        # find a rider.
        spare = {a: max(0, -short[a]) // 2 for a in self.area_names}
        for area in sorted((a for a in self.area_names if short[a] > 0), key=lambda a: -short[a]):
            offers = [r for a in self.area_names if a != area and spare[a] > 0 for r in idle[a]]
            if not offers:
                continue
            centre = self.area_centres[self.area_names.index(area)]
            seconds = travel_matrix_s(
                self.dispatcher.travel, [r.location for r in offers], [tuple(centre)], now
            )[:, 0]
            ranked = sorted(
                (float(t), r.courier.id, r) for t, r in zip(seconds, offers, strict=True)
            )
            wanted = short[area]
            for t, _, rider in ranked:
                if wanted == 0 or t > within_s:
                    break
                lender = rider.area
                if spare[lender] == 0:
                    continue
                spare[lender] -= 1
                idle[lender].remove(rider)
                self._move(rider, area)
                wanted -= 1

    def _move(self, rider: _Rider, area: str) -> None:
        if self.active[rider.area].pop(rider.courier.id, None) is not None:
            self.active[area][rider.courier.id] = rider
        rider.area = area

    def _rest_when_quiet(self, now: float, riders: dict[str, _Rider], waiting: int) -> None:
        limit = self.rulebook.fatigue.continuous_work_limit_min
        after = self.settings.rest_early_after_s
        if limit is None or after is None:
            return
        idle = [
            r
            for r in riders.values()
            if r.on_duty and not r.busy and r.resting_until_s <= now and r.done
        ]
        if not idle or waiting > self.settings.quiet_ratio * len(idle):
            return
        tired = []
        for rider in idle:
            state = self._state(rider)
            if state.free_at_s <= now:
                continuous = self.policy.clock(state).continuous_s(now)
                if continuous >= after:
                    tired.append((-continuous, rider.courier.id, rider))
        rest_s = self.rulebook.fatigue.min_rest_min * 60.0
        for _, _, rider in sorted(tired)[: max(1, len(idle) // 3)]:
            rider.resting_until_s = max(now, rider.done[-1][1]) + rest_s
            self.rested_early += 1

    def _free_and_work(self, rider: _Rider) -> tuple[float, tuple[tuple[float, float], ...]]:
        work = self._planned_work(rider)
        return (max(rider.free_s, work[-1][1]) if work else rider.free_s), work

    def _planned_work(self, rider: _Rider) -> tuple[tuple[float, float], ...]:
        """Actual work so far, then queued jobs shifted behind any delay."""
        work = list(rider.done)
        at = work[-1][1] if work else -math.inf
        for job in rider.queue:
            a = job.assignment
            start = max(at, a.depart_s)
            at = start + (a.end_s - a.depart_s)
            work.append((start, at))
        return tuple(work)

    def _apply(
        self,
        decision: Decision,
        now: float,
        pending: dict[str, PendingOrder],
        riders: dict[str, _Rider],
    ) -> None:
        for block in self._blocks_starting(decision, riders.values()):
            clause = (block.reason.rule or block.reason.code).split(":")[-1]
            self.blocks[clause] += 1
            self.blocked_riders.add(block.courier_id)
        for assignment in decision.assignments:
            self._relocate(self._take_on(assignment, now, pending))

    # -- executing trips ---------------------------------------------------------------

    def _start_next(self, courier_id: str, now: float) -> None:
        rider = self.couriers[courier_id]
        job = rider.queue[0]
        a = job.assignment
        if now > a.depart_s + 1.0 and not self._may_still_start(rider, now, a):
            self._hand_back(rider, now)
            return
        rider.queue.popleft()
        pickup_extra_s = self.scenario.merchants[a.restaurant_id].pickup_extra_s
        ride = self._ride(rider, a, now, rider.here, pickup_extra_s)
        self.trips.append(
            TripRecord(
                courier_id,
                a.restaurant_id,
                a.order_ids,
                job.assigned_s,
                now,
                ride.arrive_s,
                ride.pickup_s,
                ride.dropoff_s,
                ride.end_s,
                tuple(leg.closure_m for leg in ride.legs),
                tuple(leg.closure_s for leg in ride.legs),
            )
        )
        if self.estate is not None and ride.pickup_s is not None:
            self.estate.record(courier_id, a.order_ids, ride)
        if ride.pickup_s is None:
            self._abandon(rider, job, ride)
            rider.done.append((now, ride.end_s))
            rider.here = rider.location
            self._relocate(rider)
            return
        if abs(ride.end_s - a.end_s) > 1e-6 or abs(now - a.depart_s) > 1e-6:
            self.deviations += 1
        rider.done.append((now, ride.end_s))
        rider.here = self._drop_location(a.order_ids[-1])
        rider.location = (
            self._drop_location(rider.queue[-1].assignment.order_ids[-1])
            if rider.queue
            else rider.here
        )
        rider.state = None
        self._relocate(rider)
        self.queue.schedule(ride.end_s, Priority.JOB_END, DayEvent("job_end", courier_id))

    def _relocate(self, rider: _Rider, *, idle: bool = False) -> None:
        """Put the rider in the dispatch area where their committed work ends (their
        station's when they have none)."""
        if idle:
            area = self.station[rider.courier.id]
        else:
            x, y = rider.location
            nearest = int(np.argmin(np.hypot(self.centre_x - x, self.centre_y - y)))
            area = self.area_names[nearest]
        if area != rider.area:
            self._move(rider, area)

    def _leg(self, origin: Location, destination: Location, depart_s: float) -> Leg:
        if isinstance(self.travel, DistrictTravel):
            return Leg(*self.travel.leg(origin, destination, depart_s))
        return Leg(float(self.travel.travel_seconds_many(origin, [destination], depart_s)[0]))

    def _dropoff_extra_s(self, order_id: str) -> tuple[float, float]:
        if self.estate is not None:
            inside = self.estate.dropoff_extra_s(order_id)
            if inside is not None:
                return inside
        return self.scenario.dropoff_extra_s(order_id)

    def _drop_location(self, order_id: str) -> Location:
        if self.estate is not None:
            at = self.estate.drop_location(order_id)
            if at is not None:
                return at
        return self.orders[order_id].location

    def _pending_order(self, order_id: str) -> PendingOrder:
        order = super()._pending_order(order_id)
        address = self.estate.address(order_id) if self.estate is not None else None
        if address is None:
            return order
        # The rider plans to the gate; a relay address's hand-off point is the dispatcher's
        # to apply (`PendingOrder.rider_dropoff`).
        return dataclasses.replace(order, dropoff=self._gate_or_door(order_id), estate=address)

    def _gate_or_door(self, order_id: str) -> Location:
        assert self.estate is not None
        plan = self.estate.plans[order_id]
        return self.orders[order_id].location if plan.address.relay else plan.location

    def _may_still_start(self, rider: _Rider, now: float, a: Assignment) -> bool:
        state = dataclasses.replace(self._state(rider), work_intervals=tuple(rider.done))
        return self.policy.may_assign(state, now, a.end_s - a.depart_s).ok

    def _hand_back(self, rider: _Rider, now: float) -> None:
        """The rider is due for rest: queued work goes back to the area's waiting orders."""
        self.handed_back += len(rider.queue)
        self._give_back(rider, [job.assignment for job in rider.queue])
        rider.queue.clear()
        rider.busy = False
        rider.free_s = now
        rider.location = rider.here
        rider.state = None
        self._relocate(rider, idle=True)

    def _end_job(self, courier_id: str, now: float) -> None:
        rider = self.couriers[courier_id]
        rider.free_s = now
        super()._end_job(courier_id, now)
        if not rider.busy:  # idle: back to their station's area
            self._relocate(rider, idle=True)
        rider.state = None


def simulate_scenario(
    scenario: Scenario,
    rulebook: Rulebook,
    *,
    travel: TravelModel | None = None,
    settings: SimulationSettings | None = None,
) -> DayOutcome:
    """Replay `scenario` with the dispatcher under `rulebook` (travel: the scenario's own)."""
    return _Day(
        scenario,
        rulebook,
        travel or DistrictTravel.for_scenario(scenario),
        settings or SimulationSettings(),
    ).run()
