"""12345 hotline imports: each row kept once with its place and topic, refusals with the
row and the reason, duplicates across imports ignored, the unplaced listed for a person,
and every read scoped to the caller's sub-district."""

from __future__ import annotations

import pytest

from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.governance import ImportStatus, Placing, RuleIn, mask_phones
from gigcity.services.governance.service import GovernanceService
from gigcity.services.platform import Platform
from services.governance.governance_support import (
    PARKING,
    PAVEMENT,
    UNRELATED,
    GovWorld,
    hotline_csv,
    make_gov_world,
)
from support import ADMIN


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    return make_gov_world(platform)


def _rows(officer_sub_name: str) -> list[tuple[str, str, str, str, str]]:
    return [
        ("GD-1", "2026-11-02 12:10", "普陀区铜川路中海真如环宇城MAX北门", "城市管理", PARKING),
        ("GD-2", "2026-11-03 18:40", "普陀区真北路近铜川路", "交通管理", PAVEMENT),
        ("GD-3", "2026-11-04 09:00", f"普陀区{officer_sub_name}某小区后门", "市容环境", UNRELATED),
        ("GD-4", "昨天下午", "普陀区中海真如环宇城MAX", "城市管理", PARKING),
        # The same record as the first, exported again.
        ("GD-1", "2026-11-02 12:10", "普陀区铜川路中海真如环宇城MAX北门", "城市管理", PARKING),
        ("GD-5", "2026-11-05 20:00", "普陀区中海真如环宇城MAX", "城市管理",
         "骑手在消防通道停车，联系电话13912345678"),
    ]  # fmt: skip


def _import(platform: Platform, gov: GovWorld, name: str = "export.csv") -> int:
    sub = platform.district.get(gov.mall_subdistrict)
    assert sub is not None
    out = platform.governance.start_import(ADMIN, name, hotline_csv(_rows(sub.name)), wait=True)
    return out.id


def test_an_import_keeps_each_record_once_places_it_and_names_its_topic(
    platform: Platform, gov: GovWorld
) -> None:
    import_id = _import(platform, gov)
    report = platform.governance.get_import(ADMIN, import_id, "en")
    assert report.status == ImportStatus.done
    assert (report.rows_read, report.accepted, report.duplicates, report.refused) == (6, 4, 1, 1)
    assert report.unplaced == 1
    [refusal] = report.refusals
    assert refusal.line == 5  # the header is line 1
    assert refusal.field == "received_at" or "time" in (refusal.field or "")
    page = platform.governance.complaints(ADMIN, "en")
    assert page.total == 4
    by_id = {c.record_id: c for c in page.items}
    mall = by_id["GD-1"]
    assert (mall.placed, mall.placed_how, mall.place_name) == (True, "place", "中海真如环宇城MAX")
    assert mall.subdistrict == gov.mall_subdistrict
    assert mall.topic == "parking"
    assert mall.topic_rule
    assert mall.topic_words
    road = by_id["GD-2"]
    assert (road.placed_how, road.place_name, road.topic) == ("road", "真北路", "pavement")
    unrelated = by_id["GD-3"]
    assert (unrelated.placed, unrelated.topic) == (False, None)
    # Not on the map, but its address named the sub-district: its officers will see it.
    assert unrelated.subdistrict == gov.mall_subdistrict
    # The caller's number is not kept.
    assert "13912345678" not in by_id["GD-5"].content
    assert by_id["GD-5"].topic == "passage"


def test_importing_the_same_records_again_stores_nothing_new(
    platform: Platform, gov: GovWorld
) -> None:
    _import(platform, gov)
    again = platform.governance.get_import(ADMIN, _import(platform, gov, "again.csv"), "en")
    assert (again.accepted, again.duplicates, again.refused) == (0, 5, 1)
    assert platform.governance.complaints(ADMIN, "en").total == 4


def test_a_file_that_is_not_a_hotline_export_fails_with_the_reason(
    platform: Platform, gov: GovWorld
) -> None:
    out = platform.governance.start_import(ADMIN, "x.csv", b"a,b\n1,2\n", wait=True)
    report = platform.governance.get_import(ADMIN, out.id, "en")
    assert report.status == ImportStatus.failed
    assert report.problem
    assert platform.governance.complaints(ADMIN, "en").total == 0
    with pytest.raises(InvalidInput):
        platform.governance.start_import(ADMIN, "x.pdf", b"%PDF-1.7", wait=True)
    with pytest.raises(Forbidden):
        platform.governance.start_import(gov.officer, "x.csv", hotline_csv([]), wait=True)


def test_officers_see_and_place_only_their_own_sub_district(
    platform: Platform, gov: GovWorld
) -> None:
    _import(platform, gov)
    own = platform.governance.complaints(gov.officer, "zh_CN")
    assert own.total >= 2
    assert {c.subdistrict for c in own.items} == {gov.mall_subdistrict}
    with pytest.raises(Forbidden):
        platform.governance.complaints(gov.officer, "en", subdistrict=gov.store_subdistrict)
    with pytest.raises(Forbidden):
        platform.governance.complaints(gov.rider, "en")
    elsewhere = platform.governance.complaints(gov.other_officer, "en")
    assert all(c.subdistrict == gov.other_officer.subdistrict for c in elsewhere.items)
    [waiting] = platform.governance.complaints(gov.officer, "en", unplaced=True).items
    # Another sub-district's officer cannot place it; its own officer can, at the mall.
    with pytest.raises(Forbidden):
        platform.governance.place_complaint(
            gov.other_officer, waiting.id, Placing(place_id=gov.mall_id), "en"
        )
    placed = platform.governance.place_complaint(
        gov.officer, waiting.id, Placing(place_id=gov.mall_id), "en"
    )
    assert (placed.placed, placed.placed_how) == (True, "person")
    assert platform.governance.complaints(gov.officer, "en", unplaced=True).total == 0


def test_a_rule_staff_add_sorts_the_complaints_again_in_every_worker(
    platform: Platform, gov: GovWorld
) -> None:
    _import(platform, gov)
    rule = RuleIn(topic="noise", groups=[["施工"], ["噪音"]], priority=1)
    with pytest.raises(Forbidden):
        platform.governance.save_rule(gov.officer, "building-noise", rule, "en", new=True)
    platform.governance.save_rule(ADMIN, "building-noise", rule, "en", new=True)
    # Another worker's service (its own cache) sorts by the new rule at once.
    other = GovernanceService(platform.factory, platform.district, platform.files)
    tried = other.classify_text(ADMIN, UNRELATED, "en")
    assert (tried.topic, tried.rule) == ("noise", "building-noise")
    assert set(tried.matched) == {"施工", "噪音"}
    assert platform.governance.reclassify(ADMIN) == 1
    [noise] = platform.governance.complaints(ADMIN, "en", topic="noise").items
    assert noise.record_id == "GD-3"
    assert noise.topic_rule == "building-noise"


def test_a_bad_rule_is_refused_by_name(platform: Platform) -> None:
    with pytest.raises(InvalidInput) as refused:
        platform.governance.save_rule(
            ADMIN, "x", RuleIn(topic="weather", groups=[["雨"]]), "en", new=True
        )
    assert refused.value.field == "topic"
    with pytest.raises(InvalidInput):
        platform.governance.save_rule(ADMIN, "x", RuleIn(topic="noise", groups=[]), "en", new=True)
    with pytest.raises(InvalidInput):
        platform.governance.save_rule(
            ADMIN, "Bad Id!", RuleIn(topic="noise", groups=[["吵"]]), "en", new=True
        )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13912345678请回电", "电话[电话]请回电"),
        ("座机021-62345678", "座机[电话]"),
        ("铜川路1888号", "铜川路1888号"),  # a house number is not a phone number
    ],
)
def test_phone_numbers_are_masked(text: str, masked: str) -> None:
    assert mask_phones(text) == masked
