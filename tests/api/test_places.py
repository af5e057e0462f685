"""The friendly map over HTTP: search, read, keep current, audit; with access control."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from gigcity.geo.coords import bd09_to_gcj02, gcj02_to_wgs84, haversine_m
from support import World, token

WANLI = {"lat": 31.2713, "lon": 121.3995}


def test_nearby_orders_by_distance_with_links(client: TestClient, world: World) -> None:
    r = client.get("/api/places/nearby", params={**WANLI, "k": 3})
    assert r.status_code == 200
    results = r.json()
    assert [p["name"] for p in results] == ["万里驿站", "万里司机之家", "长征暖心岗亭"]
    distances = [p["distance_m"] for p in results]
    assert distances == sorted(distances)
    assert distances[0] < 1
    nav = results[1]["navigation"]
    to = parse_qs(urlparse(nav["amap_ride"]).query)["to"][0].split(",")
    assert to[2] == "万里司机之家"
    back = gcj02_to_wgs84(float(to[0]), float(to[1]))
    assert haversine_m(*back, results[1]["lon"], results[1]["lat"]) < 1  # within a metre
    assert (
        haversine_m(float(to[0]), float(to[1]), results[1]["lon"], results[1]["lat"]) > 300
    )  # really GCJ-02
    assert nav["geo"].startswith("geo:31.272000,121.401000")
    assert "mode=walk" in nav["amap_walk"]


def test_nearby_filters_by_amenity_radius_and_kind(client: TestClient, world: World) -> None:
    beds = client.get("/api/places/nearby", params={**WANLI, "amenity": "free_beds"}).json()
    assert [p["name"] for p in beds] == ["万里司机之家"]
    both = client.get(
        "/api/places/nearby", params={**WANLI, "amenity": "drinking_water,charging"}
    ).json()
    assert [p["name"] for p in both] == ["万里驿站"]
    near = client.get("/api/places/nearby", params={**WANLI, "radius_m": 500}).json()
    assert {p["name"] for p in near} == {"万里驿站", "万里司机之家"}
    kiosks = client.get("/api/places/nearby", params={**WANLI, "kind": "warm_kiosk"}).json()
    assert [p["name"] for p in kiosks] == ["长征暖心岗亭"]


def test_open_now_uses_district_local_time(client: TestClient, world: World) -> None:
    night = {**WANLI, "open_now": "true", "at": "2025-05-01T23:30:00+08:00"}
    names = {p["name"] for p in client.get("/api/places/nearby", params=night).json()}
    assert names == {"万里驿站", "万里司机之家"}  # the kiosk (07:00-21:00) is closed
    # The same instant in UTC gives the same answer.
    utc = {**night, "at": "2025-05-01T15:30:00Z"}
    assert {p["name"] for p in client.get("/api/places/nearby", params=utc).json()} == names
    day = {**WANLI, "open_now": "true", "at": "2025-05-01T12:00:00+08:00", "kind": "warm_kiosk"}
    assert len(client.get("/api/places/nearby", params=day).json()) == 1


def test_bad_queries_are_422_naming_the_field(client: TestClient, world: World) -> None:
    en = {"Accept-Language": "en"}
    cases = [
        ({"lat": 95, "lon": 121.4}, "lat"),
        ({"lat": "north", "lon": 121.4}, "lat"),
        ({"lon": 121.4}, "lat"),
        ({**WANLI, "k": 0}, "k"),
        ({**WANLI, "k": 1000}, "k"),
        ({**WANLI, "radius_m": -5}, "radius_m"),
        ({**WANLI, "amenity": "jacuzzi"}, "amenity"),
        ({**WANLI, "kind": "castle"}, "kind"),
        ({**WANLI, "at": "yesterday"}, "at"),
    ]
    for params, field in cases:
        r = client.get("/api/places/nearby", params=params, headers=en)
        assert r.status_code == 422, params
        body = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        named = body.get("field") or " ".join(e["field"] for e in body.get("errors", []))
        assert field in named, (params, body)
        assert field in body["detail"] or body.get("field") == field


def test_bbox_and_text_search(client: TestClient, world: World) -> None:
    box = client.get("/api/places", params={"bbox": "121.39,31.26,121.41,31.28"}).json()
    assert {p["name"] for p in box} == {"万里驿站", "万里司机之家"}
    assert client.get("/api/places", params={"bbox": "1,2,3"}).status_code == 422
    assert client.get("/api/places", params={"bbox": "121.5,31.3,121.4,31.2"}).status_code == 422
    found = client.get("/api/places/search", params={"q": "司机"}).json()
    assert [p["name"] for p in found] == ["万里司机之家"]
    assert client.get("/api/places/search", params={"q": "%"}).json() == []


def test_place_details_and_404(client: TestClient, world: World) -> None:
    r = client.get(f"/api/places/{world.home_id}")
    assert r.status_code == 200
    assert r.json()["subdistrict"] == "wanli"
    assert r.json()["subdistrict_name"] == "万里街道"
    assert r.json()["amenities"]["beds"] == {"count": 10, "free": 4, "counted": False}
    missing = client.get("/api/places/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "服务点 999999 不存在。"


def test_staff_keep_their_own_station_but_not_another(client: TestClient, world: World) -> None:
    staff = token(client, "staff")
    r = client.put(
        f"/api/places/{world.station_id}/status",
        json={"closed_today": True, "closed_note": "装修"},
        headers=staff,
    )
    assert r.status_code == 200
    assert r.json()["open_now"] is False
    again = client.put(
        f"/api/places/{world.station_id}/status", json={"closed_today": False}, headers=staff
    )
    assert again.json()["open_now"] is True
    other = client.put(
        f"/api/places/{world.other_station_id}/status", json={"closed_today": True}, headers=staff
    )
    assert other.status_code == 403
    assert other.json()["detail"] == "驿站工作人员只能修改自己的驿站。"
    patch = client.patch(
        f"/api/places/{world.other_station_id}", json={"contact": "x"}, headers=staff
    )
    assert patch.status_code == 403
    # Registry facts (where and what a point is) stay with admins.
    moved = client.patch(f"/api/places/{world.station_id}", json={"lat": 31.0}, headers=staff)
    assert moved.status_code == 403
    assert "lat" in moved.json()["detail"]
    ok = client.patch(
        f"/api/places/{world.station_id}",
        json={"contact": "021-1234", "hours": "Mo-Fr 08:00-20:00"},
        headers=staff,
    )
    assert ok.status_code == 200
    assert ok.json()["hours_text"] == "Mo-Fr 08:00-20:00"


def test_officers_act_only_within_their_subdistrict(client: TestClient, world: World) -> None:
    wanli = token(client, "officer")
    assert (
        client.put(
            f"/api/places/{world.home_id}/status", json={"beds_free": 0}, headers=wanli
        ).status_code
        == 200
    )
    outside = client.put(
        f"/api/places/{world.other_station_id}/status", json={"closed_today": True}, headers=wanli
    )
    assert outside.status_code == 403
    assert (
        client.get(f"/api/places/{world.other_station_id}/audit", headers=wanli).status_code == 403
    )
    changzheng = token(client, "officer2")
    assert (
        client.put(
            f"/api/places/{world.other_station_id}/status",
            json={"closed_today": True},
            headers=changzheng,
        ).status_code
        == 200
    )


def test_riders_cannot_change_points(client: TestClient, world: World) -> None:
    rider = token(client, "rider")
    assert (
        client.put(
            f"/api/places/{world.station_id}/status", json={"closed_today": True}, headers=rider
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/places",
            json={"name": "x", "kind": "water", "lon": 121.4, "lat": 31.25},
            headers=rider,
        ).status_code
        == 403
    )
    assert client.delete(f"/api/places/{world.station_id}", headers=rider).status_code == 403
    assert (
        client.put(
            f"/api/places/{world.station_id}/status", json={"closed_today": True}
        ).status_code
        == 401
    )


def test_free_beds_are_checked_against_the_bed_count(client: TestClient, world: World) -> None:
    staff_home = token(client, "officer")
    r = client.put(
        f"/api/places/{world.home_id}/status",
        json={"beds_free": 11},
        headers={**staff_home, "Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "beds_free"
    assert client.get(f"/api/places/{world.home_id}").json()["amenities"]["beds"]["free"] == 4
    no_beds = client.put(
        f"/api/places/{world.station_id}/status",
        json={"beds_free": 1},
        headers=token(client, "staff"),
    )
    assert no_beds.status_code == 422


def test_every_change_is_audited_with_before_and_after(client: TestClient, world: World) -> None:
    officer = token(client, "officer")
    client.put(f"/api/places/{world.home_id}/status", json={"beds_free": 2}, headers=officer)
    history = client.get(f"/api/places/{world.home_id}/audit", headers=officer).json()
    latest = history[0]
    assert latest["actor"] == "officer"
    assert latest["action"] == "status"
    assert latest["changed"] == ["amenities"]
    assert latest["before"]["amenities"]["beds"]["free"] == 4
    assert latest["after"]["amenities"]["beds"]["free"] == 2
    assert history[-1]["action"] == "create"


def test_admin_creates_updates_and_deletes_with_optimistic_versions(
    client: TestClient, world: World
) -> None:
    admin = token(client, "admin")
    body = {
        "name": "桃浦货车司机驿站",
        "kind": "truck_driver_station",
        "lon": 121.364,
        "lat": 31.2815,
        "hours": "24/7",
    }
    created = client.post("/api/places", json=body, headers=admin)
    assert created.status_code == 201
    place = created.json()
    assert place["subdistrict"] == "taopu"
    assert place["version"] == 1
    first = client.patch(
        f"/api/places/{place['id']}", json={"name": "桃浦驿站", "version": 1}, headers=admin
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(
        f"/api/places/{place['id']}", json={"name": "旧名", "version": 1}, headers=admin
    )
    assert stale.status_code == 409
    assert client.get(f"/api/places/{place['id']}").json()["name"] == "桃浦驿站"
    assert client.delete(f"/api/places/{place['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/places/{place['id']}").status_code == 404
    trail = client.get(f"/api/places/{place['id']}/audit", headers=admin).json()
    assert [e["action"] for e in trail] == ["delete", "update", "create"]


def test_bad_place_bodies_are_422_and_nothing_is_stored(client: TestClient, world: World) -> None:
    admin = {**token(client, "admin"), "Accept-Language": "en"}
    before = len(client.get("/api/places", params={"bbox": "-180,-90,180,90"}).json())
    bad = [
        {"name": "", "kind": "water", "lon": 121.4, "lat": 31.25},
        {"name": "x", "kind": "spa", "lon": 121.4, "lat": 31.25},
        {"name": "x", "kind": "water", "lon": 121.4, "lat": 91},
        {"name": "x", "kind": "water", "lon": 121.4, "lat": 31.25, "hours": "Mo-Fr 25:00-26:00"},
        {
            "name": "x",
            "kind": "water",
            "lon": 121.4,
            "lat": 31.25,
            "amenities": {"beds": {"count": 2, "free": 3}},
        },
        {"name": "x", "kind": "water", "lon": 121.4, "lat": 31.25, "colour": "red"},
    ]
    for body in bad:
        r = client.post("/api/places", json=body, headers=admin)
        assert r.status_code == 422, body
        assert r.json()["errors"], body
    assert (
        client.post(
            "/api/places",
            content=b"{not json",
            headers={**admin, "Content-Type": "application/json"},
        ).status_code
        == 422
    )
    assert len(client.get("/api/places", params={"bbox": "-180,-90,180,90"}).json()) == before


def test_meta_labels_follow_the_language(client: TestClient) -> None:
    zh = client.get("/api/places/meta").json()
    en = client.get("/api/places/meta?lang=en").json()
    assert {k["code"]: k["label"] for k in zh["kinds"]}["driver_home"] == "司机之家"
    assert {k["code"]: k["label"] for k in en["kinds"]}["driver_home"] == "Driver home"
    assert {a["code"]: a["label"] for a in zh["amenities"]}["tyre_pump"] == "打气筒"


def test_changing_hours_as_text_keeps_closed_today(client: TestClient, world: World) -> None:
    staff = token(client, "staff")
    client.put(f"/api/places/{world.station_id}/status", json={"closed_today": True}, headers=staff)
    r = client.patch(
        f"/api/places/{world.station_id}", json={"hours": "06:00-23:00"}, headers=staff
    )
    assert r.json()["hours_text"] == "Mo-Su 06:00-23:00"
    assert len(r.json()["hours"]["exceptions"]) == 1
    assert r.json()["updated_at"].endswith(("Z", "+00:00"))


def test_timestamps_carry_a_time_zone(client: TestClient, world: World) -> None:
    me = client.get("/api/me", headers=token(client, "rider")).json()
    assert me["created_at"].endswith(("Z", "+00:00"))
    assert client.get(f"/api/places/{world.home_id}").json()["updated_at"].endswith(("Z", "+00:00"))


def test_listing_by_subdistrict_and_compact_markers(client: TestClient, world: World) -> None:
    wanli = client.get("/api/places", params={"subdistrict": "wanli"}).json()
    assert {p["name"] for p in wanli} == {"万里驿站", "万里司机之家"}
    assert client.get("/api/places", params={"subdistrict": "atlantis"}).status_code == 422
    assert client.get("/api/places").status_code == 422  # neither bbox nor sub-district
    m = client.get(
        "/api/places/markers", params={"bbox": "121.3,31.2,121.5,31.3", "kind": "driver_home"}
    ).json()
    assert m["total"] == 1
    assert m["truncated"] is False
    assert m["markers"][0][:4] == [world.home_id, 121.401, 31.272, "driver_home"]
    thin = client.get(
        "/api/places/markers", params={"bbox": "121.3,31.2,121.5,31.3", "limit": 2}
    ).json()
    assert thin["total"] == 3
    assert thin["truncated"] is True
    assert len(thin["markers"]) == 2


def test_large_answers_are_gzip_compressed(client: TestClient, world: World) -> None:
    r = client.get("/api/places/export.geojson", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    small = client.get("/api/places/meta", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip" or len(r.content) < 2048
    assert small.status_code == 200


BOX = "121.3,31.2,121.5,31.3"


def marker_ids(client: TestClient, **params: str) -> list[int]:
    r = client.get("/api/places/markers", params={"bbox": BOX, **params})
    assert r.status_code == 200, r.text
    return sorted(m[0] for m in r.json()["markers"])


def test_markers_filter_by_amenity_and_kind_like_the_map(client: TestClient, world: World) -> None:
    assert marker_ids(client, amenity="shower") == [world.home_id]
    assert marker_ids(client, amenity="drinking_water,charging") == [world.station_id]
    assert marker_ids(client, amenity="drinking_water", kind="warm_kiosk") == [
        world.other_station_id
    ]
    assert marker_ids(client, amenity="shower", kind="warm_kiosk") == []
    both = client.get(
        "/api/places/markers",
        params=[("bbox", BOX), ("kind", "rider_station"), ("kind", "driver_home")],
    ).json()
    assert sorted(m[0] for m in both["markers"]) == sorted([world.station_id, world.home_id])


def test_markers_say_whether_each_point_is_open(client: TestClient, world: World) -> None:
    night = client.get(
        "/api/places/markers", params={"bbox": BOX, "at": "2025-05-01T23:30:00+08:00"}
    ).json()
    open_now = {m[0]: m[4] for m in night["markers"]}
    assert open_now == {world.station_id: True, world.other_station_id: False, world.home_id: True}
    # A station closed today by its staff is drawn closed, with no `at`.
    staff = token(client, "staff")
    r = client.put(
        f"/api/places/{world.station_id}/status", json={"closed_today": True}, headers=staff
    )
    assert r.status_code == 200
    now = client.get("/api/places/markers", params={"bbox": BOX}).json()
    assert {m[0]: m[4] for m in now["markers"]}[world.station_id] is False


def test_markers_are_public_but_refuse_a_bad_token(client: TestClient, world: World) -> None:
    assert client.get("/api/places/markers", params={"bbox": BOX}).status_code == 200
    rider = client.get("/api/places/markers", params={"bbox": BOX}, headers=token(client, "rider"))
    assert rider.status_code == 200
    bad = client.get(
        "/api/places/markers", params={"bbox": BOX}, headers={"Authorization": "Bearer nonsense"}
    )
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_bad_marker_queries_are_422_naming_the_field(client: TestClient, world: World) -> None:
    cases = [
        ({}, "bbox"),
        ({"bbox": "121.3,31.2,121.5"}, "bbox"),
        ({"bbox": "west,31.2,121.5,31.3"}, "bbox"),
        ({"bbox": "121.5,31.2,121.3,31.3"}, "bbox"),
        ({"bbox": "121.3,31.2,121.5,95"}, "bbox"),
        ({"bbox": BOX, "amenity": "jacuzzi"}, "amenity"),
        ({"bbox": BOX, "kind": "castle"}, "kind"),
        ({"bbox": BOX, "limit": 0}, "limit"),
        ({"bbox": BOX, "limit": 5001}, "limit"),
        ({"bbox": BOX, "at": "yesterday"}, "at"),
        ({"subdistrict": "atlantis"}, "subdistrict"),
    ]
    for params, field in cases:
        r = client.get("/api/places/markers", params=params, headers={"Accept-Language": "en"})
        assert r.status_code == 422, params
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        named = body.get("field") or " ".join(e["field"] for e in body.get("errors", []))
        assert field in named, (params, body)


def test_a_required_field_set_to_null_is_a_422_naming_it(client: TestClient, world: World) -> None:
    admin = token(client, "admin")
    before = client.get(f"/api/places/{world.station_id}").json()
    for field in ("kind", "name", "lon", "lat", "hours", "amenities"):
        for lang, words in (("en", "Cannot be null"), ("zh-CN", "不能为 null")):
            r = client.patch(
                f"/api/places/{world.station_id}",
                json={field: None},
                headers={**admin, "Accept-Language": lang},
            )
            assert r.status_code == 422, (field, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["errors"] == [
                {"field": field, "message": r.json()["errors"][0]["message"]}
            ]
            assert words in r.json()["errors"][0]["message"]
            assert "pydantic" not in r.text
    # A nullable field may be cleared; the point is otherwise as it was.
    r = client.patch(f"/api/places/{world.station_id}", json={"notes": None}, headers=admin)
    assert r.status_code == 200, r.text
    after = client.get(f"/api/places/{world.station_id}").json()
    assert {k: after[k] for k in ("name", "kind", "lon", "lat")} == {
        k: before[k] for k in ("name", "kind", "lon", "lat")
    }


def test_points_far_outside_the_district_need_saying_so(client: TestClient, world: World) -> None:
    admin = {**token(client, "admin"), "Accept-Language": "en"}
    far = {"name": "typo", "kind": "water", "lon": 91.4, "lat": 31.25}
    r = client.post("/api/places", json=far, headers=admin)
    assert r.status_code == 422
    assert r.json()["field"] == "lon"
    assert "far outside" in r.json()["detail"]
    north = {"name": "north", "kind": "water", "lon": 121.4, "lat": 35.0}
    assert client.post("/api/places", json=north, headers=admin).json()["field"] == "lat"
    # Just across the border (a station serving both sides) is fine.
    border = {"name": "border", "kind": "water", "lon": 121.47, "lat": 31.25}
    assert client.post("/api/places", json=border, headers=admin).status_code == 201
    # Moving a point far away is refused too, and nothing changes.
    r = client.patch(f"/api/places/{world.station_id}", json={"lon": 1.0}, headers=admin)
    assert r.status_code == 422
    assert client.get(f"/api/places/{world.station_id}").json()["lon"] == 121.3995
    # Said explicitly, it is stored.
    r = client.post("/api/places", json=far, headers=admin, params={"outside_district": "true"})
    assert r.status_code == 201, r.text
    # An import lists such rows as rejected, and stores the rest.
    csv_text = "name,kind,lon,lat\nfar,water,91.4,31.25\nnear,water,121.40,31.26\n"
    r = client.post(
        "/api/places/import",
        headers=admin,
        files={"file": ("points.csv", csv_text.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 1
    assert [row["line"] for row in report["rejected"]] == [2]
    assert "far outside" in report["rejected"][0]["reason"]


def test_search_with_a_position_gives_each_point_its_distance_and_sub_district(
    client: TestClient, world: World
) -> None:
    """Two points of the same name are told apart by how far each is and where it is."""
    admin = token(client, "admin")
    twin = {"name": "万里驿站", "kind": "rider_station", "lon": 121.3729, "lat": 31.2367}
    assert client.post("/api/places", json=twin, headers=admin).status_code == 201
    found = client.get("/api/places/search", params={"q": "万里驿站", **WANLI}).json()
    assert [p["name"] for p in found] == ["万里驿站", "万里驿站"]
    by_place = {p["subdistrict_name"]: p["distance_m"] for p in found}
    assert by_place["万里街道"] < 1
    assert 4000 < by_place["长征镇"] < 6000
    # Without a position there is no distance; half a position is refused, naming the field.
    assert client.get("/api/places/search", params={"q": "万里"}).json()[0]["distance_m"] is None
    half = client.get("/api/places/search", params={"q": "万里", "lat": 31.27})
    assert half.status_code == 422
    assert half.json()["field"] == "lon"


def test_a_point_says_when_it_next_closes_or_opens(client: TestClient, world: World) -> None:
    kiosk = client.get("/api/places/search", params={"q": "长征暖心岗亭"}).json()[0]
    assert kiosk["hours_text"] == "Mo-Su 07:00-21:00"
    change = datetime.fromisoformat(kiosk["next_change_at"])
    assert change.utcoffset() == timedelta(hours=8)  # district local time
    assert change.minute == 0
    assert change.hour == (21 if kiosk["open_now"] else 7)
    now = datetime.now(timezone(timedelta(hours=8)))
    assert timedelta(0) < change - now <= timedelta(hours=24)
    # Open round the clock: nothing to say.
    station = client.get(f"/api/places/{world.station_id}").json()
    assert station["open_now"] is True
    assert station["next_change_at"] is None


def test_every_point_links_to_baidu_and_tencent_in_their_datums(
    client: TestClient, world: World
) -> None:
    home = client.get(f"/api/places/{world.home_id}").json()
    nav = home["navigation"]
    baidu = parse_qs(urlparse(nav["baidu"]).query)
    b_lat, b_lon = (float(v) for v in baidu["location"][0].split(","))
    assert baidu["title"] == ["万里司机之家"]
    g_lon, g_lat = bd09_to_gcj02(b_lon, b_lat)
    assert haversine_m(*gcj02_to_wgs84(g_lon, g_lat), home["lon"], home["lat"]) < 2
    tencent = parse_qs(urlparse(nav["tencent"]).query)
    assert tencent["type"] == ["bike"]
    assert tencent["fromcoord"] == ["CurrentLocation"]
    t_lat, t_lon = (float(v) for v in tencent["tocoord"][0].split(","))
    assert haversine_m(*gcj02_to_wgs84(t_lon, t_lat), home["lon"], home["lat"]) < 1
