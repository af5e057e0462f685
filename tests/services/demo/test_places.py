"""Demo data: deterministic, about 1,000 points over every sub-district, named places included."""

from __future__ import annotations

from collections import Counter

from gigcity.geo.district import load_district
from gigcity.services.demo import generate_places

PUTUO = load_district()


def test_same_seed_same_points_and_other_seed_other_points() -> None:
    a = generate_places(PUTUO, 300, seed=7)
    b = generate_places(PUTUO, 300, seed=7)
    c = generate_places(PUTUO, 300, seed=8)
    assert [p.model_dump() for p in a] == [p.model_dump() for p in b]
    assert [p.model_dump() for p in a] != [p.model_dump() for p in c]


def test_thousand_points_cover_every_subdistrict_and_include_named_places() -> None:
    places = generate_places(PUTUO, 1000)
    assert len(places) == 1000
    subs = Counter(PUTUO.locate(p.lon, p.lat).code for p in places)  # type: ignore[union-attr]
    assert set(subs) == {s.code for s in PUTUO.subdistricts}
    assert min(subs.values()) >= 30
    names = {p.name for p in places}
    assert {n.name for n in PUTUO.named_places} <= names
    kinds = Counter(p.kind for p in places)
    assert kinds.most_common(1)[0][0] == "convenience_rest_point"
    assert kinds["driver_home"] > 0
    assert kinds["truck_driver_station"] > 0
    assert len({p.external_id for p in places}) == 1000


def test_named_place_with_a_published_point_is_placed_there() -> None:
    places = {p.name: p for p in generate_places(PUTUO, 50)}
    liangwan = places["中远两湾城"]
    assert (liangwan.lon, liangwan.lat) == (121.4415, 31.2541)
    assert places["居高司机之家"].amenities.beds is not None
