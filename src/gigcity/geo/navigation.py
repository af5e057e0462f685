"""One-tap navigation links to a point: Amap (GCJ-02), a geo: URI, and OpenStreetMap."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from gigcity.geo.coords import wgs84_to_gcj02

AmapMode = Literal["ride", "walk", "car", "bus"]


def amap_navigation_urls(
    lon: float, lat: float, name: str, modes: tuple[AmapMode, ...] = ("ride",)
) -> list[str]:
    """Amap's navigation URIs (one per mode) to a WGS-84 point; Amap reads GCJ-02, so the
    point is converted (once for all modes)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    to = f"{g_lon:.6f},{g_lat:.6f},{quote(name, safe='')}"
    return [
        f"https://uri.amap.com/navigation?to={to}&mode={mode}"
        "&coordinate=gaode&callnative=1&src=gigcity"
        for mode in modes
    ]


def amap_navigation_url(lon: float, lat: float, name: str, mode: AmapMode = "ride") -> str:
    """Amap's navigation URI to a WGS-84 point (GCJ-02 inside)."""
    return amap_navigation_urls(lon, lat, name, (mode,))[0]


def geo_uri(lon: float, lat: float, name: str) -> str:
    """RFC 5870 geo: URI (WGS-84), with the label most Android apps understand."""
    return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({quote(name)})"


def osm_url(lon: float, lat: float, zoom: int = 18) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
        f"#map={zoom}/{lat:.6f}/{lon:.6f}"
    )
