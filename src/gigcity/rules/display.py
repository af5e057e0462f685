"""Showing clause values the way a negotiator reads them: ¥3.50, 20 min, 3 km, 90 %."""

from __future__ import annotations

from datetime import date, time

from gigcity.rules.model import DistanceTier, NightSurcharge, Party, WeightTier


def yuan(fen: int) -> str:
    """Integer fen as yuan, e.g. 350 -> '¥3.50', -50 -> '-¥0.50'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole}.{cents:02d}"


def minutes(total_min: int) -> str:
    """Minutes, with hours when whole: 240 -> '240 min (4 h)'."""
    if total_min >= 60 and total_min % 60 == 0:
        return f"{total_min} min ({total_min // 60} h)"
    return f"{total_min} min"


def duration(seconds: float) -> str:
    """Seconds as hours and minutes, e.g. 9000 -> '2 h 30 min'."""
    whole_min = int(seconds // 60)
    hours, mins = divmod(whole_min, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min" if whole_min else f"{int(seconds)} s"


def metres(value: int) -> str:
    return f"{value / 1000:g} km" if value >= 1000 else f"{value} m"


def grams(value: int) -> str:
    return f"{value / 1000:g} kg"


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
