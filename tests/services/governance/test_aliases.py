"""Other names of map places: a record that writes 真如环宇城MAX for the map's 中海真如环宇城MAX
waits for a person; placed at the mall with the name remembered, the records waiting in the
placer's area that write it are placed too, and later imports place them by themselves."""

from __future__ import annotations

import pytest

from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.governance import Placing
from gigcity.services.platform import Platform
from services.governance.governance_support import (
    MALL,
    PARKING,
    GovWorld,
    hotline_csv,
    make_gov_world,
)
from support import ADMIN

ALIAS = "真如环宇城MAX"


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    return make_gov_world(platform)


def _names(platform: Platform, gov: GovWorld) -> tuple[str, str]:
    own, other = (
        platform.district.get(gov.mall_subdistrict),
        platform.district.get(gov.store_subdistrict),
    )
    assert own is not None
    assert other is not None
    assert own.code != other.code
    return own.name, other.name


def _import(platform: Platform, rows: list[tuple[str, str, str, str, str]]) -> None:
    platform.governance.start_import(ADMIN, "export.csv", hotline_csv(rows), wait=True)


def _waiting(platform: Platform, gov: GovWorld) -> dict[str, int]:
    page = platform.governance.complaints(gov.officer, "en", unplaced=True)
    return {c.record_id or "": c.id for c in page.items}


def test_a_remembered_name_places_the_records_waiting_and_those_to_come(
    platform: Platform, gov: GovWorld
) -> None:
    own, other = _names(platform, gov)
    _import(platform, [
        ("GD-11", "2026-11-02 12:10", f"普陀区{own}{ALIAS}北门", "城市管理", PARKING),
        ("GD-12", "2026-11-03 12:10", f"普陀区{own} 真如环宇城max 南门", "城市管理", PARKING),
        ("GD-13", "2026-11-04 12:10", f"普陀区{other}{ALIAS}", "城市管理", PARKING),
    ])  # fmt: skip
    waiting = _waiting(platform, gov)
    assert set(waiting) == {"GD-11", "GD-12"}  # GD-13 named another sub-district

    placed = platform.governance.place_complaint(
        gov.officer, waiting["GD-11"], Placing(place_id=gov.mall_id, remember_as=ALIAS), "zh_CN"
    )
    assert (placed.placed_how, placed.also_placed) == ("person", 1)
    assert _waiting(platform, gov) == {}
    [south] = [
        c for c in platform.governance.complaints(gov.officer, "en").items if c.record_id == "GD-12"
    ]
    assert (south.placed_how, south.place_name) == ("place", MALL)
    # The other sub-district's record is not the officer's to place: it still waits.
    left = platform.governance.complaints(ADMIN, "en", unplaced=True).items
    assert [c.record_id for c in left] == ["GD-13"]

    # A later import reads the name with the map's own.
    _import(platform, [("GD-14", "2026-11-06 08:00", f"普陀区{own}{ALIAS}", "城市管理", PARKING)])
    [new] = [c for c in platform.governance.complaints(ADMIN, "en").items if c.record_id == "GD-14"]
    assert (new.placed, new.place_name) == (True, MALL)

    [alias] = platform.governance.aliases(gov.officer)
    assert (alias.alias, alias.place_id) == (ALIAS, gov.mall_id)


def test_a_name_is_refused_when_the_address_does_not_write_it_or_another_place_has_it(
    platform: Platform, gov: GovWorld
) -> None:
    own, _ = _names(platform, gov)
    _import(platform, [
        ("GD-21", "2026-11-02 12:10", f"普陀区{own}{ALIAS}北门", "城市管理", PARKING),
        ("GD-22", "2026-11-03 12:10", f"普陀区{own}{ALIAS}东门", "城市管理", PARKING),
    ])  # fmt: skip
    first, second = sorted(_waiting(platform, gov).values())
    refused = [
        Placing(place_id=gov.mall_id, remember_as="环宇城PLUS"),  # not in the address
        Placing(place_id=gov.mall_id, remember_as="北门"),  # too short
        Placing(lat=31.2575, lon=121.4128, remember_as=ALIAS),  # a point has no name to keep
    ]
    for placing in refused:
        with pytest.raises(InvalidInput) as error:
            platform.governance.place_complaint(gov.officer, first, placing, "en")
        assert error.value.field == "remember_as"
    assert len(_waiting(platform, gov)) == 2  # nothing was placed by a refused request

    platform.governance.place_complaint(
        ADMIN, first, Placing(place_id=gov.store_id, remember_as=ALIAS), "en"
    )
    with pytest.raises(Conflict) as taken:  # the name is the store's now
        platform.governance.place_complaint(
            ADMIN, second, Placing(place_id=gov.mall_id, remember_as=ALIAS), "en"
        )
    assert taken.value.field == "remember_as"


def test_admins_forget_a_name_and_only_staff_read_them(platform: Platform, gov: GovWorld) -> None:
    own, _ = _names(platform, gov)
    _import(platform, [("GD-31", "2026-11-02 12:10", f"普陀区{own}{ALIAS}", "城市管理", PARKING)])
    [waiting] = _waiting(platform, gov).values()
    platform.governance.place_complaint(
        gov.officer, waiting, Placing(place_id=gov.mall_id, remember_as=ALIAS), "en"
    )
    [alias] = platform.governance.aliases(ADMIN, gov.mall_id)
    with pytest.raises(Forbidden):
        platform.governance.aliases(gov.rider)
    with pytest.raises(Forbidden):
        platform.governance.forget_alias(gov.officer, alias.id)
    platform.governance.forget_alias(ADMIN, alias.id)
    assert platform.governance.aliases(ADMIN) == []
    with pytest.raises(NotFound):
        platform.governance.forget_alias(ADMIN, alias.id)
