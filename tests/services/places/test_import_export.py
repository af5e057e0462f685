"""GeoJSON export/import and CSV import: row-level reports, all-or-nothing for good rows."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from gigcity.services.places import export_geojson, import_csv, import_geojson
from gigcity.services.platform import Platform
from support import ADMIN, World, token

HEADER = "external_id,name,kind,lon,lat,hours,amenities,beds,beds_free,meal_price_fen\n"


def test_csv_import_keeps_good_rows_and_reports_bad_ones(platform: Platform, world: World) -> None:
    text = HEADER + (
        "a1,曹杨驿站,rider_station,121.4025,31.2400,24/7,drinking_water;charging,,,\n"
        "a2,坏坐标,water,121.4,95,24/7,,,,\n"
        "a3,未知类型,spa,121.4,31.25,24/7,,,,\n"
        "a4,床位,driver_home,121.37,31.24,24/7,shower,5,9,\n"
        "a5,食堂,canteen,121.42,31.25,10:30-14:00,,,,1200\n"
        "a6,坏时间,water,121.42,31.25,Mo 9-10,,,,\n"
    )
    report = import_csv(platform.places, ADMIN, text)
    assert report.created == 2
    assert [(r.line, r.reason.split(":")[0]) for r in report.rejected] == [
        (3, "lat"),
        (4, "kind"),
        (5, "beds"),
        (7, "hours"),
    ]
    found = platform.places.search_text("食堂")
    assert found[0].amenities.discounted_meals is not None
    assert found[0].amenities.discounted_meals.price_fen == 1200
    assert platform.places.search_text("曹杨驿站")[0].subdistrict == "caoyang-xincun"


def test_reimporting_the_same_file_updates_instead_of_duplicating(
    platform: Platform, world: World
) -> None:
    text = HEADER + "b1,驿站甲,rider_station,121.40,31.25,24/7,,,,\n"
    assert import_csv(platform.places, ADMIN, text).created == 1
    again = import_csv(platform.places, ADMIN, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = import_csv(platform.places, ADMIN, text.replace("驿站甲", "驿站乙"))
    assert changed.updated == 1
    assert [p.name for p in platform.places.search_text("驿站乙")] == ["驿站乙"]
    assert platform.places.search_text("驿站甲") == []


def test_dry_run_stores_nothing(platform: Platform, world: World) -> None:
    before = platform.places.count()
    report = import_csv(
        platform.places, ADMIN, HEADER + "c1,x,water,121.4,31.25,24/7,,,,\n", dry_run=True
    )
    assert report.created == 1
    assert platform.places.count() == before


def test_a_crash_half_way_leaves_nothing_half_imported(
    platform: Platform, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = platform.places.count()
    rows = "".join(f"d{i},点{i},water,121.4,31.25,24/7,,,,\n" for i in range(5))
    original = platform.places.create_in
    calls = {"n": 0}

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(platform.places, "create_in", failing)
    with pytest.raises(RuntimeError):
        import_csv(platform.places, ADMIN, HEADER + rows)
    assert platform.places.count() == before


def test_bad_csv_header_is_refused_whole(platform: Platform, world: World) -> None:
    from gigcity.services.errors import InvalidInput

    with pytest.raises(InvalidInput, match="lat"):
        import_csv(platform.places, ADMIN, "name,kind,lon\nx,water,121\n")
    with pytest.raises(InvalidInput, match="colour"):
        import_csv(platform.places, ADMIN, "name,kind,lon,lat,colour\nx,water,121,31,red\n")


def test_geojson_round_trip_reproduces_every_point(platform: Platform, world: World) -> None:
    exported = export_geojson(platform.places)
    assert exported["type"] == "FeatureCollection"
    assert len(exported["features"]) == 3
    feature = next(f for f in exported["features"] if f["properties"]["name"] == "万里司机之家")
    assert feature["geometry"] == {"type": "Point", "coordinates": [121.401, 31.272]}
    # Import into a fresh world's database: same names, places and amenities.
    for f in exported["features"]:
        f["properties"]["external_id"] = f"copy-{f['id']}"
        f["properties"]["name"] += "（副本）"
    report = import_geojson(platform.places, ADMIN, json.loads(json.dumps(exported)))
    assert report.created == 3
    assert not report.rejected
    copy = platform.places.search_text("万里司机之家（副本）")[0]
    assert copy.amenities.beds is not None
    assert copy.amenities.beds.count == 10
    assert (copy.lon, copy.lat) == (121.401, 31.272)


def test_geojson_bad_features_are_reported_by_number(platform: Platform, world: World) -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [121.4, 31.25]},
                "properties": {"name": "好", "kind": "water"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                "properties": {"name": "线", "kind": "water"},
            },
            "nonsense",
        ],
    }
    report = import_geojson(platform.places, ADMIN, data)
    assert report.created == 1
    assert [r.line for r in report.rejected] == [2, 3]


def test_import_and_export_over_http(client: TestClient, world: World) -> None:
    admin = token(client, "admin")
    csv_text = HEADER + "e1,导入点,water,121.40,31.25,24/7,,,,\ne2,坏,water,x,31.25,24/7,,,,\n"
    r = client.post(
        "/api/places/import",
        files={"file": ("points.csv", csv_text.encode(), "text/csv")},
        headers=admin,
    )
    assert r.status_code == 200
    assert r.json()["created"] == 1
    assert r.json()["rejected"][0]["line"] == 3
    staff = client.post(
        "/api/places/import",
        files={"file": ("p.csv", csv_text.encode(), "text/csv")},
        headers=token(client, "staff"),
    )
    assert staff.status_code == 403
    unknown = client.post(
        "/api/places/import", files={"file": ("p.txt", b"hello", "text/plain")}, headers=admin
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "format"
    not_json = client.post(
        "/api/places/import",
        files={"file": ("p.geojson", b"{oops", "application/json")},
        headers=admin,
    )
    assert not_json.status_code == 422
    binary = client.post(
        "/api/places/import?format=csv",
        files={"file": ("p", b"\xff\xfe\x00", "text/csv")},
        headers=admin,
    )
    assert binary.status_code == 422
    exported = client.get("/api/places/export.geojson")
    assert exported.headers["content-type"].startswith("application/geo+json")
    assert any(f["properties"]["name"] == "导入点" for f in exported.json()["features"])
