"""The guide's words: every step kind and zone colour in Chinese and English."""

from __future__ import annotations

import pytest

from geo.estates.guide_support import grid_estate
from gigcity.geo.estates import Zone, ZoneColour
from gigcity.geo.estates.wayfinding import (
    EstateGuide,
    GuideStep,
    NoGate,
    StepKind,
    UnknownBuilding,
    UnknownUnit,
)
from gigcity.geo.estates.zones import with_zones
from gigcity.i18n import translations
from gigcity.services.estates.wording import (
    STEPS,
    ZONE_LABELS,
    numbers_text,
    step_text,
    zone_label,
    zone_name,
)
from web.language_support import latin_sentences

PARAMS = {
    "gate": "北门",
    "parking": "北门停车棚",
    "metres": 120,
    "minutes": 2,
    "building": "37号楼",
    "unit": "2单元",
    "colour": "orange",
    "floors": 18,
}


def every_step() -> list[GuideStep]:
    steps = []
    for kind, variant in STEPS:
        steps.append(
            GuideStep(
                kind, {**PARAMS, "riding": variant == "riding", "inside": variant == "inside"}
            )
        )
    return steps


def test_every_step_kind_has_a_sentence_in_both_languages() -> None:
    assert {kind for kind, _variant in STEPS} == set(StepKind)
    zh = translations("zh_CN")
    for msgid in STEPS.values():
        assert zh.gettext(msgid) != msgid, msgid  # translated
    for step in every_step():
        chinese, english = step_text(step, "zh_CN"), step_text(step, "en")
        assert chinese != english
        assert latin_sentences(chinese) == [], chinese
        assert "{" not in chinese
        assert "{" not in english


def test_every_colour_has_a_zone_name_in_both_languages() -> None:
    assert set(ZONE_LABELS) == set(ZoneColour)
    names = {zone_label(colour, "zh_CN") for colour in ZoneColour}
    assert len(names) == len(ZoneColour)
    assert all(name.endswith("区") for name in names)
    assert zone_label(ZoneColour.orange, "zh_CN") == "橙区"
    assert zone_label(ZoneColour.orange, "en") == "Orange zone"


def test_a_zone_is_named_by_its_colour_and_numbers() -> None:
    estate = grid_estate(4, 5)
    zone = Zone(colour=ZoneColour.orange, buildings=tuple(f"b{i}" for i in [*range(1, 15), 16]))
    assert zone_name(zone, estate, "zh_CN") == "橙区 1–14、16号楼"
    assert zone_name(zone, estate, "en") == "Orange zone: buildings 1–14, 16"
    assert latin_sentences(zone_name(zone, estate, "zh_CN")) == []


def test_numbers_collapse_into_runs_and_keep_odd_names() -> None:
    assert numbers_text(["3号楼", "1号楼", "2号楼", "5号楼", "6号楼"], "zh_CN") == "1–3、5、6号楼"
    assert numbers_text(["A座", "1号楼"], "zh_CN") == "1号楼、A座"
    assert numbers_text(["A座"], "en") == "buildings A座"


def test_a_real_route_reads_in_both_languages() -> None:
    guide = EstateGuide(with_zones(grid_estate(4, 5)))
    route = guide.route("7", unit="2")
    chinese = [step_text(s, "zh_CN") for s in route.steps]
    assert chinese[0] == "把电动车停在北门外：小区内禁止骑电动车，也没有停放点"
    assert any(text.startswith("沿") and "区的颜色标识走" in text for text in chinese)
    assert any("7号楼2单元" in text for text in chinese)
    english = [step_text(s, "en") for s in route.steps]
    assert english[-1] == "Take the lift (18 floors)"


@pytest.mark.parametrize(
    "error",
    [UnknownBuilding(building="99号楼"), UnknownUnit(building="7号楼", unit="9"), NoGate()],
)
def test_guide_errors_are_translated(error: Exception) -> None:
    msgid = error.msgid  # type: ignore[attr-defined]
    chinese = translations("zh_CN").gettext(msgid)
    assert chinese != msgid
    text = chinese.format(**error.params)  # type: ignore[attr-defined]
    assert latin_sentences(text) == []
