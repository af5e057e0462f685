"""Temporary traffic control: closed areas or ways for a time window, and the arcs they cut.

A closure is a polygon (every arc touching it is closed) or a list of OSM way ids, active
from `starts_at` (inclusive) to `ends_at` (exclusive). Routing treats closed arcs as absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Self

import numpy as np
import shapely
from numpy.typing import NDArray
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from gigcity.geo.streets.graph import StreetGraph

LonLat = tuple[float, float]


class ClosureSpec(BaseModel):
    """A closure as submitted (CLI, API); `Closure` adds its id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    polygon: list[LonLat] | None = Field(
        default=None, description="ring of (lon, lat) WGS-84 points; closing point optional"
    )
    way_ids: list[int] | None = Field(default=None, description="OSM way ids closed entirely")
    reason: str = Field(default="", max_length=500)

    @field_validator("polygon")
    @classmethod
    def _valid_ring(cls, ring: list[LonLat] | None) -> list[LonLat] | None:
        if ring is None:
            return None
        for lon, lat in ring:
            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                raise ValueError(f"({lon}, {lat}) is not a WGS-84 (lon, lat) point")
        if len(ring) > 1 and ring[0] == ring[-1]:
            ring = ring[:-1]
        if len(set(ring)) < 3:
            raise ValueError("a polygon needs at least 3 distinct points")
        if not shapely.Polygon(ring).is_valid:
            raise ValueError("the polygon crosses itself")
        return ring

    @field_validator("way_ids")
    @classmethod
    def _some_ways(cls, way_ids: list[int] | None) -> list[int] | None:
        if way_ids is not None and (not way_ids or min(way_ids) <= 0):
            raise ValueError("way_ids must list at least one positive OSM way id")
        return way_ids

    @model_validator(mode="after")
    def _one_shape_and_a_window(self) -> Self:
        if (self.polygon is None) == (self.way_ids is None):
            raise ValueError("give exactly one of polygon or way_ids")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    def active_at(self, when: datetime) -> bool:
        return self.starts_at <= when < self.ends_at

    def active_at_s(self, unix_s: float) -> bool:
        return self.starts_at.timestamp() <= unix_s < self.ends_at.timestamp()


class Closure(ClosureSpec):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")

    @classmethod
    def from_spec(cls, spec: ClosureSpec, closure_id: str) -> Closure:
        return cls(id=closure_id, **spec.model_dump())


def active_closures(closures: Iterable[Closure], unix_s: float) -> tuple[Closure, ...]:
    return tuple(c for c in closures if c.active_at_s(unix_s))


def closed_arc_mask(graph: StreetGraph, closures: Sequence[ClosureSpec]) -> NDArray[np.bool_]:
    """Which arcs the closures cut (ignoring their time windows)."""
    mask = np.zeros(graph.arc_count, dtype=bool)
    ways = [w for c in closures if c.way_ids for w in c.way_ids]
    if ways:
        mask |= np.isin(graph.arc_way_id, np.array(ways, dtype=np.int64))
    polygons = [shapely.Polygon(c.polygon) for c in closures if c.polygon]
    if polygons:
        segments = shapely.linestrings(
            np.stack(
                [
                    np.column_stack(
                        [graph.node_lon[graph.arc_tail], graph.node_lat[graph.arc_tail]]
                    ),
                    np.column_stack(
                        [graph.node_lon[graph.arc_head], graph.node_lat[graph.arc_head]]
                    ),
                ],
                axis=1,
            )
        )
        area = shapely.union_all(polygons)
        shapely.prepare(area)
        mask |= shapely.intersects(area, segments)
    return mask
