"""How long it takes to get from A to B: the one interface the dispatcher and simulator use.

Locations are `(x, y)` pairs in the model's own plane: metres on a flat plane for the
Euclidean model (the MDRP instances), `(lon, lat)` WGS-84 degrees for street models.
Times are seconds (float) and distances metres, whatever the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

Location = tuple[float, float]


@runtime_checkable
class TravelModel(Protocol):
    """Travel times and distances between locations, possibly depending on departure time."""

    def travel_seconds(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> float:
        """Seconds to travel from `origin` to `destination` leaving at `depart_s`."""
        ...

    def travel_seconds_many(
        self, origin: Location, destinations: Sequence[Location], depart_s: float = 0.0
    ) -> NDArray[np.float64]:
        """One-to-many travel seconds, in the order of `destinations`."""
        ...

    def distance_m(self, origin: Location, destination: Location) -> float:
        """Travelled distance in metres."""
        ...


@dataclass(frozen=True, slots=True)
class EuclideanTravel:
    """Straight-line travel at constant speed on a metric plane.

    With `whole_minutes=True` a trip takes ceil(distance / speed) whole minutes, exactly as
    the Grubhub MDRP instances define it (so the triangle inequality may fail).
    """

    metres_per_minute: float
    whole_minutes: bool = True

    def __post_init__(self) -> None:
        if not self.metres_per_minute > 0:
            raise ValueError(f"metres_per_minute must be positive, got {self.metres_per_minute}")

    def distance_m(self, origin: Location, destination: Location) -> float:
        return math.hypot(destination[0] - origin[0], destination[1] - origin[1])

    def travel_seconds(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> float:
        minutes = self.distance_m(origin, destination) / self.metres_per_minute
        if self.whole_minutes:
            minutes = math.ceil(minutes)
        return minutes * 60.0

    def travel_seconds_many(
        self, origin: Location, destinations: Sequence[Location], depart_s: float = 0.0
    ) -> NDArray[np.float64]:
        if len(destinations) == 0:
            return np.zeros(0, dtype=np.float64)
        pts = np.asarray(destinations, dtype=np.float64)
        minutes = np.hypot(pts[:, 0] - origin[0], pts[:, 1] - origin[1]) / self.metres_per_minute
        if self.whole_minutes:
            minutes = np.ceil(minutes)
        return minutes * 60.0
