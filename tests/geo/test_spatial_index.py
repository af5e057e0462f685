"""The spatial index returns what a brute-force scan would, for any points and filters."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gigcity.geo.coords import haversine_m
from gigcity.geo.spatial_index import PointIndex

LON0, LAT0 = 121.38, 31.26


def _brute(lons, lats, masks, lon, lat, k, radius, mask, accept):  # type: ignore[no-untyped-def]
    found = []
    for i in range(len(lons)):
        if (masks[i] & mask) != mask or (accept is not None and not accept(i)):
            continue
        d = haversine_m(lon, lat, lons[i], lats[i])
        if radius is None or d <= radius:
            found.append((d, i))
    return [i for _, i in sorted(found)[:k]]


@settings(max_examples=60, deadline=None)
# The plane put the true 19th nearest (by great circle) just beyond the 19th.
@example(n=245, seed=59879, k=19, radius=None, mask=8, odd_only=False)
@given(
    n=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=2**31),
    k=st.integers(min_value=1, max_value=20),
    radius=st.one_of(st.none(), st.floats(min_value=50, max_value=5000)),
    mask=st.sampled_from([0, 1, 2, 3, 8]),
    odd_only=st.booleans(),
)
def test_nearest_equals_brute_force(
    n: int, seed: int, k: int, radius: float | None, mask: int, odd_only: bool
) -> None:
    rng = np.random.default_rng(seed)
    lons = LON0 + rng.uniform(-0.05, 0.05, n)
    lats = LAT0 + rng.uniform(-0.04, 0.04, n)
    masks = rng.integers(0, 16, n)
    index = PointIndex(lons, lats, masks)
    accept = (lambda i: i % 2 == 1) if odd_only else None
    qlon, qlat = LON0 + rng.uniform(-0.05, 0.05), LAT0 + rng.uniform(-0.04, 0.04)
    got = [
        h.index
        for h in index.nearest(qlon, qlat, k, radius_m=radius, required_mask=mask, accept=accept)
    ]
    want = _brute(lons, lats, masks, qlon, qlat, k, radius, mask, accept)
    # Equal distances may tie; compare the distances, not the order of ties.
    dist = lambda ids: [round(haversine_m(qlon, qlat, lons[i], lats[i]), 6) for i in ids]  # noqa: E731
    assert dist(got) == dist(want)


def test_bbox_is_inclusive_and_filters_masks() -> None:
    lons = np.array([121.0, 121.5, 122.0])
    lats = np.array([31.0, 31.5, 32.0])
    index = PointIndex(lons, lats, np.array([1, 3, 2]))
    assert list(index.within_bbox(121.0, 31.0, 121.5, 31.5)) == [0, 1]
    assert list(index.within_bbox(120, 30, 123, 33, required_mask=2)) == [1, 2]


def test_empty_and_rare_filters() -> None:
    empty = PointIndex(np.array([]), np.array([]))
    assert empty.nearest(LON0, LAT0, 5) == []
    index = PointIndex(np.array([LON0, LON0 + 0.01]), np.array([LAT0, LAT0]), np.array([0, 4]))
    assert [h.index for h in index.nearest(LON0, LAT0, 5, required_mask=4)] == [1]
    assert index.nearest(LON0, LAT0, 5, required_mask=8) == []


def test_spread_thins_evenly_and_keeps_a_subset() -> None:
    rng = np.random.default_rng(3)
    # A dense cluster and a sparse spread: thinning must not keep only the cluster.
    lons = np.r_[LON0 + rng.normal(0, 0.0005, 900), LON0 + rng.uniform(-0.05, 0.05, 100)]
    lats = np.r_[LAT0 + rng.normal(0, 0.0005, 900), LAT0 + rng.uniform(-0.05, 0.05, 100)]
    index = PointIndex(lons, lats)
    positions = np.arange(1000)
    kept = index.spread(positions, 100)
    assert len(kept) == 100
    assert len(set(kept.tolist())) == 100
    assert set(kept.tolist()) <= set(positions.tolist())
    assert (kept >= 900).sum() > 30  # the sparse points are well represented
    assert list(index.spread(positions[:50], 100)) == list(range(50))
