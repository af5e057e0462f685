"""One canteen's rounds as a solver sees them: a VRP with time windows, free of our types.

Stop `j` (0-based) is location `j + 1`; location 0 is the kitchen. Each vehicle is one
rider's trip slot: it leaves the kitchen exactly at `start_s` (seconds after the kitchen is
ready), carries at most `capacity` meals, and must finish its last stop within `limit_s`
of leaving and by `deadline_s`; it may only visit the stops in `allowed`, and pays
`penalty` for each stop it visits (none for its own elders, more for a backup's, most for
another rider's). Stops are optional with a prize larger than
any cost, so a stop is left out only when no slot can take it. Times are whole seconds
rounded up, so a route feasible here is feasible on the exact clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class VehicleSlot:
    rider: int
    """Index of the rider (vehicles of one rider share `allowed` and `penalty`)."""
    start_s: int
    capacity: int
    deadline_s: int
    fixed_cost: int
    """Charged when the slot is used: fewer and earlier boxes are better."""


@dataclass(frozen=True, slots=True)
class RoundsInstance:
    travel_s: IntArray
    """(n + 1) x (n + 1): kitchen first, then the stops."""
    door_s: IntArray
    meals: IntArray
    vehicles: tuple[VehicleSlot, ...]
    allowed: BoolArray
    """(riders, n): may rider r bring stop j (its primary or backup, and present)."""
    penalty: IntArray
    """(riders, n): what it costs that rider r rather than the primary brings stop j."""
    limit_s: int
    prize: int

    @property
    def stops(self) -> int:
        return int(self.door_s.shape[0])


class RouteSolver(Protocol):
    """Solves a `RoundsInstance`: per vehicle, the stops it visits in order (0-based)."""

    name: str

    def __call__(
        self, instance: RoundsInstance, *, seed: int, time_limit_s: float, iterations: int
    ) -> Sequence[Sequence[int]]: ...


def route_cost(instance: RoundsInstance, vehicle: int, route: Sequence[int]) -> int:
    """The objective's part for one route: travel out and back, backup penalties, the
    slot's fixed cost (0 for an empty route). For comparing solvers on equal terms."""
    if not route:
        return 0
    slot = instance.vehicles[vehicle]
    here, cost = 0, slot.fixed_cost
    for stop in route:
        cost += int(instance.travel_s[here, stop + 1])
        cost += int(instance.penalty[slot.rider, stop])
        here = stop + 1
    return cost + int(instance.travel_s[here, 0])
