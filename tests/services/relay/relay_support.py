"""A small estate with a hand-off point, its property staff and couriers, and a platform key
with the `deliveries` scope: what the relay tests stand on."""

from __future__ import annotations

from dataclasses import dataclass

from estate_support import add_estate, square_estate
from gigcity.geo.estates import Estate, Gate, HandoffPoint
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.platform import Platform
from gigcity.services.relay import AnnounceIn, AnnounceOut, CodeIn
from support import add_account


def small_estate(*, hours: str = "", shelf: int = 40, name: str = "测试花园") -> Estate:
    """Five buildings in a row, one gate, one hand-off point open `hours` with `shelf`
    places."""
    return square_estate(
        name,
        name_en="Test Gardens",
        south=31.25,
        buildings=5,
        gates=(Gate(ref="g1", name="北门", at=(121.405, 31.26)),),
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


def make_relay_world(platform: Platform, *, couriers: int = 2, **estate: object) -> RelayWorld:
    estate_id = add_estate(platform, small_estate(**estate))  # type: ignore[arg-type]
    other_id = add_estate(platform, small_estate(name="别的小区"))
    ours = [
        add_account(platform, f"courier{i}" if i else "courier", Role.courier, estate_id)
        for i in range(couriers)
    ]
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
        property=add_account(platform, "property", Role.property, estate_id),
        couriers=ours,
        other_courier=add_account(platform, "courier_elsewhere", Role.courier, other_id),
        admin=add_account(platform, "admin", Role.admin),
        rider=add_account(platform, "rider", Role.rider),
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
