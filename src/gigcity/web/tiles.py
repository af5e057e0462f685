"""The map tiles the pages draw under the points, from the settings (GIGCITY_MAP_TILES).

OpenStreetMap's tile servers are slow or blocked in mainland China, so a district there
chooses Amap's raster tiles (drawn in GCJ-02, the obfuscated datum Chinese maps must use),
Tianditu's (the national service, CGCS2000, which is WGS-84 to within centimetres; a key
is needed) or its own. The page learns the layers, their credit and their datum; on GCJ-02
tiles it shifts everything it draws (static/js/coords.js). The API stays WGS-84.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from gigcity.config import Settings

Datum = Literal["wgs84", "gcj02"]

OSM_ATTRIBUTION = "© OpenStreetMap contributors"
AMAP_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
AMAP_ATTRIBUTION = "© 高德地图 AutoNavi"
# Tianditu's WMTS in web mercator ("_w"): the streets (vec) and their names on top (cva in
# Chinese, eva in English).
TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = "© 天地图 Tianditu"


@dataclass(frozen=True)
class TileLayer:
    url: str  # a Leaflet URL template
    subdomains: str = "abc"  # what {s} stands for, one character each
    max_zoom: int = 19

    def hosts(self) -> list[str]:
        """The origins this layer's tiles come from, each subdomain spelt out (none for
        tiles served by this server: a relative URL)."""
        parts = urlsplit(self.url.strip())
        if not parts.scheme or not parts.netloc:
            return []
        netlocs = (
            [parts.netloc.replace("{s}", s) for s in self.subdomains]
            if "{s}" in parts.netloc
            else [parts.netloc]
        )
        return [f"{parts.scheme}://{netloc}" for netloc in netlocs]


@dataclass(frozen=True)
class TileSet:
    layers: tuple[TileLayer, ...]
    attribution: str
    datum: Datum

    def hosts(self) -> list[str]:
        """Every origin a tile may come from, once each: what the CSP's img-src allows."""
        return list(dict.fromkeys(h for layer in self.layers for h in layer.hosts()))

    def page_config(self) -> dict[str, Any]:
        return {
            "layers": [
                {"url": layer.url, "subdomains": layer.subdomains, "maxZoom": layer.max_zoom}
                for layer in self.layers
                if layer.url
            ],
            "attribution": self.attribution,
            "datum": self.datum,
        }


def with_osm_credit(attribution: str) -> str:
    """The tiles' credit and OpenStreetMap's: the sub-districts, streets and routes drawn on
    every map are OpenStreetMap data (ODbL), whatever the tiles."""
    if "openstreetmap" in attribution.lower():
        return attribution
    return f"{attribution} | {OSM_ATTRIBUTION}" if attribution else OSM_ATTRIBUTION


def tile_set(settings: Settings, locale: str = "zh_CN") -> TileSet:
    """The tiles `settings` choose, with names in `locale` where the provider has them."""
    if settings.map_tiles == "amap":
        layer = TileLayer(AMAP_URL, subdomains="1234", max_zoom=18)
        return TileSet((layer,), with_osm_credit(AMAP_ATTRIBUTION), "gcj02")
    if settings.map_tiles == "tianditu":
        names = "cva" if locale == "zh_CN" else "eva"
        layers = tuple(
            TileLayer(
                TIANDITU_URL.format(layer=layer, key=settings.tianditu_key),
                subdomains="01234567",
                max_zoom=18,
            )
            for layer in ("vec", names)
        )
        return TileSet(layers, with_osm_credit(TIANDITU_ATTRIBUTION), "wgs84")
    if settings.map_tiles == "custom":
        layer = TileLayer(settings.map_tile_url.strip(), settings.map_tile_subdomains)
        return TileSet(
            (layer,), with_osm_credit(settings.map_tile_attribution), settings.map_tile_datum
        )
    return TileSet(
        (TileLayer(settings.tile_url.strip()),) if settings.tile_url.strip() else (),
        settings.tile_attribution,
        "wgs84",
    )
