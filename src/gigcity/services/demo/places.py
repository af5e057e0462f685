"""Deterministic demo service points: ~1,000 over the district.

Points cluster around each sub-district's interior point and stay inside its cell, in the
mix of kinds a district like Putuo has (many convenience-store rest points and warm kiosks,
a few driver homes and truck-driver stations, the latter mostly in the two towns). Names,
hours and amenities are plausible inventions, except the district's named places, which are
taken from the reference data. Same seed, same data.
"""

from __future__ import annotations

import random
from typing import Any

from shapely.geometry import Point
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from gigcity.db.models import Place, PlaceAudit, utcnow
from gigcity.geo.district import District
from gigcity.services.places.schemas import Amenities, PlaceCreate, PlaceKind
from gigcity.services.places.search import bump_revision

ROADS = (
    "曹杨路", "长寿路", "武宁路", "真北路", "中山北路", "金沙江路", "光复西路", "大渡河路",
    "铜川路", "梅川路", "兰溪路", "枣阳路", "宜川路", "志丹路", "新村路", "交通路", "桃浦路",
    "武威路", "真华路", "祁连山路", "同普路", "云岭东路", "丹巴路", "古浪路", "岚皋路", "西康路",
    "常德路", "泸定路", "绥德路", "白丽路", "怒江路", "花溪路", "杏山路", "沪太路",
)  # fmt: skip
# The roads of each sub-district, so that a generated point's name and address name a road
# of where it is (assumption for the demo: real roads, a few per sub-district).
ROADS_BY_SUBDISTRICT: dict[str, tuple[str, ...]] = {
    "长寿路街道": ("长寿路", "武宁路", "西康路", "昌化路", "常德路"),
    "曹杨新村街道": ("曹杨路", "兰溪路", "枣阳路", "花溪路", "杏山路"),
    "长风新村街道": ("金沙江路", "大渡河路", "云岭东路", "白丽路", "泸定路"),
    "宜川路街道": ("宜川路", "光复西路", "西乡路", "交通路"),
    "甘泉路街道": ("甘泉路", "志丹路", "新村路", "宜川路"),
    "石泉路街道": ("石泉路", "中山北路", "宁强路", "岚皋路"),
    "万里街道": ("真华路", "万镇路", "富平路", "大华路"),
    "真如镇街道": ("真北路", "真光路", "铜川路", "真如路"),
    "长征镇": ("梅川路", "同普路", "怒江路", "丹巴路"),
    "桃浦镇": ("桃浦路", "祁连山南路", "武威路", "沪太路", "古浪路"),
}
STORES = ("全家", "罗森", "好德", "快客", "7-Eleven", "便利蜂", "喜士多")

# Share of each kind among generated points (assumption, shaped after the published mix of
# ~1,000 friendly-map points: mostly rest points and kiosks).
KIND_WEIGHTS: dict[PlaceKind, float] = {
    PlaceKind.convenience_rest_point: 0.32,
    PlaceKind.warm_kiosk: 0.15,
    PlaceKind.rider_station: 0.12,
    PlaceKind.charging_swap: 0.12,
    PlaceKind.toilet: 0.08,
    PlaceKind.water: 0.05,
    PlaceKind.canteen: 0.05,
    PlaceKind.party_service_center: 0.04,
    PlaceKind.health_center: 0.03,
    PlaceKind.driver_home: 0.02,
    PlaceKind.truck_driver_station: 0.02,
}


def _hours(kind: PlaceKind, rnd: random.Random) -> str:
    if kind in (PlaceKind.convenience_rest_point, PlaceKind.toilet, PlaceKind.driver_home):
        return "24/7" if rnd.random() < 0.8 else "06:00-23:00"
    if kind == PlaceKind.health_center:
        return "Mo-Fr 08:00-17:00; Sa 08:00-12:00"
    if kind == PlaceKind.canteen:
        return "10:30-14:00,16:30-20:30"
    if kind == PlaceKind.warm_kiosk:
        return "07:00-21:00" if rnd.random() < 0.7 else "24/7"
    if kind in (PlaceKind.rider_station, PlaceKind.party_service_center):
        return "24/7" if rnd.random() < 0.5 else "08:00-22:00"
    return "24/7"


def _amenities(kind: PlaceKind, rnd: random.Random) -> Amenities:
    a: dict[str, Any] = {}

    def some(names: tuple[str, ...], p: float) -> None:
        for name in names:
            if rnd.random() < p:
                a[name] = True

    if kind in (PlaceKind.rider_station, PlaceKind.party_service_center):
        a.update(drinking_water=True, charging=True, seats=True, microwave=True)
        some(("fridge", "toilet", "first_aid_kit", "tyre_pump", "toolkit"), 0.7)
        some(("legal_aid",), 0.5 if kind == PlaceKind.party_service_center else 0.15)
        if rnd.random() < 0.3:
            a["discounted_meals"] = {"price_fen": rnd.choice((990, 1200, 1500))}
    elif kind == PlaceKind.warm_kiosk:
        a.update(drinking_water=True, seats=True)
        some(("charging", "microwave", "first_aid_kit", "tyre_pump"), 0.6)
    elif kind == PlaceKind.convenience_rest_point:
        a.update(drinking_water=True, seats=True)
        some(("charging", "microwave", "toilet"), 0.5)
    elif kind in (PlaceKind.driver_home, PlaceKind.truck_driver_station):
        count = (
            rnd.choice((4, 8, 12, 20, 40))
            if kind == PlaceKind.driver_home
            else rnd.choice((2, 6, 10))
        )
        a.update(
            drinking_water=True, toilet=True, seats=True, shower=True, charging=True, microwave=True
        )
        a["beds"] = {"count": count, "free": rnd.randint(0, count)}
        some(("laundry", "first_aid_kit", "toolkit", "legal_aid"), 0.6)
        if rnd.random() < 0.5:
            a["discounted_meals"] = {"price_fen": rnd.choice((1200, 1500, 1800))}
    elif kind == PlaceKind.canteen:
        a.update(drinking_water=True, seats=True, microwave=True)
        a["discounted_meals"] = {"price_fen": rnd.choice((990, 1200, 1500))}
    elif kind == PlaceKind.charging_swap:
        a.update(charging=True)
        some(("tyre_pump", "toolkit"), 0.4)
    elif kind == PlaceKind.toilet:
        a.update(toilet=True)
        some(("drinking_water",), 0.3)
    elif kind == PlaceKind.water:
        a.update(drinking_water=True)
    elif kind == PlaceKind.health_center:
        a.update(drinking_water=True, seats=True, toilet=True, first_aid_kit=True)
    return Amenities.model_validate(a)


def _name_and_address(
    kind: PlaceKind, rnd: random.Random, number: int, roads: tuple[str, ...]
) -> tuple[str, str]:
    road = rnd.choice(roads)
    n = rnd.randint(1, 1999)
    return _name(kind, road, n, number, rnd), f"{road}{n}号"


def _name(kind: PlaceKind, road: str, n: int, number: int, rnd: random.Random) -> str:
    match kind:
        case PlaceKind.convenience_rest_point:
            return f"{rnd.choice(STORES)}{road}{n}号店·骑手歇脚点"
        case PlaceKind.warm_kiosk:
            return f"{road}暖心驿站岗亭"
        case PlaceKind.rider_station:
            return f"{road}户外职工爱心驿站"
        case PlaceKind.charging_swap:
            return f"{road}{n}号换电柜"
        case PlaceKind.toilet:
            return f"{road}公共厕所"
        case PlaceKind.water:
            return f"{road}{n}号饮水点"
        case PlaceKind.canteen:
            return f"{road}社区食堂"
        case PlaceKind.party_service_center:
            return f"{road}新就业群体党群服务站"
        case PlaceKind.health_center:
            return f"{road}社区卫生服务站"
        case PlaceKind.driver_home:
            return f"{road}司机之家"
        case PlaceKind.truck_driver_station:
            return f"{road}货车司机驿站"
    return f"服务点{number}"


# Named places of the reference data, with the kind and amenities each one publishes.
_NAMED: dict[str, tuple[PlaceKind, dict[str, Any], str]] = {
    "中远两湾城": (PlaceKind.rider_station, {"drinking_water": True, "seats": True, "charging": True}, "24/7"),
    "万有引力新业态新就业群体党群服务中心": (
        PlaceKind.party_service_center,
        {"drinking_water": True, "charging": True, "fridge": True, "microwave": True, "first_aid_kit": True, "seats": True},
        "24/7",
    ),
    "中海真如环宇城MAX": (
        PlaceKind.rider_station,
        {"drinking_water": True, "charging": True, "seats": True, "toilet": True},
        "24/7",
    ),
    "居高司机之家": (
        PlaceKind.driver_home,
        {"drinking_water": True, "toilet": True, "shower": True, "laundry": True, "charging": True,
         "seats": True, "microwave": True, "beds": {"count": 200, "free": 37}},
        "24/7",
    ),
    "半马苏河驿站·1690党群服务中心": (
        PlaceKind.party_service_center,
        {"drinking_water": True, "charging": True, "seats": True, "microwave": True,
         "discounted_meals": {"price_fen": 990, "note": "9.9-15 元"}},
        "08:00-22:00",
    ),
    "新湖明珠城": (PlaceKind.rider_station, {"drinking_water": True, "seats": True}, "24/7"),
}  # fmt: skip
# The named places' notes as the district's people read them (the reference data describes
# them in English for developers; the demo is a Chinese district, so its notes are Chinese).
_NOTES_ZH: dict[str, str] = {
    "中远两湾城": "大型居住区",
    "万有引力新业态新就业群体党群服务中心": "新就业群体党群服务中心（24小时饮水、充电、冰箱、微波炉、药箱）",
    "中海真如环宇城MAX": "购物中心，设24小时骑手驿站、电动车专用停车区和取餐电梯",
    "居高司机之家": "司机之家，面积3000平方米，床位200余张",
    "半马苏河驿站·1690党群服务中心": "骑手驿站，提供优惠餐（9.9–15元）",
    "新湖明珠城": "大型居住区，首个社区接力配送试点",
}
_ESTIMATED_NOTE = "（位置为估计）"
# Where the reference data gives no point: rough positions (assumption; marked in notes).
_ESTIMATED_POINTS: dict[str, tuple[float, float]] = {
    "半马苏河驿站·1690党群服务中心": (121.4330, 31.2440),  # along Suzhou Creek (assumption)
    "新湖明珠城": (121.4460, 31.2475),  # assumption
}


def _jitter_in(
    district: District, code: str, centre: tuple[float, float], rnd: random.Random, spread: float
) -> tuple[float, float]:
    cell = district.cells.get(code)
    for _ in range(50):
        lon = centre[0] + rnd.gauss(0, spread)
        lat = centre[1] + rnd.gauss(0, spread * 0.85)
        if cell is None or cell.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    point = cell.representative_point() if cell is not None else Point(*centre)
    return round(point.x, 6), round(point.y, 6)


def named_places(district: District, seed: int = 2025) -> list[PlaceCreate]:
    rnd = random.Random(seed)
    out = []
    for named in district.named_places:
        kind, amenities, hours = _NAMED.get(
            named.name, (PlaceKind.rider_station, {"seats": True}, "24/7")
        )
        notes = _NOTES_ZH.get(named.name, named.kind)
        if named.lon is not None and named.lat is not None:
            lon, lat = named.lon, named.lat
        else:
            sub = district.by_name(named.subdistrict) if named.subdistrict else None
            if sub is not None:
                lon, lat = _jitter_in(district, sub.code, (sub.lon, sub.lat), rnd, 0.002)
            else:
                lon, lat = _ESTIMATED_POINTS.get(
                    named.name,
                    (
                        (district.bbox[0] + district.bbox[2]) / 2,
                        (district.bbox[1] + district.bbox[3]) / 2,
                    ),
                )
            notes = f"{notes}{_ESTIMATED_NOTE}"
        out.append(
            PlaceCreate(
                name=named.name,
                kind=kind,
                lon=lon,
                lat=lat,
                amenities=Amenities.model_validate(amenities),
                hours=hours,
                notes=notes,
                external_id=f"named:{named.name}",
            )
        )
    return out


def generate_places(district: District, count: int = 1000, seed: int = 2025) -> list[PlaceCreate]:
    """`count` points: the named places first, then generated ones, deterministic in `seed`."""
    rnd = random.Random(seed)
    places = named_places(district, seed)[:count]
    subs = district.subdistricts
    # Towns are larger but sparser; weight sub-districts by cell area, damped (assumption).
    weights = [
        district.cells[s.code].area ** 0.5 if s.code in district.cells else 1.0 for s in subs
    ]
    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    number = 0
    while len(places) < count:
        number += 1
        sub = rnd.choices(subs, weights)[0]
        kind = rnd.choices(kinds, kind_weights)[0]
        if kind == PlaceKind.truck_driver_station and sub.kind != "town" and rnd.random() < 0.8:
            continue  # truck-driver stations sit mostly in the towns' logistics parks
        spread = 0.012 if sub.kind == "town" else 0.006
        lon, lat = _jitter_in(district, sub.code, (sub.lon, sub.lat), rnd, spread)
        name, address = _name_and_address(
            kind, rnd, number, ROADS_BY_SUBDISTRICT.get(sub.name, ROADS)
        )
        places.append(
            PlaceCreate(
                name=name,
                address=address,
                kind=kind,
                lon=lon,
                lat=lat,
                amenities=_amenities(kind, rnd),
                hours=_hours(kind, rnd),
                capacity=rnd.choice((None, 6, 10, 20, 30)),
                operator=rnd.choice(("街道总工会", "社区居委会", "平台站点", None)),
                external_id=f"demo:{seed}:{len(places)}",
            )
        )
    return places


def bulk_insert_places(
    session: Session, district: District, places: list[PlaceCreate], actor: str
) -> int:
    """Insert many points at once (seeding, benchmarks), audited as one import each."""
    from gigcity.services.places.records import AUDITED_FIELDS, apply_fields, snapshot

    now = utcnow()
    rows = []
    for data in places:
        place = Place()
        apply_fields(place, data.model_dump(), district)
        rows.append(
            {
                **snapshot(place),
                "amenity_mask": place.amenity_mask,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, len(rows), 5000):
        session.execute(insert(Place), rows[start : start + 5000])
    inserted = session.execute(select(Place.id, Place.external_id).order_by(Place.id)).all()
    by_ext = {ext: pid for pid, ext in inserted}
    audits = [
        {
            "place_id": by_ext[r["external_id"]],
            "actor": actor,
            "action": "seed",
            "at": now,
            "before": None,
            "after": {k: r[k] for k in AUDITED_FIELDS},
        }
        for r in rows
        if r["external_id"] in by_ext
    ]
    for start in range(0, len(audits), 5000):
        session.execute(insert(PlaceAudit), audits[start : start + 5000])
    bump_revision(session)
    return len(rows)
