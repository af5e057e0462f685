"""The same day with a smaller or larger fleet: riders scaled by shift, orders untouched.

Riders fall into shift groups (station area, rider kind, hour the shift starts). A fleet of
n riders keeps every group in proportion to the roster: riders are taken one at a time, each
from the group furthest below its share of the fleet so far, so every group stays within
one rider of proportional and the fleet of n riders is the first n of one fixed sequence.
Within a group riders come in a seeded order (a permutation fixed by the scenario's seed and
the group), so the fleet at 0.7 is part of the fleet at 0.8 (common random numbers: the
orders stream and the riders kept do not move when the fleet grows). Beyond the roster,
a group's next rider is a clone of one of its riders, in the same order: a new id, the same
shift, kind, station, days worked and overtime answer, and a start point moved a little
(by a draw seeded by the new id).
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np

from gigcity.sim.mdrp.instance import Courier
from gigcity.sim.scenarios.model import RiderDetails, Scenario, ScenarioError

MAX_FLEET_FACTOR = 10.0
CLONE_JITTER_M = 150.0
"""assumption: a clone starts within a few hundred metres of the rider it copies."""

ShiftGroup = tuple[str, str, int]
"""(station area, rider kind, hour the shift starts)."""


def shift_group(scenario: Scenario, courier: Courier) -> ShiftGroup:
    details = scenario.riders[courier.id]
    return (details.area, details.kind, courier.on_min // 60)


def fleet_riders(roster: int, factor: float) -> int:
    """Riders in a fleet of `factor` times a roster (at least one)."""
    if not 0.0 < factor <= MAX_FLEET_FACTOR:
        raise ScenarioError(f"fleet factor must be above 0 and at most {MAX_FLEET_FACTOR:g}")
    return max(1, round(factor * roster))


def fleet_factor(riders: int, roster: int) -> float:
    """The factor whose fleet has exactly `riders` riders (see `fleet_riders`)."""
    return riders / roster


def _seed(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode())


def _groups(scenario: Scenario) -> dict[ShiftGroup, list[Courier]]:
    """Each shift group's riders in its fixed seeded order, groups sorted by key."""
    groups: dict[ShiftGroup, list[Courier]] = {}
    for courier in scenario.instance.couriers:
        groups.setdefault(shift_group(scenario, courier), []).append(courier)
    ordered: dict[ShiftGroup, list[Courier]] = {}
    for key in sorted(groups):
        members = groups[key]
        rng = np.random.default_rng([scenario.seed, _seed(key)])
        ordered[key] = [members[i] for i in rng.permutation(len(members)).tolist()]
    return ordered


def group_counts(sizes: list[int], riders: int) -> list[int]:
    """Riders per group in a fleet of `riders`: each taken from the group furthest below
    its share so far (ties: the first group), so fleets nest and stay within one rider of
    proportional."""
    total = sum(sizes)
    if total == 0:
        raise ScenarioError("the scenario has no riders to scale")
    shares = np.array(sizes, dtype=np.float64) / total
    counts = np.zeros(len(sizes), dtype=np.int64)
    for taken in range(1, riders + 1):
        counts[int(np.argmax(taken * shares - counts))] += 1
    return [int(c) for c in counts]


def _clone(
    scenario: Scenario, original: Courier, number: int, taken: set[str]
) -> tuple[Courier, RiderDetails]:
    rid = f"{original.id}x{number}"
    while rid in taken:  # a read scenario might already use the name
        rid += "x"
    taken.add(rid)
    dx, dy = np.random.default_rng([scenario.seed, _seed(rid)]).normal(0.0, CLONE_JITTER_M, 2)
    courier = replace(original, id=rid, x=round(original.x + dx, 1), y=round(original.y + dy, 1))
    return courier, replace(scenario.riders[original.id], rider_id=rid)


def scale_fleet(scenario: Scenario, factor: float) -> Scenario:
    """`scenario` with `factor` times its riders, by shift group (see the module docstring)."""
    roster = scenario.instance.couriers
    riders = fleet_riders(len(roster), factor)
    if riders == len(roster):
        return scenario
    groups = _groups(scenario)
    counts = group_counts([len(g) for g in groups.values()], riders)
    kept: set[str] = set()
    clones: list[tuple[Courier, RiderDetails]] = []
    taken = {c.id for c in roster}
    for members, count in zip(groups.values(), counts, strict=True):
        kept.update(c.id for c in members[:count])
        for extra in range(len(members), count):
            original = members[extra % len(members)]
            clones.append(_clone(scenario, original, extra // len(members), taken))
    couriers = tuple(c for c in roster if c.id in kept) + tuple(c for c, _ in clones)
    details = {rid: d for rid, d in scenario.riders.items() if rid in kept}
    details.update({d.rider_id: d for _, d in clones})
    return replace(
        scenario,
        instance=replace(scenario.instance, couriers=couriers),
        riders=details,
        notes=(*scenario.notes, f"fleet x{factor:g}: {riders} of {len(roster)} riders"),
    )


def shift_hours(scenario: Scenario) -> float:
    """Rider-hours on shift: what the platform rosters."""
    return sum(c.shift_min for c in scenario.instance.couriers) / 60.0
