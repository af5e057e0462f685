"""The shipped Putuo data and its partition: every point in the district has one sub-district."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box
from shapely.ops import unary_union

from conftest import shared_data
from gigcity.geo.district import District, load_district

PUTUO = load_district()


def test_ten_subdistricts_with_codes_and_names() -> None:
    assert len(PUTUO.subdistricts) == 10
    assert {s.code for s in PUTUO.subdistricts} >= {"wanli", "taopu", "changzheng", "yichuan-road"}
    assert PUTUO.get("wanli").name == "万里街道"  # type: ignore[union-attr]
    assert sum(s.kind == "town" for s in PUTUO.subdistricts) == 2


def test_each_interior_point_lies_in_its_own_subdistrict() -> None:
    for sub in PUTUO.subdistricts:
        assert PUTUO.locate(sub.lon, sub.lat) == sub
        assert PUTUO.cells[sub.code].contains(Point(sub.lon, sub.lat))


def test_cells_partition_the_district_box() -> None:
    frame = box(*PUTUO.bbox)
    union = unary_union(list(PUTUO.cells.values()))
    assert abs(union.area - frame.area) / frame.area < 1e-9
    cells = list(PUTUO.cells.values())
    overlap = sum(a.intersection(b).area for i, a in enumerate(cells) for b in cells[i + 1 :])
    assert overlap / frame.area < 1e-9


@given(
    st.floats(min_value=PUTUO.bbox[0], max_value=PUTUO.bbox[2]),
    st.floats(min_value=PUTUO.bbox[1], max_value=PUTUO.bbox[3]),
)
def test_locate_agrees_with_the_cells(lon: float, lat: float) -> None:
    sub = PUTUO.locate(lon, lat)
    assert sub is not None
    cell = PUTUO.cells[sub.code]
    # On a border both neighbours are right; away from borders the cell must contain the point.
    assert cell.buffer(1e-7).contains(Point(lon, lat))


def test_outside_the_district_is_none() -> None:
    assert PUTUO.locate(121.50, 31.23) is None  # the Bund, Huangpu district
    assert not PUTUO.contains(121.50, 31.23)


def test_by_name_tolerates_a_trailing_note() -> None:
    assert PUTUO.by_name("桃浦镇 (新杨园区)") == PUTUO.get("taopu")


def test_geojson_is_a_feature_collection_of_polygons() -> None:
    gj = PUTUO.geojson()
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == 10
    assert all(f["geometry"]["type"] == "Polygon" for f in gj["features"])
    json.dumps(gj)  # serialisable


def test_shipped_copy_matches_the_shared_reference() -> None:
    path = shared_data("putuo", "subdistricts.json")
    shared = District.from_file(path)
    assert [(s.code, s.lon, s.lat) for s in shared.subdistricts] == [
        (s.code, s.lon, s.lat) for s in PUTUO.subdistricts
    ]


def test_the_district_and_its_sub_districts_are_named_in_each_language() -> None:
    """One language at a time: never "普陀区 (Putuo District), Shanghai" on a Chinese page."""
    district = load_district()
    assert district.display_name("zh_CN") == "普陀区"
    assert district.display_name("en") == "Putuo District, Shanghai"
    taopu = district.get("taopu")
    changshou = district.get("changshou-road")
    assert taopu is not None
    assert changshou is not None
    assert (taopu.display_name("zh_CN"), taopu.display_name("en")) == ("桃浦镇", "Taopu Town")
    assert changshou.display_name("en") == "Changshou Road Subdistrict"
    # A district file without names per language keeps its own label.
    bare = District(district.name, district.bbox, district.subdistricts, [])
    assert bare.display_name("en") == district.name
