"""Checking an MDRP solution against the problem's eight feasibility conditions.

The conditions are those of the published evaluator, with service times enforced as the
problem states them (half a service time before and after each handover). Every violation
names the courier and the order involved. A ninth group, `files_consistent`, catches
solution files that contradict each other or the instance.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from gigcity.geo.travel import Location
from gigcity.sim.mdrp.instance import HOME, AssignmentRecord, Instance, MoveRecord, Solution

CONDITIONS: dict[str, str] = {
    "order_once": "each order is in at most one assignment",
    "not_before_placement": "no order is assigned before it is placed",
    "pickup_before_off": "every pickup happens at or before the courier's off-time",
    "pickup_after_ready": "every bundle is picked up at or after the ready time of each of its orders",
    "dropoff_sequence": "orders are dropped off in the assignment's sequence, after the pickup",
    "moves_continuous": "each courier move starts where the previous one ended (first at home)",
    "moves_timed": "no move starts before the courier's on-time or before the previous move arrives",
    "at_location": "the courier is at the restaurant at pickup and at the diner at drop-off",
}
CONSISTENCY = "files_consistent"


@dataclass(frozen=True, slots=True)
class Violation:
    condition: str
    message: str
    courier_id: str | None = None
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations

    def by_condition(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {name: [] for name in (*CONDITIONS, CONSISTENCY)}
        for violation in self.violations:
            grouped.setdefault(violation.condition, []).append(violation)
        return grouped


@dataclass(frozen=True, slots=True)
class _Stay:
    place: str
    arrive_min: float
    leave_min: float


class _Checker:
    def __init__(self, instance: Instance, solution: Solution) -> None:
        self.instance = instance
        self.solution = solution
        self.orders = {o.id: o for o in instance.orders}
        self.couriers = {c.id: c for c in instance.couriers}
        self.travel = instance.travel
        self.half_pickup = instance.parameters.pickup_service_min / 2
        self.half_drop = instance.parameters.dropoff_service_min / 2
        self.violations: list[Violation] = []

    def fail(
        self, condition: str, message: str, courier: str | None = None, order: str | None = None
    ) -> None:
        self.violations.append(Violation(condition, message, courier, order))

    def location(self, place: str, courier_id: str) -> Location | None:
        if place == HOME:
            courier = self.couriers.get(courier_id)
            return courier.location if courier else None
        if place in self.orders:
            return self.orders[place].location
        restaurant = self.instance.restaurants.get(place)
        return restaurant.location if restaurant else None

    def travel_min(self, origin: Location, destination: Location) -> float:
        return float(self.travel.travel_seconds_many(origin, [destination])[0]) / 60.0

    def run(self) -> ValidationReport:
        self.check_references()
        self.check_assignments()
        stays = self.check_moves()
        self.check_locations(stays)
        self.check_order_records()
        return ValidationReport(tuple(self.violations))

    def check_references(self) -> None:
        for a in self.solution.assignments:
            if a.courier_id not in self.couriers:
                self.fail(
                    CONSISTENCY, f"assignment names unknown courier {a.courier_id}", a.courier_id
                )
            for oid in a.order_ids:
                if oid not in self.orders:
                    self.fail(
                        CONSISTENCY, f"assignment names unknown order {oid}", a.courier_id, oid
                    )

    def check_assignments(self) -> None:
        self._check_each_order_once()
        drops = {r.order_id: r.dropoff_min for r in self.solution.orders}
        for a in self.solution.assignments:
            self._check_assignment_times(a)
            self._check_dropoff_sequence(a, drops)

    def _check_each_order_once(self) -> None:
        """No order in two assignments."""
        seen: Counter[str] = Counter(oid for a in self.solution.assignments for oid in a.order_ids)
        holders: dict[str, list[str]] = defaultdict(list)
        for a in self.solution.assignments:
            for oid in a.order_ids:
                holders[oid].append(a.courier_id)
        for oid, count in sorted(seen.items()):
            if count > 1:
                self.fail(
                    "order_once",
                    f"order {oid} is in {count} assignments (couriers {', '.join(holders[oid])})",
                    holders[oid][0],
                    oid,
                )

    def _check_assignment_times(self, a: AssignmentRecord) -> None:
        """Assigned after placement, picked up once ready and before the courier goes off."""
        courier = self.couriers.get(a.courier_id)
        known = [oid for oid in a.order_ids if oid in self.orders]
        for oid in known:
            order = self.orders[oid]
            if a.assignment_min < order.placement_min:
                self.fail(
                    "not_before_placement",
                    f"courier {a.courier_id} was assigned order {oid} at {a.assignment_min}, "
                    f"before it was placed at {order.placement_min}",
                    a.courier_id,
                    oid,
                )
            if a.pickup_min < order.ready_min:
                self.fail(
                    "pickup_after_ready",
                    f"courier {a.courier_id} picked up order {oid} at {a.pickup_min}, "
                    f"before it was ready at {order.ready_min}",
                    a.courier_id,
                    oid,
                )
        if courier is not None and a.pickup_min > courier.off_min:
            self.fail(
                "pickup_before_off",
                f"courier {a.courier_id} picked up order {a.order_ids[0]} at {a.pickup_min}, "
                f"after going off at {courier.off_min}",
                a.courier_id,
                a.order_ids[0],
            )

    def _check_dropoff_sequence(self, a: AssignmentRecord, drops: Mapping[str, int]) -> None:
        """Drop-offs after the pickup and one after another, service times apart."""
        previous: float | None = None
        for position, oid in enumerate(a.order_ids):
            drop = drops.get(oid)
            if drop is None:
                continue
            if position == 0 and drop < a.pickup_min + self.half_pickup + self.half_drop:
                self.fail(
                    "dropoff_sequence",
                    f"courier {a.courier_id} dropped off order {oid} at {drop}, too soon "
                    f"after the pickup at {a.pickup_min}",
                    a.courier_id,
                    oid,
                )
            if previous is not None and drop < previous + 2 * self.half_drop:
                self.fail(
                    "dropoff_sequence",
                    f"courier {a.courier_id} dropped off order {oid} at {drop}, out of sequence "
                    f"(previous drop-off at {previous})",
                    a.courier_id,
                    oid,
                )
            previous = drop

    def check_moves(self) -> dict[str, list[_Stay]]:
        by_courier: dict[str, list[MoveRecord]] = defaultdict(list)
        order_of_appearance: list[str] = []
        for move in self.solution.moves:
            if move.courier_id not in by_courier:
                order_of_appearance.append(move.courier_id)
            elif order_of_appearance[-1] != move.courier_id:
                self.fail(
                    "moves_continuous",
                    f"moves of courier {move.courier_id} are not grouped together",
                    move.courier_id,
                )
            by_courier[move.courier_id].append(move)
        stays: dict[str, list[_Stay]] = {}
        for courier_id, moves in by_courier.items():
            courier = self.couriers.get(courier_id)
            if courier is None:
                self.fail(CONSISTENCY, f"moves name unknown courier {courier_id}", courier_id)
                continue
            place, ready_to_leave = HOME, float(courier.on_min)
            timeline: list[_Stay] = []
            arrive = float(courier.on_min)
            for move in moves:
                if move.origin != place:
                    self.fail(
                        "moves_continuous",
                        f"courier {courier_id} leaves {move.origin} at {move.departure_min} "
                        f"but is at {place}",
                        courier_id,
                        _order_or_none(move.origin, self.orders),
                    )
                if move.departure_min < ready_to_leave:
                    self.fail(
                        "moves_timed",
                        f"courier {courier_id} leaves {move.origin} at {move.departure_min}, "
                        f"before arriving there (or coming on shift) at {ready_to_leave:g}",
                        courier_id,
                        _order_or_none(move.origin, self.orders),
                    )
                timeline.append(_Stay(place, arrive, float(move.departure_min)))
                origin = self.location(move.origin, courier_id)
                destination = self.location(move.destination, courier_id)
                if origin is None or destination is None:
                    self.fail(
                        CONSISTENCY,
                        f"courier {courier_id} moves between unknown places "
                        f"{move.origin} -> {move.destination}",
                        courier_id,
                    )
                    break
                arrive = move.departure_min + self.travel_min(origin, destination)
                place, ready_to_leave = move.destination, arrive
            else:
                timeline.append(_Stay(place, arrive, math.inf))
                stays[courier_id] = timeline
        return stays

    def _stay_at(self, stays: list[_Stay], time: float) -> _Stay | None:
        index = bisect.bisect_right([s.arrive_min for s in stays], time) - 1
        return stays[index] if index >= 0 else None

    def check_locations(self, stays: dict[str, list[_Stay]]) -> None:
        drops = {r.order_id: r for r in self.solution.orders}
        for a in self.solution.assignments:
            timeline = stays.get(a.courier_id, [])
            for oid in a.order_ids:
                order = self.orders.get(oid)
                if order is None:
                    continue
                stay = self._stay_at(timeline, a.pickup_min)
                if not (
                    stay is not None
                    and stay.place == order.restaurant_id
                    and stay.arrive_min + self.half_pickup <= a.pickup_min
                    and a.pickup_min + self.half_pickup <= stay.leave_min
                ):
                    self.fail(
                        "at_location",
                        f"courier {a.courier_id} is not at restaurant {order.restaurant_id} for the "
                        f"service time around the pickup of order {oid} at {a.pickup_min} "
                        f"({_describe(stay)})",
                        a.courier_id,
                        oid,
                    )
                record = drops.get(oid)
                if record is None:
                    continue
                stay = self._stay_at(timeline, record.dropoff_min)
                if not (
                    stay is not None
                    and stay.place == oid
                    and stay.arrive_min + self.half_drop <= record.dropoff_min
                    and record.dropoff_min + self.half_drop <= stay.leave_min
                ):
                    self.fail(
                        "at_location",
                        f"courier {a.courier_id} is not at the diner of order {oid} for the "
                        f"service time around its drop-off at {record.dropoff_min} ({_describe(stay)})",
                        a.courier_id,
                        oid,
                    )

    def check_order_records(self) -> None:
        assigned = {oid: a for a in self.solution.assignments for oid in a.order_ids}
        recorded: set[str] = set()
        for record in self.solution.orders:
            oid = record.order_id
            if oid in recorded:
                self.fail(
                    CONSISTENCY,
                    f"order {oid} appears twice in the orders file",
                    record.courier_id,
                    oid,
                )
            recorded.add(oid)
            order = self.orders.get(oid)
            if order is None:
                self.fail(
                    CONSISTENCY, f"orders file names unknown order {oid}", record.courier_id, oid
                )
                continue
            a = assigned.get(oid)
            if a is None:
                self.fail(
                    CONSISTENCY,
                    f"order {oid} is delivered but in no assignment",
                    record.courier_id,
                    oid,
                )
                continue
            if record.courier_id != a.courier_id or record.pickup_min != a.pickup_min:
                self.fail(
                    CONSISTENCY,
                    f"order {oid}: orders file says courier {record.courier_id} picked up at "
                    f"{record.pickup_min}, assignments say courier {a.courier_id} at {a.pickup_min}",
                    a.courier_id,
                    oid,
                )
            if record.placement_min != order.placement_min or record.ready_min != order.ready_min:
                self.fail(
                    CONSISTENCY,
                    f"order {oid}: placement/ready times differ from the instance",
                    record.courier_id,
                    oid,
                )
        for oid, a in assigned.items():
            if oid in self.orders and oid not in recorded:
                self.fail(
                    CONSISTENCY, f"order {oid} is assigned but has no drop-off", a.courier_id, oid
                )


def _order_or_none(place: str, orders: Mapping[str, object]) -> str | None:
    return place if place in orders else None


def _describe(stay: _Stay | None) -> str:
    if stay is None:
        return "not yet on the move"
    leave = "" if math.isinf(stay.leave_min) else f" until {stay.leave_min:g}"
    return f"at {stay.place} from {stay.arrive_min:g}{leave}"


def validate(instance: Instance, solution: Solution) -> ValidationReport:
    """Check `solution` against `instance`; an empty report means feasible."""
    return _Checker(instance, solution).run()
