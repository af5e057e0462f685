"""A canteen, its staff, riders and enrolled older people: what the eldercare tests stand
on. Times are pinned: the service's clock is set by each test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare import (
    CanteenIn,
    CareIn,
    ContactIn,
    Diet,
    ElderIn,
    Mobility,
    SubscriptionIn,
)
from gigcity.services.platform import Platform
from support import add_account

MONDAY = date(2026, 12, 7)
# 06:00 in Shanghai on that Monday: before every cut-off of the day.
EARLY = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)


@dataclass
class CareWorld:
    canteen_id: int
    admin: Principal
    officer: Principal  # of wanli, where the canteen is
    other_officer: Principal  # of changzheng
    riders: list[Principal]
    rider_outside: Principal  # a rider of no older person


def elder_in(world: CareWorld, name: str = "王秀英", **changes: object) -> ElderIn:
    data: dict[str, object] = {
        "name": name,
        "first_name": name[0] + "阿婆",
        "subdistrict": "wanli",
        "canteen_id": world.canteen_id,
        "building": "12号楼",
        "unit": "2单元",
        "floor": 5,
        "door": "万里街道某小区12号楼2单元502室",
        "lon": 121.4205,
        "lat": 31.2605,
        "subsidy_category": "over_80",
        "care": CareIn(
            mobility=Mobility.wheelchair,
            lives_alone=True,
            diet=[Diet.soft, Diet.low_salt],
            allergies=["花生"],
            notes="耳背，敲门要用力",
        ),
        "contacts": [
            ContactIn(relation="family", name="李明", phone="13800000001"),
            ContactIn(relation="committee", name="居委会张老师", phone="021-5555 0101"),
        ],
        "primary_rider_id": world.riders[0].account_id,
        "backup_rider_id": world.riders[1].account_id,
        "consent_by": "self",
        "consent_note": "本人签字同意，2026-12-01",
    }
    data.update(changes)
    return ElderIn.model_validate(data)


def make_care_world(platform: Platform, now: datetime = EARLY) -> CareWorld:
    platform.eldercare.clock = lambda: now
    admin = add_account(platform, "admin", Role.admin)
    canteen = platform.eldercare.add_canteen(
        admin,
        CanteenIn(
            name="凯旋长者食堂", subdistrict="wanli", lon=121.42, lat=31.26,
            lunch_capacity=3, dinner_capacity=2, price_fen=1500,
        ),
    )  # fmt: skip
    return CareWorld(
        canteen_id=canteen.id,
        admin=admin,
        officer=add_account(platform, "officer", Role.officer, subdistrict="wanli"),
        other_officer=add_account(platform, "officer2", Role.officer, subdistrict="changzheng"),
        riders=[add_account(platform, f"rider{i}", Role.rider) for i in range(3)],
        rider_outside=add_account(platform, "rider_outside", Role.rider),
    )


def enrol_with_meals(
    platform: Platform,
    world: CareWorld,
    name: str = "王秀英",
    lunch: tuple[int, ...] = (0, 1, 2, 3, 4),
    **changes: object,
) -> int:
    """Enrol an older person having lunch on `lunch` weekdays from MONDAY; their id."""
    elder = platform.eldercare.enrol(world.officer, elder_in(world, name, **changes))
    platform.eldercare.subscribe(
        world.officer, elder.id, SubscriptionIn(lunch=list(lunch), starts_on=MONDAY)
    )
    return elder.id
