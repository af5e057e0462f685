"""Putting a share of a generated day's orders into the sample giant estate (putuo-estate).

The orders nearest the estate move into it (so their merchants stay nearby ones); each gets a
building drawn uniformly, a floor of that building, the building's lift, a search-time draw
for a rider without a guide and a consent draw, all from the estate's own random stream.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from gigcity.geo.estates.model import Estate
from gigcity.sim.scenarios import calibration as cal
from gigcity.sim.scenarios.estate_day import EstateDay, EstateOrder
from gigcity.sim.scenarios.model import Scenario

_Z99 = 2.3263478740408408  # the standard normal's 99th percentile


def search_seconds(normal: np.ndarray) -> np.ndarray:
    """Search times from standard normal draws: the calibrated log-normal, capped."""
    sigma = math.log(cal.ESTATE_SEARCH_P99_S / cal.ESTATE_SEARCH_MEDIAN_S) / _Z99
    seconds: np.ndarray = np.minimum(
        cal.ESTATE_SEARCH_CAP_S, cal.ESTATE_SEARCH_MEDIAN_S * np.exp(sigma * normal)
    )
    return seconds


def add_estate(
    scenario: Scenario, estate: Estate, *, seed: int, share: float = cal.ESTATE_ORDER_SHARE
) -> Scenario:
    """`scenario` with `share` of its orders (the nearest) addressed into `estate`."""
    if not estate.buildings:
        raise ValueError("the estate has no buildings to deliver to")
    plane = scenario.plane
    cx, cy = plane.to_xy(*estate.centre())
    orders = scenario.instance.orders
    count = min(len(orders), max(1, round(share * len(orders))))
    distance = [math.hypot(o.x - cx, o.y - cy) for o in orders]
    chosen = sorted(range(len(orders)), key=lambda i: (distance[i], i))[:count]
    chosen.sort()
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 15, 1])))
    building_of = rng.integers(0, len(estate.buildings), size=count)
    floor_u = rng.random(count)
    searches = search_seconds(rng.standard_normal(count))
    consent = rng.random(count)

    new_orders = list(orders)
    details = dict(scenario.orders)
    estate_orders: dict[str, EstateOrder] = {}
    for k, i in enumerate(chosen):
        building = estate.buildings[int(building_of[k])]
        x, y = plane.to_xy(*building.at)
        order = orders[i]
        new_orders[i] = dataclasses.replace(order, x=round(x, 1), y=round(y, 1))
        floors = building.floors or 6
        detail = details[order.id]
        details[order.id] = dataclasses.replace(
            detail,
            floor=1 + int(floor_u[k] * floors),
            has_lift=bool(building.lift),
            lift_out_of_order=detail.lift_out_of_order and bool(building.lift),
            old_estate=False,
            large_complex=False,
        )
        estate_orders[order.id] = EstateOrder(
            order.id, building.ref, round(float(searches[k]), 1), round(float(consent[k]), 6)
        )
    instance = dataclasses.replace(scenario.instance, orders=tuple(new_orders))
    return dataclasses.replace(
        scenario,
        instance=instance,
        orders=details,
        estate=EstateDay(estate, estate_orders),
        notes=(
            *scenario.notes,
            f"{count} orders ({share:.0%}) addressed into {estate.name_en or estate.name}",
        ),
    )
