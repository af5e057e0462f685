"""Measures and their effect on the stored complaints, and hotspots: the demo's synthetic
year goes through the importer, and the evaluation of the mall's measure recovers the drop
that was generated; officers keep measures of their own sub-district only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gigcity.services.demo.governance import seed_demo_governance
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.governance import MeasureIn, MeasureKind
from gigcity.services.governance.synthetic import synthetic_year
from gigcity.services.platform import Platform
from services.governance.governance_support import GovWorld, make_gov_world
from support import ADMIN

TODAY = date(2026, 12, 4)


@pytest.fixture
def gov(platform: Platform) -> GovWorld:
    return make_gov_world(platform)


@pytest.mark.slow
@pytest.mark.one_database  # the queries beneath run on both in the other tests here
def test_the_demo_year_shows_the_drop_the_district_reported(
    platform: Platform, gov: GovWorld
) -> None:
    seed_demo_governance(platform, today=TODAY)
    seed_demo_governance(platform, today=TODAY)  # a second seed adds nothing
    measures = platform.governance.measures(ADMIN, "en")
    assert len(measures) == 3
    assert all(m.synthetic for m in measures)
    truth = synthetic_year().truth
    main = min(measures, key=lambda m: (m.started_on, m.id))
    effect = platform.governance.effect(ADMIN, main.id, "complaints", "en")
    assert effect.synthetic
    assert effect.ci_low <= truth.relative_change <= effect.ci_high
    assert effect.ci_high < 0
    assert effect.before_per_month > 12
    assert effect.after_per_month < 5
    assert "fell from" in effect.sentence
    assert effect.series
    assert effect.series[0]["observed"] >= 0
    zh = platform.governance.effect(ADMIN, main.id, "complaints", "zh_CN")
    assert "中海真如环宇城MAX" in zh.sentence
    assert "fell" not in zh.sentence
    svg = platform.governance.effect_svg(ADMIN, main.id, "complaints", "zh_CN")
    assert svg.lstrip().startswith("<svg") or "<svg" in svg[:500]
    pdf = platform.governance.effect_pdf(ADMIN, main.id, "complaints", "zh_CN")
    assert pdf.startswith(b"%PDF")
    # Hotspots: the mall is the first named place and in the first cells.
    spots = platform.governance.hotspots(ADMIN, until=TODAY)
    assert spots.places[0].name == "中海真如环宇城MAX"
    assert spots.cells[0].complaints >= spots.places[0].complaints * 0.5
    assert sum(spots.places[0].months) == spots.places[0].complaints
    mine = platform.governance.hotspots(gov.other_officer, until=TODAY)
    assert all(c.subdistrict == gov.other_officer.subdistrict for c in mine.cells)
    assert all(p.name != "中海真如环宇城MAX" for p in mine.places)


def _measure(gov: GovWorld, **change: object) -> MeasureIn:
    base: dict[str, object] = {
        "kind": MeasureKind.night_lighting,
        "title": "夜间照明",
        "place_id": gov.mall_id,
        "started_on": TODAY - timedelta(days=60),
        "cost_yuan": 12000.5,
    }
    return MeasureIn.model_validate(base | change)


def test_officers_keep_the_measures_of_their_own_sub_district(
    platform: Platform, gov: GovWorld
) -> None:
    made = platform.governance.add_measure(gov.officer, _measure(gov), "zh_CN")
    assert made.subdistrict == gov.mall_subdistrict
    assert made.cost_yuan == 12000.5
    assert made.kind_title == "夜间照明"
    with pytest.raises(Forbidden):
        platform.governance.add_measure(gov.other_officer, _measure(gov), "en")
    with pytest.raises(Forbidden):
        platform.governance.delete_measure(gov.other_officer, made.id)
    assert platform.governance.measures(gov.other_officer, "en") == []
    assert [m.id for m in platform.governance.measures(gov.officer, "en")] == [made.id]
    changed = platform.governance.change_measure(
        gov.officer, made.id, _measure(gov, title="夜间照明二期"), "en"
    )
    assert changed.title == "夜间照明二期"
    with pytest.raises(InvalidInput):
        platform.governance.add_measure(
            ADMIN, _measure(gov, place_id=None, lat=31.25, lon=121.41), "en"
        )  # a point needs a name
    with pytest.raises(InvalidInput):
        platform.governance.add_measure(
            ADMIN, _measure(gov, place_id=None, lat=40.0, lon=116.4, place_name="北京"), "en"
        )  # outside the district
    platform.governance.delete_measure(gov.officer, made.id)
    with pytest.raises(NotFound):
        platform.governance.effect(ADMIN, made.id, "complaints", "en")


def test_a_measure_with_too_little_data_is_not_evaluated(platform: Platform, gov: GovWorld) -> None:
    made = platform.governance.add_measure(ADMIN, _measure(gov), "en")
    with pytest.raises(InvalidInput):
        platform.governance.effect(ADMIN, made.id, "complaints", "en")
