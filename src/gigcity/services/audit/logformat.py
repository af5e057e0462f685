"""The published decision-log format (gigcity-decision-log/1): one row per record, its kind
in the `kind` column, the same columns in JSON Lines, CSV and Parquet.

One table rather than five files keeps an upload one file with one SHA-256, and lets CSV and
Parquet carry the log as well as JSON Lines. A column a kind does not use is left empty.
Times are ISO 8601 (with an offset; without one they are the district's local time) or, in
Parquet, timestamps. Money is integer fen, distances metres, durations seconds, weights grams.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

FORMAT = "gigcity-decision-log/1"

ColumnType = Literal["string", "integer", "number", "boolean", "time"]


class Kind(StrEnum):
    order = "order"  # one delivery: its times, weight, stairs, promise and how it was made
    trip = "trip"  # one assignment: which orders a rider carries together, and the route
    work = "work"  # one interval of a rider's day: delivering, waiting for orders, or resting
    pay = "pay"  # one pay line (or deduction, negative) of a rider's day
    traffic_control = "traffic_control"  # a traffic-control event the platform knew of


class Activity(StrEnum):
    delivering = "delivering"  # on an order: from accepting it to delivering it
    waiting = "waiting"  # online, waiting for an order
    rest = "rest"  # a rest the rider took (or was given)


class PayLine(StrEnum):
    """What a pay line is for; each difficult-order line answers one clause of the rules."""

    base = "base"
    distance = "distance"
    weight = "weight"  # pricing.weight_tiers
    bulky = "bulky"  # pricing.bulky_fen
    stairs = "stairs"  # pricing.stairs
    old_estate = "old_estate"
    night = "night"
    weather = "weather"
    detour = "detour"  # pricing.traffic_control_detour
    guarantee = "guarantee"  # the top-up to the hourly minimum
    bonus = "bonus"
    deduction = "deduction"  # money taken: `reason` says why
    other = "other"


class DeductionReason(StrEnum):
    lateness = "lateness"  # overtime / late delivery
    complaint = "complaint"
    damage = "damage"
    other = "other"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    kinds: tuple[Kind, ...]
    required: tuple[Kind, ...]
    description: str
    minimum: int | None = None
    values: tuple[str, ...] | None = None


_O, _T, _W, _P, _C = Kind.order, Kind.trip, Kind.work, Kind.pay, Kind.traffic_control

COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        "string",
        tuple(Kind),
        tuple(Kind),
        "What the row records.",
        values=tuple(k.value for k in Kind),
    ),
    Column(
        "rider",
        "string",
        (_O, _T, _W, _P),
        (_T, _W, _P),
        "The platform's rider id (pseudonymised before a report is shared).",
    ),
    Column("order", "string", (_O, _P), (_O,), "The platform's order id."),
    Column("trip", "string", (_O, _T), (_T,), "The trip (assignment) an order was carried on."),
    Column(
        "event",
        "string",
        (_O, _C),
        (_C,),
        "A traffic-control event's id; on an order: the event that forced its detour.",
    ),
    Column("placed_at", "time", (_O,), (_O,), "When the customer placed the order."),
    Column("ready_at", "time", (_O,), (), "When the food was ready."),
    Column("picked_up_at", "time", (_O,), (), "When the rider picked the order up."),
    Column("delivered_at", "time", (_O,), (), "When it was delivered (empty: not delivered)."),
    Column("promised_at", "time", (_O,), (_O,), "The delivery time promised to the customer."),
    Column(
        "distance_m",
        "integer",
        (_O, _T),
        (),
        "Order: pickup to drop-off, planned; trip: the route.",
        minimum=0,
    ),
    Column("weight_g", "integer", (_O,), (), "The order's weight.", minimum=0),
    Column("bulky", "boolean", (_O,), (), "The order is bulky."),
    Column(
        "floors_walked",
        "integer",
        (_O,),
        (),
        "Floors climbed on foot to the door (no lift): a 6th floor walk-up is 5.",
        minimum=0,
    ),
    Column(
        "eta_method",
        "string",
        (_O,),
        (),
        "How the promise was computed, in the platform's words (e.g. signals+closures+prep).",
    ),
    Column("eta_travel_s", "number", (_O,), (), "The promise's riding time.", minimum=0),
    Column("eta_signal_s", "number", (_O,), (), "The promise's traffic-light waits.", minimum=0),
    Column(
        "eta_closure_s", "number", (_O,), (), "The promise's traffic-control delays.", minimum=0
    ),
    Column(
        "eta_prep_s", "number", (_O,), (), "The promise's predicted preparation time.", minimum=0
    ),
    Column("solo_s", "number", (_O,), (), "Pickup to drop-off if carried alone.", minimum=0),
    Column("solo_m", "number", (_O,), (), "Its distance if carried alone.", minimum=0),
    Column("trip_s", "number", (_O,), (), "Pickup to drop-off inside its trip.", minimum=0),
    Column("trip_m", "number", (_O,), (), "Its distance inside its trip.", minimum=0),
    Column(
        "detour_m", "number", (_O,), (), "Extra metres a traffic-control event forced.", minimum=0
    ),
    Column(
        "detour_s", "number", (_O,), (), "Extra seconds a traffic-control event forced.", minimum=0
    ),
    Column(
        "counted_late",
        "boolean",
        (_O,),
        (),
        "The platform counted the order late against the rider (score, rank or money).",
    ),
    Column(
        "late_cause",
        "string",
        (_O,),
        (),
        "The cause of a delay the platform recorded (traffic_control, weather_alert, ...).",
    ),
    Column("assigned_at", "time", (_T,), (), "When the trip was assigned."),
    Column(
        "route",
        "string",
        (_T,),
        (),
        "The stops in order, space-separated: P:<order> for a pickup, D:<order> a drop-off.",
    ),
    Column(
        "activity",
        "string",
        (_W,),
        (_W,),
        "What the rider was doing.",
        values=tuple(a.value for a in Activity),
    ),
    Column("start_at", "time", (_W, _C), (_W, _C), "Start of the interval or event."),
    Column("end_at", "time", (_W, _C), (_W, _C), "End of the interval or event."),
    Column(
        "overtime_confirmed",
        "boolean",
        (_W,),
        (),
        "The rider confirmed working past the daily threshold for this interval.",
    ),
    Column("at", "time", (_P,), (_P,), "When the line was paid or taken (its day counts)."),
    Column(
        "line",
        "string",
        (_P,),
        (_P,),
        "What the line is for.",
        values=tuple(p.value for p in PayLine),
    ),
    Column("amount_fen", "integer", (_P,), (_P,), "Fen; negative for a deduction."),
    Column(
        "reason",
        "string",
        (_P,),
        (),
        "Why money was taken (for a deduction).",
        values=tuple(r.value for r in DeductionReason),
    ),
    Column("area", "string", (_C,), (), "Where the traffic control was, in words."),
    # Where an order was picked up and delivered (WGS-84): with them, and the district's
    # streets loaded, the ETA check estimates the ride itself.
    Column("pickup_lon", "number", (_O,), (), "Pickup longitude (WGS-84)."),
    Column("pickup_lat", "number", (_O,), (), "Pickup latitude (WGS-84)."),
    Column("dropoff_lon", "number", (_O,), (), "Drop-off longitude (WGS-84)."),
    Column("dropoff_lat", "number", (_O,), (), "Drop-off latitude (WGS-84)."),
)

COLUMN_NAMES = tuple(c.name for c in COLUMNS)
TIME_COLUMNS = tuple(c.name for c in COLUMNS if c.type == "time")
BY_NAME = {c.name: c for c in COLUMNS}


def required_columns(kind: Kind) -> tuple[str, ...]:
    return tuple(c.name for c in COLUMNS if kind in c.required)


_JSON_TYPES: dict[ColumnType, dict[str, Any]] = {
    "string": {"type": "string", "minLength": 1},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "time": {"type": "string", "format": "date-time"},
}


def _property(column: Column) -> dict[str, Any]:
    schema: dict[str, Any] = {**_JSON_TYPES[column.type], "description": column.description}
    if column.minimum is not None:
        schema["minimum"] = column.minimum
    if column.values is not None and column.name != "kind":
        schema["enum"] = list(column.values)
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of a JSON Lines decision log."""
    variants = []
    for kind in Kind:
        columns = [c for c in COLUMNS if kind in c.kinds]
        variants.append(
            {
                "title": kind.value,
                "type": "object",
                "properties": {
                    "kind": {"const": kind.value},
                    **{c.name: _property(c) for c in columns if c.name != "kind"},
                },
                "required": list(required_columns(kind)),
                "additionalProperties": False,
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gigcity.example/schemas/decision-log-1.json",
        "title": FORMAT,
        "description": (
            "One record of a platform's decision log, checked by gigcity's algorithm audit "
            "against the labour-rules agreement in force. Money in fen, durations in seconds, "
            "distances in metres, weights in grams."
        ),
        "oneOf": variants,
    }
