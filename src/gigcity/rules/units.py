"""Amounts in the engine's units as English text: ¥3.50, 20 min, 3 km, 1.5 kg."""

from __future__ import annotations


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
