"""Pricing an order into an itemised quote: one line per clause that pays, never negative."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from pydantic import BaseModel, ConfigDict, Field

from gigcity.rules.display import duration, grams, metres, yuan
from gigcity.rules.model import DistanceTier, NightSurcharge, Rulebook, WeightTier

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
    """One clause's share of an order's pay."""

    model_config = ConfigDict(frozen=True)

    clause: str
    rulebook: str
    version: int
    text: str
    amount_fen: int


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
    pricing = rulebook.pricing
    items: list[tuple[str, str, int]] = [
        ("pricing.base_fare_fen", "Base fare", pricing.base_fare_fen)
    ]
    items.append(_distance(pricing.distance_tiers, order.distance_m))
    items.append(_weight(pricing.weight_tiers, order.weight_g))
    if order.bulky:
        items.append(("pricing.bulky_fen", "Bulky order", pricing.bulky_fen))
    items.append(_stairs(rulebook, order))
    if order.old_estate:
        items.append(
            ("pricing.old_estate_fen", "Delivery into an old estate", pricing.old_estate_fen)
        )
    if pricing.night is not None and _at_night(pricing.night, order.at_s):
        items.append(("pricing.night", "Night surcharge", pricing.night.surcharge_fen))
    if order.weather_alert:
        items.append(("pricing.bad_weather_fen", "Weather alert", pricing.bad_weather_fen))
    items.append(_detour(rulebook, order))
    lines = tuple(
        QuoteLine(
            clause=clause,
            rulebook=rulebook.id,
            version=rulebook.version,
            text=text,
            amount_fen=amount,
        )
        for index, (clause, text, amount) in enumerate(items)
        if amount > 0 or index == 0
    )
    return Quote(
        rulebook=rulebook.id,
        version=rulebook.version,
        order_id=order.order_id,
        lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
    )


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


def _distance(tiers: tuple[DistanceTier, ...], distance_m: int) -> tuple[str, str, int]:
    bands = _bands([tier.above_m for tier in tiers], distance_m)
    steps = sum(tiers[index].step_fen for index, _ in bands)
    amount = steps + _per_thousand_up(sum(tiers[i].fen_per_km * inside for i, inside in bands))
    parts = [f"{metres(inside)} at {yuan(tiers[i].fen_per_km)}/km" for i, inside in bands]
    if steps:
        parts.append(f"{yuan(steps)} in tier steps")
    return "pricing.distance_tiers", f"Distance {metres(distance_m)}: " + ", ".join(parts), amount


def _weight(tiers: tuple[WeightTier, ...], weight_g: int) -> tuple[str, str, int]:
    bands = _bands([tier.above_g for tier in tiers], weight_g)
    steps = sum(tiers[index].step_fen for index, _ in bands)
    amount = steps + _per_thousand_up(sum(tiers[i].fen_per_kg * inside for i, inside in bands))
    parts = [f"{grams(inside)} at {yuan(tiers[i].fen_per_kg)}/kg" for i, inside in bands]
    if steps:
        parts.append(f"{yuan(steps)} in tier steps")
    return "pricing.weight_tiers", f"Weight {grams(weight_g)}: " + ", ".join(parts), amount


def _stairs(rulebook: Rulebook, order: OrderFacts) -> tuple[str, str, int]:
    stairs = rulebook.pricing.stairs
    climbed = 0 if order.has_lift else order.floor - 1
    paid = max(0, climbed - stairs.free_floors)
    text = (
        f"Stairs: {climbed} floors climbed without a lift, {stairs.free_floors} unpaid, "
        f"{paid} at {yuan(stairs.fen_per_floor)}"
    )
    return "pricing.stairs", text, paid * stairs.fen_per_floor


def _clock_s(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _at_night(night: NightSurcharge, at_s: int) -> bool:
    start, end, now = _clock_s(night.start), _clock_s(night.end), at_s % DAY_S
    return start <= now < end if start < end else now >= start or now < end


def _detour(rulebook: Rulebook, order: OrderFacts) -> tuple[str, str, int]:
    pay = rulebook.pricing.traffic_control_detour
    by_distance = _per_thousand_up(order.traffic_control_detour_m * pay.fen_per_km)
    by_time = -(-order.traffic_control_detour_s * pay.fen_per_min // 60)
    text = (
        f"Traffic-control detour: {metres(order.traffic_control_detour_m)} "
        f"and {duration(order.traffic_control_detour_s)} extra"
    )
    return "pricing.traffic_control_detour", text, by_distance + by_time
