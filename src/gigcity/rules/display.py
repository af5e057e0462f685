"""Showing clause values the way a negotiator reads them: ¥3.50, 20 min, 3 km, 90 %."""

from __future__ import annotations

from datetime import date, time

from gigcity.rules.model import DistanceTier, NightSurcharge, Party, WeightTier
from gigcity.rules.units import duration, grams, metres, minutes, yuan

__all__ = ["clause_value", "duration", "grams", "metres", "minutes", "yuan"]


def _band(low: str, high: str | None) -> str:
    return f"{low}–{high}" if high is not None else f"above {low}"


def _distance_tiers(tiers: tuple[DistanceTier, ...]) -> str:
    parts = []
    for index, tier in enumerate(tiers):
        high = metres(tiers[index + 1].above_m) if index + 1 < len(tiers) else None
        step = f"{yuan(tier.step_fen)} once + " if tier.step_fen else ""
        parts.append(f"{_band(metres(tier.above_m), high)}: {step}{yuan(tier.fen_per_km)}/km")
    return "; ".join(parts)


def _weight_tiers(tiers: tuple[WeightTier, ...]) -> str:
    parts = []
    for index, tier in enumerate(tiers):
        high = grams(tiers[index + 1].above_g) if index + 1 < len(tiers) else None
        step = f"{yuan(tier.step_fen)} once + " if tier.step_fen else ""
        parts.append(f"{_band(grams(tier.above_g), high)}: {step}{yuan(tier.fen_per_kg)}/kg")
    return "; ".join(parts)


def clause_value(name: str, value: object) -> str:
    """Format a clause's value by the unit its field name declares."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, NightSurcharge):
        window = f"{clause_value('', value.start)}–{clause_value('', value.end)}"
        return f"{window}: {yuan(value.surcharge_fen)}"
    if isinstance(value, tuple):
        return _sequence(value)
    if isinstance(value, int):
        return _number(name, value)
    return str(value)


def _sequence(items: tuple[object, ...]) -> str:
    if not items:
        return "none"
    distance = tuple(item for item in items if isinstance(item, DistanceTier))
    if distance:
        return _distance_tiers(distance)
    weight = tuple(item for item in items if isinstance(item, WeightTier))
    if weight:
        return _weight_tiers(weight)
    return "; ".join(
        f"{item.name} ({item.role})" if isinstance(item, Party) else str(item).replace("_", " ")
        for item in items
    )


def _number(name: str, value: int) -> str:
    if "fen_per_" in name:
        return f"{yuan(value)}/{name.split('fen_per_')[1]}"
    if name.endswith("_fen"):
        return f"{yuan(value)}/h" if name.startswith("hourly") else yuan(value)
    if name.endswith("_min"):
        return minutes(value)
    if name.endswith("_pct"):
        return f"{value} %"
    if name.endswith("_m"):
        return metres(value)
    if name.endswith("_g"):
        return grams(value)
    if name.endswith("_points"):
        return f"{value:+d} points" if value else "0 points"
    if name.endswith("_floors"):
        return f"{value} floor" + ("" if value == 1 else "s")
    if name.endswith("_days"):
        return f"{value} day" + ("" if value == 1 else "s")
    return str(value)
