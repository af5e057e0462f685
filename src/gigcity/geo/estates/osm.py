"""Estates from OpenStreetMap: .osm, .osm.gz, .osm.bz2 (and .osm.pbf when osmium is
installed), read with the streets importer's reader.

An estate is a named closed way or multipolygon relation tagged landuse=residential,
place=neighbourhood or residential=*. What lies in it becomes the estate's parts:

- building=* ways (and multipolygons) whose inside point is in the estate: addr:housenumber
  (else name, else ref) is the number; building:levels the floors; lift / elevator tags,
  or a highway=elevator node inside the footprint, whether there is a lift. Buildings with
  no number at all (garages, substations) are left out: nobody delivers to them;
- entrance=* nodes on a building's outline: its unit entrances (ref=2 or addr:unit=2 is
  "2单元");
- barrier=gate (and the other gate barriers) or entrance=* nodes within 30 m of the
  boundary and not on a building: gates. access, foot, motor_vehicle / motorcar / vehicle
  and electric_bicycle / moped / mofa say who may pass (e-bikes: not allowed unless
  tagged), opening_hours the hours, lit=yes lit at night. An estate where none is mapped
  gets a gate wherever a highway crosses its boundary; one with neither is skipped;
- highway=footway / path / steps / pedestrian / service / living_street (and residential,
  unclassified, track, cycleway, corridor) inside it: the walkways, each segment an edge
  between walk nodes (lit=yes: lit); a segment that leaves the estate is cut at the
  boundary;
- amenity=bicycle_parking / motorcycle_parking within 60 m: e-bike parking;
- amenity=parcel_locker or gigcity:handoff=yes nodes, or closed ways of at most 2,000 m²
  (their inside point), inside or within 10 m of the boundary: hand-off points for relay
  (gigcity:handoff=no leaves a locker out). name (else brand, operator, ref; else "接力点"),
  opening_hours the hours, capacity the shelf's capacity (else the model's default, 40).

Refs are stable across imports of newer extracts: "b12" for 12号楼 (else "w<way id>"),
"g<node id>", "n<node id>", "p<node id>", "h<node id>" (a hand-off area: "hw<way id>"); the
estate's `external_id` is "osm:way/<id>" or "osm:relation/<id>". `source` keeps the ODbL
attribution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from pydantic import ValidationError
from shapely import STRtree, make_valid
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gigcity.geo.estates.errors import EstateFormatError, validation_problem
from gigcity.geo.estates.model import (
    Building,
    Entrance,
    Estate,
    Gate,
    HandoffPoint,
    LonLat,
    Parking,
    WalkNode,
    Walkway,
)
from gigcity.geo.estates.plane import LocalPlane
from gigcity.geo.estates.refs import RefPool, number_digits
from gigcity.geo.estates.tags import (
    GATE_BARRIERS,
    PARKING_AMENITIES,
    VEHICLE_HIGHWAYS,
    WALKWAY_KINDS,
    building_fields,
    entrance_name,
    gate_fields,
    handoff_fields,
    is_building,
    is_estate_area,
    is_handoff,
    is_yes,
    parking_fields,
    text,
)
from gigcity.geo.streets.osm_reader import (
    OsmData,
    OsmReadError,
    OsmSelection,
    OsmWay,
    Progress,
    read_osm,
)

SOURCE = "© OpenStreetMap contributors (ODbL)"
GATE_WITHIN_M = 30.0  # a gate node this close to the boundary is one of the estate's gates
PARKING_WITHIN_M = 60.0  # parking just outside the gates counts
HANDOFF_WITHIN_M = 10.0  # a locker on the fence or at the gate house, mapped on the outline
HANDOFF_MAX_AREA_M2 = 2_000.0  # a hand-off room or kiosk; anything larger is a mistagged area
WALK_MARGIN_M = 30.0  # a walkway may end this far outside (at a gate, at the parking)
_CROSSINGS_APART_M = 15.0  # crossings closer than this are one gate
_DEGREE_MARGIN = 0.001  # about 100 m: the box searched around an estate

_NODE_KEYS = frozenset(
    {"entrance", "barrier", "amenity", "access", "foot", "bicycle", "motor_vehicle",
     "motorcar", "vehicle", "moped", "mofa", "electric_bicycle", "opening_hours", "lit",
     "ref", "name", "capacity", "highway", "addr:unit", "gigcity:handoff", "brand",
     "operator"}
)  # fmt: skip


_Tagged = tuple[str, LonLat, Mapping[str, str]]  # (ref, at, tags)


def _wanted_way(tags: Mapping[str, str]) -> bool:
    # Untagged ways and walls are kept: they are the outlines of multipolygons.
    return (
        not tags
        or "highway" in tags
        or "barrier" in tags
        or is_building(tags)
        or is_estate_area(tags)
        or tags.get("amenity") in PARKING_AMENITIES
        or is_handoff(tags)
    )


def _wanted_relation(tags: Mapping[str, str]) -> bool:
    return tags.get("type") == "multipolygon" and (is_estate_area(tags) or is_building(tags))


ESTATES = OsmSelection(way=_wanted_way, node_keys=_NODE_KEYS, relation=_wanted_relation)


@dataclass(frozen=True)
class OsmEstates:
    """What an OSM file gave: the estates, and the named residential areas that could not
    become one, each with the reason ("中远两湾城 (way 123): no gate ...")."""

    estates: tuple[Estate, ...]
    skipped: tuple[str, ...] = ()


def estates_from_osm(path: Path) -> list[Estate]:
    """The estates in an OSM file (the areas that cannot become one are left out: see
    `read_osm_estates` for the reasons)."""
    return list(read_osm_estates(path).estates)


def read_osm_estates(path: Path, progress: Progress | None = None) -> OsmEstates:
    """Every named residential area of the file as an estate, or the reason it is not."""
    try:
        data = read_osm(path, progress, ESTATES)
    except OsmReadError as exc:
        raise EstateFormatError(path.name, str(exc).removeprefix(f"{path}: ")) from None
    except (OSError, EOFError) as exc:  # a damaged .gz / .bz2 / .pbf
        raise EstateFormatError(path.name, f"cannot be read ({exc})") from None
    index = _Index.build(data)
    estates: list[Estate] = []
    skipped: list[str] = []
    taken: list[tuple[str, Polygon]] = []
    for area in sorted(_areas(data, skipped), key=lambda a: -a.polygon.area):
        if any(name == area.name and other.intersects(area.polygon) for name, other in taken):
            continue  # the same estate mapped twice (a neighbourhood around its landuse)
        try:
            estates.append(_estate(area, index))
        except EstateFormatError as exc:
            skipped.append(str(exc))
            continue
        taken.append((area.name, area.polygon))
    return OsmEstates(tuple(estates), tuple(skipped))


# -- what the file holds ------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    """A named residential area: an estate to be."""

    element: str  # "way" or "relation"
    osm_id: int
    tags: Mapping[str, str]
    ring: tuple[LonLat, ...]  # unclosed

    @property
    def name(self) -> str:
        return self.tags["name"]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.element} {self.osm_id})"

    @property
    def polygon(self) -> Polygon:
        return Polygon(self.ring)


@dataclass(frozen=True)
class _OsmBuilding:
    ref_hint: str  # "w123" / "r45": the ref when the number gives none
    tags: Mapping[str, str]
    ring: tuple[LonLat, ...]
    node_ids: frozenset[int]
    at: LonLat


@dataclass
class _Index:
    """The file's buildings, tagged nodes and highways, searchable by place."""

    data: OsmData
    buildings: list[_OsmBuilding]
    building_tree: STRtree
    gates: list[int]  # node ids
    gate_tree: STRtree
    entrances: Mapping[int, Mapping[str, str]]  # node id -> tags, entrances on outlines
    elevators: STRtree
    parking: Sequence[_Tagged]
    parking_tree: STRtree
    handoffs: Sequence[_Tagged]
    handoff_tree: STRtree
    highways: list[OsmWay]
    highway_tree: STRtree
    vehicle_nodes: frozenset[int]  # nodes on roads a car can use
    outline_nodes: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def build(cls, data: OsmData) -> _Index:
        ways = {w.way_id: w for w in data.ways}
        buildings = [b for w in data.ways if is_building(w.tags) if (b := _way_building(w, data))]
        buildings += [
            b for r in data.relations if is_building(r.tags)
            if (b := _relation_building(r.relation_id, r.tags, r.members, ways, data))
        ]  # fmt: skip
        outline_nodes = frozenset(n for b in buildings for n in b.node_ids)
        tagged = data.node_tags.items()
        gates = [
            n for n, t in tagged
            if t.get("barrier") in GATE_BARRIERS
            or (t.get("entrance", "no") != "no" and n not in outline_nodes)
        ]  # fmt: skip
        entrances = {
            n: t for n, t in tagged if t.get("entrance", "no") != "no" and n in outline_nodes
        }
        elevators = [data.node_lonlat[n] for n, t in tagged if t.get("highway") == "elevator"]
        parking = [
            (f"p{n}", data.node_lonlat[n], t)
            for n, t in tagged
            if t.get("amenity") in PARKING_AMENITIES
        ]
        for way in data.ways:
            if way.tags.get("amenity") in PARKING_AMENITIES and (ring := _closed(way, data)):
                parking.append((f"pw{way.way_id}", _inside(ring), way.tags))
        handoffs = [(f"h{n}", data.node_lonlat[n], t) for n, t in tagged if is_handoff(t)]
        for way in data.ways:
            if is_handoff(way.tags) and (ring := _closed(way, data)) and _small(ring):
                handoffs.append((f"hw{way.way_id}", _inside(ring), way.tags))
        highways = [w for w in data.ways if "highway" in w.tags and len(w.node_ids) >= 2]
        highway_lines = [_way_line(w, data) for w in highways]
        vehicle_nodes = frozenset(
            n for w in highways if w.tags["highway"] in VEHICLE_HIGHWAYS for n in w.node_ids
        )
        return cls(
            data=data,
            buildings=buildings,
            building_tree=STRtree([Point(b.at) for b in buildings]),
            gates=gates,
            gate_tree=STRtree([Point(data.node_lonlat[n]) for n in gates]),
            entrances=entrances,
            elevators=STRtree([Point(p) for p in elevators]),
            parking=parking,
            parking_tree=STRtree([Point(p[1]) for p in parking]),
            handoffs=handoffs,
            handoff_tree=STRtree([Point(h[1]) for h in handoffs]),
            highways=[w for w, line in zip(highways, highway_lines, strict=True) if line],
            highway_tree=STRtree([line for line in highway_lines if line]),
            vehicle_nodes=vehicle_nodes,
            outline_nodes=outline_nodes,
        )


def _areas(data: OsmData, skipped: list[str]) -> list[_Area]:
    found: list[_Area] = []
    for way in data.ways:
        if is_estate_area(way.tags) and way.tags.get("name") and not is_building(way.tags):
            ring = _closed(way, data)
            if ring is None:
                skipped.append(f"{way.tags['name']} (way {way.way_id}): not a closed outline "
                               "inside the extract")  # fmt: skip
            else:
                found.append(_Area("way", way.way_id, way.tags, ring))
    ways = {w.way_id: w for w in data.ways}
    for relation in data.relations:
        tags = relation.tags
        if is_estate_area(tags) and tags.get("name") and not is_building(tags):
            rings = _outer_rings(relation.members, ways, data)
            if not rings:
                skipped.append(f"{tags['name']} (relation {relation.relation_id}): its outer "
                               "ways do not close a ring inside the extract")  # fmt: skip
            else:
                ring = max(rings, key=lambda r: Polygon(r).area)
                found.append(_Area("relation", relation.relation_id, tags, ring))
    return found


def _closed(way: OsmWay, data: OsmData) -> tuple[LonLat, ...] | None:
    ids = way.node_ids
    if len(ids) < 4 or ids[0] != ids[-1] or any(n not in data.node_lonlat for n in ids):
        return None
    return tuple(data.node_lonlat[n] for n in ids[:-1])


def _outer_rings(
    members: Sequence[tuple[str, int, str]], ways: Mapping[int, OsmWay], data: OsmData
) -> list[tuple[LonLat, ...]]:
    """The outer ways joined end to end into closed rings."""
    pending = [
        list(ways[ref].node_ids)
        for kind, ref, role in members
        if kind == "way" and role in ("outer", "") and ref in ways
    ]
    rings: list[tuple[LonLat, ...]] = []
    while pending:
        ring: list[int] | None = pending.pop()
        while ring is not None and len(ring) > 1 and ring[0] != ring[-1]:
            for i, nodes in enumerate(pending):
                if nodes[0] == ring[-1]:
                    ring += nodes[1:]
                elif nodes[-1] == ring[-1]:
                    ring += nodes[-2::-1]
                else:
                    continue
                del pending[i]
                break
            else:
                ring = None  # an open end: this ring cannot close
        if ring is not None and len(ring) >= 4 and all(n in data.node_lonlat for n in ring):
            rings.append(tuple(data.node_lonlat[n] for n in ring[:-1]))
    return rings


def _way_building(way: OsmWay, data: OsmData) -> _OsmBuilding | None:
    ring = _closed(way, data)
    if ring is None:
        return None
    return _OsmBuilding(f"w{way.way_id}", way.tags, ring, frozenset(way.node_ids), _inside(ring))


def _relation_building(
    relation_id: int,
    tags: Mapping[str, str],
    members: Sequence[tuple[str, int, str]],
    ways: Mapping[int, OsmWay],
    data: OsmData,
) -> _OsmBuilding | None:
    rings = _outer_rings(members, ways, data)
    if not rings:
        return None
    ring = max(rings, key=lambda r: Polygon(r).area)
    node_ids = frozenset(
        n for kind, ref, _ in members if kind == "way" and ref in ways for n in ways[ref].node_ids
    )
    return _OsmBuilding(f"r{relation_id}", tags, ring, node_ids, _inside(ring))


def _way_line(way: OsmWay, data: OsmData) -> LineString | None:
    points = [data.node_lonlat[n] for n in way.node_ids if n in data.node_lonlat]
    return LineString(points) if len(points) >= 2 else None


def _small(ring: Sequence[LonLat]) -> bool:
    """An area small enough to be one hand-off point (measured in metres)."""
    plane = LocalPlane(ring[0])
    return bool(Polygon([plane.xy(p) for p in ring]).area <= HANDOFF_MAX_AREA_M2)


def _inside(ring: Sequence[LonLat]) -> LonLat:
    polygon = Polygon(ring)
    point = polygon.centroid
    if not polygon.contains(point):
        point = polygon.representative_point()
    return (round(point.x, 7), round(point.y, 7))


# -- one estate ---------------------------------------------------------------------------


@dataclass
class _Work:
    """One estate as it is assembled, in a metric plane around it."""

    area: _Area
    index: _Index
    plane: LocalPlane
    polygon: Polygon  # metres
    pool: RefPool = field(default_factory=RefPool)

    def m(self, at: LonLat) -> Point:
        return Point(self.plane.xy(at))

    def near(self, tree: STRtree, metres: float) -> list[int]:
        """Indices of `tree`'s geometries within `metres` of the estate."""
        margin = metres / 111_000 * 2 + _DEGREE_MARGIN
        box = self.area.polygon.buffer(margin, join_style="mitre")
        return sorted(int(i) for i in tree.query(box))


def _estate(area: _Area, index: _Index) -> Estate:
    plane = LocalPlane(area.ring[0])
    polygon = Polygon([plane.xy(p) for p in area.ring])
    if not polygon.is_valid:  # a repeated point or a spike: still one area
        polygon = make_valid(polygon)
    if not isinstance(polygon, Polygon) or polygon.area <= 0:
        raise EstateFormatError(area.label, "its outline crosses itself")
    work = _Work(area, index, plane, polygon)
    buildings = _buildings(work)
    gates = _gates(work) or _crossing_gates(work)
    if not gates:
        raise EstateFormatError(
            area.label,
            "no gate: no barrier=gate or entrance node on its boundary and no road crossing it",
        )
    nodes, walkways = _walkways(work)
    try:
        return Estate(
            name=area.name[:120],
            name_en=text(area.tags, "name:en", limit=120),
            source=SOURCE,
            external_id=f"osm:{area.element}/{area.osm_id}",
            ebikes_inside=any(g.ebikes_allowed for g in gates),
            boundary=area.ring,
            gates=tuple(gates),
            buildings=tuple(buildings),
            nodes=tuple(nodes),
            walkways=tuple(walkways),
            parking=tuple(_parking(work)),
            handoffs=tuple(_handoffs(work)),
        )
    except ValidationError as exc:
        raise EstateFormatError(area.label, validation_problem(exc)) from None


def _buildings(work: _Work) -> list[Building]:
    index = work.index
    inside = [
        index.buildings[i]
        for i in work.near(index.building_tree, 0)
        if work.polygon.contains(work.m(index.buildings[i].at))
    ]
    made: list[Building] = []
    for osm in inside:
        fields = building_fields(osm.tags)
        if "number" not in fields:
            continue  # no number: not a delivery address
        digits = number_digits(fields["number"])
        ref = work.pool.new("w", f"b{digits}" if digits else None, osm.ref_hint)
        if "lift" not in fields and _has_elevator(osm, index):
            fields["lift"] = True
        try:
            made.append(
                Building(ref=ref, at=osm.at, footprint=osm.ring,
                         entrances=_entrances(ref, osm, work), **fields)
            )  # fmt: skip
        except ValidationError as exc:
            raise EstateFormatError(
                f"{work.area.label}, building {ref}", validation_problem(exc)
            ) from None
    return made


def _has_elevator(osm: _OsmBuilding, index: _Index) -> bool:
    footprint = Polygon(osm.ring)
    return any(True for _ in index.elevators.query(footprint, predicate="contains"))


def _entrances(ref: str, osm: _OsmBuilding, work: _Work) -> tuple[Entrance, ...]:
    found = sorted(
        ((n, work.index.entrances[n]) for n in osm.node_ids if n in work.index.entrances),
        key=lambda item: (_natural(entrance_name(item[1])), item[0]),
    )
    entrances: list[Entrance] = []
    for node_id, tags in found:
        digits = number_digits(text(tags, "ref", "addr:unit", limit=40))
        entrance_ref = work.pool.new("e", f"{ref}-u{digits}" if digits else None, f"e{node_id}")
        at = work.index.data.node_lonlat[node_id]
        entrances.append(Entrance(ref=entrance_ref, name=entrance_name(tags), at=at))
    return tuple(entrances)


def _natural(label: str) -> tuple[int, str]:
    match = re.search(r"\d+", label)
    return (int(match.group()) if match else 10**9, label)


def _gates(work: _Work) -> list[Gate]:
    index = work.index
    gates: list[Gate] = []
    for i in work.near(index.gate_tree, GATE_WITHIN_M):
        node_id = index.gates[i]
        at = index.data.node_lonlat[node_id]
        if work.polygon.exterior.distance(work.m(at)) > GATE_WITHIN_M:
            continue
        tags = index.data.node_tags[node_id]
        fields = gate_fields(tags, on_vehicle_way=node_id in index.vehicle_nodes)
        fields["name"] = fields["name"] or text(tags, "ref", limit=80)
        gates.append(Gate(ref=work.pool.new("g", f"g{node_id}"), at=at, **fields))
    return gates


def _crossing_gates(work: _Work) -> list[Gate]:
    """A gate wherever a highway crosses the boundary (for estates mapped without gates)."""
    gates: list[Gate] = []
    seen: list[Point] = []
    for way, crossing in _crossings(work):
        if any(crossing.distance(p) < _CROSSINGS_APART_M for p in seen):
            continue
        seen.append(crossing)
        highway = way.tags["highway"]
        fields = gate_fields(
            {k: v for k, v in way.tags.items() if k not in ("name", "ref")},
            on_vehicle_way=highway in VEHICLE_HIGHWAYS,
        )
        ref = work.pool.new("gw", f"gw{way.way_id}-{len(seen)}")
        gates.append(Gate(ref=ref, at=_lonlat(work, crossing), **fields))
    return gates


def _crossings(work: _Work) -> Iterable[tuple[OsmWay, Point]]:
    index = work.index
    boundary = work.polygon.exterior
    for i in work.near(index.highway_tree, 0):
        way = index.highways[i]
        line = LineString([work.plane.xy(p) for p in _way_points(way, index.data)])
        for point in _points(line.intersection(boundary)):
            yield way, point


def _points(geometry: BaseGeometry) -> list[Point]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, Point):
        return [geometry]
    parts = getattr(geometry, "geoms", [])
    return [p for g in parts for p in _points(g)]


def _way_points(way: OsmWay, data: OsmData) -> list[LonLat]:
    return [data.node_lonlat[n] for n in way.node_ids if n in data.node_lonlat]


def _lonlat(work: _Work, point: Point) -> LonLat:
    return work.plane.lonlat(point.x, point.y, digits=7)


def _walkways(work: _Work) -> tuple[list[WalkNode], list[Walkway]]:
    """The walkable highways inside, segment by segment; a segment from inside to beyond the
    margin is cut at the boundary (where the crossing gate is)."""
    index, data = work.index, work.index.data
    margin = work.polygon.buffer(WALK_MARGIN_M)
    nodes: dict[str, WalkNode] = {}
    walkways: list[Walkway] = []

    def node(ref: str, at: LonLat) -> str:
        if ref not in nodes:
            nodes[ref] = WalkNode(ref=work.pool.new("n", ref), at=at)
        return nodes[ref].ref

    for i in work.near(index.highway_tree, WALK_MARGIN_M):
        way = index.highways[i]
        kind = WALKWAY_KINDS.get(way.tags["highway"])
        if kind is None:
            continue
        lit = is_yes(way.tags.get("lit"))
        ids = [n for n in way.node_ids if n in data.node_lonlat]
        for k, (a, b) in enumerate(pairwise(ids)):
            ends = _segment(work, margin, (f"n{a}", data.node_lonlat[a]),
                            (f"n{b}", data.node_lonlat[b]), f"nw{way.way_id}-{k}")  # fmt: skip
            if ends is not None:
                (ref_a, at_a), (ref_b, at_b) = ends
                walkways.append(
                    Walkway(a=node(ref_a, at_a), b=node(ref_b, at_b), kind=kind, lit=lit)
                )
    return list(nodes.values()), walkways


_End = tuple[str, LonLat]


def _segment(
    work: _Work, margin: Polygon, a: _End, b: _End, cut_ref: str
) -> tuple[_End, _End] | None:
    """The part of segment a-b that belongs to the estate: all of it when one end is inside
    and the other inside or just outside (at a gate); cut at the boundary when an end lies
    beyond the margin; None when neither end is inside."""
    inside = [work.polygon.contains(work.m(a[1])), work.polygon.contains(work.m(b[1]))]
    if not any(inside):
        return None
    ends = [a, b]
    for end in (0, 1):
        if not margin.contains(work.m(ends[end][1])):
            line = LineString([work.plane.xy(ends[1 - end][1]), work.plane.xy(ends[end][1])])
            cut = _points(line.intersection(work.polygon.exterior))
            if not cut:
                return None
            ends[end] = (cut_ref, _lonlat(work, cut[0]))
    return ends[0], ends[1]


def _tagged_within(
    work: _Work, tree: STRtree, points: Sequence[_Tagged], metres: float
) -> list[_Tagged]:
    """The tagged points within `metres` of the estate's boundary (inside counts as 0)."""
    near = (points[i] for i in work.near(tree, metres))
    return [p for p in near if work.polygon.distance(work.m(p[1])) <= metres]


def _parking(work: _Work) -> list[Parking]:
    return [
        Parking(ref=work.pool.new("p", ref), at=at, **parking_fields(tags))
        for ref, at, tags in _tagged_within(
            work, work.index.parking_tree, work.index.parking, PARKING_WITHIN_M
        )
    ]


def _handoffs(work: _Work) -> list[HandoffPoint]:
    return [
        HandoffPoint(ref=work.pool.new("h", ref), at=at, **handoff_fields(tags))
        for ref, at, tags in _tagged_within(
            work, work.index.handoff_tree, work.index.handoffs, HANDOFF_WITHIN_M
        )
    ]
