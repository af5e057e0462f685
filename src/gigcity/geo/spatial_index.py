"""A static spatial index of points for k-nearest and box queries with attribute filters.

Points are projected onto a local metric plane and kept in a k-d tree (SciPy). Filters on
bit-mask attributes (e.g. required amenities) get their own lazily built sub-tree, so a
query for a rare attribute never scans the whole set; a caller's extra predicate (e.g.
"open at this time") is applied to candidates in distance order, widening the search
until enough are accepted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from gigcity.geo.coords import haversine_m, local_plane_factors

_MAX_CACHED_FILTERS = 64


@dataclass(frozen=True, slots=True)
class Hit:
    index: int  # position in the arrays the index was built from
    distance_m: float


class _Subset:
    def __init__(self, members: NDArray[np.intp], xy: NDArray[np.float64]) -> None:
        self.members = members
        self.tree = cKDTree(xy[members]) if len(members) else None


_PLANAR_SLACK = 0.005
"""How far planar distances may stray from great-circle ones at district scale (0.5 %)."""


class PointIndex:
    def __init__(
        self,
        lons: NDArray[np.float64],
        lats: NDArray[np.float64],
        masks: NDArray[np.int64] | None = None,
    ) -> None:
        if lons.shape != lats.shape:
            raise ValueError("lons and lats must have the same shape")
        self.lons = np.ascontiguousarray(lons, dtype=np.float64)
        self.lats = np.ascontiguousarray(lats, dtype=np.float64)
        self.masks = (
            np.zeros(len(lons), dtype=np.int64)
            if masks is None
            else np.ascontiguousarray(masks, dtype=np.int64)
        )
        ref_lat = float(np.mean(lats)) if len(lats) else 0.0
        self._fx, self._fy = local_plane_factors(ref_lat)
        self._xy = np.column_stack([self.lons * self._fx, self.lats * self._fy])
        self._subsets: OrderedDict[int, _Subset] = OrderedDict()

    def __len__(self) -> int:
        return len(self.lons)

    def _subset(self, required_mask: int) -> _Subset:
        subset = self._subsets.get(required_mask)
        if subset is None:
            if required_mask == 0:
                members = np.arange(len(self.lons), dtype=np.intp)
            else:
                members = np.flatnonzero((self.masks & required_mask) == required_mask)
            subset = _Subset(members, self._xy)
            self._subsets[required_mask] = subset
            if len(self._subsets) > _MAX_CACHED_FILTERS:
                self._subsets.popitem(last=False)
        else:
            self._subsets.move_to_end(required_mask)
        return subset

    def nearest(
        self,
        lon: float,
        lat: float,
        k: int,
        *,
        radius_m: float | None = None,
        required_mask: int = 0,
        accept: Callable[[int], bool] | None = None,
    ) -> list[Hit]:
        """Up to `k` nearest points having all bits of `required_mask` and passing `accept`."""
        if k <= 0:
            return []
        subset = self._subset(required_mask)
        if subset.tree is None:
            return []
        n = len(subset.members)
        # Planar distance slightly underestimates nothing at district scale; allow 0.5 % slack
        # so the exact great-circle check below decides at the border.
        bound = np.inf if radius_m is None else radius_m * 1.005
        query_xy = (lon * self._fx, lat * self._fy)
        want = k if accept is None else k + 8
        seen = 0
        hits: list[Hit] = []
        kth_planar = 0.0
        while True:
            ask = min(want, n)
            dist, pos = subset.tree.query(query_xy, k=ask, distance_upper_bound=bound)
            dist = np.atleast_1d(dist)
            pos = np.atleast_1d(pos)
            exhausted = ask >= n or not np.isfinite(dist[-1])
            for d, p in zip(dist[seen:], pos[seen:], strict=True):
                if not np.isfinite(d):
                    break
                hit = self._exact_hit(int(subset.members[p]), lon, lat, radius_m, accept)
                if hit is None:
                    continue
                hits.append(hit)
                if len(hits) >= k:
                    kth_planar = float(d)
                    break
            if len(hits) >= k or exhausted:
                break
            seen = ask
            want = ask * 4
        if len(hits) >= k:
            # The planar order can differ from the great-circle order by a hair (a few
            # metres in ten kilometres): any point the plane puts just beyond the k-th may be
            # nearer on the sphere, so those are measured too.
            taken = {h.index for h in hits}
            reach = min(kth_planar * (1 + _PLANAR_SLACK), bound)
            for p in subset.tree.query_ball_point(query_xy, r=reach):
                i = int(subset.members[p])
                if i not in taken:
                    hit = self._exact_hit(i, lon, lat, radius_m, accept)
                    if hit is not None:
                        hits.append(hit)
        hits.sort(key=lambda h: (h.distance_m, h.index))
        return hits[:k]

    def _exact_hit(
        self,
        i: int,
        lon: float,
        lat: float,
        radius_m: float | None,
        accept: Callable[[int], bool] | None,
    ) -> Hit | None:
        if accept is not None and not accept(i):
            return None
        exact = haversine_m(lon, lat, float(self.lons[i]), float(self.lats[i]))
        if radius_m is not None and exact > radius_m:
            return None
        return Hit(i, exact)

    def within_bbox(
        self, min_lon: float, min_lat: float, max_lon: float, max_lat: float, required_mask: int = 0
    ) -> NDArray[np.intp]:
        """Indices of points inside the box (inclusive), in index order."""
        inside = (
            (self.lons >= min_lon)
            & (self.lons <= max_lon)
            & (self.lats >= min_lat)
            & (self.lats <= max_lat)
        )
        if required_mask:
            inside &= (self.masks & required_mask) == required_mask
        return np.flatnonzero(inside)

    def spread(self, positions: NDArray[np.intp], limit: int) -> NDArray[np.intp]:
        """At most `limit` of `positions`, spread evenly over their area (grid thinning):
        the first point of each grid cell, then more cell by cell until `limit`."""
        if len(positions) <= limit:
            return positions
        xy = self._xy[positions]
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        side = max(1, int(np.ceil(np.sqrt(limit))))
        cells = np.minimum(
            ((xy - lo) / np.maximum(hi - lo, 1e-9) * side).astype(np.int64), side - 1
        )
        cell_id = cells[:, 0] * side + cells[:, 1]
        order = np.lexsort((positions, cell_id))
        sorted_cells = cell_id[order]
        # rank of each point within its cell: 0 for the first, 1 for the second, ...
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1]
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        chosen = order[np.argsort(rank, kind="stable")[:limit]]
        return np.sort(positions[chosen])
