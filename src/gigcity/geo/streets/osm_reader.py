"""Read the parts of an OpenStreetMap file a street graph needs: nodes, highway ways, tags.

.osm XML (optionally .gz or .bz2) is read with the standard library's streaming parser;
.osm.pbf needs the `osmium` package (`pip install 'gigcity[streets]'`). What is kept is an
`OsmSelection`: by default the street graph's; the estates importer asks for more (buildings,
areas, relations).
"""

from __future__ import annotations

import bz2
import gzip
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

# Node tags worth keeping: signals, crossings and which direction a signal faces.
KEPT_NODE_KEYS = frozenset(
    {"highway", "crossing", "traffic_signals", "traffic_signals:direction", "direction"}
)

Progress = Callable[[float], None]  # fraction of the input read, 0..1


class OsmReadError(ValueError):
    """The file cannot be read as OpenStreetMap data."""


@dataclass(frozen=True, slots=True)
class OsmWay:
    way_id: int
    node_ids: tuple[int, ...]
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class OsmRelation:
    relation_id: int
    members: tuple[tuple[str, int, str], ...]  # (type "node"/"way"/"relation", id, role)
    tags: dict[str, str]


@dataclass
class OsmData:
    """Node positions, tags of interesting nodes, the selected ways (by default those that
    carry a highway tag) and relations (none by default)."""

    node_lonlat: dict[int, tuple[float, float]] = field(default_factory=dict)
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    ways: list[OsmWay] = field(default_factory=list)
    relations: list[OsmRelation] = field(default_factory=list)


def _has_highway(tags: Mapping[str, str]) -> bool:
    return "highway" in tags


@dataclass(frozen=True)
class OsmSelection:
    """What to keep besides node positions: ways whose tags `way` accepts, node tags with a
    key in `node_keys`, relations whose tags `relation` accepts (None: no relations)."""

    way: Callable[[Mapping[str, str]], bool] = _has_highway
    node_keys: frozenset[str] = KEPT_NODE_KEYS
    relation: Callable[[Mapping[str, str]], bool] | None = None


STREETS = OsmSelection()  # what the street graph needs


def read_osm(
    path: Path, progress: Progress | None = None, select: OsmSelection = STREETS
) -> OsmData:
    """Read .osm / .osm.gz / .osm.bz2 (XML) or .osm.pbf / .pbf (needs osmium)."""
    if not path.is_file():
        raise OsmReadError(f"{path}: no such file")
    name = path.name.lower()
    if name.endswith(".pbf"):
        return read_pbf(path, progress, select)
    if name.endswith((".osm", ".osm.gz", ".osm.bz2", ".xml", ".xml.gz")):
        return read_xml(path, progress, select)
    raise OsmReadError(f"{path}: expected .osm, .osm.gz, .osm.bz2 or .osm.pbf")


def _decompressed(path: Path, raw: IO[bytes]) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if name.endswith(".bz2"):
        return cast(IO[bytes], bz2.BZ2File(raw, "rb"))
    return raw


def read_xml(
    path: Path, progress: Progress | None = None, select: OsmSelection = STREETS
) -> OsmData:
    data = OsmData()
    total = max(path.stat().st_size, 1)
    with path.open("rb") as raw, _decompressed(path, raw) as stream:
        try:
            for count, element in enumerate(_iter_elements(stream), start=1):
                _take_xml_element(element, data, select)
                if progress is not None and count % 50_000 == 0:
                    progress(min(raw.tell() / total, 1.0))
        except ET.ParseError as exc:
            raise OsmReadError(f"{path}: not valid OSM XML ({exc})") from exc
    if progress is not None:
        progress(1.0)
    return data


def _iter_elements(stream: IO[bytes]) -> Iterator[ET.Element]:
    root: ET.Element | None = None
    for event, element in ET.iterparse(stream, events=("start", "end")):
        if root is None:
            root = element
        if event == "end" and element.tag in ("node", "way", "relation"):
            yield element
            root.clear()  # drop what was read: memory stays flat on a large extract


def _take_xml_element(element: ET.Element, data: OsmData, select: OsmSelection) -> None:
    tags = {t.get("k", ""): t.get("v", "") for t in element.iter("tag")}
    try:
        osm_id = int(element.get("id", ""))
        if element.tag == "node":
            if element.get("action") == "delete" or element.get("visible") == "false":
                return
            data.node_lonlat[osm_id] = (
                float(element.get("lon", "")),
                float(element.get("lat", "")),
            )
            _keep_node_tags(osm_id, tags, data, select.node_keys)
        elif element.get("action") == "delete":
            return
        elif element.tag == "way":
            if select.way(tags):
                refs = tuple(int(nd.get("ref", "")) for nd in element.iter("nd"))
                data.ways.append(OsmWay(osm_id, refs, tags))
        elif select.relation is not None and select.relation(tags):
            members = tuple(
                (m.get("type", ""), int(m.get("ref", "")), m.get("role", ""))
                for m in element.iter("member")
            )
            data.relations.append(OsmRelation(osm_id, members, tags))
    except ValueError as exc:
        raise OsmReadError(f"{element.tag} {element.get('id')!r}: bad id or coordinate") from exc


def _keep_node_tags(
    osm_id: int, tags: Mapping[str, str], data: OsmData, keys: frozenset[str] = KEPT_NODE_KEYS
) -> None:
    kept = {k: v for k, v in tags.items() if k in keys}
    if kept:
        data.node_tags[osm_id] = kept


_PBF_MEMBER_TYPES = {"n": "node", "w": "way", "r": "relation"}


def read_pbf(
    path: Path, progress: Progress | None = None, select: OsmSelection = STREETS
) -> OsmData:
    try:
        import osmium
    except ImportError as exc:  # optional dependency
        raise OsmReadError(
            "reading .osm.pbf needs the osmium package: pip install 'gigcity[streets]'"
        ) from exc
    data = OsmData()
    entities = osmium.osm.NODE | osmium.osm.WAY
    if select.relation is not None:
        entities |= osmium.osm.RELATION
    processor = osmium.FileProcessor(str(path), entities)
    try:
        for obj in processor:
            if isinstance(obj, osmium.osm.Node):
                location = obj.location
                if not location.valid():
                    continue
                data.node_lonlat[obj.id] = (location.lon, location.lat)
                if len(obj.tags):
                    _keep_node_tags(obj.id, {t.k: t.v for t in obj.tags}, data, select.node_keys)
            elif isinstance(obj, osmium.osm.Way):
                tags = {t.k: t.v for t in obj.tags}
                if select.way(tags):
                    data.ways.append(OsmWay(obj.id, tuple(n.ref for n in obj.nodes), tags))
            elif isinstance(obj, osmium.osm.Relation) and select.relation is not None:
                tags = {t.k: t.v for t in obj.tags}
                if select.relation(tags):
                    members = tuple(
                        (_PBF_MEMBER_TYPES.get(m.type, m.type), m.ref, m.role) for m in obj.members
                    )
                    data.relations.append(OsmRelation(obj.id, members, tags))
    except RuntimeError as exc:
        raise OsmReadError(f"{path}: not a readable .osm.pbf ({exc})") from exc
    if progress is not None:
        progress(1.0)
    return data
