"""A district and its sub-districts, with a partition so every point maps to one.

The shipped reference data (geo/data/putuo.json) gives an approximate interior point per
sub-district and the district's bounding box. The partition is the Voronoi diagram of the
interior points clipped to the box, so a point belongs to the sub-district whose interior
point is nearest (on the local metric plane). Replace the file with real boundaries for
production; the interface stays the same.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon, box, mapping

from gigcity.geo.coords import local_plane_factors


@dataclass(frozen=True, slots=True)
class Subdistrict:
    code: str
    name: str
    pinyin: str
    kind: str  # "street" (街道) or "town" (镇)
    lon: float
    lat: float

    @property
    def name_en(self) -> str:
        """The English name: the pinyin and what it is ("Changshou Road Subdistrict")."""
        return f"{self.pinyin} {'Town' if self.kind == 'town' else 'Subdistrict'}"

    def display_name(self, locale: str) -> str:
        """The name in `locale`: Chinese, or English for any other language."""
        return self.name if locale == "zh_CN" else self.name_en

    def __str__(self) -> str:
        return self.name_en


@dataclass(frozen=True, slots=True)
class SubdistrictNames:
    """Several sub-districts as one message parameter: 万里街道、长征镇 / Wanli Subdistrict,
    Changzheng Town."""

    subdistricts: tuple[Subdistrict, ...]

    def display_name(self, locale: str) -> str:
        names = (s.display_name(locale) for s in self.subdistricts)
        return ("、" if locale == "zh_CN" else ", ").join(names)

    def __str__(self) -> str:
        return self.display_name("en")


@dataclass(frozen=True, slots=True)
class NamedPlace:
    name: str
    kind: str
    subdistrict: str | None
    lon: float | None
    lat: float | None


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class District:
    """Sub-districts of one district and the lookup point -> sub-district."""

    def __init__(
        self,
        name: str,
        bbox: tuple[float, float, float, float],
        subdistricts: list[Subdistrict],
        named_places: list[NamedPlace],
        names: dict[str, str] | None = None,
    ) -> None:
        if not subdistricts:
            raise ValueError("a district needs at least one sub-district")
        codes = [s.code for s in subdistricts]
        if len(set(codes)) != len(codes):
            raise ValueError(f"sub-district codes must be unique, got {codes}")
        self.name = name
        # The name per language ("zh_CN", "en"); `name` is the data file's own label.
        self.names = names or {}
        self.bbox = bbox
        self.subdistricts = subdistricts
        self.named_places = named_places
        self._by_code = {s.code: s for s in subdistricts}
        self._by_name = {s.name: s for s in subdistricts}
        ref_lat = (bbox[1] + bbox[3]) / 2
        self._fx, self._fy = local_plane_factors(ref_lat)
        self._centres = np.array([(s.lon * self._fx, s.lat * self._fy) for s in subdistricts])

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> District:
        subs = [
            Subdistrict(
                code=slug(s["pinyin"]),
                name=s["name"],
                pinyin=s["pinyin"],
                kind=s.get("type", "street"),
                lon=float(s["point"][0]),
                lat=float(s["point"][1]),
            )
            for s in data["subdistricts"]
        ]
        places = [
            NamedPlace(
                name=p["name"],
                kind=p.get("kind", ""),
                subdistrict=p.get("subdistrict"),
                lon=float(p["point"][0]) if "point" in p else None,
                lat=float(p["point"][1]) if "point" in p else None,
            )
            for p in data.get("named_places", [])
        ]
        x0, y0, x1, y1 = (float(v) for v in data["bbox_approx"])
        names = {str(k): str(v) for k, v in (data.get("names") or {}).items()}
        return cls(str(data["district"]), (x0, y0, x1, y1), subs, places, names)

    @classmethod
    def from_file(cls, path: Path) -> District:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def display_name(self, locale: str) -> str:
        """The district's name in `locale` (Chinese for zh_CN, English otherwise), falling
        back to the data file's label."""
        wanted = "zh_CN" if locale == "zh_CN" else "en"
        return self.names.get(wanted) or self.name

    def __str__(self) -> str:
        return self.display_name("en")

    def subdistrict_names(self, locale: str) -> dict[str, str]:
        """Each sub-district's name in `locale`, by code (the pages' pickers and tables)."""
        return {s.code: s.display_name(locale) for s in self.subdistricts}

    def get(self, code: str) -> Subdistrict | None:
        return self._by_code.get(code)

    def by_name(self, name: str) -> Subdistrict | None:
        """Find a sub-district by its Chinese name, tolerating a trailing note like "(新杨园区)"."""
        exact = self._by_name.get(name)
        if exact is not None:
            return exact
        for full, sub in self._by_name.items():
            if name.startswith(full):
                return sub
        return None

    def contains(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= lon <= x1 and y0 <= lat <= y1

    def near(self, lon: float, lat: float, margin_deg: float) -> bool:
        """Within the district's box widened by `margin_deg` on every side."""
        x0, y0, x1, y1 = self.bbox
        m = margin_deg
        return x0 - m <= lon <= x1 + m and y0 - m <= lat <= y1 + m

    def locate(self, lon: float, lat: float) -> Subdistrict | None:
        """The sub-district containing the point, or None outside the district."""
        if not self.contains(lon, lat):
            return None
        d = np.hypot(self._centres[:, 0] - lon * self._fx, self._centres[:, 1] - lat * self._fy)
        return self.subdistricts[int(np.argmin(d))]

    @cached_property
    def cells(self) -> dict[str, Polygon]:
        """Voronoi cells of the interior points clipped to the district box (lon/lat)."""
        frame = box(*self.bbox)
        seeds = MultiPoint([(s.lon, s.lat) for s in self.subdistricts])
        # Voronoi on the metric plane so cells agree with `locate`.
        scaled = shapely.transform(seeds, lambda c: c * np.array([self._fx, self._fy]))
        envelope = shapely.transform(frame, lambda c: c * np.array([self._fx, self._fy]))
        diagram = shapely.voronoi_polygons(scaled, extend_to=envelope)
        cells: dict[str, Polygon] = {}
        for cell in diagram.geoms:
            clipped = shapely.transform(
                cell.intersection(envelope), lambda c: c / np.array([self._fx, self._fy])
            )
            centre = clipped.representative_point()
            sub = self.locate(centre.x, centre.y)
            if sub is not None and isinstance(clipped, Polygon):
                cells[sub.code] = clipped
        return cells

    def geojson(self) -> dict[str, Any]:
        """The partition as an RFC 7946 FeatureCollection."""
        features = [
            {
                "type": "Feature",
                "id": sub.code,
                "geometry": mapping(self.cells[sub.code]),
                "properties": {
                    "code": sub.code,
                    "name": sub.name,
                    "pinyin": sub.pinyin,
                    "kind": sub.kind,
                },
            }
            for sub in self.subdistricts
            if sub.code in self.cells
        ]
        return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=4)
def load_district(path: str | None = None) -> District:
    """The configured district (a JSON file path) or the shipped Putuo reference data."""
    if path:
        return District.from_file(Path(path))
    text = resources.files("gigcity.geo").joinpath("data/putuo.json").read_text(encoding="utf-8")
    return District.from_json(json.loads(text))
