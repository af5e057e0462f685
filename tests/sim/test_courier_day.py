"""The part both simulators share, driven by a scripted day instead of the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gigcity.dispatch.config import DispatchConfig
from gigcity.dispatch.model import Assignment, PendingOrder
from gigcity.dispatch.policy import Unconstrained
from gigcity.sim import Courier, Instance, Order, Parameters, Restaurant
from gigcity.sim.courier_day import CourierDay, CourierRun, DayEvent, Ride
from gigcity.sim.events import Priority

# 100 m a minute; the restaurant is where the courier starts, order A 3 min away, B 3 more.
PARAMETERS = Parameters(100.0, 4, 2, 40, 90, 1000, 2000)


def _instance() -> Instance:
    return Instance(
        name="tiny",
        restaurants={"r": Restaurant("r", 0.0, 0.0)},
        orders=(Order("a", 300.0, 0.0, 0, "r", 10), Order("b", 600.0, 0.0, 0, "r", 10)),
        couriers=(Courier("c", 0.0, 0.0, 0, 60),),
        parameters=PARAMETERS,
    )


def _job(*order_ids: str) -> Assignment:
    return Assignment("c", "r", order_ids, 0.0, 0.0, 600.0, (), 0.0, ())


class _ScriptedDay(CourierDay[CourierRun]):
    """Gives `plan` at the first decision; every courier rides from where they started."""

    def __init__(
        self,
        plan: Sequence[Assignment],
        *,
        ready_min: int,
        extras: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        instance = _instance()
        couriers = {c.id: CourierRun(c, c.location) for c in instance.couriers}
        super().__init__(
            instance,
            couriers,
            couriers.values(),
            travel=instance.travel,
            planning=instance.travel,
            policy=Unconstrained(),
            dispatch=DispatchConfig(),
            planned_ready_s={o.id: o.ready_min * 60.0 for o in instance.orders},
            actual_ready_s={o.id: ready_min * 60.0 for o in instance.orders},
            guaranteed_orders={c.id: 0.0 for c in instance.couriers},
        )
        self.plan = list(plan)
        self.extras = extras or {}
        self.pending: dict[str, PendingOrder] = {}
        self.active: dict[str, CourierRun] = {}
        self.rides: list[Ride] = []

    def _pool_of(self, order_id: str) -> dict[str, PendingOrder]:
        return self.pending

    def _active_of(self, run: CourierRun) -> dict[str, CourierRun]:
        return self.active

    def _free_and_work(self, run: CourierRun) -> tuple[float, tuple[tuple[float, float], ...]]:
        return 0.0, ()

    def _decide(self, now: float) -> None:
        self._activate_due(now)
        for assignment in self.plan:
            self._take_on(assignment, now, self.pending)
        self.plan = []
        self._decide_again(now, waiting=bool(self.pending))

    def _start_next(self, courier_id: str, now: float) -> None:
        run = self.couriers[courier_id]
        job = run.queue.popleft()
        ride = self._ride(run, job.assignment, now, run.courier.location)
        self.rides.append(ride)
        if ride.pickup_s is None:
            self._abandon(run, job, ride)
            return
        self.queue.schedule(ride.end_s, Priority.JOB_END, DayEvent("job_end", courier_id))

    def _dropoff_extra_s(self, order_id: str) -> tuple[float, float]:
        return self.extras.get(order_id, (0.0, 0.0))


def test_a_ride_waits_for_the_kitchen_and_counts_time_at_the_door() -> None:
    day = _ScriptedDay([_job("a", "b")], ready_min=10, extras={"a": (30.0, 90.0)})
    day._run_events()
    (ride,) = day.rides
    assert ride.pickup_s == 600.0  # the food, not the 2-minute half service, sets the pickup
    # leave at 720, ride 180 s, half the drop-off service (60 s) and 30 s of stairs
    assert ride.dropoff_s[0] == 990.0
    # the 90 s after the drop (a customer who does not answer) delay the next leg
    assert ride.departs_s == (720.0, 1140.0)
    assert ride.dropoff_s[1] == 1140.0 + 180.0 + 60.0
    assert ride.end_s == ride.dropoff_s[1] + 60.0
    assert not day.pending
    assert day.couriers["c"].orders_committed == 2


def test_food_not_ready_before_the_shift_ends_sends_all_queued_orders_back() -> None:
    day = _ScriptedDay([_job("a"), _job("b")], ready_min=70, extras={})
    day._run_events()
    (ride,) = day.rides  # the second job never starts
    assert ride.pickup_s is None
    assert ride.dropoff_s == ()
    assert ride.end_s == 3600.0  # the courier waits until the shift ends, then leaves
    assert sorted(day.pending) == ["a", "b"]
    courier = day.couriers["c"]
    assert courier.orders_committed == 0
    assert not courier.queue
    assert not courier.busy


def test_an_order_cannot_be_given_out_twice() -> None:
    day = _ScriptedDay([_job("a"), _job("a")], ready_min=10)
    with pytest.raises(RuntimeError, match="not waiting"):
        day._run_events()
