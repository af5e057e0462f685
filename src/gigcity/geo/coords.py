"""Coordinates: great-circle distance, a local metric plane, WGS-84 <-> GCJ-02 -> BD-09.

Chinese map services (Amap, Tencent) expect GCJ-02, an obfuscated datum that is offset from
WGS-84 by several hundred metres (about 480 m in Putuo). gigcity stores WGS-84 and converts
at the edge. The forward transform is the published GCJ-02 formula on the Krasovsky
ellipsoid; the inverse has no closed form, so it is solved by fixed-point iteration.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# Constants of the GCJ-02 transform.
_KRASOVSKY_A = 6_378_245.0
_KRASOVSKY_EE = 0.006_693_421_622_965_943_23


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def validate_lon_lat(lon: float, lat: float) -> None:
    """Raise ValueError naming the bad coordinate."""
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"longitude must be between -180 and 180, got {lon}")
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"latitude must be between -90 and 90, got {lat}")


def in_china(lon: float, lat: float) -> bool:
    """Rough test for where GCJ-02 applies; outside it the datum equals WGS-84."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    d_lat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    d_lon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    d_lon += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad_lat = math.radians(lat)
    magic = 1 - _KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> GCJ-02 (unchanged outside China)."""
    if not in_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _delta(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_wgs84(lon: float, lat: float, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """GCJ-02 -> WGS-84 by fixed-point iteration: error far below a metre (1e-9 deg ~ 0.1 mm)."""
    if not in_china(lon, lat):
        return lon, lat
    w_lon, w_lat = lon, lat
    for _ in range(30):
        g_lon, g_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if abs(e_lon) < tolerance_deg and abs(e_lat) < tolerance_deg:
            break
    return w_lon, w_lat


def local_plane_factors(ref_lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and latitude near `ref_lat` (equirectangular plane)."""
    m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180.0
    return m_per_deg_lat * math.cos(math.radians(ref_lat)), m_per_deg_lat


def box_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a box holding every point within `radius_m` of
    (lon, lat) by `haversine_m`, with 1 % to spare: an index-friendly first cut that the
    caller narrows by the exact distance."""
    per_lon, per_lat = local_plane_factors(lat)
    reach = radius_m * 1.01
    dlat = reach / per_lat
    dlon = reach / max(per_lon, per_lat * 0.01)  # near the poles the box is the band
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


# Baidu's BD-09 is a further published offset of GCJ-02 (its constant is pi * 3000 / 180).
_BD_X_PI = math.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 -> BD-09 (Baidu's datum), the published forward formula."""
    z = math.hypot(lon, lat) + 0.000_02 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000_003 * math.cos(lon * _BD_X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 -> GCJ-02, the published approximate inverse (error well under a metre)."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.000_02 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) - 0.000_003 * math.cos(x * _BD_X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 -> BD-09 (through GCJ-02; unchanged outside China)."""
    if not in_china(lon, lat):
        return lon, lat
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
