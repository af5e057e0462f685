"""Small MDRP-format instances made from a seed, for tests and demos.

The shape follows the Grubhub instances: restaurants and diners on a metric plane, a lunch
and a dinner peak, preparation times of a quarter hour or so, couriers on shifts of one to
four hours, the published service times and pay. Same seed, same instance.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from gigcity.sim.mdrp.instance import Courier, Instance, Order, Parameters, Restaurant


def _synthetic_orders(
    rng: np.random.Generator,
    rest_xy: NDArray[np.float64],
    restaurant_list: list[Restaurant],
    orders: int,
    day_min: int,
    size_m: int,
) -> list[Order]:
    """Orders round two peaks, each near its restaurant, numbered in placement order."""
    # Two peaks: a third of the orders around lunch, the rest around dinner.
    peaks = np.where(rng.random(orders) < 1 / 3, day_min * 0.3, day_min * 0.7)
    placed = (peaks + rng.normal(0, day_min * 0.12, orders)).clip(0, day_min - 30).round()
    prep = rng.integers(4, 21, size=orders)
    which = rng.integers(0, len(restaurant_list), size=orders)
    offsets = rng.normal(0, size_m / 6, size=(orders, 2))
    order_list: list[Order] = []
    for i in np.argsort(placed, kind="stable"):
        rx, ry = rest_xy[which[i]]
        x = float(np.clip(round(rx + offsets[i, 0]), 0, size_m))
        y = float(np.clip(round(ry + offsets[i, 1]), 0, size_m))
        order_list.append(
            Order(
                f"o{len(order_list) + 1}",
                x,
                y,
                int(placed[i]),
                restaurant_list[int(which[i])].id,
                int(placed[i] + prep[i]),
            )
        )
    return order_list


def _synthetic_couriers(
    rng: np.random.Generator,
    couriers: int,
    day_min: int,
    size_m: int,
    shift_min: tuple[int, int],
) -> list[Courier]:
    """Couriers on shifts of random length and start, anywhere on the plane."""
    courier_list: list[Courier] = []
    for i in range(couriers):
        length = int(rng.integers(shift_min[0], shift_min[1] + 1))
        on = int(rng.integers(0, max(day_min - length, 0) + 1))
        x, y = rng.uniform(0, size_m, size=2).round()
        courier_list.append(
            Courier(f"c{i + 1}", float(x), float(y), on, min(on + length, day_min + 60))
        )
    return courier_list


def _synthetic_parameters(metres_per_minute: float) -> Parameters:
    """The Grubhub instances' service times and pay, at the given speed."""
    return Parameters(
        metres_per_minute=metres_per_minute,
        pickup_service_min=4,
        dropoff_service_min=4,
        target_click_to_door_min=40,
        max_click_to_door_min=90,
        pay_per_order_cents=1000,
        guaranteed_pay_per_hour_cents=1500,
    )


def generate_instance(
    seed: int,
    *,
    orders: int = 60,
    couriers: int = 12,
    restaurants: int = 8,
    day_min: int = 300,
    size_m: int = 8000,
    metres_per_minute: float = 320.0,
    shift_min: tuple[int, int] = (60, 240),
    name: str | None = None,
) -> Instance:
    """A random but reproducible instance (all times whole minutes, coordinates whole metres)."""
    if orders < 0 or couriers < 1 or restaurants < 1 or day_min < 60 or size_m < 100:
        raise ValueError(
            "need orders >= 0, couriers >= 1, restaurants >= 1, day_min >= 60, size_m >= 100"
        )
    rng = np.random.Generator(np.random.PCG64(seed))
    centre = size_m / 2
    rest_xy = rng.normal(centre, size_m / 6, size=(restaurants, 2)).clip(0, size_m).round()
    restaurant_list = [
        Restaurant(f"r{i + 1}", float(x), float(y)) for i, (x, y) in enumerate(rest_xy)
    ]
    order_list = _synthetic_orders(rng, rest_xy, restaurant_list, orders, day_min, size_m)
    courier_list = _synthetic_couriers(rng, couriers, day_min, size_m, shift_min)
    return Instance(
        name=name or f"synthetic-{seed}",
        restaurants={r.id: r for r in restaurant_list},
        orders=tuple(order_list),
        couriers=tuple(courier_list),
        parameters=_synthetic_parameters(metres_per_minute),
    )
