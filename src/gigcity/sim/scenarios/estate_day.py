"""The part of a day that goes into a giant estate: the estate and, per order, its building,
the search time a rider without a guide would lose and the address's consent draw.

Drawn once when the day is generated, so every variant (guide or not, relay or not) replays
the same orders with the same draws (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from gigcity.geo.estates.model import Estate


@dataclass(frozen=True, slots=True)
class EstateOrder:
    order_id: str
    building: str
    """The building's ref."""
    search_s: float
    """Seconds a rider without a guide loses finding the building (an assumption's draw)."""
    consent_u: float
    """Uniform in [0, 1): the address consented to relay when this is below the share."""


@dataclass(frozen=True, slots=True)
class EstateDay:
    estate: Estate
    orders: dict[str, EstateOrder]
    """By order id: the day's orders addressed into the estate."""
