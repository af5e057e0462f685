"""Estates as GeoJSON both ways: an exact round trip for any estate, hand-drawn GeoJSON with
OSM tags, and errors that name the feature and the problem."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.geo.estates import (
    Building,
    Entrance,
    Estate,
    EstateFormatError,
    Gate,
    HandoffPoint,
    Measure,
    MeasureKind,
    Parking,
    WalkNode,
    Walkway,
    WalkwayKind,
    Zone,
    ZoneColour,
)
from gigcity.geo.estates.geojson import KIND, estate_from_geojson, estate_to_geojson
from gigcity.geo.estates.sample import sample_estate

# -- generated estates --------------------------------------------------------------------

lonlat = st.tuples(
    st.floats(-180, 180, allow_nan=False, allow_infinity=False),
    st.floats(-90, 90, allow_nan=False, allow_infinity=False),
)
REF = st.text(alphabet="abcgnpu0123456789_.:-", min_size=1, max_size=8)
text = st.text(max_size=30)
name = st.text(min_size=1, max_size=30)
opt_bool = st.none() | st.booleans()
day = st.dates(date(2020, 1, 1), date(2030, 12, 31))


@st.composite
def estates(draw: st.DrawFn) -> Estate:
    counts = {
        "gates": draw(st.integers(1, 3)),
        "buildings": draw(st.integers(0, 4)),
        "nodes": draw(st.integers(0, 5)),
        "parking": draw(st.integers(0, 2)),
        "handoffs": draw(st.integers(0, 2)),
    }
    entrances = [draw(st.integers(0, 3)) for _ in range(counts["buildings"])]
    total = sum(counts.values()) + sum(entrances)
    refs = iter(draw(st.lists(REF, min_size=total, max_size=total, unique=True)))
    gates = tuple(
        Gate(ref=next(refs), name=draw(text), at=draw(lonlat), pedestrian=draw(st.booleans()),
             vehicle=draw(st.booleans()), ebikes_allowed=draw(st.booleans()), hours=draw(text),
             lit_at_night=draw(st.booleans()), riders_pass=draw(st.booleans()))
        for _ in range(counts["gates"])
    )  # fmt: skip
    buildings = tuple(
        Building(
            ref=next(refs),
            number=draw(name),
            at=draw(lonlat),
            # Real outlines, and the degenerate ones the model also allows.
            footprint=draw(
                st.none() | st.tuples() | st.lists(lonlat, min_size=1, max_size=6).map(tuple)
            ),
            floors=draw(st.none() | st.integers(1, 200)),
            lift=draw(opt_bool),
            entrances=tuple(
                Entrance(ref=next(refs), name=draw(text), at=draw(lonlat)) for _ in range(n)
            ),
        )
        for n in entrances
    )
    nodes = tuple(WalkNode(ref=next(refs), at=draw(lonlat)) for _ in range(counts["nodes"]))
    node_refs = [n.ref for n in nodes]
    walkways = (
        tuple(
            draw(
                st.lists(
                    st.builds(Walkway, a=st.sampled_from(node_refs), b=st.sampled_from(node_refs),
                              kind=st.sampled_from(WalkwayKind), lit=st.booleans()),
                    max_size=6,
                )
            )
        )
        if nodes
        else ()
    )  # fmt: skip
    parking = tuple(
        Parking(ref=next(refs), name=draw(text), at=draw(lonlat),
                capacity=draw(st.none() | st.integers(0, 10_000)))
        for _ in range(counts["parking"])
    )  # fmt: skip
    handoffs = tuple(
        HandoffPoint(ref=next(refs), name=draw(name), at=draw(lonlat), hours=draw(text),
                     shelf_capacity=draw(st.integers(1, 10_000)),
                     claim_within_min=draw(st.integers(1, 1440)),
                     deliver_within_min=draw(st.integers(1, 1440)))
        for _ in range(counts["handoffs"])
    )  # fmt: skip
    measures = tuple(
        draw(
            st.lists(
                st.builds(Measure, kind=st.sampled_from(MeasureKind), since=day,
                          until=st.none() | day, note=text),
                max_size=3,
            )
        )
    )  # fmt: skip
    colours = draw(st.permutations(list(ZoneColour)))
    zone_of = [draw(st.none() | st.integers(0, 6)) for _ in buildings]
    zones = tuple(
        Zone(colour=colours[z], buildings=tuple(b.ref for b, i in zip(buildings, zone_of,
                                                                      strict=True) if i == z))
        for z in sorted({i for i in zone_of if i is not None})
    )  # fmt: skip
    return Estate(
        name=draw(name),
        name_en=draw(text),
        subdistrict=draw(st.none() | text),
        synthetic=draw(st.booleans()),
        source=draw(text),
        ebikes_inside=draw(st.booleans()),
        boundary=tuple(draw(st.lists(lonlat, min_size=3, max_size=6))),
        gates=gates,
        buildings=buildings,
        nodes=nodes,
        walkways=walkways,
        parking=parking,
        handoffs=handoffs,
        measures=measures,
        zones=zones,
    )


def through_json(obj: dict[str, Any]) -> Any:
    return json.loads(json.dumps(obj))


@settings(max_examples=60)
@given(estates())
def test_any_estate_survives_a_round_trip_through_geojson_text(estate: Estate) -> None:
    assert estate_from_geojson(through_json(estate_to_geojson(estate))) == estate


def test_the_sample_estate_survives_a_round_trip() -> None:
    estate = sample_estate()
    assert estate_from_geojson(through_json(estate_to_geojson(estate))) == estate


def test_the_export_is_geojson_other_tools_understand() -> None:
    estate = sample_estate(buildings=10)
    document = estate_to_geojson(estate)
    assert document["type"] == "FeatureCollection"
    kinds = [f["properties"][KIND] for f in document["features"]]
    assert kinds[0] == "estate"
    assert kinds.count("building") == 10
    assert kinds.count("gate") == len(estate.gates)
    assert kinds.count("walkway") == len(estate.walkways)
    boundary = document["features"][0]
    ring = boundary["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1], "RFC 7946: a closed ring"
    assert boundary["properties"]["name"] == estate.name
    assert boundary["properties"]["synthetic"] is True
    building = next(f for f in document["features"] if f["properties"][KIND] == "building")
    assert building["geometry"]["type"] == "Polygon"
    assert building["properties"]["addr:housenumber"].endswith("号楼")
    assert building["properties"]["building:levels"] >= 6
    walkway = next(f for f in document["features"] if f["properties"][KIND] == "walkway")
    assert walkway["geometry"]["type"] == "LineString"
    assert {"a", "b", "kind", "lit"} <= set(walkway["properties"])
    measures = document["properties"]["measures"]
    assert {m["kind"] for m in measures} >= {"night_lighting", "plan_board", "trolleys", "relay"}
    assert json.loads(json.dumps(document)) == document


# -- hand-drawn GeoJSON -------------------------------------------------------------------


def feature(geometry: str, coordinates: Any, /, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": geometry, "coordinates": coordinates},
            "properties": properties}  # fmt: skip


def collection(*features: dict[str, Any], **properties: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if properties:
        document["properties"] = properties
    return document


SQUARE = [[[121.44, 31.25], [121.45, 31.25], [121.45, 31.26], [121.44, 31.26], [121.44, 31.25]]]


def hand_drawn() -> dict[str, Any]:
    """What someone draws in a GeoJSON editor with OSM tags and no gigcity refs."""
    return collection(
        feature("Polygon", SQUARE, landuse="residential", name="手绘小区", **{"name:en": "Drawn"}),
        feature(
            "Point",
            [121.445, 31.25],
            barrier="gate",
            name="南门",
            motor_vehicle="yes",
            opening_hours="06:00-23:00",
            lit="yes",
        ),
        feature(
            "Polygon",
            [[[121.443, 31.254], [121.447, 31.254], [121.447, 31.256], [121.443, 31.256]]],
            building="residential",
            **{"addr:housenumber": "12号楼", "building:levels": "18"},
        ),
        feature("Point", [121.444, 31.2539], entrance="staircase", ref="2"),
        feature("Point", [121.446, 31.2539], entrance="staircase", ref="1"),
        feature("Point", [121.4435, 31.258], building="yes", name="3号楼"),
        feature(
            "LineString",
            [[121.445, 31.25], [121.445, 31.252], [121.444, 31.2539]],
            highway="footway",
            lit="yes",
        ),
        feature("LineString", [[121.445, 31.252], [121.448, 31.252]], highway="service"),
        feature("Point", [121.4452, 31.2495], amenity="bicycle_parking", capacity="30"),
    )


def test_hand_drawn_geojson_with_osm_tags_reads_as_an_estate() -> None:
    estate = estate_from_geojson(hand_drawn())
    assert (estate.name, estate.name_en) == ("手绘小区", "Drawn")
    assert len(estate.boundary) == 4  # the closing point is dropped
    (gate,) = estate.gates
    assert (gate.ref, gate.name, gate.vehicle, gate.hours, gate.lit_at_night) == (
        "g1", "南门", True, "06:00-23:00", True,
    )  # fmt: skip
    twelve = estate.building("１２号")
    assert twelve is not None
    assert (twelve.ref, twelve.floors) == ("b12", 18)
    assert twelve.footprint is not None
    assert len(twelve.footprint) == 4
    # Entrances found their building by position; OSM's ref is the unit's number.
    assert [(e.ref, e.name) for e in twelve.entrances] == [("b12-u2", "2单元"), ("b12-u1", "1单元")]
    three = estate.building("3")
    assert three is not None
    assert three.ref == "b3"
    assert three.footprint is None
    (parking,) = estate.parking
    assert parking.capacity == 30


def test_hand_drawn_hand_off_points_read_the_same_tags_as_the_osm_importer() -> None:
    room = [[[121.4441, 31.2541], [121.4442, 31.2541], [121.4442, 31.2542], [121.4441, 31.2542]]]
    drawn = collection(
        *hand_drawn()["features"],
        feature("Point", [121.4451, 31.2505], amenity="parcel_locker", name="丰巢",
                capacity="24", opening_hours="07:00-22:00"),
        feature("Polygon", room, **{"gigcity:handoff": "yes"}),
    )  # fmt: skip
    estate = estate_from_geojson(drawn)
    locker, shelf = estate.handoffs
    assert (locker.ref, locker.name, locker.hours, locker.shelf_capacity) == (
        "h1", "丰巢", "07:00-22:00", 24,
    )  # fmt: skip
    assert (shelf.ref, shelf.name, shelf.hours, shelf.shelf_capacity) == ("h2", "接力点", "", 40)
    assert shelf.at == pytest.approx((121.44415, 31.25415))  # the room's centre
    assert estate_from_geojson(through_json(estate_to_geojson(estate))) == estate


def test_a_line_with_several_vertices_becomes_a_chain_of_walk_nodes() -> None:
    estate = estate_from_geojson(hand_drawn())
    at = {n.ref: n.at for n in estate.nodes}
    assert len(estate.nodes) == 4  # the two lines share the node where they meet
    edges = [(at[w.a], at[w.b], w.kind, w.lit) for w in estate.walkways]
    assert edges == [
        ((121.445, 31.25), (121.445, 31.252), WalkwayKind.footway, True),
        ((121.445, 31.252), (121.444, 31.2539), WalkwayKind.footway, True),
        ((121.445, 31.252), (121.448, 31.252), WalkwayKind.service, False),
    ]


def test_generated_refs_never_clash_with_given_ones() -> None:
    document = hand_drawn()
    document["features"].append(
        feature("Point", [121.441, 31.259], **{KIND: "gate", "ref": "g1", "name": "北门"})
    )
    estate = estate_from_geojson(document)
    assert sorted(g.ref for g in estate.gates) == ["g1", "g2"]
    given_gate = estate.gate("g1")
    assert given_gate is not None
    assert given_gate.name == "北门"


def test_walkways_may_name_their_end_nodes_and_make_them() -> None:
    document = collection(
        feature("Polygon", SQUARE, **{KIND: "estate", "name": "x"}),
        feature("Point", [121.445, 31.25], **{KIND: "gate", "ref": "g1"}),
        feature("Point", [121.445, 31.251], **{KIND: "node", "ref": "n1"}),
        feature(
            "LineString",
            [[121.445, 31.251], [121.446, 31.252], [121.447, 31.253]],
            **{KIND: "walkway", "a": "n1", "b": "end", "kind": "steps"},
        ),
    )
    estate = estate_from_geojson(document)
    assert [n.ref for n in estate.nodes] == ["n1", "n2", "end"]
    assert [(w.a, w.b, w.kind) for w in estate.walkways] == [
        ("n1", "n2", WalkwayKind.steps), ("n2", "end", WalkwayKind.steps),
    ]  # fmt: skip


# -- errors -------------------------------------------------------------------------------


def minimal(*features: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return collection(
        feature("Polygon", SQUARE, **{KIND: "estate", "name": "x"}),
        feature("Point", [121.445, 31.25], **{KIND: "gate", "ref": "g1"}),
        *features,
        **properties,
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"type": "Feature"}, "document: expected a GeoJSON FeatureCollection"),
        ([], "document: expected a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": {}}, "document: features must be a list"),
        (collection(), "document: needs exactly one estate boundary"),
        (minimal(feature("Point", ["a", 1], **{KIND: "gate", "ref": "g3"})),
         "features[2] (gate g3): coordinates must be [lon, lat]"),
        (minimal(feature("Point", [521.0, 31.0], **{KIND: "gate", "ref": "g3"})),
         "features[2] (gate g3): coordinates: longitude must be between -180 and 180"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "gate", "ref": "g1"})),
         "features[2] (gate g1): ref 'g1' is used twice (also by features[1])"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "tree"})),
         "features[2]: gigcity:kind must be one of"),
        (minimal(feature("Point", [121.44, 31.25], colour="red")),
         "features[2]: cannot tell what this is"),
        (minimal({"type": "Feature", "geometry": None, "properties": {}}),
         "features[2]: geometry must be a GeoJSON geometry object"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "building", "ref": "b1",
                                                       "addr:housenumber": "1", "floors": 0})),
         "features[2] (building b1): floors: Input should be greater than or equal to 1"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "building", "ref": "b1"})),
         "features[2] (building b1): a building needs its number"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "entrance", "ref": "e1",
                                                       "building": "b9"})),
         "features[2] (entrance e1): no building 'b9'"),
        (minimal(feature("LineString", [[121.44, 31.25], [121.45, 31.25]],
                         **{KIND: "walkway", "a": "g1", "b": "n2"})),
         "features[2] (walkway): 'g1' is not a walk node"),
        (minimal(feature("LineString", [[121.44, 31.25]], **{KIND: "walkway"})),
         "features[2] (walkway): a LineString needs at least two positions"),
        (minimal(feature("Point", [121.44, 31.25], **{KIND: "walkway"})),
         "features[2] (walkway): a walkway must be a LineString, got Point"),
        (minimal(measures=[{"kind": "relay", "since": "soon"}]),
         "properties.measures[0]: since: Input should be a valid date"),
        (minimal(zones=[{"colour": "green", "buildings": ["b404"]}]),
         "estate: zones: no building 'b404'"),
        (collection(feature("Polygon", SQUARE, **{KIND: "estate", "name": "x"})),
         "estate: gates: an estate needs at least one gate"),
        (collection(feature("Polygon", SQUARE, **{KIND: "estate"}),
                    feature("Point", [121.445, 31.25], **{KIND: "gate", "ref": "g1"})),
         "features[0] (estate): name: Field required"),
        (collection(feature("Polygon", [[[121.44, 31.25], [121.45, 31.25], [121.44, 31.25]]],
                            **{KIND: "estate", "name": "x"})),
         "features[0] (estate): a ring needs at least three points"),
    ],
)  # fmt: skip
def test_bad_input_names_the_feature_and_the_problem(document: Any, message: str) -> None:
    with pytest.raises(EstateFormatError) as caught:
        estate_from_geojson(document)
    assert str(caught.value).startswith(message), str(caught.value)
    assert isinstance(caught.value, ValueError)
