"""Delivery sequences for a bundle of one restaurant's orders.

A bundle is picked up once; its drop-offs are then made in one sequence. For the small
bundles the dispatcher forms (at most a handful of orders) every sequence is tried.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gigcity.dispatch.model import ServiceTimes

FloatArray = NDArray[np.float64]

# Beyond this many orders the sequence is built by cheapest insertion instead.
_EXHAUSTIVE_UP_TO = 4


@dataclass(frozen=True, slots=True)
class Route:
    """A bundle's timeline from its pickup on."""

    sequence: tuple[int, ...]
    """Positions into the bundle's order list, in drop-off order."""
    dropoff_s: tuple[float, ...]
    end_s: float
    click_to_door_s: float
    """Sum over the bundle's orders of drop-off minus placement."""


def timeline(
    pickup_s: float,
    sequence: Sequence[int],
    from_restaurant_s: FloatArray,
    between_s: FloatArray,
    service: ServiceTimes,
) -> tuple[tuple[float, ...], float]:
    """Drop-off times and the time the courier leaves the last drop-off."""
    half_drop = service.dropoff_s / 2
    clock = pickup_s + service.pickup_s / 2
    drops: list[float] = []
    previous = -1
    for position in sequence:
        leg = from_restaurant_s[position] if previous < 0 else between_s[previous, position]
        clock += float(leg) + half_drop
        drops.append(clock)
        clock += half_drop
        previous = position
    return tuple(drops), clock


def best_route(
    pickup_s: float,
    placed_s: Sequence[float],
    from_restaurant_s: FloatArray,
    between_s: FloatArray,
    service: ServiceTimes,
    courier_value: float,
) -> Route:
    """The sequence minimising click-to-door plus `courier_value` x route duration.

    `from_restaurant_s[i]` is the travel time from the restaurant to order i's drop-off,
    `between_s[i, j]` from drop-off i to drop-off j. Ties go to the lexicographically
    first sequence, so the result is deterministic.
    """
    count = len(placed_s)
    if count == 0:
        raise ValueError("a bundle needs at least one order")
    placed_total = float(sum(placed_s))
    best: Route | None = None
    best_score = np.inf
    for sequence in _candidate_sequences(count, pickup_s, from_restaurant_s, between_s, service):
        drops, end = timeline(pickup_s, sequence, from_restaurant_s, between_s, service)
        click_to_door = sum(drops) - placed_total
        score = click_to_door + courier_value * (end - pickup_s)
        if score < best_score:
            best_score = score
            best = Route(tuple(sequence), drops, end, click_to_door)
    assert best is not None
    return best


def _candidate_sequences(
    count: int,
    pickup_s: float,
    from_restaurant_s: FloatArray,
    between_s: FloatArray,
    service: ServiceTimes,
) -> list[tuple[int, ...]]:
    if count <= _EXHAUSTIVE_UP_TO:
        return list(itertools.permutations(range(count)))
    # Cheapest insertion by route end time, one order at a time in index order.
    sequence: list[int] = [0]
    for position in range(1, count):
        options = []
        for slot in range(len(sequence) + 1):
            trial = [*sequence[:slot], position, *sequence[slot:]]
            _, end = timeline(pickup_s, trial, from_restaurant_s, between_s, service)
            options.append((end, slot))
        _, slot = min(options)
        sequence.insert(slot, position)
    return [tuple(sequence)]
