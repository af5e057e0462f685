"""Consultation meetings on SQLite and PostgreSQL: recorded in the recorder's area only (at a
place, an estate or a point), parties counted without names, agreed items overdue once
their day passes undone, marked done (two marks at once both land), listed and exported
per area, and given to the dashboard by day and sub-district."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.governance.consultations import _overdue, consultation_points
from gigcity.services.governance.voices_schemas import AgreedIn, ConsultationIn, ItemDone, Party
from gigcity.services.platform import Platform
from services.governance.governance_support import GovWorld, make_gov_world
from support import ADMIN, Clock

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 2026-06-10 in Shanghai
TODAY = date(2026, 6, 10)


@pytest.fixture
def gw(platform: Platform) -> GovWorld:
    platform.governance.clock = Clock(NOW)
    return make_gov_world(platform)


def meeting(gw: GovWorld, **over: Any) -> ConsultationIn:
    body: dict[str, Any] = {
        "title": "环宇城门口骑手停车协商会",
        "held_on": "2026-06-01",
        "place_id": gw.mall_id,
        "parties": [
            {"party": "property", "people": 3},
            {"party": "riders", "people": 6},
            {"party": "platforms", "people": 2},
        ],
        "agreed": [
            {"what": "划出骑手临时停车区", "owner": "property", "due_on": "2026-06-05"},
            {"what": "平台调整取餐点提示", "owner": "platforms", "due_on": "2026-06-30"},
            {"what": "每月复盘", "owner": "subdistrict_office"},
        ],
        **over,
    }
    return ConsultationIn.model_validate(body)


def test_a_meeting_is_recorded_in_the_recorders_area(platform: Platform, gw: GovWorld) -> None:
    gov = platform.governance
    made = gov.record_consultation(gw.officer, meeting(gw))
    assert made.subdistrict == gw.mall_subdistrict
    assert made.people == 11
    assert [a.overdue for a in made.agreed] == [True, False, False]
    assert made.overdue == 1
    with pytest.raises(Forbidden):
        gov.record_consultation(gw.other_officer, meeting(gw))
    with pytest.raises(Forbidden):
        gov.record_consultation(gw.rider, meeting(gw))
    with pytest.raises(Forbidden):
        gov.consultation(gw.other_officer, made.id)
    with pytest.raises(Forbidden):
        gov.mark_agreed(gw.other_officer, made.id, 0, ItemDone(done_on=TODAY))
    assert gov.consultations(gw.other_officer) == []
    assert [c.id for c in gov.consultations(ADMIN)] == [made.id]
    with pytest.raises(NotFound):
        gov.consultation(ADMIN, made.id + 99)
    with pytest.raises(InvalidInput) as future:
        gov.record_consultation(ADMIN, meeting(gw, held_on="2026-06-11"))
    assert future.value.field == "held_on"


def test_items_done_and_overdue_as_the_days_pass(platform: Platform, gw: GovWorld) -> None:
    gov = platform.governance
    made = gov.record_consultation(gw.officer, meeting(gw))
    # Two people mark two items at once: both marks land.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(
            pool.map(
                lambda n: gov.mark_agreed(gw.officer, made.id, n, ItemDone(done_on=TODAY)), [0, 2]
            )
        )
    now = gov.consultation(gw.officer, made.id)
    assert [a.done_on for a in now.agreed] == [TODAY, None, TODAY]
    assert now.overdue == 0
    gov.clock = Clock(NOW + timedelta(days=30))
    later = gov.consultation(gw.officer, made.id)
    assert [a.overdue for a in later.agreed] == [False, True, False]
    undone = gov.mark_agreed(ADMIN, made.id, 0, ItemDone(done_on=None))
    assert undone.agreed[0].overdue
    with pytest.raises(NotFound):
        gov.mark_agreed(ADMIN, made.id, 3, ItemDone(done_on=None))
    with pytest.raises(InvalidInput):
        gov.mark_agreed(ADMIN, made.id, 1, ItemDone(done_on=date(2026, 8, 1)))


def test_the_csv_and_the_dashboard_points(platform: Platform, gw: GovWorld) -> None:
    gov = platform.governance
    first = gov.record_consultation(gw.officer, meeting(gw, note="+SUM(A1)"))
    by_point = meeting(gw, place_id=None, lon=121.3950, lat=31.2440, place_name="真北路口",
                       agreed=[], held_on="2026-05-20")  # fmt: skip
    second = gov.record_consultation(ADMIN, by_point)
    assert second.subdistrict == gw.store_subdistrict
    name, text = gov.consultations_csv(ADMIN)
    assert name == "consultations-2026-06-10.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [str(first.id)] * 3 + [str(second.id)]
    assert [r["overdue"] for r in rows[:3]] == ["yes", "", ""]
    assert rows[0]["note"] == "'+SUM(A1)"
    assert rows[3]["what"] == ""
    assert gw.store_subdistrict != gw.mall_subdistrict
    _, mall_only = gov.consultations_csv(ADMIN, gw.mall_subdistrict)
    assert {r["id"] for r in csv.DictReader(io.StringIO(mall_only))} == {str(first.id)}
    with platform.factory() as session:
        points = consultation_points(session, date(2026, 5, 1), date(2026, 6, 30), None)
        assert [(p[2], p[3], p[4]) for p in points] == [
            (gw.store_subdistrict, date(2026, 5, 20), 0),
            (gw.mall_subdistrict, date(2026, 6, 1), 3),
        ]
        june = consultation_points(session, date(2026, 6, 1), date(2026, 6, 1), gw.mall_subdistrict)
        assert len(june) == 1


@pytest.mark.one_database
def test_a_bad_meeting_names_what_is_wrong(platform: Platform, gw: GovWorld) -> None:
    with pytest.raises(InvalidInput) as estate:
        platform.governance.record_consultation(ADMIN, meeting(gw, estate_id=4242))
    assert estate.value.field == "estate_id"
    nowhere = meeting(gw, place_id=None)
    with pytest.raises(InvalidInput) as where:
        platform.governance.record_consultation(ADMIN, nowhere)
    assert where.value.field == "place_id"
    done_later = meeting(gw, agreed=[{"what": "x", "owner": "police", "done_on": "2026-06-20"}])
    with pytest.raises(InvalidInput) as done:
        platform.governance.record_consultation(ADMIN, done_later)
    assert done.value.field == "agreed.0.done_on"


@given(
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
)
def test_an_item_is_overdue_only_when_its_day_passed_undone(
    due: date | None, done: date | None, today: date
) -> None:
    item = AgreedIn(what="x", owner=Party.police, due_on=due, done_on=done)
    assert _overdue(item, today) == (done is None and due is not None and today > due)


def test_a_meeting_of_an_estate_is_placed_at_the_estate(platform: Platform, gw: GovWorld) -> None:
    from estate_support import WANLI, add_estate, small_estate

    estate_id = add_estate(platform, small_estate("禁电动车小区", at=WANLI))
    # A place id sent with the estate is not kept (the estate is where they met).
    made = platform.governance.record_consultation(
        ADMIN, meeting(gw, estate_id=estate_id, place_id=2_147_483_646)
    )
    assert made.estate_id == estate_id
    assert made.place_id is None
    assert made.place_name == "禁电动车小区"
    assert made.subdistrict == "wanli"
    assert (made.lon, made.lat) == pytest.approx(WANLI, abs=0.002)
