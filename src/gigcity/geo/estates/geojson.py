"""Estates as GeoJSON (RFC 7946), both ways.

`estate_to_geojson` writes a FeatureCollection: the boundary as a Polygon feature carrying the
estate's own properties, then one feature per gate, building (footprint Polygon, or Point),
unit entrance, walk node, walkway (a two-point LineString with the refs of its ends in `a`
and `b`), e-bike parking and hand-off point, each with a `gigcity:kind` property. Measures
and zones are lists in the collection's `properties`. `estate_from_geojson` reads that back
exactly, and also reads GeoJSON drawn by hand or exported from other tools:

- a feature without `gigcity:kind` is recognised by OpenStreetMap tags (landuse=residential
  polygon, building=*, entrance=*, barrier=gate, highway=* line, amenity=bicycle_parking,
  amenity=parcel_locker or gigcity:handoff=yes for a hand-off point);
  its `ref` is then OSM's label (an entrance's unit number), not gigcity's ref;
- parts without refs get refs ("b37" for 37号楼, "b37-u2", "g1", "n1");
- an entrance without `building` belongs to the building it is in or nearest to;
- a walkway line with several vertices becomes a chain of walk nodes, shared with other
  lines and nodes at the same coordinates (to about a centimetre).

Anything that cannot be read raises `EstateFormatError` naming the feature:
"features[12] (gate g3): coordinates must be [lon, lat]".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from shapely.geometry import Point, Polygon

from gigcity.geo.coords import validate_lon_lat
from gigcity.geo.estates.errors import EstateFormatError, validation_problem
from gigcity.geo.estates.model import (
    Building,
    Entrance,
    Estate,
    Gate,
    HandoffPoint,
    LonLat,
    Measure,
    Parking,
    WalkNode,
    Walkway,
    Zone,
)
from gigcity.geo.estates.plane import LocalPlane
from gigcity.geo.estates.refs import RefPool, number_digits
from gigcity.geo.estates.tags import (
    GATE_BARRIERS,
    PARKING_AMENITIES,
    building_fields,
    entrance_name,
    gate_fields,
    handoff_fields,
    is_building,
    is_estate_area,
    is_handoff,
    parking_fields,
    text,
    walkway_fields,
)

FORMAT = "gigcity.estate/1"
KIND = "gigcity:kind"
KINDS = ("estate", "gate", "building", "entrance", "node", "walkway", "parking", "handoff")
# The estate's fields that are features or collection lists; the rest are the boundary's
# properties (so a field added to the model later travels without a change here).
_PARTS = frozenset(
    {"boundary", "gates", "buildings", "nodes", "walkways", "parking", "handoffs", "measures",
     "zones"}
)  # fmt: skip
_NODE_SNAP_DIGITS = 7  # 1e-7 degree, about a centimetre

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")


# -- writing ------------------------------------------------------------------------------


def estate_to_geojson(estate: Estate) -> dict[str, Any]:
    """The estate as a GeoJSON FeatureCollection (a plain dict, ready for `json.dumps`)."""
    features = [_feature(_polygon(estate.boundary), "estate", estate, exclude=_PARTS)]
    features += [_feature(_point(g.at), "gate", g, exclude={"at"}) for g in estate.gates]
    for building in estate.buildings:
        features.append(_building_feature(building))
        features += [
            _feature(_point(e.at), "entrance", e, exclude={"at"}, building=building.ref)
            for e in building.entrances
        ]
    features += [_feature(_point(n.at), "node", n, exclude={"at"}) for n in estate.nodes]
    at = {n.ref: n.at for n in estate.nodes}
    features += [
        _feature(_line((at[w.a], at[w.b])), "walkway", w, exclude=set()) for w in estate.walkways
    ]
    features += [_feature(_point(p.at), "parking", p, exclude={"at"}) for p in estate.parking]
    features += [_feature(_point(h.at), "handoff", h, exclude={"at"}) for h in estate.handoffs]
    return {
        "type": "FeatureCollection",
        "properties": {
            "gigcity:format": FORMAT,
            "measures": [m.model_dump(mode="json") for m in estate.measures],
            "zones": [z.model_dump(mode="json") for z in estate.zones],
        },
        "features": features,
    }


def _feature(
    geometry: dict[str, Any], kind: str, part: BaseModel, *, exclude: set[str] | frozenset[str],
    **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    properties = {KIND: kind, **extra, **part.model_dump(mode="json", exclude=set(exclude))}
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _building_feature(building: Building) -> dict[str, Any]:
    """OSM's names for the number and the floors, so other tools understand them."""
    feature = _feature(
        _point(building.at), "building", building,
        exclude={"at", "footprint", "entrances", "number", "floors"},
    )  # fmt: skip
    properties = feature["properties"]
    properties["building"] = "yes"
    properties["addr:housenumber"] = building.number
    properties["building:levels"] = building.floors
    footprint = building.footprint
    if footprint is not None and len(footprint) >= 3:
        feature["geometry"] = _polygon(footprint)
        properties["gigcity:at"] = list(building.at)
    elif footprint is not None:  # too few points for a polygon: kept as they are
        properties["gigcity:footprint"] = [list(p) for p in footprint]
    return feature


def _point(at: LonLat) -> dict[str, Any]:
    return {"type": "Point", "coordinates": list(at)}


def _line(points: Sequence[LonLat]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def _polygon(ring: Sequence[LonLat]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[*(list(p) for p in ring), list(ring[0])]]}


# -- reading ------------------------------------------------------------------------------


class _Problem(Exception):
    """What is wrong with one feature; becomes an EstateFormatError naming it."""


@dataclass
class _Raw:
    index: int
    kind: str
    explicit: bool  # carries gigcity:kind: `ref` is gigcity's ref, not OSM's label
    geometry: Mapping[str, Any]
    props: dict[str, Any]
    ref: str | None = None  # set once known, for messages

    @property
    def where(self) -> str:
        label = f"{self.kind} {self.ref}" if self.ref else self.kind
        return f"features[{self.index}] ({label})"

    @property
    def tags(self) -> dict[str, Any]:
        """The properties read as OSM tags (gigcity's own `ref` is no OSM label)."""
        return {k: v for k, v in self.props.items() if k != "ref"} if self.explicit else self.props

    def given_ref(self) -> str | None:
        ref = self.props.get("ref")
        return ref if self.explicit and isinstance(ref, str) and ref else None


@dataclass
class _Graph:
    """Walk nodes as they are read, found by ref or by (rounded) position."""

    nodes: list[WalkNode] = field(default_factory=list)
    by_ref: dict[str, WalkNode] = field(default_factory=dict)
    by_position: dict[tuple[float, float], str] = field(default_factory=dict)

    def add(self, node: WalkNode) -> None:
        self.nodes.append(node)
        self.by_ref[node.ref] = node
        self.by_position.setdefault(_snap(node.at), node.ref)


def estate_from_geojson(obj: object) -> Estate:
    """Read an estate from a GeoJSON FeatureCollection (a parsed JSON object)."""
    raws = [_raw(i, f) for i, f in enumerate(_features(obj))]
    pool = _reserve_refs(raws)
    boundary_raw = _the_boundary(raws)
    boundary = _read(boundary_raw, lambda r: _ring(_polygonal(r.geometry)))
    plane = LocalPlane(boundary[0])
    gates = [_read(r, lambda r: _gate(r, pool)) for r in _of(raws, "gate")]
    buildings = [_read(r, lambda r: _building(r, pool)) for r in _of(raws, "building")]
    entrances = _entrances(_of(raws, "entrance"), buildings, pool, plane)
    buildings = [b.model_copy(update={"entrances": tuple(entrances[b.ref])}) for b in buildings]
    graph = _Graph()
    for raw in _of(raws, "node"):
        graph.add(_read(raw, lambda r: _model(WalkNode, r, ref=_ref(r, pool, "n"), at=_at(r))))
    walkways = [
        w for r in _of(raws, "walkway") for w in _read(r, lambda r: _walkways(r, graph, pool))
    ]
    parking = [_read(r, lambda r: _parking(r, pool)) for r in _of(raws, "parking")]
    handoffs = [_read(r, lambda r: _handoff(r, pool)) for r in _of(raws, "handoff")]
    measures, zones = _collection_lists(obj)
    try:
        return Estate(
            **_estate_fields(boundary_raw),
            boundary=tuple(boundary),
            gates=tuple(gates),
            buildings=tuple(buildings),
            nodes=tuple(graph.nodes),
            walkways=tuple(walkways),
            parking=tuple(parking),
            handoffs=tuple(handoffs),
            measures=measures,
            zones=zones,
        )
    except ValidationError as exc:
        # A problem with the estate's own properties is the boundary feature's; the model's
        # checks across parts (refs used twice, zones) are the document's.
        own = all(e["loc"] and str(e["loc"][0]) not in _PARTS for e in exc.errors())
        where = boundary_raw.where if own else "estate"
        raise EstateFormatError(where, validation_problem(exc)) from None


def _features(obj: object) -> list[Any]:
    if not isinstance(obj, Mapping) or obj.get("type") != "FeatureCollection":
        raise EstateFormatError("document", "expected a GeoJSON FeatureCollection")
    features = obj.get("features")
    if not isinstance(features, list):
        raise EstateFormatError("document", "features must be a list")
    return features


def _raw(index: int, feature: object) -> _Raw:
    where = f"features[{index}]"
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise EstateFormatError(where, 'expected a GeoJSON Feature ("type": "Feature")')
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping) or not isinstance(geometry.get("type"), str):
        raise EstateFormatError(where, "geometry must be a GeoJSON geometry object")
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        raise EstateFormatError(where, "properties must be an object")
    props = dict(props)
    kind = props.get(KIND)
    if kind is None:
        inferred = _inferred_kind(str(geometry["type"]), props)
        if inferred is None:
            raise EstateFormatError(
                where, f"cannot tell what this is: set {KIND} to one of {', '.join(KINDS)}"
            )
        return _Raw(index, inferred, False, geometry, props)
    if kind not in KINDS:
        raise EstateFormatError(where, f"{KIND} must be one of {', '.join(KINDS)}, got {kind!r}")
    raw = _Raw(index, str(kind), True, geometry, props)
    raw.ref = raw.given_ref()
    return raw


def _inferred_kind(geometry_type: str, tags: Mapping[str, Any]) -> str | None:
    areal = geometry_type in ("Polygon", "MultiPolygon")
    if areal and is_estate_area(tags) and not is_building(tags):
        return "estate"
    if is_building(tags):
        return "building"
    if geometry_type == "Point" and tags.get("barrier") in GATE_BARRIERS:
        return "gate"
    if geometry_type == "Point" and tags.get("entrance") not in (None, "", "no"):
        return "entrance"
    if geometry_type in ("LineString", "MultiLineString") and tags.get("highway"):
        return "walkway"
    if is_handoff(tags):
        return "handoff"
    if tags.get("amenity") in PARKING_AMENITIES:
        return "parking"
    return None


def _reserve_refs(raws: list[_Raw]) -> RefPool:
    """Claim the refs the document gives, so that generated ones never clash with them."""
    pool = RefPool()
    seen: dict[str, _Raw] = {}
    for raw in raws:
        ref = raw.given_ref()
        if ref is None or raw.kind in ("estate", "walkway"):
            continue
        if ref in seen:
            raise EstateFormatError(
                raw.where, f"ref {ref!r} is used twice (also by features[{seen[ref].index}])"
            )
        seen[ref] = raw
        pool.claim(ref)
    return pool


def _the_boundary(raws: list[_Raw]) -> _Raw:
    found = _of(raws, "estate")
    if len(found) != 1:
        raise EstateFormatError(
            "document",
            f'needs exactly one estate boundary (a Polygon with {KIND} "estate", or '
            f"landuse=residential), found {len(found)}",
        )
    return found[0]


def _of(raws: list[_Raw], kind: str) -> list[_Raw]:
    return [r for r in raws if r.kind == kind]


def _read(raw: _Raw, read: Callable[[_Raw], R]) -> R:
    """`read(raw)`, with any problem raised as an EstateFormatError naming the feature."""
    try:
        return read(raw)
    except _Problem as exc:
        raise EstateFormatError(raw.where, str(exc)) from None
    except ValidationError as exc:
        raise EstateFormatError(raw.where, validation_problem(exc)) from None


def _ref(raw: _Raw, pool: RefPool, prefix: str, preferred: str | None = None) -> str:
    given = raw.given_ref()
    if given is None:
        given = pool.new(prefix, preferred)
        raw.ref = given
    return given


def _model(model: type[M], raw: _Raw, *, derived: Mapping[str, Any] | None = None,
           **fixed: Any) -> M:  # fmt: skip
    """The model from, in rising order of precedence: what OSM tags say (`derived`), the
    properties named like the model's fields, and `fixed` (refs and positions)."""
    named = {
        k: raw.props[k]
        for k in model.model_fields
        if k in raw.props and (raw.explicit or k != "ref")
    }
    return model.model_validate({**(derived or {}), **named, **fixed})


def _gate(raw: _Raw, pool: RefPool) -> Gate:
    at = _at(raw)
    return _model(Gate, raw, derived=gate_fields(raw.tags, on_vehicle_way=False),
                  ref=_ref(raw, pool, "g"), at=at)  # fmt: skip


def _building(raw: _Raw, pool: RefPool) -> Building:
    derived = building_fields(raw.tags)
    # The number exactly as written (the tag reader trims it); then name or OSM's ref.
    given = [raw.props.get(k) for k in ("number", "addr:housenumber")]
    number = next((v for v in given if isinstance(v, str) and v), derived.get("number"))
    if not isinstance(number, str):
        raise _Problem('a building needs its number (addr:housenumber), e.g. "12号楼"')
    digits = number_digits(number)
    # Fallback refs ("b_1") never take the "b12" a later 12号楼 would want.
    ref = _ref(raw, pool, "b_", f"b{digits}" if digits else None)
    geometry_type = raw.geometry.get("type")
    if geometry_type == "Point":
        at = _at(raw)
        footprint = _optional_ring(raw.props.get("gigcity:footprint"))
    else:
        footprint = _ring(_polygonal(raw.geometry))
        given_at = raw.props.get("gigcity:at")
        at = _position(given_at) if given_at is not None else _inside(footprint)
    return _model(Building, raw, derived=derived, ref=ref, number=number, at=at,
                  footprint=footprint, entrances=())  # fmt: skip


def _entrances(
    raws: list[_Raw], buildings: list[Building], pool: RefPool, plane: LocalPlane
) -> dict[str, list[Entrance]]:
    """Each building's entrances, in the order of the features."""
    by_building: dict[str, list[Entrance]] = {b.ref: [] for b in buildings}
    shapes = [(b.ref, _shape(b, plane)) for b in buildings]
    for raw in raws:
        owner, entrance = _read(raw, lambda r: _entrance(r, shapes, pool, plane))
        by_building[owner].append(entrance)
    return by_building


def _entrance(
    raw: _Raw, shapes: list[tuple[str, Point | Polygon]], pool: RefPool, plane: LocalPlane
) -> tuple[str, Entrance]:
    at = _at(raw)
    given = raw.props.get("building")
    owner = next((ref for ref, _ in shapes if ref == given), None)
    if owner is None and raw.explicit and given is not None:
        raise _Problem(f"no building {given!r}")
    if owner is None:
        owner = _nearest(shapes, plane, at)
    digits = number_digits(text(raw.tags, "ref", "addr:unit", limit=40))
    ref = _ref(raw, pool, f"{owner}-u", f"{owner}-u{digits}" if digits else None)
    entrance = _model(Entrance, raw, derived={"name": entrance_name(raw.tags)}, ref=ref, at=at)
    return owner, entrance


def _shape(building: Building, plane: LocalPlane) -> Point | Polygon:
    if building.footprint is not None and len(building.footprint) >= 3:
        return Polygon([plane.xy(p) for p in building.footprint])
    return Point(plane.xy(building.at))


def _nearest(shapes: list[tuple[str, Point | Polygon]], plane: LocalPlane, at: LonLat) -> str:
    if not shapes:
        raise _Problem("an entrance needs a building, and the estate has none")
    point = Point(plane.xy(at))
    return min(shapes, key=lambda item: item[1].distance(point))[0]


def _walkways(raw: _Raw, graph: _Graph, pool: RefPool) -> list[Walkway]:
    line = _line_positions(raw.geometry)
    a, b = raw.props.get("a"), raw.props.get("b")
    ends: list[str | None] = [None] * len(line)
    ends[0] = a if isinstance(a, str) and a else None
    ends[-1] = b if isinstance(b, str) and b else None
    chain: list[str] = []
    for given, at in zip(ends, line, strict=True):
        ref = _node_for(given, at, graph, pool)
        if not chain or chain[-1] != ref or (len(line) == 2 and given is not None):
            chain.append(ref)
    if len(chain) < 2:
        raise _Problem("a walkway needs two different points")
    derived = walkway_fields(raw.tags)
    return [_model(Walkway, raw, derived=derived, a=start, b=end) for start, end in pairwise(chain)]


def _node_for(given: str | None, at: LonLat, graph: _Graph, pool: RefPool) -> str:
    """The walk node `given` by ref (made at `at` when it does not exist yet), or the node at
    `at` (made when there is none)."""
    if given is not None:
        if given in graph.by_ref:
            return given
        if given in pool:
            raise _Problem(f"{given!r} is not a walk node")
        pool.claim(given)
        graph.add(WalkNode(ref=given, at=at))
        return given
    found = graph.by_position.get(_snap(at))
    if found is not None:
        return found
    node = WalkNode(ref=pool.new("n"), at=at)
    graph.add(node)
    return node.ref


def _parking(raw: _Raw, pool: RefPool) -> Parking:
    if raw.geometry.get("type") == "Point":
        at = _at(raw)
    else:  # a parking area drawn as a polygon
        at = _inside(_ring(_polygonal(raw.geometry)))
    return _model(Parking, raw, derived=parking_fields(raw.tags), ref=_ref(raw, pool, "p"), at=at)


def _handoff(raw: _Raw, pool: RefPool) -> HandoffPoint:
    """A Point, or a small area drawn as a polygon (its inside point)."""
    if raw.geometry.get("type") == "Point":
        at = _at(raw)
    else:  # a hand-off room or kiosk drawn as a polygon
        at = _inside(_ring(_polygonal(raw.geometry)))
    derived = handoff_fields(raw.tags)
    return _model(HandoffPoint, raw, derived=derived, ref=_ref(raw, pool, "h"), at=at)


def _estate_fields(raw: _Raw) -> dict[str, Any]:
    fields = {k: raw.props[k] for k in Estate.model_fields if k in raw.props and k not in _PARTS}
    if "name_en" not in fields and isinstance(raw.props.get("name:en"), str):
        fields["name_en"] = raw.props["name:en"]
    return fields


def _collection_lists(obj: object) -> tuple[tuple[Measure, ...], tuple[Zone, ...]]:
    assert isinstance(obj, Mapping)  # checked by _features
    props = obj.get("properties") or {}
    if not isinstance(props, Mapping):
        raise EstateFormatError("properties", "must be an object")
    return _listed(props, "measures", Measure), _listed(props, "zones", Zone)


def _listed(props: Mapping[str, Any], key: str, model: type[M]) -> tuple[M, ...]:
    items = props.get(key) or []
    if not isinstance(items, list):
        raise EstateFormatError(f"properties.{key}", "must be a list")
    parsed: list[M] = []
    for i, item in enumerate(items):
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as exc:
            raise EstateFormatError(f"properties.{key}[{i}]", validation_problem(exc)) from None
    return tuple(parsed)


# -- geometry -----------------------------------------------------------------------------


def _position(value: object) -> LonLat:
    if (
        not isinstance(value, list | tuple)
        or len(value) not in (2, 3)
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in value)
    ):
        raise _Problem("coordinates must be [lon, lat]")
    lon, lat = float(value[0]), float(value[1])
    try:
        validate_lon_lat(lon, lat)
    except ValueError as exc:
        raise _Problem(f"coordinates: {exc}") from None
    return lon, lat


def _at(raw: _Raw) -> LonLat:
    if raw.geometry.get("type") != "Point":
        raise _Problem(f"a {raw.kind} must be a Point, got {raw.geometry.get('type')}")
    return _position(raw.geometry.get("coordinates"))


def _polygonal(geometry: Mapping[str, Any]) -> object:
    """The outer ring's coordinates of a Polygon (or a MultiPolygon of one polygon); holes
    are dropped."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        if len(coordinates) != 1:
            raise _Problem(f"a MultiPolygon of {len(coordinates)} polygons: use one Polygon")
        kind, coordinates = "Polygon", coordinates[0]
    if kind != "Polygon":
        raise _Problem(f"expected a Polygon, got {kind}")
    if not isinstance(coordinates, list) or not coordinates:
        raise _Problem("a Polygon's coordinates must be a list of rings")
    return coordinates[0]


def _ring(value: object) -> tuple[LonLat, ...]:
    if not isinstance(value, list):
        raise _Problem("a ring must be a list of [lon, lat] positions")
    ring = [_position(p) for p in value]
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        raise _Problem("a ring needs at least three points")
    return tuple(ring)


def _optional_ring(value: object) -> tuple[LonLat, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _Problem("gigcity:footprint must be a list of [lon, lat] positions")
    return tuple(_position(p) for p in value)


def _line_positions(geometry: Mapping[str, Any]) -> list[LonLat]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "MultiLineString" and isinstance(coordinates, list) and len(coordinates) == 1:
        kind, coordinates = "LineString", coordinates[0]
    if kind != "LineString":
        raise _Problem(f"a walkway must be a LineString, got {kind}")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise _Problem("a LineString needs at least two positions")
    return [_position(p) for p in coordinates]


def _inside(ring: Sequence[LonLat]) -> LonLat:
    """A point inside the ring (its centroid when that is inside; a ring shaped like an L or
    a U has its centroid outside)."""
    polygon = Polygon(ring)
    chosen = polygon.centroid
    if not polygon.contains(chosen):
        chosen = polygon.representative_point()
    return (round(chosen.x, 7), round(chosen.y, 7))


def _snap(at: LonLat) -> tuple[float, float]:
    return (round(at[0], _NODE_SNAP_DIGITS), round(at[1], _NODE_SNAP_DIGITS))
