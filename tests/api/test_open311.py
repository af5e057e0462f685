"""Open311 GeoReport v2, exercised by a client written from the specification: every
endpoint in both formats, the request filters and limits, errors in the spec's format with
its HTTP codes, dates with time zones, tokens for held requests, and no reporter identity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, update

from api.open311_support import Open311Client, Open311Error, parse
from gigcity.db.models import ApiKey, Report, utcnow
from gigcity.db.session import transaction
from gigcity.services.accounts import Scope
from gigcity.services.platform import Platform
from gigcity.services.ratelimit import Rate
from gigcity.services.reports import BanIn, NoteIn, PhotoStore, RejectIn
from services.reports.reports_support import (
    ADMIN,
    CHANGZHENG,
    WANLI,
    database_url,
    jpeg,
    new_report,
    setup_district,
)
from support import World, principal

__all__ = ["database_url"]  # the faster PostgreSQL reset of the reports tests
FORMATS = ["json", "xml"]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
SPEC_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
}  # fmt: skip
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)
INTERNAL_NOTE = "owner is difficult; try the back door"


@pytest.fixture(autouse=True)
def _ready(platform: Platform, world: World, tmp_path: Path) -> None:
    platform.reports.photos = PhotoStore(tmp_path / "photos")
    platform.reports.rates = platform.reports.rates.__class__(
        Rate(0, 1), Rate(0, 1), Rate(0, 1), Rate(0, 1)
    )
    setup_district(platform, world)


@pytest.fixture
def api_key(platform: Platform) -> str:
    key = platform.accounts.create_api_key(
        ADMIN.__class__(role=ADMIN.role, label="t"), "city app", scopes=[Scope.open311]
    ).key
    assert key is not None
    return key


def client_for(client: TestClient, fmt: str, **kwargs: Any) -> Open311Client:
    return Open311Client(client, fmt=fmt, headers={"Accept-Language": "en"}, **kwargs)  # type: ignore[arg-type]


def as_int(value: Any) -> int:
    return int(value)


def test_discovery_services_and_definitions(client: TestClient) -> None:
    for fmt in FORMATS:
        o = client_for(client, fmt)
        found = o.discovery()
        endpoint = found["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2")
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
        services = o.services()
        assert [s["service_code"] for s in services][:3] == [
            "fire_passage_blocked",
            "fire_hazard",
            "food_safety",
        ]
        assert len(services) == 7
        assert {str(s["metadata"]).lower() for s in services} == {"true"}
        assert {s["type"] for s in services} == {"realtime"}
        assert services[0]["service_name"] == "Fire passage blocked"
        definition = o.service_definition("food_safety")
        assert definition["service_code"] == "food_safety"
        (attribute,) = definition["attributes"]
        assert attribute["code"] == "reference"
        assert attribute["datatype"] == "string"
        assert str(attribute["required"]).lower() == "true"
        assert as_int(attribute["order"]) == 1
        assert (
            str(o.service_definition("road_hazard")["attributes"][0]["required"]).lower() == "false"
        )
        with pytest.raises(Open311Error) as missing:
            o.service_definition("volcano")
        assert missing.value.status == 404
        assert "volcano" in missing.value.errors[0]["description"]
        assert client_for(client, fmt, jurisdiction_id="gigcity").services()
        with pytest.raises(Open311Error) as elsewhere:
            client_for(client, fmt, jurisdiction_id="sfgov.org").services()
        assert elsewhere.value.status == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_requests_and_their_errors(
    client: TestClient, platform: Platform, api_key: str, fmt: str
) -> None:
    o = client_for(client, fmt, api_key=api_key)
    where = {"lat": WANLI[1], "long": WANLI[0]}
    created = o.post_request(
        "road_hazard",
        description="Manhole cover missing at the corner",
        email="someone@example.org",
        phone="13900000000",
        first_name="Ming",
        account_id="ext-77",
        media_url="https://example.org/p/1.jpg",
        address_string="No. 12 Example Road",
        **where,
    )
    (receipt,) = created
    request_id = as_int(receipt["service_request_id"])
    assert "token" not in receipt
    assert receipt["account_id"] == "ext-77"
    assert receipt["service_notice"]
    (stored,) = o.request(request_id)
    assert stored["status"] == "open"
    assert stored["service_code"] == "road_hazard"
    assert stored["address"] == "No. 12 Example Road"
    assert stored["media_url"] == "https://example.org/p/1.jpg"
    assert stored["agency_responsible"] == "万里街道"
    assert officer_sees_contact(platform, request_id)
    failures = {
        403: [{"api_key": None}, {"api_key": "gck_not-a-key"}],
        400: [
            {"service_code": None},
            {"lat": None},
            {"lat": "north"},
            {"lat": 31.10, "long": 121.60},  # outside the district
            {"service_code": "food_safety"},  # its attribute[reference] is required
            {"media_url": "javascript:alert(1)"},
            {"description": "x" * 4001},
            {"service_code": "road_hazard,fire_hazard"},
        ],
        404: [{"service_code": "volcano"}, {"jurisdiction_id": "sfgov.org"}],
    }
    for status, cases in failures.items():
        for case in cases:
            fields: dict[str, Any] = {
                "service_code": "road_hazard",
                **where,
                "api_key": api_key,
                **case,
            }
            poster = client_for(client, fmt, api_key=fields.pop("api_key"))
            code = fields.pop("service_code")
            with pytest.raises(Open311Error) as caught:
                poster.post_request(code, **{k: v for k, v in fields.items() if v is not None})
            assert caught.value.status == status, (case, caught.value.errors)
    ok = o.post_request("food_safety", attributes={"reference": "老王面馆"}, **where)
    assert as_int(ok[0]["service_request_id"]) > request_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_key_without_the_open311_scope_files_nothing(
    client: TestClient, platform: Platform, api_key: str, fmt: str
) -> None:
    where = {"lat": WANLI[1], "long": WANLI[0]}
    other = platform.accounts.create_api_key(
        ADMIN, "delivery feed", scopes=[Scope.deliveries, Scope.signals, Scope.workbench]
    ).key
    before = len(client_for(client, fmt).requests())
    with pytest.raises(Open311Error) as caught:
        client_for(client, fmt, api_key=other).post_request("road_hazard", **where)
    assert caught.value.status == 403  # in the GeoReport error format (checked by the client)
    assert caught.value.errors[0]["description"] == "This api_key lacks the 'open311' scope."
    with pytest.raises(Open311Error) as caught:
        Open311Client(client, fmt=fmt, api_key=other).post_request("road_hazard", **where)  # type: ignore[arg-type]
    assert caught.value.errors[0]["description"] == "此 api_key 缺少“open311”权限范围。"
    assert len(client_for(client, fmt).requests()) == before

    # The key with the scope files, and reads what it filed only while it keeps the scope.
    (receipt,) = client_for(client, fmt, api_key=api_key).post_request("road_hazard", **where)
    report_id = as_int(receipt["service_request_id"])
    own = {"X-API-Key": api_key, "Accept-Language": "en"}
    assert client.get(f"/api/reports/{report_id}", headers=own).status_code == 200
    key_id = platform.accounts.principal_from_api_key(api_key).api_key_id
    with transaction(platform.factory) as session:  # narrowed by hand in the database
        session.execute(update(ApiKey).where(ApiKey.id == key_id).values(scopes="deliveries"))
    platform.accounts.recent.clear()  # as after the credential cache's few seconds
    refused = client.get(f"/api/reports/{report_id}", headers=own)
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:gigcity:problem:missing-scope"
    assert "'open311' scope" in refused.json()["detail"]
    with pytest.raises(Open311Error) as caught:
        client_for(client, fmt, api_key=api_key).post_request("road_hazard", **where)
    assert caught.value.status == 403


def officer_sees_contact(platform: Platform, report_id: int) -> bool:
    with platform.factory() as session:
        report = session.get(Report, report_id)
        return report is not None and report.contact == {
            "email": "someone@example.org",
            "account_id": "ext-77",
            "first_name": "Ming",
            "phone": "13900000000",
        }


def _seed(platform: Platform) -> dict[str, int]:
    """Requests at known times: open, closed, rejected as not valid, held, and old."""
    reports = platform.reports
    officer = principal(platform, "officer")
    reports.clock = lambda: NOW - timedelta(days=5)
    opened = new_report(
        platform, category="fire_hazard", description="battery charging in the hallway"
    )
    closed = new_report(platform, category="road_hazard", at=CHANGZHENG)
    reports.merge(
        ADMIN,
        closed,
        __import__("gigcity.services.reports", fromlist=["MergeIn"]).MergeIn(into=opened),
    )
    invalid = new_report(platform, category="other", description="spam spam")
    reports.reject(officer, invalid, RejectIn(reason="invalid"))
    reports.ban(ADMIN, BanIn(account_id=platform_account(platform, "rider2"), reason="review"))
    held = new_report(platform, "rider2", category="other")
    reports.clock = lambda: NOW - timedelta(days=100)
    old = new_report(platform, category="broken_facility")
    reports.clock = lambda: NOW - timedelta(days=1)
    photo = reports.stage_photo(principal(platform, "rider"), jpeg())
    pictured = new_report(platform, category="broken_facility", photo_ids=[photo.id])
    # The officer's internal note stays inside; the public note is published.
    reports.accept(
        officer, pictured, NoteIn(note=INTERNAL_NOTE, public_note="a crew comes tomorrow")
    )
    reports.clock = lambda: NOW
    return {
        "open": opened,
        "merged": closed,
        "invalid": invalid,
        "held": held,
        "old": old,
        "pictured": pictured,
    }


def platform_account(platform: Platform, username: str) -> int:
    who = principal(platform, username).account_id
    assert who is not None
    return who


def test_getting_requests_with_the_specs_filters(
    client: TestClient, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _seed(platform)
    # The default window is the most recent 90 days before now (the server's clock).
    import gigcity.api.open311.routes as open311_module

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return NOW.astimezone(tz)

    monkeypatch.setattr(open311_module, "datetime", FrozenDatetime)
    # Both formats carry the same requests, field for field.
    as_json = client_for(client, "json").requests(status="open,closed")
    as_xml = client_for(client, "xml").requests(status="open,closed")
    assert [{k: None if v is None else str(v) for k, v in r.items()} for r in as_json] == as_xml
    for fmt in FORMATS:
        o = client_for(client, fmt)
        listed = o.requests()
        assert [as_int(r["service_request_id"]) for r in listed] == [
            ids["pictured"],
            ids["merged"],
            ids["open"],
        ]
        for request in listed:
            assert set(request) == SPEC_FIELDS
            for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
                assert W3C.match(request[name]), request[name]
            assert request["requested_datetime"].endswith("+08:00")
        by_id = {as_int(r["service_request_id"]): r for r in listed}
        assert by_id[ids["merged"]]["status"] == "closed"
        assert by_id[ids["merged"]]["status_notes"] == f"Duplicate of request {ids['open']}."
        assert by_id[ids["pictured"]]["status_notes"] == "a crew comes tomorrow"
        # The rider's photo is not public (faces, number plates): no media_url.
        assert by_id[ids["pictured"]]["media_url"] in (None, "")
        assert [as_int(r["service_request_id"]) for r in o.requests(status="closed")] == [
            ids["merged"]
        ]
        assert {as_int(r["service_request_id"]) for r in o.requests(status="open,closed")} == {
            ids["pictured"],
            ids["merged"],
            ids["open"],
        }
        assert [
            as_int(r["service_request_id"])
            for r in o.requests(service_code="fire_hazard,road_hazard", status="open")
        ] == [ids["open"]]
        old_window = {"start_date": "2025-02-15T00:00:00+08:00", "end_date": "2025-03-01T00:00:00Z"}
        assert [as_int(r["service_request_id"]) for r in o.requests(**old_window)] == [ids["old"]]
        only_end = o.requests(end_date="2025-03-01T00:00:00Z")
        assert [as_int(r["service_request_id"]) for r in only_end] == [ids["old"]]
        # service_request_id overrides the other filters, the window included.
        chosen = o.requests(service_request_id=f"{ids['old']},{ids['open']}", status="closed")
        assert sorted(as_int(r["service_request_id"]) for r in chosen) == sorted(
            [ids["old"], ids["open"]]
        )
        # Hidden from the public: held requests and those rejected as not valid.
        assert o.requests(service_request_id=f"{ids['held']},{ids['invalid']}") == []
        for hidden in (ids["held"], ids["invalid"], 999_999, "abc"):
            with pytest.raises(Open311Error) as caught:
                o.request(hidden)
            assert caught.value.status == 404
        bad = [
            {"start_date": "yesterday"},
            {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-05-01T00:00:00Z"},  # > 90 days
            {"start_date": "2025-05-02T00:00:00Z", "end_date": "2025-05-01T00:00:00Z"},
            {"status": "pending"},
            {"service_request_id": "1,two"},
        ]
        for params in bad:
            with pytest.raises(Open311Error) as caught:
                o.requests(**params)
            assert caught.value.status == 400, params
        with pytest.raises(Open311Error) as unknown:
            o.requests(service_code="volcano")
        assert unknown.value.status == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_public_tells_who_reported(
    client: TestClient, platform: Platform, api_key: str, fmt: str
) -> None:
    _seed(platform)
    o = client_for(client, fmt, api_key=api_key)
    o.post_request(
        "other",
        lat=WANLI[1],
        long=WANLI[0],
        email="hidden@example.org",
        phone="13912345678",
        first_name="Hidden",
        device_id="dev-xyz",
    )
    window = {"start_date": "2000-01-01T00:00:00Z", "end_date": "2000-03-01T00:00:00Z"}
    body = (
        client.get(f"/open311/v2/requests.{fmt}").text
        + client.get(f"/open311/v2/requests.{fmt}", params=window).text
    )
    secrets = ("hidden@example.org", "13912345678", "Hidden", "dev-xyz", "Wang", "Li", "rider")
    for secret in (*secrets, INTERNAL_NOTE, "back door"):
        assert secret not in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_held_request_gets_a_token_then_an_id(
    client: TestClient, platform: Platform, api_key: str, fmt: str
) -> None:
    key_id = platform.accounts.principal_from_api_key(api_key).api_key_id
    review = platform.reports.ban(ADMIN, BanIn(api_key_id=key_id, reason="new integrator"))
    o = client_for(client, fmt, api_key=api_key)
    (receipt,) = o.post_request("road_hazard", lat=WANLI[1], long=WANLI[0], description="pothole")
    assert "service_request_id" not in receipt
    assert receipt["token"]
    (looked_up,) = o.token(receipt["token"])
    assert looked_up["token"] == receipt["token"]
    assert looked_up["service_request_id"] in (None, "")
    held_id = platform.reports.queue(ADMIN, "held").items[0].id
    platform.reports.release(ADMIN, held_id)
    (looked_up,) = o.token(receipt["token"])
    assert as_int(looked_up["service_request_id"]) == held_id
    assert as_int(o.request(held_id)[0]["service_request_id"]) == held_id
    with pytest.raises(Open311Error) as caught:
        o.token("no-such-token")
    assert caught.value.status == 404
    platform.reports.unban(ADMIN, review.id)
    assert "service_request_id" in o.post_request("road_hazard", lat=WANLI[1], long=WANLI[0])[0]


def test_at_most_1000_requests_newest_first(client: TestClient, platform: Platform) -> None:
    now = utcnow()
    rows = [
        {
            "token": f"bulk-{i}", "category": "other", "description": f"bulk {i}", "lon": WANLI[0],
            "lat": WANLI[1], "subdistrict": "wanli", "status": "submitted", "is_open": True,
            "held": False, "source": "app", "reward_status": "none", "reward_fen": 0,
            "created_at": now - timedelta(minutes=i), "updated_at": now, "due_at": now,
        }
        for i in range(1005)
    ]  # fmt: skip
    with platform.factory() as session, session.begin():
        session.execute(insert(Report), rows)
    listed = client_for(client, "json").requests()
    assert len(listed) == 1000
    assert listed[0]["description"] == "bulk 0"
    assert listed[-1]["description"] == "bulk 999"
    assert len(client_for(client, "xml").requests()) == 1000


def test_other_errors_keep_the_specs_format(client: TestClient, platform: Platform) -> None:
    unlimited = platform.reports.rates
    for fmt in FORMATS:
        platform.reports.rates = unlimited
        r = client.get(f"/open311/v2/nothing-here.{fmt}")
        assert r.status_code == 404
        assert client.get("/open311/v2/services.yaml").status_code == 404
        assert (
            client.get("/open311/v2/services.yaml").headers["content-type"].startswith("text/xml")
        )
        r = client.delete(f"/open311/v2/services.{fmt}")
        assert r.status_code == 405
        platform.reports.rates = platform.reports.rates.__class__(
            Rate(0, 1), Rate(0, 1), Rate(0, 1), Rate(2, 60)
        )
        platform.reports.limiter.reset()
        o = client_for(client, fmt)
        o.services()
        o.services()
        with pytest.raises(Open311Error) as caught:
            o.services()
        assert caught.value.status == 429
        limited = client.get(f"/open311/v2/services.{fmt}")
        assert int(limited.headers["retry-after"]) >= 1
        # The rest of the API keeps RFC 9457 problems.
        assert (
            client.get("/api/nothing")
            .headers["content-type"]
            .startswith("application/problem+json")
        )


def _count_requests(client: TestClient) -> int:
    return len(client_for(client, "json").requests())


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_that_is_not_utf8_is_refused_naming_the_field(
    client: TestClient, api_key: str, fmt: str
) -> None:
    """Undecodable bytes used to be stored as mojibake (Latin-1) or U+FFFD; now: a 400."""
    url = f"/open311/v2/requests.{fmt}"
    base = f"api_key={api_key}&service_code=road_hazard&lat={WANLI[1]}&long={WANLI[0]}"
    urlencoded = {"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"}
    before = _count_requests(client)
    cases = [
        (b"&description=caf%E9", "description"),  # Latin-1, percent-encoded
        (b"&address_string=\xb3\xa4\xca\xd9\xc2\xb7", "address_string"),  # GBK, unencoded
        (b"&first_name=%C3%28", "first_name"),  # a broken UTF-8 sequence
        (b"&%FF%FE=1", "%FF%FE"),  # a field name
    ]
    for extra, field in cases:
        r = client.post(url, content=base.encode() + extra, headers=urlencoded)
        assert r.status_code == 400, (extra, r.text)
        (error,) = parse(r, fmt)
        assert int(error["code"]) == 400
        assert field in error["description"], error
        assert "UTF-8" in error["description"]
    parts = [("api_key", api_key.encode()), ("service_code", b"road_hazard")]
    parts += [("lat", str(WANLI[1]).encode()), ("long", str(WANLI[0]).encode())]
    parts += [("description", "caf\u00e9".encode("latin-1"))]
    body = b"".join(
        b'--xyz\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
        + value + b"\r\n"
        for name, value in parts
    ) + b"--xyz--\r\n"  # fmt: skip
    multipart = {"Content-Type": "multipart/form-data; boundary=xyz", "Accept-Language": "en"}
    r = client.post(url, content=body, headers=multipart)
    assert r.status_code == 400, r.text
    assert "description" in parse(r, fmt)[0]["description"]
    assert _count_requests(client) == before  # nothing was stored
    # UTF-8, percent-encoded or not, is stored as sent.
    text = quote("路口有个坑").encode() + b"&address_string=" + "长寿路 1 号".encode()
    r = client.post(url, content=base.encode() + b"&description=" + text, headers=urlencoded)
    assert r.status_code == 201, r.text
    request_id = as_int(parse(r, fmt)[0]["service_request_id"])
    (stored,) = client_for(client, fmt).request(request_id)
    assert (stored["description"], stored["address"]) == ("路口有个坑", "长寿路 1 号")
    good = body.replace("caf\u00e9".encode("latin-1"), "café".encode())
    assert client.post(url, content=good, headers=multipart).status_code == 201


def test_unknown_request_ids_are_not_found_whatever_they_look_like(client: TestClient) -> None:
    for fmt in FORMATS:
        o = client_for(client, fmt)
        for unknown in ("x" * 40, "9" * 30, "²³", "١٢", "12a", "-5", "abc"):
            with pytest.raises(Open311Error) as caught:
                o.request(unknown)
            assert caught.value.status == 404, unknown
        with pytest.raises(Open311Error) as caught:  # a malformed list stays a 400
            o.requests(service_request_id="1,²")
        assert caught.value.status == 400
