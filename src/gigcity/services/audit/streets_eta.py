"""The district's streets as the ETA check's own estimate: the ride from pickup to door on
the loaded street graph, with each traffic light's wait at the predicted arrival."""

from __future__ import annotations

from gigcity.geo.streets.travel import StreetTravel

# Farther than this from the nearest street, a point is outside the district's streets
# (another city, or a wrong coordinate): the platform's own figures are used instead.
MAX_SNAP_M = 300.0


class StreetRides:
    """A `checks.RideEstimator` on a `StreetTravel`."""

    def __init__(self, travel: StreetTravel, *, max_snap_m: float = MAX_SNAP_M) -> None:
        self.travel = travel
        self.max_snap_m = max_snap_m

    def ride(
        self, origin: tuple[float, float], destination: tuple[float, float], depart_unix_s: float
    ) -> tuple[float, float] | None:
        snap = self.travel.snap_distance_m
        if snap(origin) > self.max_snap_m or snap(destination) > self.max_snap_m:
            return None
        route = self.travel.route(origin, destination, depart_unix_s - self.travel.clock_origin_s)
        if route is None:
            return None
        return route.moving_s, route.signal_wait_s
