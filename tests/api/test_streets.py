"""Streets over HTTP on the shipped central-Shanghai sample: routes and their ETA breakdown,
closures and live signal phases changing them, who may change what, and bad input.

The sample lies outside Putuo, so these tests run in a small district of two sub-districts
laid over it: Wanli (officer `officer`) west of BORDER_LON, Changzheng (`officer2`) east."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.geo import haversine_m
from gigcity.geo.coords import bd09_to_gcj02, gcj02_to_wgs84
from gigcity.services.platform import Platform
from support import World, make_world, token

SHANGHAI = timezone(timedelta(hours=8))
ORIGIN = (121.465, 31.235)  # near Jing'an temple
DESTINATION = (121.482, 31.225)  # ~2.2 km south-east, across several signalised junctions
PROBLEM = "application/problem+json"
BORDER_LON = 121.478  # halfway between the two sub-districts' points (same latitude)
SAMPLE_DISTRICT = {
    "district": "测试区",
    "bbox_approx": [121.44, 31.20, 121.52, 31.26],
    "subdistricts": [
        {"name": "万里街道", "pinyin": "Wanli", "point": [121.455, 31.23]},
        {"name": "长征镇", "pinyin": "Changzheng", "type": "town", "point": [121.501, 31.23]},
    ],
}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The shared fixtures' settings, with a fresh data directory (closures file) per test
    and the two-sub-district district over the sample."""
    district = tmp_path / "district.json"
    district.write_text(json.dumps(SAMPLE_DISTRICT, ensure_ascii=False), encoding="utf-8")
    return Settings(
        mode="dev",
        database_url=database_url,
        data_dir=tmp_path / "data",
        district_file=str(district),
    )


def lon_lat(point: tuple[float, float]) -> str:
    return f"{point[0]},{point[1]}"


def now() -> datetime:
    return datetime.now(SHANGHAI).replace(microsecond=0)


def route(client: TestClient, at: datetime, **params: str) -> Any:
    query = {"from": lon_lat(ORIGIN), "to": lon_lat(DESTINATION), "at": at.isoformat()} | params
    r = client.get("/api/route", params=query)
    assert r.status_code == 200, r.text
    return r.json()


def square_around(point: list[float], half_deg: float = 0.0004) -> list[list[float]]:
    lon, lat = point
    return [
        [lon - half_deg, lat - half_deg],
        [lon + half_deg, lat - half_deg],
        [lon + half_deg, lat + half_deg],
        [lon - half_deg, lat + half_deg],
    ]


def api_key(
    client: TestClient, name: str = "traffic-control", scopes: tuple[str, ...] = ("signals",)
) -> dict[str, str]:
    r = client.post(
        "/api/api-keys",
        json={"name": name, "scopes": list(scopes)},
        headers=token(client, "admin"),
    )
    assert r.status_code == 201, r.text
    return {"X-API-Key": r.json()["key"]}


# ---- routes ------------------------------------------------------------------------------


def test_a_route_is_a_linestring_between_the_points_with_its_eta_broken_down(
    client: TestClient,
) -> None:
    at = now()
    answer = route(client, at)

    geometry = answer["geometry"]
    assert geometry["type"] == "LineString"
    coordinates = geometry["coordinates"]
    assert len(coordinates) > 10
    assert haversine_m(*coordinates[0], *ORIGIN) < 1.0
    assert haversine_m(*coordinates[-1], *DESTINATION) < 1.0
    # The street part starts and ends close to the points (they were snapped to it).
    assert haversine_m(*coordinates[1], *ORIGIN) < 150.0
    assert haversine_m(*coordinates[-2], *DESTINATION) < 150.0
    assert answer["distance_m"] >= haversine_m(*ORIGIN, *DESTINATION)

    breakdown = answer["breakdown"]
    assert breakdown["moving_s"] > 0
    assert breakdown["signals_passed"] > 0
    assert breakdown["signal_wait_s"] > 0
    assert answer["eta_s"] == pytest.approx(breakdown["moving_s"] + breakdown["signal_wait_s"])
    assert breakdown["closure_extra_s"] == 0.0
    assert breakdown["closures"] == []
    depart = datetime.fromisoformat(answer["depart_at"])
    arrive = datetime.fromisoformat(answer["arrive_at"])
    assert depart == at
    assert (arrive - depart).total_seconds() == pytest.approx(answer["eta_s"], abs=0.2)
    # About 17 km/h plus waits: a 4 km ride of a quarter of an hour, not a minute, not an hour.
    assert 600 < answer["eta_s"] < 1800
    assert "OpenStreetMap" in answer["attribution"]
    assert "ODbL" in answer["attribution"]


def test_the_departure_defaults_to_now(client: TestClient) -> None:
    r = client.get("/api/route", params={"from": lon_lat(ORIGIN), "to": lon_lat(DESTINATION)})
    assert r.status_code == 200
    depart = datetime.fromisoformat(r.json()["depart_at"])
    assert abs((depart - datetime.now(SHANGHAI)).total_seconds()) < 60


def test_a_trip_no_street_network_covers_is_a_labelled_estimate_with_app_links(
    client: TestClient,
) -> None:
    """A Putuo point ~9 km from the sample's streets: an estimate, not an engineer's error."""
    putuo = (121.3995, 31.2713)
    at = now()
    r = client.get(
        "/api/route",
        params={
            "from": lon_lat(ORIGIN),
            "to": lon_lat(putuo),
            "at": at.isoformat(),
            "name": "万里驿站",
        },
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["kind"] == "estimate"
    assert answer["reason"] == "outside_network"
    straight = haversine_m(*ORIGIN, *putuo)
    assert answer["straight_m"] == pytest.approx(straight, abs=1)
    assert answer["distance_m"] == pytest.approx(straight * answer["detour_factor"], abs=1)
    assert answer["detour_factor"] > 1
    # At the stated speed, rounded up to whole minutes; arrival follows from the departure.
    ride_s = answer["distance_m"] / (answer["speed_kmh"] / 3.6)
    assert answer["eta_s"] == pytest.approx(ride_s, abs=1)
    assert answer["minutes"] == -(-int(ride_s) // 60)
    arrive = datetime.fromisoformat(answer["arrive_at"])
    assert (arrive - at).total_seconds() == pytest.approx(ride_s, abs=1)
    # Labelled as an estimate in plain Chinese words (Chinese by default).
    assert "估算" in answer["note"]
    assert "street" not in answer["note"].lower()
    assert answer["geometry"]["coordinates"] == [list(ORIGIN), list(putuo)]
    links = answer["navigation"]
    amap = parse_qs(urlparse(links["amap"]).query)
    assert amap["mode"] == ["ride"]
    assert amap["to"][0].endswith(",万里驿站")
    a_lon, a_lat = (float(v) for v in amap["from"][0].split(",")[:2])
    assert haversine_m(*gcj02_to_wgs84(a_lon, a_lat), *ORIGIN) < 1  # GCJ-02
    baidu = parse_qs(urlparse(links["baidu"]).query)
    assert baidu["mode"] == ["riding"]
    b_lat, b_lon = (float(v) for v in baidu["destination"][0].split("|")[0][7:].split(","))
    assert haversine_m(*gcj02_to_wgs84(*bd09_to_gcj02(b_lon, b_lat)), *putuo) < 2  # BD-09
    tencent = parse_qs(urlparse(links["tencent"]).query)
    t_lat, t_lon = (float(v) for v in tencent["tocoord"][0].split(","))
    assert haversine_m(*gcj02_to_wgs84(t_lon, t_lat), *putuo) < 1
    en = client.get(
        "/api/route",
        params={"from": lon_lat(putuo), "to": lon_lat(DESTINATION)},
        headers={"Accept-Language": "en"},
    ).json()
    assert en["kind"] == "estimate"
    assert en["note"].startswith("Estimate only")


def test_a_trip_on_the_network_is_the_street_route_as_before(client: TestClient) -> None:
    answer = route(client, now())
    assert answer["kind"] == "streets"
    assert answer["streets"] == "shanghai-central-sample"
    assert len(answer["geometry"]["coordinates"]) > 10


def test_points_too_far_apart_for_an_estimate_are_a_422_naming_to(client: TestClient) -> None:
    beijing = "116.397,39.908"
    r = client.get(
        "/api/route",
        params={"from": lon_lat(ORIGIN), "to": beijing},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["field"] == "to"
    assert "too far" in r.json()["detail"]


def test_without_any_street_network_every_trip_is_an_estimate(
    database_url: str, tmp_path: Path
) -> None:
    platform = Platform.from_settings(
        Settings(
            mode="dev",
            database_url=database_url,
            data_dir=tmp_path / "data",
            streets="no-such-network",
        )
    )
    platform.upgrade_database()
    try:
        with TestClient(create_app(platform.settings, platform)) as c:
            r = c.get("/api/route", params={"from": lon_lat(ORIGIN), "to": lon_lat(DESTINATION)})
        assert r.status_code == 200, r.text
        assert r.json()["kind"] == "estimate"
        assert r.json()["reason"] == "streets_unavailable"
    finally:
        platform.close()


# ---- closures ----------------------------------------------------------------------------


def test_a_closure_added_over_http_lengthens_the_route_and_is_reported(
    client: TestClient, world: World
) -> None:
    at = now()
    before = route(client, at)
    middle = before["geometry"]["coordinates"][len(before["geometry"]["coordinates"]) // 2]
    body = {
        "starts_at": (at - timedelta(hours=1)).isoformat(),
        "ends_at": (at + timedelta(hours=3)).isoformat(),
        "polygon": square_around(middle),
        "reason": "road works",
    }
    r = client.post("/api/closures", json=body, headers=token(client, "officer"))
    assert r.status_code == 201, r.text
    closure = r.json()
    assert closure["id"] == "c1"
    assert closure["in_force"] is True

    after = route(client, at)
    assert after["eta_s"] > before["eta_s"]
    assert after["distance_m"] != before["distance_m"]
    breakdown = after["breakdown"]
    assert breakdown["closures"] == ["c1"]
    assert breakdown["closure_extra_s"] == pytest.approx(after["eta_s"] - before["eta_s"], abs=0.2)
    assert breakdown["closure_extra_m"] == pytest.approx(
        max(0.0, after["distance_m"] - before["distance_m"]), abs=0.2
    )
    assert after["eta_s"] == pytest.approx(breakdown["moving_s"] + breakdown["signal_wait_s"])

    listed = client.get("/api/closures").json()  # anyone may list them
    assert [c["id"] for c in listed] == ["c1"]
    assert listed[0]["reason"] == "road works"
    # Before the closure starts, the route is as it was.
    assert route(client, at - timedelta(hours=2))["breakdown"]["closures"] == []

    r = client.delete("/api/closures/c1", headers=token(client, "admin"))
    assert r.status_code == 204
    assert client.get("/api/closures").json() == []
    assert route(client, at)["eta_s"] == before["eta_s"]
    assert client.delete("/api/closures/c1", headers=token(client, "admin")).status_code == 404


def test_a_closure_of_a_way_on_the_route_moves_the_route_off_it(
    client: TestClient, platform: Platform, world: World
) -> None:
    at = now()
    before = route(client, at)
    travel = platform.streets.travel
    found = travel.route(ORIGIN, DESTINATION, at.timestamp())
    assert found is not None
    ways = travel.graph.arc_way_id[found.arcs].tolist()
    middle_way = ways[len(ways) // 2]
    body = {
        "starts_at": at.isoformat(),
        "ends_at": (at + timedelta(hours=1)).isoformat(),
        "way_ids": [middle_way],
    }
    r = client.post("/api/closures", json=body, headers=token(client, "admin"))
    assert r.status_code == 201, r.text

    after = route(client, at)
    assert after["breakdown"]["closures"] == [r.json()["id"]]
    assert after["eta_s"] >= before["eta_s"]
    rerouted = travel.with_closures(platform.streets.travel.closures).route(
        ORIGIN, DESTINATION, at.timestamp()
    )
    assert rerouted is not None
    assert middle_way not in travel.graph.arc_way_id[rerouted.arcs].tolist()


def test_a_closure_still_to_come_is_listed_but_not_in_force(
    client: TestClient, world: World
) -> None:
    at = now()
    coordinates = route(client, at)["geometry"]["coordinates"]
    r = client.post(
        "/api/closures",
        json={
            "starts_at": (at + timedelta(days=1)).isoformat(),
            "ends_at": (at + timedelta(days=2)).isoformat(),
            "polygon": square_around(coordinates[len(coordinates) // 2]),
        },
        headers=token(client, "admin"),
    )
    assert r.status_code == 201, r.text
    listed = client.get("/api/closures").json()
    assert [(c["id"], c["in_force"]) for c in listed] == [("c1", False)]
    assert route(client, at)["breakdown"]["closures"] == []


def test_a_closure_that_cuts_every_way_is_a_404_no_route(client: TestClient, world: World) -> None:
    at = now()
    r = client.post(
        "/api/closures",
        json={
            "starts_at": at.isoformat(),
            "ends_at": (at + timedelta(hours=1)).isoformat(),
            "polygon": square_around(list(DESTINATION), 0.004),  # ~800 m around the end
        },
        headers=token(client, "admin"),
    )
    assert r.status_code == 201, r.text
    r = client.get(
        "/api/route",
        params={"from": lon_lat(ORIGIN), "to": lon_lat(DESTINATION), "at": at.isoformat()},
    )
    assert r.status_code == 404
    assert r.json()["type"] == "urn:gigcity:problem:no-route"


# ---- live signal phases ------------------------------------------------------------------


def test_live_phases_from_a_traffic_system_change_the_eta(client: TestClient, world: World) -> None:
    at = now()
    before = route(client, at)
    assert before["breakdown"]["signals_exact"] == 0
    on_route = [s["signal_id"] for s in before["signals"]]
    feed = {
        "observed_at": at.isoformat(),
        "valid_for_s": 3600,
        "phases": [
            {"signal_id": signal, "approach": "major", "state": "red", "remaining_s": 30}
            for signal in on_route
        ]
        + [{"signal_id": 1, "state": "green", "remaining_s": 10}],
    }
    r = client.post("/api/signals/phases", json=feed, headers=api_key(client))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["accepted"] == len(on_route)
    assert report["unknown_signal_ids"] == [1]
    assert report["rejected"] == []

    after = route(client, at)
    assert after["breakdown"]["signals_exact"] == after["breakdown"]["signals_passed"]
    assert after["eta_s"] != before["eta_s"]
    assert after["eta_s"] == pytest.approx(
        after["breakdown"]["moving_s"] + after["breakdown"]["signal_wait_s"]
    )
    signals = {s["signal_id"]: s for s in client.get("/api/signals").json()["signals"]}
    live = signals[on_route[0]]["live"]
    assert live is not None
    assert datetime.fromisoformat(live["observed_at"]) == at
    assert live["plan"]["offset_s"] is not None
    assert sum(s["live"] is not None for s in signals.values()) == len(set(on_route))


def test_an_observation_that_contradicts_the_plan_is_rejected_with_the_reason(
    client: TestClient, world: World
) -> None:
    signal = client.get("/api/signals").json()["signals"][0]
    feed = {
        "observed_at": now().isoformat(),
        "phases": [{"signal_id": signal["signal_id"], "state": "green", "remaining_s": 250}],
    }
    r = client.post("/api/signals/phases", json=feed, headers=token(client, "admin"))
    assert r.status_code == 200
    assert r.json()["accepted"] == 0
    assert "exceeds" in r.json()["rejected"][0]["reason"]


def test_an_expired_feed_is_refused(client: TestClient, world: World) -> None:
    feed = {
        "observed_at": (now() - timedelta(hours=2)).isoformat(),
        "valid_for_s": 600,
        "phases": [{"signal_id": 64846822, "state": "red", "remaining_s": 10}],
    }
    r = client.post("/api/signals/phases", json=feed, headers=token(client, "admin"))
    assert r.status_code == 422
    assert r.json()["field"] == "observed_at"


# ---- who may do what ---------------------------------------------------------------------


def _closure_body() -> dict[str, Any]:
    at = now()
    return {
        "starts_at": at.isoformat(),
        "ends_at": (at + timedelta(hours=1)).isoformat(),
        "polygon": square_around([121.4735, 31.2310]),
    }


def _feed() -> dict[str, Any]:
    return {
        "observed_at": now().isoformat(),
        "phases": [{"signal_id": 64846822, "state": "red", "remaining_s": 10}],
    }


@pytest.mark.parametrize(
    ("who", "phases", "closures"),
    [
        (None, 401, 401),
        ("rider", 403, 403),
        ("staff", 403, 403),
        ("officer", 403, 201),
        ("admin", 200, 201),
        ("api-key", 200, 403),
    ],
)
def test_who_may_post_phases_and_closures(
    client: TestClient, world: World, who: str | None, phases: int, closures: int
) -> None:
    headers = {} if who is None else api_key(client) if who == "api-key" else token(client, who)
    assert client.post("/api/signals/phases", json=_feed(), headers=headers).status_code == phases
    r = client.post("/api/closures", json=_closure_body(), headers=headers)
    assert r.status_code == closures, r.text
    if closures != 201:
        assert client.get("/api/closures").json() == []
        client.post("/api/closures", json=_closure_body(), headers=token(client, "admin"))
    assert client.delete("/api/closures/c1", headers=headers).status_code == (
        204 if closures == 201 else closures
    )
    # Reading is public.
    assert client.get("/api/signals").status_code == 200
    assert client.get("/api/closures").status_code == 200


def test_only_keys_with_the_signals_scope_post_phases(client: TestClient, world: World) -> None:
    def live() -> list[int]:
        signals = client.get("/api/signals").json()["signals"]
        return [s["signal_id"] for s in signals if s["live"] is not None]

    other = api_key(client, "platform", ("open311", "deliveries", "workbench"))
    r = client.post("/api/signals/phases", json=_feed(), headers=other | {"Accept-Language": "en"})
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["type"] == "urn:gigcity:problem:missing-scope"
    assert "'signals' scope" in r.json()["detail"]
    assert live() == []  # nothing taken from the refused feed

    r = client.post("/api/signals/phases", json=_feed(), headers=api_key(client))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1
    assert live() == [64846822]


def _closure_at(lon: float, lat: float = 31.2310) -> dict[str, Any]:
    return _closure_body() | {"polygon": square_around([lon, lat])}


WANLI_CLOSURE = (121.4735, 31.2310)  # ~430 m west of the border
CHANGZHENG_CLOSURE = (121.4820, 31.2300)  # ~380 m east of it


def test_a_grid_officer_adds_closures_only_within_their_sub_district(
    client: TestClient, world: World
) -> None:
    officer = token(client, "officer")  # Wanli
    r = client.post("/api/closures", json=_closure_at(*WANLI_CLOSURE), headers=officer)
    assert r.status_code == 201, r.text

    for body in (
        _closure_at(*CHANGZHENG_CLOSURE),
        _closure_at(BORDER_LON - 0.0003),  # mostly Wanli, but its east side crosses over
    ):
        r = client.post("/api/closures", json=body, headers=officer | {"Accept-Language": "en"})
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith(PROBLEM)
        problem = r.json()
        assert problem["type"] == "urn:gigcity:problem:outside-subdistrict"
        assert problem["field"] == "polygon"
        assert "own sub-district (Wanli Subdistrict)" in problem["detail"]
        assert "reaches into Changzheng Town" in problem["detail"]
        zh = client.post("/api/closures", json=body, headers=officer).json()  # Chinese by default
        assert zh["title"] == "超出您负责的街道/镇"
        assert "网格员只能在自己负责的街道/镇（万里街道）" in zh["detail"]
        assert "长征镇" in zh["detail"]
        assert "Wanli" not in zh["detail"]
    # Nothing of the refused closures was stored.
    assert [c["id"] for c in client.get("/api/closures").json()] == ["c1"]

    # The Changzheng officer and an admin may add the one refused.
    for who in ("officer2", "admin"):
        r = client.post(
            "/api/closures", json=_closure_at(*CHANGZHENG_CLOSURE), headers=token(client, who)
        )
        assert r.status_code == 201, r.text
    assert len(client.get("/api/closures").json()) == 3


def test_a_grid_officer_lifts_closures_only_within_their_sub_district(
    client: TestClient, world: World
) -> None:
    admin, officer, officer2 = (token(client, who) for who in ("admin", "officer", "officer2"))
    for point in (WANLI_CLOSURE, CHANGZHENG_CLOSURE, WANLI_CLOSURE, CHANGZHENG_CLOSURE):
        r = client.post("/api/closures", json=_closure_at(*point), headers=admin)
        assert r.status_code == 201, r.text  # c1 and c3 in Wanli, c2 and c4 in Changzheng

    r = client.delete("/api/closures/c2", headers=officer | {"Accept-Language": "en"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["type"] == "urn:gigcity:problem:outside-subdistrict"
    assert "closure c2 reaches into Changzheng Town" in r.json()["detail"]
    assert client.delete("/api/closures/c1", headers=officer2).status_code == 403
    assert [c["id"] for c in client.get("/api/closures").json()] == ["c1", "c2", "c3", "c4"]

    # Whoever added it: an admin's closure on an officer's streets is theirs to lift.
    assert client.delete("/api/closures/c1", headers=officer).status_code == 204
    assert client.delete("/api/closures/c2", headers=officer2).status_code == 204
    assert client.delete("/api/closures/c9", headers=officer).status_code == 404
    for closure_id in ("c3", "c4"):
        assert client.delete(f"/api/closures/{closure_id}", headers=admin).status_code == 204
    assert client.get("/api/closures").json() == []


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "121.48,31.22"}, "query.from"),
        ({"from": "121.465", "to": "121.48,31.22"}, "query.from"),
        ({"from": "121.465,31.235", "to": "north,east"}, "query.to"),
        ({"from": "121.465,31.235", "to": "121.48,95"}, "query.to"),
        ({"from": "121.465,31.235", "to": "121.48,31.22", "at": "tomorrow"}, "query.at"),
        ({"from": "121.465,31.235", "to": "121.48,31.22", "at": "2026-11-28T12:00"}, "query.at"),
    ],
)
def test_bad_route_queries_are_422_naming_the_field(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    r = client.get("/api/route", params=params, headers={"Accept-Language": "en"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert field in r.json()["detail"]


def test_a_departure_centuries_away_is_422(client: TestClient) -> None:
    r = client.get(
        "/api/route",
        params={"from": lon_lat(ORIGIN), "to": lon_lat(DESTINATION), "at": "9999-12-31T23:59:59Z"},
    )
    assert r.status_code == 422
    assert r.json()["field"] == "at"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2020-01-01T00:00:00+08:00"}, "ends_at"),  # before the start
        ({"polygon": [[121.47, 31.23], [121.48, 31.24], [121.48, 31.23], [121.47, 31.24]]}, "polygon"),
        ({"polygon": [[121.47, 31.23], [121.48, 31.23]]}, "polygon"),
        ({"polygon": [[200, 31.23], [121.48, 31.23], [121.48, 31.24]]}, "polygon"),
        ({"polygon": square_around([121.30, 31.30])}, "polygon"),  # no street of the sample
        ({"polygon": None, "way_ids": [1]}, "way_ids"),  # not a way of the sample
        ({"polygon": None, "way_ids": [-5]}, "way_ids"),
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"colour": "red"}, "colour"),
    ],
)  # fmt: skip
def test_bad_closures_are_422_naming_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    body = _closure_body() | change
    r = client.post(
        "/api/closures", json=body, headers=token(client, "admin") | {"Accept-Language": "en"}
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    named = problem.get("field") or ",".join(e["field"] for e in problem["errors"])
    assert field in named
    assert client.get("/api/closures").json() == []


def test_a_closure_that_has_ended_is_refused(client: TestClient, world: World) -> None:
    body = _closure_body() | {
        "starts_at": "2020-01-01T08:00:00+08:00",
        "ends_at": "2020-01-01T18:00:00+08:00",
    }
    r = client.post("/api/closures", json=body, headers=token(client, "admin"))
    assert r.status_code == 422
    assert r.json()["field"] == "ends_at"


def test_bad_closure_ids_are_422_and_unknown_ones_404(client: TestClient, world: World) -> None:
    admin = token(client, "admin")
    assert client.delete("/api/closures/c99", headers=admin).status_code == 404
    assert client.delete("/api/closures/" + "x" * 65, headers=admin).status_code == 422
    assert client.delete("/api/closures/a.b", headers=admin).status_code == 422


# ---- never a 500 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("streets-fuzz")
    platform = Platform.from_settings(
        Settings(mode="dev", database_url=f"sqlite:///{root / 'fuzz.db'}", data_dir=root)
    )
    platform.upgrade_database()
    make_world(platform)
    with TestClient(create_app(platform.settings, platform)) as c:
        c.headers.update(token(c, "admin"))
        yield c
    platform.close()


junk = st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(str))
# Any offset a datetime may carry: year 1 at +23:59 is before UTC can count.
zones = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
any_time = st.datetimes(timezones=zones).map(lambda d: d.isoformat())
near_sample = st.tuples(
    st.floats(121.40, 121.55, allow_nan=False), st.floats(31.18, 31.28, allow_nan=False)
).map(lambda p: f"{p[0]},{p[1]}")
when = st.one_of(junk, any_time, st.none())
FUZZ = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(origin=st.one_of(junk, near_sample), destination=st.one_of(junk, near_sample), at=when)
def test_route_never_500(
    fuzz_client: TestClient, origin: str, destination: str, at: str | None
) -> None:
    params = {"from": origin, "to": destination} | ({"at": at} if at is not None else {})
    r = fuzz_client.get("/api/route", params=params)
    assert r.status_code in (200, 404, 422), r.text


values = st.one_of(
    junk,
    st.none(),
    st.booleans(),
    st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3), max_size=5),
    st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
    any_time,
)


@FUZZ
@given(
    body=st.dictionaries(
        st.sampled_from(["starts_at", "ends_at", "polygon", "way_ids", "reason", "x"]), values
    )
)
def test_closures_never_500(fuzz_client: TestClient, body: dict[str, object]) -> None:
    r = fuzz_client.post("/api/closures", json=body)
    assert r.status_code in (201, 422), r.text


@FUZZ
@given(
    observed_at=values,
    valid_for_s=values,
    phases=st.lists(
        st.dictionaries(
            st.sampled_from(["signal_id", "approach", "state", "remaining_s", "cycle_s"]),
            st.one_of(
                values,
                st.integers(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.sampled_from(["red", "green"]),
            ),
        ),
        max_size=3,
    ),
)
def test_phases_never_500(
    fuzz_client: TestClient, observed_at: object, valid_for_s: object, phases: list[object]
) -> None:
    body = {"observed_at": observed_at, "valid_for_s": valid_for_s, "phases": phases}
    r = fuzz_client.post("/api/signals/phases", json=body)
    assert r.status_code in (200, 422), r.text
