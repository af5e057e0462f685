"""The scenario travel model's fast paths give exactly the numbers of its full arithmetic."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.sim.scenarios.model import Closure, TravelSettings, WeatherAlert
from gigcity.sim.scenarios.travel import DistrictTravel, _detour_m

SETTINGS = TravelSettings(
    speed_m_per_min=250.0, route_factor=1.3, signal_s_per_km=40.0, rain_speed_factor=1.0
)
CLOSURES = (
    Closure("near", 1000.0, 1000.0, 300.0, 600, 700, 60),
    Closure("touching", 1400.0, 1000.0, 200.0, 650, 800, 90),
    Closure("later", 3000.0, 500.0, 250.0, 900, 1000, 30),
)
TRAVEL = DistrictTravel(SETTINGS, (WeatherAlert(620, 680, "orange", 0.7),), CLOSURES)

coordinate = st.one_of(
    st.floats(-500.0, 4000.0, allow_nan=False),
    st.sampled_from([700.0, 1000.0, 1300.0, 1200.0, 1600.0]),  # on rims and centres
)
point = st.tuples(coordinate, coordinate)
# Before, during one, during two overlapping closures, and after.
departure = st.sampled_from([0.0, 610 * 60.0, 660 * 60.0, 690 * 60.0, 950 * 60.0, 1100 * 60.0])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(point, min_size=1, max_size=12), st.lists(point, min_size=1, max_size=12), departure
)
def test_matrix_and_pairs_are_the_parts_totals(
    origins: list[tuple[float, float]], destinations: list[tuple[float, float]], depart_s: float
) -> None:
    orig, dest = np.array(origins), np.array(destinations)
    dx = dest[None, :, 0] - orig[:, None, 0]
    dy = dest[None, :, 1] - orig[:, None, 1]
    full = TRAVEL._parts(orig[:, None, :], dx, dy, depart_s).total_s
    assert TRAVEL.matrix_s(origins, destinations, depart_s).tobytes() == full.tobytes()
    n = min(len(origins), len(destinations))
    pairs = TRAVEL.parts(origins[:n], destinations[:n], depart_s).total_s
    assert TRAVEL.pairs_s(origins[:n], destinations[:n], depart_s).tobytes() == pairs.tobytes()


@settings(max_examples=300, deadline=None)
@given(point, point, departure)
def test_a_leg_is_the_detour_of_every_active_closure(
    origin: tuple[float, float], destination: tuple[float, float], depart_s: float
) -> None:
    s = SETTINGS
    per_metre_s = 60.0 / (s.speed_m_per_min * TRAVEL.speed_factor(depart_s))
    dx, dy = destination[0] - origin[0], destination[1] - origin[1]
    route_m = math.hypot(dx, dy) * s.route_factor
    detour_m = delay_s = 0.0
    for closure in CLOSURES:
        if closure.active(depart_s):
            extra = float(_detour_m(np.array(origin), np.array(dx), np.array(dy), closure))
            if extra > 0:
                detour_m += extra * s.route_factor
                delay_s += closure.delay_s if extra > 0.01 else 0.0
    closure_s = detour_m * per_metre_s + delay_s
    total = route_m * per_metre_s + route_m * s.signal_s_per_km / 1000.0 + closure_s
    leg = TRAVEL.leg(origin, destination, depart_s)
    assert [x.hex() for x in leg] == [x.hex() for x in (total, detour_m, closure_s)]


def test_no_trips_give_empty_arrays_while_closures_are_in_force() -> None:
    during = 660 * 60.0
    assert TRAVEL.matrix_s([], [(1000.0, 1000.0)], during).shape == (0, 1)
    assert TRAVEL.matrix_s([(1000.0, 1000.0)], [], during).shape == (1, 0)
    assert TRAVEL.pairs_s([], [], during).shape == (0,)
