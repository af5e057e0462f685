"""One-tap navigation links to a point: Amap and Tencent (GCJ-02), Baidu (BD-09), a geo:
URI, and OpenStreetMap. Every function takes WGS-84 and converts for the app it opens.

The links are the apps' public web URIs: they open the app when it is installed and the
web map otherwise, and need no key of ours."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from gigcity.geo.coords import wgs84_to_bd09, wgs84_to_gcj02

AmapMode = Literal["ride", "walk", "car", "bus"]
Origin = tuple[float, float, str]  # WGS-84 lon, lat and a label ("my position")
SOURCE = "gigcity"


def amap_navigation_urls(
    lon: float,
    lat: float,
    name: str,
    modes: tuple[AmapMode, ...] = ("ride",),
    origin: Origin | None = None,
) -> list[str]:
    """Amap's navigation URIs (one per mode) to a WGS-84 point; Amap reads GCJ-02, so the
    point is converted (once for all modes). Without `origin` Amap starts where the phone is."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    to = f"{g_lon:.6f},{g_lat:.6f},{quote(name, safe='')}"
    start = ""
    if origin is not None:
        o_lon, o_lat = wgs84_to_gcj02(origin[0], origin[1])
        start = f"from={o_lon:.6f},{o_lat:.6f},{quote(origin[2], safe='')}&"
    return [
        f"https://uri.amap.com/navigation?{start}to={to}&mode={mode}"
        f"&coordinate=gaode&callnative=1&src={SOURCE}"
        for mode in modes
    ]


def amap_navigation_url(
    lon: float, lat: float, name: str, mode: AmapMode = "ride", origin: Origin | None = None
) -> str:
    """Amap's navigation URI to a WGS-84 point (GCJ-02 inside)."""
    return amap_navigation_urls(lon, lat, name, (mode,), origin)[0]


def baidu_navigation_url(lon: float, lat: float, name: str, origin: Origin | None = None) -> str:
    """Baidu Maps to a WGS-84 point, in BD-09 (Baidu's own datum, its default `bd09ll`).
    With `origin`: its riding directions from there; without: the point marked, with
    Baidu's own "go here" from where the phone is."""
    b_lon, b_lat = wgs84_to_bd09(lon, lat)
    label = quote(name, safe="")
    src = f"webapp.{SOURCE}.map"
    if origin is None:
        return (
            f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lon:.6f}"
            f"&title={label}&content={label}&coord_type=bd09ll&output=html&src={src}"
        )
    o_lon, o_lat = wgs84_to_bd09(origin[0], origin[1])
    return (
        f"https://api.map.baidu.com/direction?origin=latlng:{o_lat:.6f},{o_lon:.6f}"
        f"|name:{quote(origin[2], safe='')}&destination=latlng:{b_lat:.6f},{b_lon:.6f}"
        f"|name:{label}&mode=riding&coord_type=bd09ll&output=html&src={src}"
    )


def tencent_navigation_url(lon: float, lat: float, name: str, origin: Origin | None = None) -> str:
    """Tencent (QQ) Maps' cycling route plan to a WGS-84 point, in GCJ-02; without `origin`
    from where the phone is (`CurrentLocation`)."""
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    if origin is None:
        start = "fromcoord=CurrentLocation"
    else:
        o_lon, o_lat = wgs84_to_gcj02(origin[0], origin[1])
        start = f"from={quote(origin[2], safe='')}&fromcoord={o_lat:.6f},{o_lon:.6f}"
    return (
        f"https://apis.map.qq.com/uri/v1/routeplan?type=bike&{start}"
        f"&to={quote(name, safe='')}&tocoord={g_lat:.6f},{g_lon:.6f}&referer={SOURCE}"
    )


def geo_uri(lon: float, lat: float, name: str) -> str:
    """RFC 5870 geo: URI (WGS-84), with the label most Android apps understand."""
    return f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({quote(name)})"


def osm_url(lon: float, lat: float, zoom: int = 18) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
        f"#map={zoom}/{lat:.6f}/{lon:.6f}"
    )
