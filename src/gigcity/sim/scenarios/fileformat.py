"""Scenario folders: the four MDRP instance files plus the fields the district's rules need.

See FORMAT.md beside this module. Writing is deterministic (same scenario, same bytes), and
reading gives back an equal `Scenario`; a bad file is refused with the file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, get_args

from gigcity.sim.mdrp.instance import Instance, MdrpFormatError, read_instance, write_instance
from gigcity.sim.scenarios.estate_file import read_estate, write_estate
from gigcity.sim.scenarios.model import (
    FORMAT_VERSION,
    Closure,
    MerchantDetails,
    MerchantKind,
    OrderDetails,
    Plane,
    RiderDetails,
    RiderKind,
    Scenario,
    ScenarioError,
    ScenarioKind,
    ServiceDetails,
    TravelSettings,
    WeatherAlert,
)

SCENARIO_FILE = "scenario.json"
MERCHANTS_FILE = "merchant_details.txt"
ORDERS_FILE = "order_details.txt"
RIDERS_FILE = "rider_details.txt"
FORMAT_NAME = "gigcity-scenario"

MERCHANT_COLUMNS = ("restaurant", "kind", "area", "pickup_extra_s", "non_food")
ORDER_COLUMNS = (
    "order",
    "weight_g",
    "bulky",
    "floor",
    "has_lift",
    "lift_out_of_order",
    "old_estate",
    "large_complex",
    "customer_unreachable",
    "prep_delay_min",
    "predicted_delay_min",
)
RIDER_COLUMNS = ("courier", "kind", "area", "days_worked_before", "confirms_overtime")

T = TypeVar("T")


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _write_table(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    lines = ["\t".join(columns)] + ["\t".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _header(scenario: Scenario) -> dict[str, Any]:
    """What scenario.json holds: the format, the day's identity and its settings."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": scenario.name,
        "kind": scenario.kind,
        "seed": scenario.seed,
        "instance": scenario.instance.name,
        "plane": {
            "origin_lon": scenario.plane.origin_lon,
            "origin_lat": scenario.plane.origin_lat,
            "metres_per_degree_lon": scenario.plane.metres_per_degree_lon,
            "metres_per_degree_lat": scenario.plane.metres_per_degree_lat,
        },
        "areas": list(scenario.areas),
        "travel": {
            "speed_m_per_min": scenario.travel.speed_m_per_min,
            "route_factor": scenario.travel.route_factor,
            "signal_s_per_km": scenario.travel.signal_s_per_km,
            "rain_speed_factor": scenario.travel.rain_speed_factor,
        },
        "service": {
            "per_floor_up_s": scenario.service.per_floor_up_s,
            "per_floor_down_s": scenario.service.per_floor_down_s,
            "old_estate_s": scenario.service.old_estate_s,
            "large_complex_s": scenario.service.large_complex_s,
            "unreachable_s": scenario.service.unreachable_s,
        },
        "weather_alerts": [
            {
                "start_min": a.start_min,
                "end_min": a.end_min,
                "level": a.level,
                "speed_factor": a.speed_factor,
            }
            for a in scenario.weather
        ],
        "closures": [
            {
                "id": c.closure_id,
                "x": c.x,
                "y": c.y,
                "radius_m": c.radius_m,
                "start_min": c.start_min,
                "end_min": c.end_min,
                "delay_s": c.delay_s,
            }
            for c in scenario.closures
        ],
        "notes": list(scenario.notes),
    }


def _order_row(o: OrderDetails) -> tuple[object, ...]:
    return (
        o.order_id,
        o.weight_g,
        _flag(o.bulky),
        o.floor,
        _flag(o.has_lift),
        _flag(o.lift_out_of_order),
        _flag(o.old_estate),
        _flag(o.large_complex),
        _flag(o.customer_unreachable),
        o.prep_delay_min,
        o.predicted_delay_min,
    )


def write_scenario(scenario: Scenario, directory: str | Path) -> Path:
    """Write the scenario folder (MDRP files, scenario.json, the three detail files)."""
    root = write_instance(scenario.instance, directory)
    header = _header(scenario)
    (root / SCENARIO_FILE).write_text(json.dumps(header, indent=2) + "\n", encoding="utf-8")
    _write_table(
        root / MERCHANTS_FILE,
        MERCHANT_COLUMNS,
        (
            (m.merchant_id, m.kind, m.area, m.pickup_extra_s, _flag(m.non_food))
            for m in scenario.merchants.values()
        ),
    )
    _write_table(root / ORDERS_FILE, ORDER_COLUMNS, map(_order_row, scenario.orders.values()))
    _write_table(
        root / RIDERS_FILE,
        RIDER_COLUMNS,
        (
            (r.rider_id, r.kind, r.area, r.days_worked_before, _flag(r.confirms_overtime))
            for r in scenario.riders.values()
        ),
    )
    if scenario.estate is not None:
        write_estate(scenario.estate, root)
    return root


# -- reading ---------------------------------------------------------------------------


class _Row:
    """One line of a detail file, with typed access that names file, line and column."""

    def __init__(self, path: Path, line: int, columns: Sequence[str], fields: list[str]) -> None:
        self.path, self.line = path, line
        self.values = dict(zip(columns, fields, strict=True))

    def fail(self, column: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.path.name} line {self.line}: {column}: {problem}")

    def text(self, column: str) -> str:
        return self.values[column]

    def integer(self, column: str, low: int = 0, high: int | None = None) -> int:
        raw = self.values[column]
        try:
            value = int(raw)
        except ValueError:
            raise self.fail(column, f"{raw!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.fail(column, f"{value} must be {bound}")
        return value

    def flag(self, column: str) -> bool:
        raw = self.values[column]
        if raw not in ("0", "1"):
            raise self.fail(column, f"{raw!r} must be 0 or 1")
        return raw == "1"

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        raw = self.values[column]
        if raw not in allowed:
            raise self.fail(column, f"{raw!r} must be one of {', '.join(allowed)}")
        return raw


def _read_table(
    root: Path, name: str, columns: Sequence[str], parse: Callable[[_Row], T]
) -> dict[str, T]:
    path = root / name
    if not path.is_file():
        raise ScenarioError(f"{path}: file is missing")
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != list(columns):
        raise ScenarioError(f"{name} line 1: the header must be: {chr(9).join(columns)}")
    found: dict[str, T] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            raise ScenarioError(
                f"{name} line {number}: expected {len(columns)} tab-separated fields, "
                f"got {len(fields)}"
            )
        if fields[0] in found:
            raise ScenarioError(f"{name} line {number}: {columns[0]} {fields[0]} appears twice")
        found[fields[0]] = parse(_Row(path, number, columns, fields))
    return found


def _need(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ScenarioError(f"{SCENARIO_FILE}: {where}{key} is missing")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ScenarioError(f"{SCENARIO_FILE}: {where}{key} has the wrong type ({value!r})")
    return value


def _number(data: dict[str, Any], key: str, where: str) -> float:
    return float(_need(data, key, (int, float), where))


def _read_mdrp(root: Path) -> Instance:
    """The folder's MDRP instance, its format errors as `ScenarioError`."""
    try:
        return read_instance(root)
    except MdrpFormatError as error:
        raise ScenarioError(str(error)) from None


def _read_header(root: Path) -> dict[str, Any]:
    """scenario.json, checked to be JSON of this format and version."""
    path = root / SCENARIO_FILE
    if not path.is_file():
        raise ScenarioError(f"{path}: file is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{SCENARIO_FILE} line {error.lineno}: not JSON ({error.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ScenarioError(f"{SCENARIO_FILE}: format must be {FORMAT_NAME!r}")
    if data.get("version") != FORMAT_VERSION:
        raise ScenarioError(
            f"{SCENARIO_FILE}: version {data.get('version')!r} is not supported "
            f"(this gigcity reads version {FORMAT_VERSION})"
        )
    return data


def _header_kind(data: dict[str, Any]) -> ScenarioKind:
    kind: ScenarioKind = _need(data, "kind", str, "")
    if kind not in get_args(ScenarioKind):
        raise ScenarioError(
            f"{SCENARIO_FILE}: kind {kind!r} must be one of weekday, weekend, rainy"
        )
    return kind


def _weather_alerts(data: dict[str, Any]) -> tuple[WeatherAlert, ...]:
    return tuple(
        WeatherAlert(
            int(_number(a, "start_min", "weather_alerts[].")),
            int(_number(a, "end_min", "weather_alerts[].")),
            str(_need(a, "level", str, "weather_alerts[].")),
            _number(a, "speed_factor", "weather_alerts[]."),
        )
        for a in _need(data, "weather_alerts", list, "")
    )


def _closures(data: dict[str, Any]) -> tuple[Closure, ...]:
    return tuple(
        Closure(
            str(_need(c, "id", str, "closures[].")),
            _number(c, "x", "closures[]."),
            _number(c, "y", "closures[]."),
            _number(c, "radius_m", "closures[]."),
            int(_number(c, "start_min", "closures[].")),
            int(_number(c, "end_min", "closures[].")),
            int(_number(c, "delay_s", "closures[].")),
        )
        for c in _need(data, "closures", list, "")
    )


def _read_merchants(root: Path) -> dict[str, MerchantDetails]:
    merchant_kinds: tuple[str, ...] = get_args(MerchantKind)
    return _read_table(
        root,
        MERCHANTS_FILE,
        MERCHANT_COLUMNS,
        lambda r: MerchantDetails(
            r.text("restaurant"),
            r.choice("kind", merchant_kinds),  # type: ignore[arg-type]
            r.text("area"),
            r.integer("pickup_extra_s", 0, 3600),
            r.flag("non_food"),
        ),
    )


def _read_orders(root: Path) -> dict[str, OrderDetails]:
    return _read_table(
        root,
        ORDERS_FILE,
        ORDER_COLUMNS,
        lambda r: OrderDetails(
            r.text("order"),
            r.integer("weight_g", 0, 200_000),
            r.flag("bulky"),
            r.integer("floor", 1, 300),
            r.flag("has_lift"),
            r.flag("lift_out_of_order"),
            r.flag("old_estate"),
            r.flag("large_complex"),
            r.flag("customer_unreachable"),
            r.integer("prep_delay_min", 0, 600),
            r.integer("predicted_delay_min", 0, 600),
        ),
    )


def _read_riders(root: Path) -> dict[str, RiderDetails]:
    rider_kinds: tuple[str, ...] = get_args(RiderKind)
    return _read_table(
        root,
        RIDERS_FILE,
        RIDER_COLUMNS,
        lambda r: RiderDetails(
            r.text("courier"),
            r.choice("kind", rider_kinds),  # type: ignore[arg-type]
            r.text("area"),
            r.integer("days_worked_before", 0, 6),
            r.flag("confirms_overtime"),
        ),
    )


def _plane(data: dict[str, Any]) -> Plane:
    return Plane(
        _number(data, "origin_lon", "plane."),
        _number(data, "origin_lat", "plane."),
        _number(data, "metres_per_degree_lon", "plane."),
        _number(data, "metres_per_degree_lat", "plane."),
    )


def _service(data: dict[str, Any]) -> ServiceDetails:
    return ServiceDetails(
        int(_number(data, "per_floor_up_s", "service.")),
        int(_number(data, "per_floor_down_s", "service.")),
        int(_number(data, "old_estate_s", "service.")),
        int(_number(data, "large_complex_s", "service.")),
        int(_number(data, "unreachable_s", "service.")),
    )


def read_scenario(directory: str | Path) -> Scenario:
    """Read a scenario folder; raise `ScenarioError` naming the file, line and field."""
    root = Path(directory)
    instance = _read_mdrp(root)
    data = _read_header(root)
    kind = _header_kind(data)
    plane_data = _need(data, "plane", dict, "")
    travel_data = _need(data, "travel", dict, "")
    service_data = _need(data, "service", dict, "")
    areas = tuple(str(a) for a in _need(data, "areas", list, ""))
    weather = _weather_alerts(data)
    closures = _closures(data)
    merchants = _read_merchants(root)
    orders = _read_orders(root)
    riders = _read_riders(root)
    _check_covered("restaurant", MERCHANTS_FILE, instance.restaurants, merchants)
    _check_covered("order", ORDERS_FILE, {o.id for o in instance.orders}, orders)
    _check_covered("courier", RIDERS_FILE, {c.id for c in instance.couriers}, riders)
    name = str(data.get("instance") or instance.name)
    return Scenario(
        name=str(_need(data, "name", str, "")),
        kind=kind,
        seed=int(_number(data, "seed", "")),
        instance=type(instance)(
            name, instance.restaurants, instance.orders, instance.couriers, instance.parameters
        ),
        plane=_plane(plane_data),
        areas=areas,
        merchants={
            m.merchant_id: merchants[m.merchant_id]
            for m in _ordered(instance.restaurants, merchants)
        },
        orders={o.id: orders[o.id] for o in instance.orders},
        riders={c.id: riders[c.id] for c in instance.couriers},
        weather=weather,
        closures=closures,
        service=_service(service_data),
        travel=_travel(travel_data),
        notes=tuple(str(n) for n in data.get("notes", [])),
        estate=read_estate(root, {o.id for o in instance.orders}),
    )


def _travel(data: dict[str, Any]) -> TravelSettings:
    settings = TravelSettings(
        _number(data, "speed_m_per_min", "travel."),
        _number(data, "route_factor", "travel."),
        _number(data, "signal_s_per_km", "travel."),
        _number(data, "rain_speed_factor", "travel."),
    )
    if (
        settings.speed_m_per_min <= 0
        or settings.route_factor < 1
        or settings.rain_speed_factor <= 0
    ):
        raise ScenarioError(
            f"{SCENARIO_FILE}: travel needs speed_m_per_min > 0, route_factor >= 1 and "
            "rain_speed_factor > 0"
        )
    return settings


def _ordered(
    restaurants: dict[str, Any], merchants: dict[str, MerchantDetails]
) -> list[MerchantDetails]:
    return [merchants[rid] for rid in restaurants]


def _check_covered(what: str, name: str, ids: Iterable[str], rows: dict[str, Any]) -> None:
    wanted = set(ids)
    missing = sorted(wanted - rows.keys())
    extra = sorted(rows.keys() - wanted)
    if missing:
        raise ScenarioError(f"{name}: no row for {what} {', '.join(missing[:5])}")
    if extra:
        raise ScenarioError(f"{name}: {what} {', '.join(extra[:5])} is not in the MDRP files")
