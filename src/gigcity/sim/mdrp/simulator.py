"""Replaying a day: a discrete-event simulation that drives the dispatcher.

Couriers come on and go off shift, orders are placed, and at every decision epoch the
dispatcher gets the current state and returns assignments. The simulator then executes the
trips itself, from the travel model and the service times: it does not take the
dispatcher's planned times on trust. With `prep_delay_max_min > 0` kitchens run late by a
random number of whole minutes that the dispatcher does not know about (drawn from `seed`);
a courier whose food is still not ready at the end of their shift leaves without it and the
order goes back to the queue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.model import Decision, PendingOrder, Reason
from gigcity.dispatch.policy import DispatchPolicy, Unconstrained
from gigcity.geo.travel import Location
from gigcity.sim.courier_day import CourierDay, CourierRun, DayEvent
from gigcity.sim.events import Priority
from gigcity.sim.mdrp.instance import (
    HOME,
    AssignmentRecord,
    Instance,
    MoveRecord,
    OrderRecord,
    Solution,
)


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    seed: int = 0
    prep_delay_max_min: int = 0
    """Kitchens finish up to this many whole minutes late (0: exactly on time, as in MDRP)."""
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)

    def __post_init__(self) -> None:
        if self.prep_delay_max_min < 0:
            raise ValueError(f"prep_delay_max_min must be >= 0, got {self.prep_delay_max_min}")
        if self.dispatch.epoch_s % 60:
            raise ValueError("the MDRP works in whole minutes: epoch_s must be a multiple of 60")


@dataclass(frozen=True, slots=True)
class Trip:
    """One executed (or abandoned) assignment, in seconds."""

    courier_id: str
    restaurant_id: str
    order_ids: tuple[str, ...]
    assigned_s: float
    start_s: float
    arrive_s: float
    pickup_s: float | None
    """None when the courier's shift ended before the food was ready."""
    dropoff_s: tuple[float, ...]
    end_s: float


@dataclass(frozen=True, slots=True)
class LoggedDecision:
    """A decision that affects a worker, with its reasons (assignments and rule blocks)."""

    time_s: float
    kind: str
    courier_id: str
    order_ids: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    instance: Instance
    solution: Solution
    trips: tuple[Trip, ...]
    log: tuple[LoggedDecision, ...]
    undelivered: tuple[str, ...]
    policy_name: str
    config: SimulationConfig
    decisions: int
    """Epochs at which the dispatcher was asked."""
    plan_deviations: int
    """Trips whose executed times differ from the dispatcher's plan (0 without kitchen delays)."""


@dataclass(slots=True, kw_only=True)
class _CourierRun(CourierRun):
    place: str
    """Where the courier last went (HOME, a restaurant or an order), for the move records."""
    free_at_s: float
    work: list[tuple[float, float]] = field(default_factory=list)
    """Committed work as planned, moved later when a trip ends late."""


class _Run(CourierDay[_CourierRun]):
    """One simulation; mutable, used once."""

    def __init__(
        self, instance: Instance, policy: DispatchPolicy, config: SimulationConfig
    ) -> None:
        p = instance.parameters
        rng = np.random.Generator(np.random.PCG64(config.seed))
        delays = rng.integers(0, config.prep_delay_max_min + 1, size=len(instance.orders))
        couriers = {
            c.id: _CourierRun(courier=c, location=c.location, place=HOME, free_at_s=c.on_min * 60.0)
            for c in instance.couriers
        }
        guarantee = p.guaranteed_pay_per_hour_cents / max(p.pay_per_order_cents, 1)
        super().__init__(
            instance,
            couriers,
            sorted(couriers.values(), key=lambda r: r.courier.on_min),
            travel=instance.travel,
            planning=instance.travel,
            policy=policy,
            dispatch=config.dispatch,
            planned_ready_s={o.id: o.ready_min * 60.0 for o in instance.orders},
            actual_ready_s={
                o.id: (o.ready_min + int(d)) * 60.0
                for o, d in zip(instance.orders, delays, strict=True)
            },
            guaranteed_orders={c.id: guarantee * c.shift_min / 60.0 for c in instance.couriers},
        )
        self.config = config
        self.policy = policy
        self.pending: dict[str, PendingOrder] = {}
        self.trips: list[Trip] = []
        self.moves: dict[str, list[MoveRecord]] = {c.id: [] for c in instance.couriers}
        self.log: list[LoggedDecision] = []
        self.plan_deviations = 0
        self.active: dict[str, _CourierRun] = {}
        """Couriers on shift or starting soon (what the dispatcher sees)."""

    def run(self) -> SimulationResult:
        self._run_events()
        return self._result()

    def _pool_of(self, order_id: str) -> dict[str, PendingOrder]:
        return self.pending

    def _active_of(self, run: _CourierRun) -> dict[str, _CourierRun]:
        return self.active

    def _free_and_work(self, run: _CourierRun) -> tuple[float, tuple[tuple[float, float], ...]]:
        return run.free_at_s, tuple(run.work)

    def _decide(self, now: float) -> None:
        if self.pending:
            self._activate_due(now)
            states = tuple(self._state(run) for run in self.active.values())
            self._apply(self._ask(now, self.pending, states), now)
        self._decide_again(now, waiting=bool(self.pending))

    # -- applying decisions ------------------------------------------------------------

    def _apply(self, decision: Decision, now: float) -> None:
        for block in self._blocks_starting(decision, self.active.values()):
            self.log.append(LoggedDecision(now, "block", block.courier_id, (), (block.reason,)))
        for assignment in decision.assignments:
            run = self._take_on(assignment, now, self.pending)
            self.log.append(
                LoggedDecision(
                    now, "assign", run.courier.id, assignment.order_ids, assignment.reasons
                )
            )
            run.free_at_s = assignment.end_s
            run.work.append((assignment.depart_s, assignment.end_s))

    # -- executing trips ---------------------------------------------------------------

    def _start_next(self, courier_id: str, now: float) -> None:
        run = self.couriers[courier_id]
        job = run.queue.popleft()
        a = job.assignment
        ride = self._ride(run, a, now, self._place_location(run))
        self.trips.append(
            Trip(
                courier_id,
                a.restaurant_id,
                a.order_ids,
                job.assigned_s,
                now,
                ride.arrive_s,
                ride.pickup_s,
                ride.dropoff_s,
                ride.end_s,
            )
        )
        moves = self.moves[courier_id]
        moves.append(MoveRecord(courier_id, _minute(now), run.place, a.restaurant_id))
        run.place = a.restaurant_id
        if ride.pickup_s is None:
            self._abandon(run, job, ride)
            run.free_at_s = ride.end_s
            return
        for oid, departs in zip(a.order_ids, ride.departs_s, strict=True):
            moves.append(MoveRecord(courier_id, _minute(departs), run.place, oid))
            run.place = oid
        if (now, ride.arrive_s, ride.pickup_s, ride.dropoff_s, ride.end_s) != (
            a.depart_s,
            a.arrive_s,
            a.pickup_s,
            a.dropoff_s,
            a.end_s,
        ):
            self.plan_deviations += 1
            self._reschedule(run, ride.end_s)
        self.queue.schedule(ride.end_s, Priority.JOB_END, DayEvent("job_end", courier_id))

    def _place_location(self, run: _CourierRun) -> Location:
        if run.place == HOME:
            return run.courier.location
        if run.place in self.orders:
            return self.orders[run.place].location
        return self.instance.restaurants[run.place].location

    def _reschedule(self, run: _CourierRun, end_s: float) -> None:
        """The trip ends at `end_s`, not as planned: move the courier's free time with it."""
        queued = sum(j.assignment.end_s - j.assignment.depart_s for j in run.queue)
        run.free_at_s = end_s + queued
        run.state = None

    # -- results -----------------------------------------------------------------------

    def _result(self) -> SimulationResult:
        delivered: dict[str, OrderRecord] = {}
        assignments: list[AssignmentRecord] = []
        for trip in self.trips:
            if trip.pickup_s is None:
                continue
            assignments.append(
                AssignmentRecord(
                    _minute(trip.assigned_s),
                    _minute(trip.pickup_s),
                    trip.courier_id,
                    trip.order_ids,
                )
            )
            for oid, drop in zip(trip.order_ids, trip.dropoff_s, strict=True):
                order = self.orders[oid]
                delivered[oid] = OrderRecord(
                    oid,
                    order.placement_min,
                    order.ready_min,
                    _minute(trip.pickup_s),
                    _minute(drop),
                    trip.courier_id,
                )
        assignments.sort(key=lambda a: (a.assignment_min, a.pickup_min, a.courier_id, a.order_ids))
        solution = Solution(
            assignments=tuple(assignments),
            orders=tuple(delivered[o.id] for o in self.instance.orders if o.id in delivered),
            moves=tuple(m for c in self.instance.couriers for m in self.moves[c.id]),
        )
        return SimulationResult(
            instance=self.instance,
            solution=solution,
            trips=tuple(self.trips),
            log=tuple(self.log),
            undelivered=tuple(o.id for o in self.instance.orders if o.id not in delivered),
            policy_name=self.policy.name,
            config=self.config,
            decisions=self.decisions,
            plan_deviations=self.plan_deviations,
        )


def _minute(seconds: float) -> int:
    minutes = seconds / 60.0
    if not math.isclose(minutes, round(minutes), abs_tol=1e-9):
        raise ValueError(
            f"time {seconds} s is not a whole minute; MDRP solutions need whole minutes"
        )
    return round(minutes)


def simulate(
    instance: Instance,
    policy: DispatchPolicy | None = None,
    config: SimulationConfig | None = None,
) -> SimulationResult:
    """Run one day of `instance` with the rolling-horizon dispatcher under `policy`."""
    return _Run(instance, policy or Unconstrained(), config or SimulationConfig()).run()
