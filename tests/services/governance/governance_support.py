"""A small world for governance: the mall and a convenience store (whose address puts
真北路 on the map) in their sub-districts, a grid officer of each, and hotline files
written as the hotline exports them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from gigcity.services.accounts import Principal, Role
from gigcity.services.places.schemas import PlaceCreate, PlaceKind
from gigcity.services.platform import Platform
from support import ADMIN, add_account

HEADERS = ("工单编号", "受理时间", "事发地址", "诉求类别", "诉求内容")
MALL = "中海真如环宇城MAX"


@dataclass
class GovWorld:
    mall_id: int
    mall_subdistrict: str
    store_id: int
    store_subdistrict: str
    officer: Principal  # of the mall's sub-district
    other_officer: Principal  # of another sub-district
    rider: Principal


def make_gov_world(platform: Platform) -> GovWorld:
    mall = platform.places.create(
        ADMIN,
        PlaceCreate(
            name=MALL, kind=PlaceKind.rider_station, lon=121.4128, lat=31.2575,
            address="铜川路1888号", hours="24/7",
        ),
        outside_district=True,
    )  # fmt: skip
    store = platform.places.create(
        ADMIN,
        PlaceCreate(
            name="全家便利店真北路店", kind=PlaceKind.convenience_rest_point, lon=121.3950,
            lat=31.2440, address="真北路2000号", hours="24/7",
        ),
        outside_district=True,
    )  # fmt: skip
    mall_sub = platform.places.get(mall.id).subdistrict
    store_sub = platform.places.get(store.id).subdistrict
    assert mall_sub
    assert store_sub
    other = next(s.code for s in platform.district.subdistricts if s.code != mall_sub)
    return GovWorld(
        mall_id=mall.id,
        mall_subdistrict=mall_sub,
        store_id=store.id,
        store_subdistrict=store_sub,
        officer=add_account(platform, "gov-officer", Role.officer, subdistrict=mall_sub),
        other_officer=add_account(platform, "gov-officer2", Role.officer, subdistrict=other),
        rider=add_account(platform, "gov-rider", Role.rider),
    )


def hotline_csv(rows: list[tuple[str, str, str, str, str]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


PARKING = "外卖骑手电瓶车乱停放，堵住商场门口人行道，行人无法通过"
PAVEMENT = "送外卖的电动车在人行道上逆行飞车，差点撞到老人"
UNRELATED = "工地夜间施工噪音扰民，影响休息"
