"""Hotline addresses as Putuo's operators write them: split into their parts, and placed on
the map by the names the district knows — a named place before an estate before a road —
or left for a person to place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.i18n import translations
from gigcity.services.governance.addresses import (
    HOW,
    Gazetteer,
    Known,
    ParsedAddress,
    Placement,
    parse_address,
)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        (
            "上海市普陀区真如镇街道铜川路1888号中海真如环宇城MAX东门",
            ParsedAddress(
                city="上海市",
                district="普陀区",
                subdistrict="真如镇街道",
                road="铜川路",
                number="1888",
                estate="中海真如环宇城MAX",
                rest="东门",
            ),
        ),
        (
            "普陀区石泉路街道石泉路120弄5号楼",
            ParsedAddress(
                district="普陀区", subdistrict="石泉路街道", road="石泉路", lane="120", building="5"
            ),
        ),
        (
            "曹杨新村街道兰溪路近枣阳路",
            ParsedAddress(subdistrict="曹杨新村街道", road="兰溪路", rest="近枣阳路"),
        ),
        (
            "上海 普陀区 长寿路街道 长寿路 １５５ 号 附近",
            ParsedAddress(
                city="上海市",
                district="普陀区",
                subdistrict="长寿路街道",
                road="长寿路",
                number="155",
                rest="附近",
            ),
        ),
        (
            "普陀区桃浦镇真南路４５００号对面",
            ParsedAddress(
                district="普陀区", subdistrict="桃浦镇", road="真南路", number="4500", rest="对面"
            ),
        ),
        (
            "真如镇街道真光路1219弄真光新村十二号楼门口",
            ParsedAddress(
                subdistrict="真如镇街道",
                road="真光路",
                lane="1219",
                estate="真光新村",
                building="12",
                rest="门口",
            ),
        ),
        (
            "上海市普陀区真如镇街道铜川路（中海真如环宇城MAX）南广场",
            ParsedAddress(
                city="上海市",
                district="普陀区",
                subdistrict="真如镇街道",
                road="铜川路",
                estate="中海真如环宇城MAX",
                rest="南广场",
            ),
        ),
        (
            "普陀区甘泉路街道新村路100号",  # 新村路 is a road, not an estate called 新村
            ParsedAddress(district="普陀区", subdistrict="甘泉路街道", road="新村路", number="100"),
        ),
        (
            "万里街道大渡河路1700弄万里城三街坊8#旁",
            ParsedAddress(
                subdistrict="万里街道",
                road="大渡河路",
                lane="1700",
                estate="万里城",
                number="8",
                rest="三街坊旁",
            ),
        ),
        (
            "长征镇梅川路一千八百八十八号",
            ParsedAddress(subdistrict="长征镇", road="梅川路", number="1888"),
        ),
        ("东方小区门口", ParsedAddress(estate="东方小区", rest="门口")),
        ("", ParsedAddress()),
    ],
)
def test_addresses_are_split_into_their_parts(text: str, parsed: ParsedAddress) -> None:
    assert parse_address(text) == parsed


def known(
    kind: str, ref: str, name: str, *aliases: str, sub: str | None = None, at: float = 0.0
) -> Known:
    return Known(
        kind=kind,  # type: ignore[arg-type]
        ref=ref,
        name=name,
        aliases=aliases,
        lat=31.24 + at,
        lon=121.40 + at,
        subdistrict=sub,
    )


MALL = known("place", "place:1", "中海真如环宇城MAX", "环宇城MAX", "真如环宇城", sub="真如镇街道")
MALL_GATE = known("place", "place:2", "中海真如环宇城MAX东门骑手驿站", sub="真如镇街道", at=0.001)
MARKET = known("place", "place:3", "真光菜场", at=0.002)
ZHENGUANG = known("estate", "estate:1", "真光新村", sub="真如镇街道", at=0.003)
CAOYANG = known("estate", "estate:2", "曹杨新村", sub="曹杨新村街道", at=0.004)
TONGCHUAN = known("road", "road:铜川路", "铜川路", at=0.005)
LANXI = known("road", "road:兰溪路", "兰溪路", sub="曹杨新村街道", at=0.006)
ZAOYANG = known("road", "road:枣阳路", "枣阳路", at=0.007)
SHIQUAN = known("road", "road:石泉路", "石泉路", at=0.008)
# One name, two estates: the address's sub-district tells them apart.
GARDEN_A = known("estate", "estate:3", "锦绣花园", sub="长征镇", at=0.009)
GARDEN_B = known("estate", "estate:4", "锦绣花园", sub="桃浦镇", at=0.010)

GAZETTEER = Gazetteer(
    [
        MALL,
        MALL_GATE,
        MARKET,
        ZHENGUANG,
        CAOYANG,
        TONGCHUAN,
        LANXI,
        ZAOYANG,
        SHIQUAN,
        GARDEN_A,
        GARDEN_B,
        known("place", "place:9", "门", "X"),  # one-character names would match everything
    ]
)


def placed(text: str) -> tuple[str, str] | None:
    found = GAZETTEER.place(text)
    return (found.ref, found.how) if found else None


def test_a_named_place_wins_over_estate_and_road() -> None:
    got = GAZETTEER.place("上海市普陀区真如镇街道铜川路1888号中海真如环宇城MAX西门")
    assert got == Placement(
        kind="place",
        ref="place:1",
        name="中海真如环宇城MAX",
        lat=MALL.lat,
        lon=MALL.lon,
        subdistrict="真如镇街道",
        how="named place in the address",
    )
    assert placed("真光路1219弄真光新村旁的真光菜场") == ("place:3", HOW["place"])


def test_the_longest_name_found_wins() -> None:
    assert placed("普陀区中海真如环宇城MAX东门骑手驿站门口") == ("place:2", HOW["place"])
    assert placed("真如环宇城max北门") == ("place:1", HOW["place"])  # by an alias


def test_an_estate_wins_over_a_road() -> None:
    assert placed("真如镇街道真光路1219弄真光新村12号楼") == ("estate:1", HOW["estate"])


def test_a_road_places_what_names_nothing_else_and_the_first_road_is_the_address() -> None:
    assert placed("铜川路近真北路") == ("road:铜川路", HOW["road"])
    assert placed("兰溪路近枣阳路") == ("road:兰溪路", HOW["road"])
    assert placed("枣阳路与兰溪路交叉口") == ("road:枣阳路", HOW["road"])


def test_the_administrative_head_does_not_place_an_address() -> None:
    # 曹杨新村街道 is a sub-district named after the estate; 石泉路街道 after the road.
    assert placed("曹杨新村街道兰溪路近枣阳路") == ("road:兰溪路", HOW["road"])
    assert placed("普陀区石泉路街道") is None


def test_unknown_addresses_are_left_for_a_person() -> None:
    assert GAZETTEER.place("普陀区长风新村街道金沙江路1518弄") is None
    assert GAZETTEER.place("门口") is None
    assert GAZETTEER.place("") is None


def test_the_subdistrict_is_the_entrys_or_else_the_one_the_address_names() -> None:
    by_entry = GAZETTEER.place("长寿路街道真光新村")  # the estate knows its own
    assert by_entry is not None
    assert by_entry.subdistrict == "真如镇街道"
    by_address = GAZETTEER.place("普陀区真如镇街道铜川路100号")
    assert by_address is not None
    assert (by_address.ref, by_address.subdistrict) == ("road:铜川路", "真如镇街道")
    nowhere = GAZETTEER.place("铜川路100号")
    assert nowhere is not None
    assert nowhere.subdistrict is None


def test_one_name_in_two_subdistricts_is_told_apart_by_the_address() -> None:
    assert placed("普陀区桃浦镇锦绣花园3号楼") == ("estate:4", HOW["estate"])
    assert placed("普陀区长征镇锦绣花园3号楼") == ("estate:3", HOW["estate"])
    assert placed("锦绣花园3号楼") == ("estate:3", HOW["estate"])  # the first one given


def test_how_an_address_was_placed_reads_in_both_languages() -> None:
    zh = translations("zh_CN")
    for how in HOW.values():
        assert zh.gettext(how) != how


ADDRESSES = [
    "上海市普陀区真如镇街道铜川路1888号中海真如环宇城MAX东门",
    "真如镇街道真光路1219弄真光新村12号楼",
    "曹杨新村街道兰溪路近枣阳路",
    "普陀区石泉路街道石泉路120弄5号楼",
    "普陀区桃浦镇锦绣花园3号楼",
    "普陀区长风新村街道金沙江路1518弄",
]
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


@settings(max_examples=100, deadline=None)
@given(
    text=st.sampled_from(ADDRESSES),
    spaces=st.lists(st.integers(min_value=0, max_value=40), max_size=8),
    space=st.sampled_from([" ", "\u3000", "\t"]),
    wide=st.booleans(),
)
def test_spaces_and_full_width_characters_do_not_move_an_address(
    text: str, spaces: list[int], space: str, wide: bool
) -> None:
    variant = text
    for at in sorted(spaces, reverse=True):
        variant = variant[:at] + space + variant[at:]
    if wide:
        variant = "".join(FULL_WIDTH.get(c, c) for c in variant)
    assert GAZETTEER.place(variant) == GAZETTEER.place(text)
    assert parse_address(variant) == parse_address(text)


@settings(max_examples=100, deadline=None)
@given(
    entry=st.sampled_from([MALL, MARKET, ZHENGUANG, CAOYANG, TONGCHUAN, SHIQUAN]),
    before=st.sampled_from(["", "普陀区", "上海市普陀区", "普陀区长寿路街道"]),
    after=st.sampled_from(["", "东门", "附近", "12号楼", "门口对面"]),
)
def test_a_known_name_in_an_address_places_it_there(entry: Known, before: str, after: str) -> None:
    got = GAZETTEER.place(before + entry.name + after)
    assert got is not None
    assert (got.ref, got.lat, got.lon) == (entry.ref, entry.lat, entry.lon)


def test_a_name_read_inside_a_longer_one_does_not_count() -> None:
    # A place called 曹杨 is not what 曹杨新村 (the estate) says, place or not.
    gazetteer = Gazetteer([CAOYANG, known("place", "place:7", "曹杨", at=0.02)])
    got = gazetteer.place("曹杨新村12号")
    assert got is not None
    assert got.ref == "estate:2"
    alone = gazetteer.place("曹杨公园门口")
    assert alone is not None
    assert alone.ref == "place:7"
