"""Meal and water offers at service points: kept by the point's own staff or admins; the
nearest meal under 15 yuan open now, with the distance, by the places' own hours and
distance helpers. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gigcity.services.accounts import Role
from gigcity.services.care import OfferIn, OfferKind, OfferUpdate
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.platform import Platform
from support import ADMIN, World, principal

NOON = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
HERE = (121.3995, 31.2713)  # at the world's station


def _meal(place_id: int, name: str, price_fen: int, hours: str | None = None) -> OfferIn:
    return OfferIn(place_id=place_id, kind=OfferKind.meal, name=name, price_fen=price_fen,
                   hours=hours)  # type: ignore[arg-type]  # fmt: skip


def test_the_nearest_cheap_meal_open_now(platform: Platform, world: World) -> None:
    care = platform.care
    staff = principal(platform, "staff")
    care.create_offer(staff, _meal(world.station_id, "骑手套餐 A", 990, "10:30-14:00"))
    care.create_offer(staff, _meal(world.station_id, "骑手套餐 B", 1800, "10:30-14:00"))
    care.create_offer(ADMIN, _meal(world.other_station_id, "暖心面", 1200))  # 07:00-21:00
    found = care.nearest_offers(OfferKind.meal, *HERE, max_price_fen=1500, at=NOON)
    assert [(o.name, o.price_fen, o.open_now) for o in found] == [
        ("骑手套餐 A", 990, True), ("暖心面", 1200, True)
    ]  # fmt: skip
    assert found[0].distance_m == 0.0
    assert found[1].distance_m > 3000
    assert found[1].hours == "Mo-Su 07:00-21:00"  # the place's own hours
    # At 23:00 none is open; without open_now the closed ones come, marked.
    assert care.nearest_offers(OfferKind.meal, *HERE, at=NIGHT) == []
    closed = care.nearest_offers(OfferKind.meal, *HERE, open_now=False, at=NIGHT, k=1)
    assert [(o.name, o.open_now) for o in closed] == [("骑手套餐 A", False)]
    # Water is free, whatever is sent as its price.
    water = care.create_offer(
        staff,
        OfferIn(place_id=world.station_id, kind=OfferKind.water, name="爱“新”冰箱", price_fen=300),
    )
    assert water.price_fen == 0
    assert [o.id for o in care.nearest_offers(OfferKind.water, *HERE, at=NIGHT)] == [water.id]


def test_only_the_points_staff_and_admins_keep_its_offers(platform: Platform, world: World) -> None:
    care = platform.care
    staff = principal(platform, "staff")
    with pytest.raises(Forbidden):
        care.create_offer(staff, _meal(world.other_station_id, "别家的饭", 1000))
    for who in ("rider", "officer"):
        with pytest.raises(Forbidden):
            care.create_offer(principal(platform, who), _meal(world.station_id, "饭", 1000))
    offer = care.create_offer(staff, _meal(world.station_id, "骑手套餐", 1500))
    changed = care.update_offer(staff, offer.id, OfferUpdate(price_fen=1300, active=False))
    assert (changed.price_fen, changed.active) == (1300, False)
    assert care.nearest_offers(OfferKind.meal, *HERE, at=NOON) == []
    assert [o.id for o in care.offers_at(world.station_id)] == [offer.id]
    with pytest.raises(NotFound):
        care.update_offer(staff, 999, OfferUpdate(name="x"))
    with pytest.raises(InvalidInput):
        care.create_offer(ADMIN, _meal(99_999, "无处", 1000))
    with pytest.raises(InvalidInput):
        care.nearest_offers(OfferKind.meal, 500.0, 31.0)
    assert Role.staff == principal(platform, "staff").role


def test_a_points_offers_say_whether_each_is_open(platform: Platform, world: World) -> None:
    care = platform.care
    staff = principal(platform, "staff")
    lunch = care.create_offer(staff, _meal(world.station_id, "午餐", 1200, "10:30-14:00"))
    late = care.create_offer(staff, _meal(world.station_id, "夜宵", 1000, "22:00-23:59"))
    gone = care.create_offer(staff, _meal(world.station_id, "停售", 900))
    care.update_offer(staff, gone.id, OfferUpdate(active=False))
    at_noon = {o.id: o.open_now for o in care.offers_at(world.station_id, at=NOON)}
    assert at_noon == {lunch.id: True, late.id: False, gone.id: False}
    at_night = {o.id: o.open_now for o in care.offers_at(world.station_id, at=NIGHT)}
    assert at_night == {lunch.id: False, late.id: True, gone.id: False}
