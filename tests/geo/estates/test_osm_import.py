"""Estates from OpenStreetMap files: a small hand-written extract built here, and the real
central-Shanghai sample (which holds streets only: no residential areas, no buildings)."""

from __future__ import annotations

import bz2
import gzip
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from shapely.geometry import Point, Polygon

from conftest import shared_data
from gigcity.geo.estates import Estate, EstateFormatError, WalkwayKind
from gigcity.geo.estates.geojson import estate_from_geojson, estate_to_geojson
from gigcity.geo.estates.osm import SOURCE, estates_from_osm, read_osm_estates
from gigcity.geo.estates.plane import LocalPlane
from gigcity.geo.streets import read_osm

PLANE = LocalPlane((121.44, 31.25))

# Node id -> position in metres east/north of the plane's origin.
NODES: dict[int, tuple[float, float]] = {
    # 测试花园: a 200 m square; gates 10 (south) and 11 (east) on its outline.
    1: (0, 0), 10: (100, 0), 2: (200, 0), 11: (200, 120), 3: (200, 200), 4: (0, 200),
    # The service road in through the south gate, and a footway to 12号楼's first unit.
    20: (100, -50), 21: (100, 60), 22: (100, 150), 23: (60, 60),
    # 12号楼 with two unit entrances (31, 35) on its outline; 3号楼 with a lift inside.
    30: (40, 70), 31: (50, 70), 35: (70, 70), 32: (80, 70), 33: (80, 90), 34: (40, 90),
    40: (120, 100), 41: (160, 100), 42: (160, 130), 43: (120, 130), 44: (140, 115),
    50: (120, 20), 51: (140, 20), 52: (140, 35), 53: (120, 35),  # a garage, no number
    60: (300, 300), 61: (320, 300), 62: (320, 320), 63: (300, 320),  # outside any estate
    70: (110, -10), 71: (800, 800),  # bicycle parking by the south gate, and far away
    80: (-100, -20), 81: (300, -20),  # a main road outside
    # 无门小区: a multipolygon of an untagged way and a wall, crossed by a footway.
    90: (400, 0), 91: (500, 0), 92: (500, 100), 93: (400, 100), 94: (450, -50),
    95: (450, 50),
    # 孤岛小区: no gate, no road; and an unnamed residential area.
    100: (0, 300), 101: (50, 300), 102: (50, 350), 103: (0, 350),
    110: (600, 300), 111: (650, 300), 112: (650, 350),
    # Hand-off points of 测试花园: a parcel locker, a point mappers marked, a locker on the
    # west fence (5 m outside), one marked not for relay, one far outside; a small
    # hand-off room (10 m x 10 m) and a big area tagged as a locker by mistake (50 m x 50 m).
    120: (90, 40), 121: (180, 180), 122: (-5, 100), 123: (150, 50), 124: (240, 100),
    125: (20, 150), 126: (30, 150), 127: (30, 160), 128: (20, 160),
    130: (120, 140), 131: (170, 140), 132: (170, 190), 133: (120, 190),
}  # fmt: skip
NODE_TAGS: dict[int, dict[str, str]] = {
    10: {"barrier": "gate", "name": "南门", "motor_vehicle": "yes", "lit": "yes",
         "opening_hours": "06:00-23:00", "electric_bicycle": "no"},
    11: {"barrier": "gate", "access": "no", "foot": "yes"},
    31: {"entrance": "staircase", "ref": "1"},
    35: {"entrance": "staircase", "ref": "2"},
    44: {"highway": "elevator"},
    70: {"amenity": "bicycle_parking", "capacity": "30", "name": "南门停车点"},
    71: {"amenity": "bicycle_parking"},
    120: {"amenity": "parcel_locker", "name": "丰巢快递柜", "opening_hours": "Mo-Su 07:00-22:00",
          "capacity": "48"},
    121: {"gigcity:handoff": "yes"},
    122: {"amenity": "parcel_locker", "brand": "丰巢", "capacity": "0"},
    123: {"amenity": "parcel_locker", "gigcity:handoff": "no"},
    124: {"amenity": "parcel_locker", "name": "路边快递柜"},
}  # fmt: skip
WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (1000, [1, 10, 2, 11, 3, 4, 1],
     {"landuse": "residential", "name": "测试花园", "name:en": "Test Garden"}),
    (2000, [20, 10, 21, 22], {"highway": "service", "lit": "yes"}),
    (2001, [21, 23, 31], {"highway": "footway"}),
    (3000, [30, 31, 35, 32, 33, 34, 30],
     {"building": "residential", "addr:housenumber": "12号楼", "building:levels": "18"}),
    (3001, [40, 41, 42, 43, 40],
     {"building": "yes", "addr:housenumber": "3", "building:levels": "6"}),
    (3002, [50, 51, 52, 53, 50], {"building": "garage"}),
    (3003, [60, 61, 62, 63, 60], {"building": "yes", "addr:housenumber": "99"}),
    (2002, [80, 81], {"highway": "primary"}),
    (1001, [90, 91, 92], {}),
    (1002, [92, 93, 90], {"barrier": "wall"}),
    (2003, [94, 95], {"highway": "footway"}),
    (1003, [100, 101, 102, 103, 100], {"landuse": "residential", "name": "孤岛小区"}),
    (1004, [110, 111, 112, 110], {"landuse": "residential"}),
    (3004, [125, 126, 127, 128, 125],
     {"gigcity:handoff": "yes", "name": "物业接力室", "capacity": "80",
      "opening_hours": "08:00-20:00"}),
    (3005, [130, 131, 132, 133, 130], {"amenity": "parcel_locker"}),
]  # fmt: skip
RELATIONS: list[tuple[int, list[tuple[str, int, str]], dict[str, str]]] = [
    (5000, [("way", 1001, "outer"), ("way", 1002, "outer")],
     {"type": "multipolygon", "landuse": "residential", "name": "无门小区"}),
]  # fmt: skip


def osm_text(
    nodes: Mapping[int, tuple[float, float]] = NODES,
    node_tags: Mapping[int, Mapping[str, str]] = NODE_TAGS,
    ways: Sequence[tuple[int, Sequence[int], Mapping[str, str]]] = WAYS,
    relations: Sequence[tuple[int, Sequence[tuple[str, int, str]], Mapping[str, str]]] = (
        RELATIONS
    ),
) -> str:
    def tags(t: Mapping[str, str]) -> list[str]:
        return [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in t.items()]

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for node_id, (x, y) in nodes.items():
        lon, lat = PLANE.lonlat(x, y)
        lines.append(f'  <node id="{node_id}" lon="{lon:.7f}" lat="{lat:.7f}" version="1">')
        lines += [*tags(node_tags.get(node_id, {})), "  </node>"]
    for way_id, refs, way_tags in ways:
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [*tags(way_tags), "  </way>"]
    for relation_id, members, relation_tags in relations:
        lines.append(f'  <relation id="{relation_id}" version="1">')
        lines += [f'    <member type="{t}" ref="{r}" role="{role}"/>' for t, r, role in members]
        lines += [*tags(relation_tags), "  </relation>"]
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    path = tmp_path / "estates.osm"
    path.write_text(osm_text(), "utf-8")
    return path


def by_name(estates: Sequence[Estate]) -> dict[str, Estate]:
    return {e.name: e for e in estates}


def metres(at: tuple[float, float]) -> tuple[float, float]:
    x, y = PLANE.xy(at)
    return round(x, 1), round(y, 1)


def test_named_residential_areas_become_estates_and_the_rest_are_reported(
    extract: Path,
) -> None:
    result = read_osm_estates(extract)
    assert sorted(e.name for e in result.estates) == ["无门小区", "测试花园"]
    assert len(result.skipped) == 1  # the unnamed area is no estate at all
    assert "孤岛小区" in result.skipped[0]
    assert "way 1003" in result.skipped[0]
    assert "no gate" in result.skipped[0]
    assert by_name(estates_from_osm(extract)) == by_name(result.estates)
    for estate in result.estates:
        assert estate.source == SOURCE
        assert "OpenStreetMap contributors" in estate.source
        assert "ODbL" in estate.source
        assert not estate.synthetic


def test_buildings_get_their_numbers_floors_lifts_and_unit_entrances(extract: Path) -> None:
    garden = by_name(estates_from_osm(extract))["测试花园"]
    assert garden.name_en == "Test Garden"
    assert garden.external_id == "osm:way/1000"
    # The garage has no number and 99 stands outside: neither is one of the estate's.
    assert sorted(b.ref for b in garden.buildings) == ["b12", "b3"]
    twelve = garden.building("12号")
    assert twelve is not None
    assert (twelve.number, twelve.floors, twelve.lift) == ("12号楼", 18, None)
    assert [(e.ref, e.name) for e in twelve.entrances] == [("b12-u1", "1单元"), ("b12-u2", "2单元")]
    assert metres(twelve.entrances[0].at) == (50.0, 70.0)
    assert twelve.footprint is not None
    assert len(twelve.footprint) == 6
    assert Polygon(twelve.footprint).contains(Point(twelve.at))
    three = garden.building("3号楼")
    assert three is not None
    assert (three.floors, three.lift) == (6, True)  # the elevator node inside says so


def test_gates_carry_who_may_pass_their_hours_and_lights(extract: Path) -> None:
    garden = by_name(estates_from_osm(extract))["测试花园"]
    south, east = garden.gate("g10"), garden.gate("g11")
    assert south is not None
    assert east is not None
    assert len(garden.gates) == 2
    assert (south.name, south.pedestrian, south.vehicle, south.ebikes_allowed) == (
        "南门", True, True, False,
    )  # fmt: skip
    assert (south.hours, south.lit_at_night) == ("06:00-23:00", True)
    assert (east.pedestrian, east.vehicle, east.lit_at_night, east.hours) == (
        True, False, False, "",
    )  # fmt: skip
    assert not garden.ebikes_inside
    (parking,) = garden.parking
    assert (parking.ref, parking.name, parking.capacity) == ("p70", "南门停车点", 30)


def test_hand_off_points_come_from_parcel_lockers_and_the_project_tag(extract: Path) -> None:
    garden = by_name(estates_from_osm(extract))["测试花园"]
    points = {h.ref: h for h in garden.handoffs}
    # The locker marked gigcity:handoff=no, the one 40 m outside and the big area are left out.
    assert sorted(points) == ["h120", "h121", "h122", "hw3004"]
    locker = points["h120"]
    assert (locker.name, locker.hours, locker.shelf_capacity) == (
        "丰巢快递柜", "Mo-Su 07:00-22:00", 48,
    )  # fmt: skip
    assert metres(locker.at) == (90.0, 40.0)
    marked = points["h121"]
    # No name, hours or capacity: the default name, always open, the model's default shelf.
    assert (marked.name, marked.hours, marked.shelf_capacity) == ("接力点", "", 40)
    fence = points["h122"]
    assert (fence.name, fence.shelf_capacity) == ("丰巢", 40)  # capacity=0 is no capacity
    room = points["hw3004"]
    assert (room.name, room.hours, room.shelf_capacity) == ("物业接力室", "08:00-20:00", 80)
    assert metres(room.at) == (25.0, 155.0)  # the area's centre
    assert not by_name(estates_from_osm(extract))["无门小区"].handoffs


def test_an_osm_estate_survives_a_round_trip_through_geojson(extract: Path) -> None:
    for estate in estates_from_osm(extract):
        text = json.dumps(estate_to_geojson(estate))
        assert estate_from_geojson(json.loads(text)) == estate


def test_walkways_inside_become_the_walking_graph(extract: Path) -> None:
    garden = by_name(estates_from_osm(extract))["测试花园"]
    ways = {(w.a, w.b): w for w in garden.walkways}
    # The road's stretch outside (20 -> 10) is the city's, not the estate's.
    assert set(ways) == {("n10", "n21"), ("n21", "n22"), ("n21", "n23"), ("n23", "n31")}
    assert ways[("n10", "n21")].kind is WalkwayKind.service
    assert ways[("n10", "n21")].lit
    assert ways[("n23", "n31")].kind is WalkwayKind.footway
    assert not ways[("n23", "n31")].lit
    assert {n.ref for n in garden.nodes} == {"n10", "n21", "n22", "n23", "n31"}


def test_an_estate_mapped_without_gates_gets_one_where_a_path_crosses_its_boundary(
    extract: Path,
) -> None:
    walled = by_name(estates_from_osm(extract))["无门小区"]
    assert walled.external_id == "osm:relation/5000"
    (gate,) = walled.gates
    assert metres(gate.at) == (450.0, 0.0)
    assert (gate.pedestrian, gate.vehicle, gate.ebikes_allowed) == (True, False, False)
    # The footway is cut at the boundary: the walking graph starts at the gate.
    (way,) = walled.walkways
    ends = {n.ref: metres(n.at) for n in walled.nodes}
    assert {ends[way.a], ends[way.b]} == {(450.0, 0.0), (450.0, 50.0)}


def test_compressed_extracts_read_the_same(extract: Path, tmp_path: Path) -> None:
    expected = by_name(estates_from_osm(extract))
    gz = tmp_path / "estates.osm.gz"
    gz.write_bytes(gzip.compress(extract.read_bytes()))
    bz = tmp_path / "estates.osm.bz2"
    bz.write_bytes(bz2.compress(extract.read_bytes()))
    assert by_name(estates_from_osm(gz)) == expected
    assert by_name(estates_from_osm(bz)) == expected


def test_pbf_reads_the_same(extract: Path, tmp_path: Path) -> None:
    osmium = pytest.importorskip("osmium")
    pbf = tmp_path / "estates.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(extract)):
            writer.add(obj)
    assert by_name(estates_from_osm(pbf)) == by_name(estates_from_osm(extract))


def test_unreadable_files_raise_a_format_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(EstateFormatError, match=r"missing\.osm: no such file"):
        estates_from_osm(tmp_path / "missing.osm")
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    with pytest.raises(EstateFormatError, match=r"notes\.txt: expected \.osm"):
        estates_from_osm(tmp_path / "notes.txt")
    (tmp_path / "broken.osm").write_text("<osm><node id=", "utf-8")
    with pytest.raises(EstateFormatError, match=r"broken\.osm: not valid OSM XML"):
        estates_from_osm(tmp_path / "broken.osm")
    (tmp_path / "damaged.osm.gz").write_bytes(gzip.compress(b"<osm></osm>")[:-8])
    with pytest.raises(EstateFormatError, match=r"damaged\.osm\.gz: cannot be read"):
        estates_from_osm(tmp_path / "damaged.osm.gz")


def test_a_file_without_residential_areas_gives_no_estates(tmp_path: Path) -> None:
    path = tmp_path / "streets.osm"
    path.write_text(osm_text(ways=[w for w in WAYS if "highway" in w[2]], relations=[]))
    assert read_osm_estates(path).estates == ()


# -- the real sample --------------------------------------------------------------------


def test_the_real_central_shanghai_sample_has_streets_but_no_estates() -> None:
    sample = shared_data("osm", "shanghai-central-sample.osm")
    result = read_osm_estates(sample)
    # An OSMnx export of drivable ways: no landuse, no buildings, so nothing to import.
    assert result.estates == ()
    assert result.skipped == ()


def test_an_estate_outlined_over_the_real_sample_takes_gates_and_walkways_from_its_roads(
    tmp_path: Path,
) -> None:
    """The sample's streets with one estate outline added around a living street: the
    estate's gates are where the real roads cross the outline."""
    sample = shared_data("osm", "shanghai-central-sample.osm")
    streets = read_osm(sample)
    living = next(w for w in streets.ways if w.tags["highway"] == "living_street")
    lons, lats = zip(*(streets.node_lonlat[n] for n in living.node_ids), strict=True)
    middle = (sum(lons) / len(lons), sum(lats) / len(lats))
    plane = LocalPlane(middle)
    square = [plane.lonlat(x, y) for x, y in ((-90, -90), (90, -90), (90, 90), (-90, 90))]
    ids = range(9_000_000_001, 9_000_000_005)
    outline = "".join(
        f'<node id="{i}" lon="{lon:.7f}" lat="{lat:.7f}" version="1"/>'
        for i, (lon, lat) in zip(ids, square, strict=True)
    )
    outline += '<way id="9000000001" version="1">'
    outline += "".join(f'<nd ref="{i}"/>' for i in [*ids, ids[0]])
    outline += '<tag k="landuse" v="residential"/><tag k="name" v="叠加小区"/></way>'
    text = sample.read_text("utf-8")
    path = tmp_path / "with-estate.osm"
    path.write_text(re.sub(r"</osm>\s*$", outline + "</osm>", text), "utf-8")

    (estate,) = estates_from_osm(path)
    assert estate.name == "叠加小区"
    assert estate.gates, "a road crosses the outline: it has a gate"
    boundary = Polygon([plane.xy(p) for p in estate.boundary]).exterior
    assert all(boundary.distance(Point(plane.xy(g.at))) < 0.5 for g in estate.gates)
    assert estate.walkways
    assert any(w.kind is WalkwayKind.service for w in estate.walkways)
    assert estate.buildings == ()  # the sample maps no buildings


def test_an_estate_mapped_twice_is_imported_once_and_a_crossed_outline_is_reported(
    tmp_path: Path,
) -> None:
    nodes = {**NODES, 200: (-20, -20), 201: (220, -20), 202: (220, 220), 203: (-20, 220),
             300: (700, 0), 301: (800, 100), 302: (800, 0), 303: (700, 100), 304: (750, 0)}  # fmt: skip
    ways = [
        *WAYS,
        (1005, [200, 201, 202, 203, 200], {"place": "neighbourhood", "name": "测试花园"}),
        (1006, [300, 304, 301, 302, 303, 300], {"landuse": "residential", "name": "交叉小区"}),
    ]
    tags = {**NODE_TAGS, 304: {"barrier": "gate"}}
    path = tmp_path / "twice.osm"
    path.write_text(osm_text(nodes=nodes, node_tags=tags, ways=ways), "utf-8")
    result = read_osm_estates(path)
    assert sorted(e.name for e in result.estates) == ["无门小区", "测试花园"]
    assert any("交叉小区 (way 1006): its outline crosses itself" in s for s in result.skipped)


def test_an_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    """Uploaded files are parsed by expat, whose amplification limit stops a billion laughs."""
    entities = ['<!ENTITY e0 "lol">'] + [
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10)
    ]
    bomb = tmp_path / "bomb.osm"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE osm [{"".join(entities)}]>'
        '<osm><node id="1" lon="1" lat="1"><tag k="name" v="&e9;"/></node></osm>',
        "utf-8",
    )
    with pytest.raises(EstateFormatError, match=r"bomb\.osm: not valid OSM XML"):
        estates_from_osm(bomb)
