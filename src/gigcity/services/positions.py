"""A position a caller gave, checked once the same way by every service."""

from __future__ import annotations

from gigcity.geo.coords import validate_lon_lat
from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput


def check_position(lon: float, lat: float, *, field: str | None = None) -> None:
    """A real WGS-84 position, or InvalidInput naming `field` and what is wrong."""
    try:
        validate_lon_lat(lon, lat)
    except ValueError as exc:
        raise InvalidInput(
            N_("The position is not valid: {reason}."), field=field, reason=str(exc)
        ) from exc
