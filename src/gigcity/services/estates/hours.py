"""An estate's gate and hand-off hours, read as the friendly map reads a service point's
(`services.places.parse_opening_hours`: the weekly form, OSM opening_hours, China's public
holidays). One reading for the check when an estate is saved, the guide's gates and the
relay points, so what is accepted is what is obeyed. Empty hours mean always open."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from gigcity.services.places import OpeningHours, parse_opening_hours


@lru_cache(maxsize=1024)
def _parsed(hours: str) -> OpeningHours | None:
    """The hours read once per worker (the same few texts are asked about all day)."""
    try:
        return parse_opening_hours(hours)
    except ValueError:
        return None


def hours_problem(hours: str) -> str | None:
    """What is wrong with the hours, or None when they can be read ("" included)."""
    if not hours.strip():
        return None
    try:
        parse_opening_hours(hours)
    except ValueError as exc:
        return str(exc)
    return None


def open_at(hours: str, local: datetime) -> bool:
    """Open at local time `local` (its wall-clock time). Unreadable hours, which a saved
    estate cannot have, close nothing."""
    if not hours.strip():
        return True
    parsed = _parsed(hours.strip())
    return parsed is None or parsed.is_open(local)
