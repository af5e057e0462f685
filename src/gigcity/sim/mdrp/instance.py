"""Grubhub Meal Delivery Routing Problem instances and solutions, in the official files.

An instance folder holds tab-separated `restaurants.txt`, `orders.txt`, `couriers.txt` and
`instance_parameters.txt`, each with a header line. A solution is three whitespace-separated
files: `solution_info_assignments.txt`, `solution_info_orders.txt` and
`solution_info_couriers.txt`. All MDRP times are whole minutes from the start of the day.
Money is kept as integer hundredths of the instance's currency unit (`_cents`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from gigcity.geo.travel import EuclideanTravel, Location

INSTANCE_FILES = ("restaurants.txt", "orders.txt", "couriers.txt", "instance_parameters.txt")
ASSIGNMENTS_FILE = "solution_info_assignments.txt"
ORDERS_FILE = "solution_info_orders.txt"
COURIERS_FILE = "solution_info_couriers.txt"
SOLUTION_FILES = (ASSIGNMENTS_FILE, ORDERS_FILE, COURIERS_FILE)
HOME = "0"
"""Origin id of a courier's first move: their on-location."""


class MdrpFormatError(ValueError):
    """A file does not follow the MDRP format; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class Restaurant:
    id: str
    x: float
    y: float

    @property
    def location(self) -> Location:
        return (self.x, self.y)


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    x: float
    y: float
    placement_min: int
    restaurant_id: str
    ready_min: int

    @property
    def location(self) -> Location:
        return (self.x, self.y)


@dataclass(frozen=True, slots=True)
class Courier:
    id: str
    x: float
    y: float
    on_min: int
    off_min: int

    @property
    def location(self) -> Location:
        return (self.x, self.y)

    @property
    def shift_min(self) -> int:
        return self.off_min - self.on_min


@dataclass(frozen=True, slots=True)
class Parameters:
    metres_per_minute: float
    pickup_service_min: int
    dropoff_service_min: int
    target_click_to_door_min: int
    max_click_to_door_min: int
    pay_per_order_cents: int
    guaranteed_pay_per_hour_cents: int


@dataclass(frozen=True, slots=True)
class Instance:
    name: str
    restaurants: dict[str, Restaurant]
    orders: tuple[Order, ...]
    couriers: tuple[Courier, ...]
    parameters: Parameters

    @property
    def travel(self) -> EuclideanTravel:
        """The problem's travel rule: ceil(euclidean distance / speed) whole minutes."""
        return EuclideanTravel(self.parameters.metres_per_minute, whole_minutes=True)

    def guaranteed_pay_cents(self, courier: Courier) -> int:
        """The shift's guaranteed pay, rounded half-up to a cent."""
        exact = Fraction(self.parameters.guaranteed_pay_per_hour_cents * courier.shift_min, 60)
        return math.floor(exact + Fraction(1, 2))


# -- reading instances -----------------------------------------------------------------


def _rows(path: Path, columns: int) -> list[tuple[int, list[str]]]:
    if not path.is_file():
        raise MdrpFormatError(f"{path}: file is missing")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) != columns:
            raise MdrpFormatError(
                f"{path.name} line {number}: expected {columns} fields, got {len(fields)}"
            )
        rows.append((number, fields))
    return rows


def _number(path: Path, line: int, field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise MdrpFormatError(
            f"{path.name} line {line}: {field} {text!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise MdrpFormatError(f"{path.name} line {line}: {field} {text!r} is not finite")
    return value


def _minutes(path: Path, line: int, field: str, text: str) -> int:
    value = _number(path, line, field, text)
    if not value.is_integer():
        raise MdrpFormatError(f"{path.name} line {line}: {field} {text!r} is not whole minutes")
    return int(value)


def _cents(path: Path, field: str, text: str) -> int:
    value = Fraction(text) * 100
    if value.denominator != 1:
        raise MdrpFormatError(f"{path.name}: {field} {text!r} has fractions of a cent")
    return int(value)


def _read_restaurants(root: Path) -> dict[str, Restaurant]:
    path = root / "restaurants.txt"
    restaurants: dict[str, Restaurant] = {}
    for line, (rid, x, y) in _rows(path, 3):
        if rid in restaurants:
            raise MdrpFormatError(f"{path.name} line {line}: restaurant {rid} appears twice")
        restaurants[rid] = Restaurant(rid, _number(path, line, "x", x), _number(path, line, "y", y))
    return restaurants


def _read_orders(root: Path, restaurants: dict[str, Restaurant]) -> list[Order]:
    path = root / "orders.txt"
    orders: list[Order] = []
    seen: set[str] = set()
    for line, (oid, x, y, placed, rid, ready) in _rows(path, 6):
        if oid in seen:
            raise MdrpFormatError(f"{path.name} line {line}: order {oid} appears twice")
        if rid not in restaurants:
            raise MdrpFormatError(
                f"{path.name} line {line}: order {oid} has unknown restaurant {rid}"
            )
        order = Order(
            oid,
            _number(path, line, "x", x),
            _number(path, line, "y", y),
            _minutes(path, line, "placement_time", placed),
            rid,
            _minutes(path, line, "ready_time", ready),
        )
        if order.ready_min < order.placement_min:
            raise MdrpFormatError(
                f"{path.name} line {line}: order {oid} is ready before it is placed"
            )
        seen.add(oid)
        orders.append(order)
    return orders


def _read_couriers(root: Path) -> list[Courier]:
    path = root / "couriers.txt"
    couriers: list[Courier] = []
    seen: set[str] = set()
    for line, (cid, x, y, on, off) in _rows(path, 5):
        if cid in seen:
            raise MdrpFormatError(f"{path.name} line {line}: courier {cid} appears twice")
        if cid == HOME:
            raise MdrpFormatError(f"{path.name} line {line}: courier id {HOME!r} is reserved")
        courier = Courier(
            cid,
            _number(path, line, "x", x),
            _number(path, line, "y", y),
            _minutes(path, line, "on_time", on),
            _minutes(path, line, "off_time", off),
        )
        if courier.off_min < courier.on_min:
            raise MdrpFormatError(
                f"{path.name} line {line}: courier {cid} goes off before coming on"
            )
        seen.add(cid)
        couriers.append(courier)
    return couriers


def _check_distinct_ids(
    root: Path, restaurants: dict[str, Restaurant], orders: list[Order], couriers: list[Courier]
) -> None:
    """Refuse an id used for more than one kind of place (a route names places by id)."""
    clashes = (set(restaurants) & {o.id for o in orders}) | (
        (set(restaurants) | {o.id for o in orders}) & {c.id for c in couriers}
    )
    if clashes:
        raise MdrpFormatError(
            f"{root.name}: ids used for more than one kind of place: {', '.join(sorted(clashes))}"
        )


def _read_parameters(root: Path) -> Parameters:
    path = root / "instance_parameters.txt"
    rows = _rows(path, 7)
    if len(rows) != 1:
        raise MdrpFormatError(f"{path.name}: expected one line of parameters, got {len(rows)}")
    line, (speed, pickup, dropoff, target, maximum, per_order, per_hour) = rows[0]
    parameters = Parameters(
        metres_per_minute=_number(path, line, "meters_per_minute", speed),
        pickup_service_min=_minutes(path, line, "pickup service minutes", pickup),
        dropoff_service_min=_minutes(path, line, "dropoff service minutes", dropoff),
        target_click_to_door_min=_minutes(path, line, "target click-to-door", target),
        max_click_to_door_min=_minutes(path, line, "maximum click-to-door", maximum),
        pay_per_order_cents=_cents(path, "pay per order", per_order),
        guaranteed_pay_per_hour_cents=_cents(path, "guaranteed pay per hour", per_hour),
    )
    if parameters.metres_per_minute <= 0:
        raise MdrpFormatError(f"{path.name}: meters_per_minute must be positive")
    if parameters.pickup_service_min % 2 or parameters.dropoff_service_min % 2:
        raise MdrpFormatError(
            f"{path.name}: service minutes must be even (half before, half after)"
        )
    return parameters


def read_instance(directory: str | Path) -> Instance:
    """Read an instance folder; raise `MdrpFormatError` naming what is wrong."""
    root = Path(directory)
    if not root.is_dir():
        raise MdrpFormatError(f"{root}: not a directory")
    restaurants = _read_restaurants(root)
    orders = _read_orders(root, restaurants)
    couriers = _read_couriers(root)
    _check_distinct_ids(root, restaurants, orders, couriers)
    parameters = _read_parameters(root)
    return Instance(root.name, restaurants, tuple(orders), tuple(couriers), parameters)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _money_text(cents: int) -> str:
    return str(cents // 100) if cents % 100 == 0 else f"{cents / 100:.2f}"


def write_instance(instance: Instance, directory: str | Path) -> Path:
    """Write an instance folder in the official tab-separated format."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    p = instance.parameters

    def write(name: str, header: str, rows: Iterable[Sequence[object]]) -> None:
        lines = [header] + ["\t".join(str(v) for v in row) for row in rows]
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    write(
        "restaurants.txt",
        "restaurant\tx\ty",
        ((r.id, _number_text(r.x), _number_text(r.y)) for r in instance.restaurants.values()),
    )
    write(
        "orders.txt",
        "order\tx\ty\tplacement_time\trestaurant\tready_time",
        (
            (
                o.id,
                _number_text(o.x),
                _number_text(o.y),
                o.placement_min,
                o.restaurant_id,
                o.ready_min,
            )
            for o in instance.orders
        ),
    )
    write(
        "couriers.txt",
        "courier\tx\ty\ton_time\toff_time",
        (
            (c.id, _number_text(c.x), _number_text(c.y), c.on_min, c.off_min)
            for c in instance.couriers
        ),
    )
    write(
        "instance_parameters.txt",
        "meters_per_minute\tpickup service minutes\tdropoff service minutes\t"
        "target click-to-door\tmaximum click-to-door\tpay per order\tguaranteed pay per hour",
        [
            (
                _number_text(p.metres_per_minute),
                p.pickup_service_min,
                p.dropoff_service_min,
                p.target_click_to_door_min,
                p.max_click_to_door_min,
                _money_text(p.pay_per_order_cents),
                _money_text(p.guaranteed_pay_per_hour_cents),
            )
        ],
    )
    return root


def is_instance_dir(directory: str | Path) -> bool:
    root = Path(directory)
    return all((root / name).is_file() for name in INSTANCE_FILES)


def find_instances(directories: Iterable[str | Path]) -> list[Path]:
    """Instance folders: each given folder if it is one, else its sub-folders that are."""
    found: list[Path] = []
    for directory in directories:
        root = Path(directory)
        if is_instance_dir(root):
            found.append(root)
        elif root.is_dir():
            found.extend(sorted(p for p in root.iterdir() if p.is_dir() and is_instance_dir(p)))
        else:
            raise MdrpFormatError(f"{root}: not a directory")
    return found


# -- solutions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    assignment_min: int
    pickup_min: int
    courier_id: str
    order_ids: tuple[str, ...]
    """In drop-off sequence."""


@dataclass(frozen=True, slots=True)
class OrderRecord:
    order_id: str
    placement_min: int
    ready_min: int
    pickup_min: int
    dropoff_min: int
    courier_id: str


@dataclass(frozen=True, slots=True)
class MoveRecord:
    courier_id: str
    departure_min: int
    origin: str
    """`"0"` for the courier's on-location, else a restaurant or order id."""
    destination: str


@dataclass(frozen=True, slots=True)
class Solution:
    assignments: tuple[AssignmentRecord, ...]
    orders: tuple[OrderRecord, ...]
    """Delivered orders only."""
    moves: tuple[MoveRecord, ...]
    """Grouped by courier, in execution order."""


def write_solution(solution: Solution, directory: str | Path) -> Path:
    """Write the three official solution files (space-separated, header line first)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    lines = ["assignment_time pickup_time courier orders"]
    lines += [
        f"{a.assignment_min} {a.pickup_min} {a.courier_id} {' '.join(a.order_ids)}"
        for a in solution.assignments
    ]
    (root / ASSIGNMENTS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["order placement_time ready_time pickup_time dropoff_time courier"]
    lines += [
        f"{o.order_id} {o.placement_min} {o.ready_min} {o.pickup_min} {o.dropoff_min} {o.courier_id}"
        for o in solution.orders
    ]
    (root / ORDERS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["courier departure_time origin destination"]
    lines += [
        f"{m.courier_id} {m.departure_min} {m.origin} {m.destination}" for m in solution.moves
    ]
    (root / COURIERS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def _solution_lines(path: Path) -> list[tuple[int, list[str]]]:
    if not path.is_file():
        raise MdrpFormatError(f"{path}: file is missing")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, line.split()) for n, line in enumerate(lines[1:], start=2) if line.strip()]


def read_solution(directory: str | Path) -> Solution:
    """Read the three solution files; raise `MdrpFormatError` naming file, line and field."""
    root = Path(directory)
    path = root / ASSIGNMENTS_FILE
    assignments: list[AssignmentRecord] = []
    for line, fields in _solution_lines(path):
        if len(fields) < 4:
            raise MdrpFormatError(
                f"{path.name} line {line}: expected time, pickup, courier, orders"
            )
        assignments.append(
            AssignmentRecord(
                _minutes(path, line, "assignment_time", fields[0]),
                _minutes(path, line, "pickup_time", fields[1]),
                fields[2],
                tuple(fields[3:]),
            )
        )
    path = root / ORDERS_FILE
    orders: list[OrderRecord] = []
    for line, fields in _solution_lines(path):
        if len(fields) != 6:
            raise MdrpFormatError(f"{path.name} line {line}: expected 6 fields, got {len(fields)}")
        oid, placed, ready, pickup, dropoff, courier = fields
        orders.append(
            OrderRecord(
                oid,
                _minutes(path, line, "placement_time", placed),
                _minutes(path, line, "ready_time", ready),
                _minutes(path, line, "pickup_time", pickup),
                _minutes(path, line, "dropoff_time", dropoff),
                courier,
            )
        )
    path = root / COURIERS_FILE
    moves: list[MoveRecord] = []
    for line, fields in _solution_lines(path):
        if len(fields) != 4:
            raise MdrpFormatError(f"{path.name} line {line}: expected 4 fields, got {len(fields)}")
        moves.append(
            MoveRecord(
                fields[0], _minutes(path, line, "departure_time", fields[1]), fields[2], fields[3]
            )
        )
    return Solution(tuple(assignments), tuple(orders), tuple(moves))
