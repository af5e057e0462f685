"""A local metric plane around an estate: metres east/north of a reference point.

An estate is at most a few kilometres across, so the equirectangular plane of
`geo.coords.local_plane_factors` is exact to well under a metre; shapely works in it when a
distance or an area must be in metres."""

from __future__ import annotations

from gigcity.geo.coords import local_plane_factors
from gigcity.geo.estates.model import LonLat


class LocalPlane:
    def __init__(self, origin: LonLat) -> None:
        self.origin = origin
        self._mx, self._my = local_plane_factors(origin[1])

    def xy(self, at: LonLat) -> tuple[float, float]:
        return (at[0] - self.origin[0]) * self._mx, (at[1] - self.origin[1]) * self._my

    def lonlat(self, x: float, y: float, *, digits: int | None = None) -> LonLat:
        lon, lat = self.origin[0] + x / self._mx, self.origin[1] + y / self._my
        if digits is None:
            return lon, lat
        return round(lon, digits), round(lat, digits)
