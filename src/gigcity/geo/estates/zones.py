"""The seven-colour guide's zones: the buildings split into at most seven groups that are
compact along the walkways, each with a colour that stands out from its neighbours'.

How (deterministic; the same estate always gives the same zones):
- distances are walking metres on the estate's walk graph, from each building's first unit
  entrance (or its point) — not straight lines, so a wall or a canal between two buildings
  keeps them apart;
- zone count: one per `BUILDINGS_PER_ZONE` buildings, rounded up, at most `max_zones` (7);
- balanced k-medoids: buildings go to their nearest medoid while a zone has room (at most
  `BALANCE` times the mean size), medoids move to their zone's most central building,
  repeated until nothing changes; several starts (k-means++ with a fixed seed), the one with
  the least total distance kept;
- contiguity: the size limit can leave a building cut off from its zone (none of its
  `NEIGHBOURS` nearest buildings in it); such a building joins the zone most of them are in,
  which may then grow to `ISLAND_BALANCE` times the mean;
- colours: neighbouring zones (buildings among each other's nearest) avoid the Okabe–Ito
  pairs that look alike to colour-blind eyes (orange/vermilion, orange/yellow,
  sky blue/blue, vermilion/purple); among equally good choices the zone with the lowest
  building numbers gets the first colour (orange), and so on.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.estates.model import Building, Estate, Zone, ZoneColour, _plain_number
from gigcity.geo.estates.walkgraph import compile_walk_graph

MAX_ZONES = len(ZoneColour)
BUILDINGS_PER_ZONE = 12  # a zone a rider can scan on the board at a glance
BALANCE = 1.4  # a zone holds at most this times the mean zone size
ISLAND_BALANCE = 1.7  # ... and up to this when it takes in a building cut off from its own
STARTS = 8
SEED = 15
NEIGHBOURS = 3  # a building's nearest buildings that make two zones neighbours

# Okabe–Ito pairs that are the nearest to each other under protanopia / deuteranopia.
ALIKE: frozenset[frozenset[ZoneColour]] = frozenset(
    {
        frozenset({ZoneColour.orange, ZoneColour.vermilion}),
        frozenset({ZoneColour.orange, ZoneColour.yellow}),
        frozenset({ZoneColour.sky_blue, ZoneColour.blue}),
        frozenset({ZoneColour.vermilion, ZoneColour.purple}),
    }
)


def zone_count(buildings: int, max_zones: int = MAX_ZONES) -> int:
    if buildings <= 0:
        return 0
    return max(1, min(max_zones, MAX_ZONES, math.ceil(buildings / BUILDINGS_PER_ZONE)))


def number_key(number: str) -> tuple[int, str]:
    """Sort key of a building number as residents say it: 2号楼 before 10号楼."""
    plain = _plain_number(number)
    digits = re.match(r"\d+", plain)
    return (int(digits.group(0)) if digits else 1 << 30, plain)


def walking_distances(estate: Estate) -> NDArray[np.float64]:
    """Walking metres between every two buildings (in `estate.buildings` order)."""
    graph = compile_walk_graph(estate)
    nodes = [graph.feature[_anchor(b)] for b in estate.buildings]
    if not nodes:
        return np.zeros((0, 0))
    dist, _pred = graph.distances(nodes)
    return dist[:, nodes]


def partition_zones(estate: Estate, max_zones: int = MAX_ZONES) -> tuple[Zone, ...]:
    """The buildings split into at most `max_zones` colour zones (see the module's notes)."""
    buildings = estate.buildings
    k = zone_count(len(buildings), max_zones)
    if k == 0:
        return ()
    dist = walking_distances(estate)
    labels = _mend_islands(dist, _balanced_medoids(dist, k), k)
    groups = [sorted(np.flatnonzero(labels == z).tolist()) for z in range(k)]
    groups = [g for g in groups if g]
    for g in groups:
        g.sort(key=lambda i: number_key(buildings[i].number))
    groups.sort(key=lambda g: number_key(buildings[g[0]].number))
    colours = _colours(dist, groups)
    return tuple(
        Zone(colour=c, buildings=tuple(buildings[i].ref for i in g))
        for c, g in zip(colours, groups, strict=True)
    )


def with_zones(estate: Estate) -> Estate:
    """The estate with its zones (re)computed."""
    return estate.model_copy(update={"zones": partition_zones(estate)})


def mean_within_zone_m(dist: NDArray[np.float64], groups: list[list[int]]) -> float:
    """Mean walking metres between two buildings of the same zone (over all such pairs)."""
    total, pairs = 0.0, 0
    for g in groups:
        if len(g) > 1:
            sub = dist[np.ix_(g, g)]
            total += float(sub.sum()) / 2
            pairs += len(g) * (len(g) - 1) // 2
    return total / pairs if pairs else 0.0


def _anchor(b: Building) -> str:
    return b.entrances[0].ref if b.entrances else b.ref


def _balanced_medoids(dist: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    n = len(dist)
    if k >= n:
        return np.arange(n)
    finite = np.where(np.isfinite(dist), dist, np.nanmax(dist[np.isfinite(dist)]) * 10 + 1)
    capacity = max(1, math.ceil(BALANCE * n / k))
    rng = np.random.default_rng(SEED)
    best: tuple[float, NDArray[np.int64]] | None = None
    for _ in range(STARTS):
        medoids = _plus_plus(finite, k, rng)
        labels = np.zeros(n, dtype=np.int64)
        for _round in range(100):
            labels = _assign(finite, medoids, capacity)
            moved = np.array(
                [_centre(finite, np.flatnonzero(labels == z)) for z in range(k)],
                dtype=np.int64,
            )
            if np.array_equal(moved, medoids):
                break
            medoids = moved
        cost = float(finite[np.arange(n), medoids[labels]].sum())
        if best is None or cost < best[0] - 1e-9:
            best = (cost, labels)
    assert best is not None
    return best[1]


def _mend_islands(
    dist: NDArray[np.float64], labels: NDArray[np.int64], k: int
) -> NDArray[np.int64]:
    n = len(dist)
    if n <= NEIGHBOURS or k < 2:
        return labels
    labels = labels.copy()
    cap = math.ceil(ISLAND_BALANCE * n / k)
    sizes = np.bincount(labels, minlength=k)
    near = [
        [j for j in np.argsort(dist[i], kind="stable").tolist() if j != i][:NEIGHBOURS]
        for i in range(n)
    ]
    for _pass in range(10):
        moved = False
        for i in range(n):
            around = [int(labels[j]) for j in near[i]]
            if labels[i] in around or sizes[labels[i]] <= 1:
                continue
            # The zone most neighbours are in; among equals, the nearest neighbour's.
            zone = max(around, key=lambda z: (around.count(z), -around.index(z)))
            if sizes[zone] < cap:
                sizes[labels[i]] -= 1
                sizes[zone] += 1
                labels[i] = zone
                moved = True
        if not moved:
            break
    return labels


def _plus_plus(dist: NDArray[np.float64], k: int, rng: np.random.Generator) -> NDArray[np.int64]:
    n = len(dist)
    chosen = [int(rng.integers(n))]
    while len(chosen) < k:
        d2 = dist[chosen].min(axis=0) ** 2
        total = float(d2.sum())
        if total <= 0:
            rest = [i for i in range(n) if i not in chosen]
            chosen.append(rest[0])
            continue
        chosen.append(int(rng.choice(n, p=d2 / total)))
    return np.array(chosen, dtype=np.int64)


def _assign(
    dist: NDArray[np.float64], medoids: NDArray[np.int64], capacity: int
) -> NDArray[np.int64]:
    """Each building to its nearest medoid with room; the closest pairs are settled first."""
    n, k = len(dist), len(medoids)
    to_medoid = dist[:, medoids]  # n x k
    order = np.lexsort((np.repeat(np.arange(n), k), to_medoid.ravel()))
    labels = np.full(n, -1, dtype=np.int64)
    sizes = [0] * k
    for flat in order.tolist():
        i, z = divmod(flat, k)
        if labels[i] < 0 and sizes[z] < capacity:
            labels[i] = z
            sizes[z] += 1
    for z, m in enumerate(medoids.tolist()):  # a medoid stays in its own zone
        if labels[m] != z:
            sizes[labels[m]] -= 1
            labels[m] = z
            sizes[z] += 1
    return labels


def _centre(dist: NDArray[np.float64], members: NDArray[np.int64]) -> int:
    sub = dist[np.ix_(members, members)]
    return int(members[int(np.argmin(sub.sum(axis=1)))])


def _colours(dist: NDArray[np.float64], groups: list[list[int]]) -> tuple[ZoneColour, ...]:
    k = len(groups)
    zone_of = np.zeros(len(dist), dtype=np.int64)
    for z, g in enumerate(groups):
        zone_of[g] = z
    touching = np.zeros((k, k))
    for i in range(len(dist)):
        near = [j for j in np.argsort(dist[i], kind="stable").tolist() if j != i][:NEIGHBOURS]
        for j in near:
            if zone_of[i] != zone_of[j]:
                touching[zone_of[i], zone_of[j]] += 1
                touching[zone_of[j], zone_of[i]] += 1
    palette = list(ZoneColour)
    best: tuple[float, tuple[ZoneColour, ...]] | None = None
    for choice in itertools.permutations(palette, k):  # at most 5,040
        clash = sum(
            touching[a, b]
            for a in range(k)
            for b in range(a + 1, k)
            if touching[a, b] and frozenset({choice[a], choice[b]}) in ALIKE
        )
        if best is None or clash < best[0]:
            best = (clash, choice)
            if clash == 0:
                break
    assert best is not None
    return best[1]
