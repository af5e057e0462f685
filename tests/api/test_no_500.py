"""Bad input never gets a 500: arbitrary query values and bodies are refused with a problem."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.services.platform import Platform
from support import make_world, token

junk = st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(str))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    platform = Platform.from_settings(Settings(mode="dev", database_url=f"sqlite:///{db}"))
    platform.upgrade_database()
    make_world(platform)
    with TestClient(create_app(platform.settings, platform)) as c:
        c.headers.update(token(c, "admin"))
        yield c


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lat=junk, lon=junk, k=junk, radius=junk, amenity=junk, at=junk, open_now=junk)
def test_nearby_never_500(
    client: TestClient,
    lat: str,
    lon: str,
    k: str,
    radius: str,
    amenity: str,
    at: str,
    open_now: str,
) -> None:
    params = {
        "lat": lat,
        "lon": lon,
        "k": k,
        "radius_m": radius,
        "amenity": amenity,
        "at": at,
        "open_now": open_now,
    }
    r = client.get("/api/places/nearby", params=params)
    assert r.status_code in (200, 422), r.text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(
            ["name", "kind", "lon", "lat", "hours", "amenities", "capacity", "external_id", "x"]
        ),
        st.one_of(
            junk,
            st.none(),
            st.booleans(),
            st.lists(junk, max_size=2),
            st.dictionaries(junk, junk, max_size=2),
        ),
    )
)
def test_create_place_never_500(client: TestClient, body: dict[str, object]) -> None:
    r = client.post("/api/places", json=body)
    assert r.status_code in (201, 409, 422), r.text


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bbox=junk, place_id=st.integers(min_value=-(2**70), max_value=2**70))
def test_bbox_and_ids_never_500(client: TestClient, bbox: str, place_id: int) -> None:
    assert client.get("/api/places", params={"bbox": bbox}).status_code in (200, 422)
    assert client.get(f"/api/places/{place_id}").status_code in (200, 404, 422)
    r = client.patch(f"/api/places/{place_id}", json={"notes": bbox})
    assert r.status_code in (200, 404, 422)
