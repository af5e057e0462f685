"""The default travel model of a scenario: e-bikes on the plane, weather, lights, closures.

A trip's street distance is the straight line times a route factor; its time is that
distance at the e-bike's moving speed (slower in rain and under weather alerts), plus the
expected waits at traffic lights, plus a detour round any traffic-control closure in force
that the straight line crosses. It implements `gigcity.geo.TravelModel`, and computes whole
matrices at once (`matrix_s`, `pairs_s`) for the dispatcher. A street-network model can
replace it through `OnPlane`, which hands it longitude/latitude.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.travel import Location, TravelModel
from gigcity.sim.scenarios.model import Closure, Plane, Scenario, TravelSettings, WeatherAlert

FloatArray = NDArray[np.float64]


def _points(locations: Sequence[Location] | FloatArray) -> FloatArray:
    points = np.asarray(locations, dtype=np.float64)
    return points.reshape(-1, 2) if points.size else np.zeros((0, 2), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class TripParts:
    """A trip's time split the way promises need it (seconds; metres for the detour)."""

    moving_s: FloatArray
    signal_s: FloatArray
    closure_s: FloatArray
    closure_m: FloatArray

    @property
    def total_s(self) -> FloatArray:
        total: FloatArray = self.moving_s + self.signal_s + self.closure_s
        return total


@dataclass(frozen=True, slots=True)
class DistrictTravel:
    settings: TravelSettings
    weather: tuple[WeatherAlert, ...] = ()
    closures: tuple[Closure, ...] = ()
    _schedule: tuple[list[float], list[tuple[Closure, ...]]] = field(
        init=False, repr=False, compare=False
    )
    """The times the closures in force change, and those in force from each on."""

    def __post_init__(self) -> None:
        # Every trip asks which closures are in force: looked up, not tested one by one.
        changes = sorted({float(t * 60) for c in self.closures for t in (c.start_min, c.end_min)})
        in_force = [tuple(c for c in self.closures if c.active(at)) for at in [-math.inf, *changes]]
        object.__setattr__(self, "_schedule", (changes, in_force))

    def active_closures(self, at_s: float) -> tuple[Closure, ...]:
        """The closures in force at `at_s` (`Closure.active`), in their order."""
        changes, in_force = self._schedule
        return in_force[bisect_right(changes, at_s)]

    @classmethod
    def for_scenario(cls, scenario: Scenario) -> DistrictTravel:
        return cls(scenario.travel, scenario.weather, scenario.closures)

    def without_closures(self) -> DistrictTravel:
        """The same streets as a planner that is not told about traffic control sees them."""
        return replace(self, closures=())

    def speed_factor(self, at_s: float) -> float:
        factor = self.settings.rain_speed_factor
        for alert in self.weather:
            if alert.active(at_s):
                factor = min(factor, alert.speed_factor * self.settings.rain_speed_factor)
        return factor

    # -- TravelModel -------------------------------------------------------------------

    def distance_m(self, origin: Location, destination: Location) -> float:
        straight = math.hypot(destination[0] - origin[0], destination[1] - origin[1])
        return straight * self.settings.route_factor

    def travel_seconds(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> float:
        return float(self.pairs_s([origin], [destination], depart_s)[0])

    def travel_seconds_many(
        self, origin: Location, destinations: Sequence[Location], depart_s: float = 0.0
    ) -> FloatArray:
        if len(destinations) == 0:
            return np.zeros(0, dtype=np.float64)
        row: FloatArray = self.matrix_s([origin], destinations, depart_s)[0]
        return row

    def leg(
        self, origin: Location, destination: Location, depart_s: float
    ) -> tuple[float, float, float]:
        """One trip as (seconds, closure detour metres, closure seconds), without NumPy."""
        s = self.settings
        per_metre_s = 60.0 / (s.speed_m_per_min * self.speed_factor(depart_s))
        dx, dy = destination[0] - origin[0], destination[1] - origin[1]
        route_m = math.hypot(dx, dy) * s.route_factor
        detour_m = delay_s = 0.0
        for closure in self.active_closures(depart_s):
            # A leg that cannot meet the closure has no detour (`_near`'s test, on floats).
            if _may_meet(origin, dx, dy, closure):
                extra = float(
                    _detour_m(
                        np.array(origin, dtype=np.float64),
                        np.array(dx, dtype=np.float64),
                        np.array(dy, dtype=np.float64),
                        closure,
                    )
                )
                if extra > 0:
                    detour_m += extra * s.route_factor
                    delay_s += closure.delay_s if extra > 0.01 else 0.0
        closure_s = detour_m * per_metre_s + delay_s
        total = route_m * per_metre_s + route_m * s.signal_s_per_km / 1000.0 + closure_s
        return total, detour_m, closure_s

    # -- whole arrays ------------------------------------------------------------------

    def matrix_s(
        self,
        origins: Sequence[Location] | FloatArray,
        destinations: Sequence[Location] | FloatArray,
        depart_s: float = 0.0,
    ) -> FloatArray:
        """Seconds from every origin (rows) to every destination (columns)."""
        orig, dest = _points(origins), _points(destinations)
        dx = dest[None, :, 0] - orig[:, None, 0]
        dy = dest[None, :, 1] - orig[:, None, 1]
        return self._total_s(orig[:, None, :], dx, dy, depart_s, (orig, dest))

    def pairs_s(
        self,
        origins: Sequence[Location] | FloatArray,
        destinations: Sequence[Location] | FloatArray,
        depart_s: float = 0.0,
    ) -> FloatArray:
        """Seconds from origins[i] to destinations[i]."""
        orig, dest = _points(origins), _points(destinations)
        dx, dy = dest[:, 0] - orig[:, 0], dest[:, 1] - orig[:, 1]
        return self._total_s(orig, dx, dy, depart_s, (orig, dest))

    def parts(
        self,
        origins: Sequence[Location] | FloatArray,
        destinations: Sequence[Location] | FloatArray,
        depart_s: float = 0.0,
    ) -> TripParts:
        """Moving time, traffic-light waits and closure detour of each origin[i] -> dest[i]."""
        orig, dest = _points(origins), _points(destinations)
        return self._parts(orig, dest[:, 0] - orig[:, 0], dest[:, 1] - orig[:, 1], depart_s)

    def _total_s(
        self,
        orig: FloatArray,
        dx: FloatArray,
        dy: FloatArray,
        depart_s: float,
        ends: tuple[FloatArray, FloatArray],
    ) -> FloatArray:
        """`_parts(...).total_s`, the same arithmetic element by element, without the parts.

        A trip no active closure is near has a closure term of +0.0, and x + 0.0 is x for
        every x >= +0.0: only the few near ones get it added (the dispatcher's matrices are
        large, the closures small). `ends`: the trips' origin and destination points.
        """
        s = self.settings
        per_metre_s = 60.0 / (s.speed_m_per_min * self.speed_factor(depart_s))
        route_m = np.hypot(dx, dy) * s.route_factor
        total: FloatArray = route_m * per_metre_s + route_m * (s.signal_s_per_km / 1000.0)
        active: Sequence[Closure] = self.active_closures(depart_s)
        if active and total.size:
            # Closures far from every trip (most, for a trip's few drop-offs) are left out.
            points = np.concatenate(ends)
            low, high = points.min(axis=0).tolist(), points.max(axis=0).tolist()
            active = [closure for closure in active if _may_reach(low, high, closure)]
        if not active:
            return total
        x0 = np.broadcast_to(orig[..., 0], dx.shape).ravel()
        y0 = np.broadcast_to(orig[..., 1], dx.shape).ravel()
        flat_dx, flat_dy = dx.ravel(), dy.ravel()
        nears = [_near(x0, y0, flat_dx, flat_dy, closure) for closure in active]
        rows = nears[0] if len(nears) == 1 else np.flatnonzero(_any_of(nears, flat_dx.size))
        if rows.size == 0:
            return total
        detour_m = np.zeros(rows.size, dtype=np.float64)
        delay_s = np.zeros(rows.size, dtype=np.float64)
        for closure, near in zip(active, nears, strict=True):
            extra = _detour_exact(x0[near], y0[near], flat_dx[near], flat_dy[near], closure)
            if near is not rows:  # one closure of several: its trips among all near ones
                extra, placed = np.zeros(rows.size, dtype=np.float64), extra
                extra[np.searchsorted(rows, near)] = placed
            detour_m += extra * s.route_factor
            delay_s += np.where(extra > 0.01, float(closure.delay_s), 0.0)
        # Through a flat view rather than `.flat` (several times faster, the same numbers).
        total = np.ascontiguousarray(total)
        flat_total = total.reshape(-1)
        flat_total[rows] = flat_total[rows] + (detour_m * per_metre_s + delay_s)
        return total

    def _parts(
        self, orig: FloatArray, dx: FloatArray, dy: FloatArray, depart_s: float
    ) -> TripParts:
        s = self.settings
        per_metre_s = 60.0 / (s.speed_m_per_min * self.speed_factor(depart_s))
        route_m = np.hypot(dx, dy) * s.route_factor
        detour_m = np.zeros_like(route_m)
        delay_s = np.zeros_like(route_m)
        for closure in self.active_closures(depart_s):
            extra = _detour_m(orig, dx, dy, closure)
            detour_m += extra * s.route_factor
            delay_s += np.where(extra > 0.01, float(closure.delay_s), 0.0)
        return TripParts(
            moving_s=route_m * per_metre_s,
            signal_s=route_m * (s.signal_s_per_km / 1000.0),
            closure_s=detour_m * per_metre_s + delay_s,
            closure_m=detour_m,
        )


def _detour_m(orig: FloatArray, dx: FloatArray, dy: FloatArray, closure: Closure) -> FloatArray:
    """Extra straight-line metres to go round the closure's disc instead of through it.

    A segment that passes through the disc (both ends outside it) follows the shorter arc
    instead of the chord. A segment that starts or ends inside is let through (residents'
    and delivery access), as is one that only touches the rim.
    """
    x0 = np.broadcast_to(orig[..., 0], dx.shape)
    y0 = np.broadcast_to(orig[..., 1], dx.shape)
    near = _near(x0, y0, dx, dy, closure)
    result: FloatArray = np.zeros(dx.shape, dtype=np.float64)
    if near.size:
        result.flat[near] = _detour_exact(
            x0.ravel()[near], y0.ravel()[near], dx.ravel()[near], dy.ravel()[near], closure
        )
    return result


def _any_of(indices: list[NDArray[np.intp]], size: int) -> NDArray[np.bool_]:
    """A mask of `size` with the given flat indices set."""
    mask = np.zeros(size, dtype=np.bool_)
    for chosen in indices:
        mask[chosen] = True
    return mask


_SLACK_M = 1.0
"""Metres a segment's computed end (origin + (destination - origin)) may be taken to stray
from the destination: far more than rounding (well under a micrometre on a district)."""


def _may_reach(
    low: Sequence[float], high: Sequence[float], closure: Closure, slack_m: float = _SLACK_M
) -> bool:
    """Whether the box [low, high] (x, y), grown by `slack_m`, meets the closure's disc's
    bounding box: if not, no segment between points in the box meets it (`_near`)."""
    r = closure.radius_m
    return (
        low[0] - slack_m < closure.x + r
        and high[0] + slack_m > closure.x - r
        and low[1] - slack_m < closure.y + r
        and high[1] + slack_m > closure.y - r
    )


def _may_meet(origin: Location, dx: float, dy: float, closure: Closure) -> bool:
    """`_near` for one segment: its bounding box meets the closure's disc's."""
    x0, y0 = origin
    x1, y1 = x0 + dx, y0 + dy
    return _may_reach((min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1)), closure, 0.0)


def _near(
    x0: FloatArray, y0: FloatArray, dx: FloatArray, dy: FloatArray, closure: Closure
) -> NDArray[np.intp]:
    """Flat indices of the segments whose bounding box meets the closure's disc's.

    Only those can cross it: the exact test runs on those few (a closure is small beside a
    district), with the same arithmetic.
    """
    r = closure.radius_m
    return np.flatnonzero(
        (np.minimum(x0, x0 + dx) < closure.x + r)
        & (np.maximum(x0, x0 + dx) > closure.x - r)
        & (np.minimum(y0, y0 + dy) < closure.y + r)
        & (np.maximum(y0, y0 + dy) > closure.y - r)
    )


def _detour_exact(
    x0: FloatArray, y0: FloatArray, dx: FloatArray, dy: FloatArray, closure: Closure
) -> FloatArray:
    px = closure.x - x0
    py = closure.y - y0
    length2 = dx * dx + dy * dy
    safe = np.where(length2 > 0, length2, 1.0)
    t = (px * dx + py * dy) / safe
    # Perpendicular distance from the centre to the line.
    cross = np.abs(px * dy - py * dx) / np.sqrt(safe)
    r = closure.radius_m
    start_out = px * px + py * py > r * r
    ex, ey = px - dx, py - dy
    end_out = ex * ex + ey * ey > r * r
    crosses = (length2 > 0) & (t > 0) & (t < 1) & (cross < r) & start_out & end_out
    ratio = np.clip(cross / r, 0.0, 1.0)
    arc = r * 2.0 * np.arccos(ratio)
    chord = 2.0 * np.sqrt(np.maximum(r * r - cross * cross, 0.0))
    # Rounding can make a grazing segment's arc a hair shorter than its chord.
    result: FloatArray = np.where(crosses, np.maximum(arc - chord, 0.0), 0.0)
    return result


@dataclass(frozen=True, slots=True)
class OnPlane:
    """A travel model that works in longitude/latitude (e.g. `StreetTravel`), on the plane."""

    model: TravelModel
    plane: Plane

    def _lon_lat(self, point: Location) -> Location:
        return self.plane.to_lon_lat(point[0], point[1])

    def distance_m(self, origin: Location, destination: Location) -> float:
        return self.model.distance_m(self._lon_lat(origin), self._lon_lat(destination))

    def travel_seconds(
        self, origin: Location, destination: Location, depart_s: float = 0.0
    ) -> float:
        return self.model.travel_seconds(
            self._lon_lat(origin), self._lon_lat(destination), depart_s
        )

    def travel_seconds_many(
        self, origin: Location, destinations: Sequence[Location], depart_s: float = 0.0
    ) -> FloatArray:
        return self.model.travel_seconds_many(
            self._lon_lat(origin), [self._lon_lat(d) for d in destinations], depart_s
        )
