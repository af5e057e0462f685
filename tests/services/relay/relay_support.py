"""A small estate with a hand-off point, its property staff and couriers, and a platform key
with the `deliveries` scope: what the relay tests stand on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gigcity.db.models import Estate as EstateRow
from gigcity.db.session import transaction
from gigcity.geo.estates import Building, Entrance, Estate, Gate, HandoffPoint
from gigcity.services.accounts import (
    AccountCreate,
    Principal,
    Role,
    Scope,
    create_account,
    principal_for,
)
from gigcity.services.platform import Platform
from gigcity.services.relay import AnnounceIn, AnnounceOut, CodeIn
from support import PASSWORD


def small_estate(*, hours: str = "", shelf: int = 40, name: str = "测试花园") -> Estate:
    return Estate(
        name=name,
        name_en="Test Gardens",
        synthetic=True,
        boundary=((121.40, 31.25), (121.41, 31.25), (121.41, 31.26), (121.40, 31.26)),
        gates=(Gate(ref="g1", name="北门", at=(121.405, 31.26)),),
        buildings=tuple(
            Building(
                ref=f"b{n}",
                number=f"{n}号楼",
                at=(121.401 + n * 0.0005, 31.255),
                entrances=(Entrance(ref=f"b{n}-u1", name="1单元", at=(121.401 + n * 0.0005, 31.2551)),),
            )
            for n in range(1, 6)
        ),
        handoffs=(
            HandoffPoint(
                ref="h1", name="接力点", at=(121.405, 31.259), hours=hours,
                shelf_capacity=shelf, claim_within_min=20, deliver_within_min=30,
            ),
        ),
    )  # fmt: skip


@dataclass
class RelayWorld:
    estate_id: int
    other_estate_id: int
    platform_key: str
    platform: Principal  # the key's principal
    other_platform: Principal
    property: Principal
    couriers: list[Principal]
    other_courier: Principal  # of the other estate
    admin: Principal
    rider: Principal


def add_estate(platform: Platform, estate: Estate) -> int:
    with transaction(platform.factory) as session:
        lon, lat = estate.centre()
        row = EstateRow(
            name=estate.name, subdistrict=estate.subdistrict, lon=lon, lat=lat,
            synthetic=estate.synthetic, document=estate.model_dump(mode="json"), version=1,
            created_at=datetime.now(UTC), updated_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def make_relay_world(platform: Platform, *, couriers: int = 2, **estate: object) -> RelayWorld:
    estate_id = add_estate(platform, small_estate(**estate))  # type: ignore[arg-type]
    other_id = add_estate(platform, small_estate(name="别的小区"))
    people: dict[str, Principal] = {}

    def person(username: str, role: Role, estate: int | None = None) -> Principal:
        with transaction(platform.factory) as session:
            account = create_account(
                session,
                AccountCreate(
                    username=username, password=PASSWORD, display_name=username, role=role,
                    estate_id=estate,
                ),
                platform.district,
            )  # fmt: skip
            return principal_for(account)

    for i in range(couriers):
        people[f"courier{i}"] = person(f"courier{i}" if i else "courier", Role.courier, estate_id)
    key = platform.accounts.create_api_key_by_operator("外卖平台", scopes=[Scope.deliveries])
    other = platform.accounts.create_api_key_by_operator("另一平台", scopes=[Scope.deliveries])
    assert key.key
    assert other.key
    return RelayWorld(
        estate_id=estate_id,
        other_estate_id=other_id,
        platform_key=key.key,
        platform=platform.accounts.principal_from_api_key(key.key),
        other_platform=platform.accounts.principal_from_api_key(other.key),
        property=person("property", Role.property, estate_id),
        couriers=[people[f"courier{i}"] for i in range(couriers)],
        other_courier=person("courier_elsewhere", Role.courier, other_id),
        admin=person("admin", Role.admin),
        rider=person("rider", Role.rider),
    )


def consent(
    platform: Platform, world: RelayWorld, building: str = "b1", unit: str = "1", room: str = "101"
) -> int:
    from gigcity.services.relay import AddressIn

    out = platform.relay.record_consent(
        world.property, world.estate_id, AddressIn(building=building, unit=unit, room=room)
    )
    return out.id


def announce(
    platform: Platform,
    world: RelayWorld,
    order: str,
    building: str = "b1",
    unit: str = "1",
    room: str = "101",
) -> AnnounceOut:
    return platform.relay.announce(
        world.platform,
        AnnounceIn(
            order_ref=order, estate_id=world.estate_id, building=building, unit=unit, room=room
        ),
    )


def dropped(platform: Platform, world: RelayWorld, order: str) -> AnnounceOut:
    item = announce(platform, world, order)
    platform.relay.drop(world.platform, item.id, CodeIn(code=item.handoff_code))
    return item
