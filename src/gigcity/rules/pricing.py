"""Pricing an order into an itemised quote: one line per clause that pays, never negative."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time

from pydantic import BaseModel, ConfigDict, Field

from gigcity.rules.messages import Message, say
from gigcity.rules.model import NightSurcharge, Rulebook

DAY_S = 86_400


class OrderFacts(BaseModel):
    """What pricing needs to know about one order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    order_id: str = ""
    distance_m: int = Field(ge=0, description="Planned trip from pickup to drop-off")
    weight_g: int = Field(0, ge=0)
    bulky: bool = False
    floor: int = Field(1, ge=1, le=300, description="Storey of the drop-off; 1 is the ground")
    has_lift: bool = True
    old_estate: bool = False
    weather_alert: bool = False
    at_s: int = Field(ge=0, description="Seconds since a local midnight when it is priced")
    traffic_control_detour_m: int = Field(0, ge=0, description="Extra metres a closure forced")
    traffic_control_detour_s: int = Field(0, ge=0, description="Extra seconds a closure forced")


class QuoteLine(BaseModel):
    """One clause's share of an order's pay; `message` says how it was worked out (`text`
    is the same in English)."""

    model_config = ConfigDict(frozen=True)

    clause: str
    rulebook: str
    version: int
    text: str
    amount_fen: int
    message: Message | None = None


class Quote(BaseModel):
    """An order's pay under one rulebook version, line by line."""

    model_config = ConfigDict(frozen=True)

    rulebook: str
    version: int
    order_id: str
    lines: tuple[QuoteLine, ...]
    total_fen: int


def quote_order(rulebook: Rulebook, order: OrderFacts) -> Quote:
    """Price `order` under `rulebook`; every line cites its clause."""
    lines = tuple(
        _quote_line(rulebook, clause, _TEXTS[clause](rulebook, order), amount)
        for clause, amount in _amounts(rulebook, order)
        if amount > 0 or clause == _BASE
    )
    return Quote(
        rulebook=rulebook.id,
        version=rulebook.version,
        order_id=order.order_id,
        lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
    )


def _quote_line(rulebook: Rulebook, clause: str, message: Message, amount: int) -> QuoteLine:
    return QuoteLine(
        clause=clause,
        rulebook=rulebook.id,
        version=rulebook.version,
        text=message.english(),
        amount_fen=amount,
        message=message,
    )


def order_pay_fen(rulebook: Rulebook, order: OrderFacts) -> int:
    """`quote_order(rulebook, order).total_fen` without the lines: for simulating many days."""
    return sum(amount for _, amount in _amounts(rulebook, order))


_BASE = "pricing.base_fare_fen"


def _amounts(rulebook: Rulebook, order: OrderFacts) -> list[tuple[str, int]]:
    pricing = rulebook.pricing
    night = pricing.night
    detour = pricing.traffic_control_detour
    return [
        (_BASE, pricing.base_fare_fen),
        (
            "pricing.distance_tiers",
            _tiered_pay(
                [(t.above_m, t.step_fen, t.fen_per_km) for t in pricing.distance_tiers],
                order.distance_m,
            ),
        ),
        (
            "pricing.weight_tiers",
            _tiered_pay(
                [(t.above_g, t.step_fen, t.fen_per_kg) for t in pricing.weight_tiers],
                order.weight_g,
            ),
        ),
        ("pricing.bulky_fen", pricing.bulky_fen if order.bulky else 0),
        ("pricing.stairs", _paid_floors(rulebook, order) * pricing.stairs.fen_per_floor),
        ("pricing.old_estate_fen", pricing.old_estate_fen if order.old_estate else 0),
        (
            "pricing.night",
            night.surcharge_fen if night is not None and _at_night(night, order.at_s) else 0,
        ),
        ("pricing.bad_weather_fen", pricing.bad_weather_fen if order.weather_alert else 0),
        (
            "pricing.traffic_control_detour",
            _per_thousand_up(order.traffic_control_detour_m * detour.fen_per_km)
            - (-order.traffic_control_detour_s * detour.fen_per_min // 60),
        ),
    ]


def _per_thousand_up(units_times_rate: int) -> int:
    # Rates are per km / per kg; fractions of a fen round in the rider's favour.
    return -(-units_times_rate // 1000)


def _bands(thresholds: Sequence[int], value: int) -> list[tuple[int, int]]:
    """(tier index, units inside that tier's band) for every band `value` reaches into."""
    bands: list[tuple[int, int]] = []
    for index, low in enumerate(thresholds):
        high = thresholds[index + 1] if index + 1 < len(thresholds) else None
        inside = (min(value, high) if high is not None else value) - low
        if inside > 0:
            bands.append((index, inside))
    return bands


def _tiered_pay(tiers: list[tuple[int, int, int]], value: int) -> int:
    """Tiers as (above, step_fen, fen_per_1000_units): steps once, rates on each band."""
    bands = _bands([above for above, _, _ in tiers], value)
    steps = sum(tiers[index][1] for index, _ in bands)
    return steps + _per_thousand_up(sum(tiers[index][2] * inside for index, inside in bands))


def _paid_floors(rulebook: Rulebook, order: OrderFacts) -> int:
    climbed = 0 if order.has_lift else order.floor - 1
    return max(0, climbed - rulebook.pricing.stairs.free_floors)


def _clock_s(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _at_night(night: NightSurcharge, at_s: int) -> bool:
    start, end, now = _clock_s(night.start), _clock_s(night.end), at_s % DAY_S
    return start <= now < end if start < end else now >= start or now < end


# --- what each line says (only built for quotes) ---------------------------------------------


def _distance_text(rulebook: Rulebook, order: OrderFacts) -> Message:
    tiers = rulebook.pricing.distance_tiers
    bands = _bands([tier.above_m for tier in tiers], order.distance_m)
    parts = [
        say("pricing.distance_band", length_m=inside, rate_fen=tiers[i].fen_per_km)
        for i, inside in bands
    ]
    steps = sum(tiers[index].step_fen for index, _ in bands)
    if steps:
        parts.append(say("pricing.tier_steps", steps_fen=steps))
    return say("pricing.distance", distance_m=order.distance_m, bands=tuple(parts))


def _weight_text(rulebook: Rulebook, order: OrderFacts) -> Message:
    tiers = rulebook.pricing.weight_tiers
    bands = _bands([tier.above_g for tier in tiers], order.weight_g)
    parts = [
        say("pricing.weight_band", weight_g=inside, rate_fen=tiers[i].fen_per_kg)
        for i, inside in bands
    ]
    steps = sum(tiers[index].step_fen for index, _ in bands)
    if steps:
        parts.append(say("pricing.tier_steps", steps_fen=steps))
    return say("pricing.weight", weight_g=order.weight_g, bands=tuple(parts))


def _stairs_text(rulebook: Rulebook, order: OrderFacts) -> Message:
    stairs = rulebook.pricing.stairs
    return say(
        "pricing.stairs",
        climbed=0 if order.has_lift else order.floor - 1,
        free=stairs.free_floors,
        paid=_paid_floors(rulebook, order),
        rate_fen=stairs.fen_per_floor,
    )


def _detour_text(rulebook: Rulebook, order: OrderFacts) -> Message:
    return say(
        "pricing.detour",
        detour_m=order.traffic_control_detour_m,
        detour_s=order.traffic_control_detour_s,
    )


def _fixed(message_id: str) -> Callable[[Rulebook, OrderFacts], Message]:
    message = say(message_id)
    return lambda _rulebook, _order: message


_TEXTS: dict[str, Callable[[Rulebook, OrderFacts], Message]] = {
    _BASE: _fixed("pricing.base_fare"),
    "pricing.distance_tiers": _distance_text,
    "pricing.weight_tiers": _weight_text,
    "pricing.bulky_fen": _fixed("pricing.bulky"),
    "pricing.stairs": _stairs_text,
    "pricing.old_estate_fen": _fixed("pricing.old_estate"),
    "pricing.night": _fixed("pricing.night"),
    "pricing.bad_weather_fen": _fixed("pricing.bad_weather"),
    "pricing.traffic_control_detour": _detour_text,
}
