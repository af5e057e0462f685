"""Surveys on SQLite and PostgreSQL: made at a place in the maker's area only, answered
anonymously and counted once per client key (also when the copies arrive at once), refused
when closed or past their last day, tallied per question, and counted for the dashboard
by time and sub-district. The tally and the answer checks are properties over any answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.db.models import GovSurveyAnswer
from gigcity.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from gigcity.services.governance.surveys import (
    _checked_answers,
    _tally,
    survey_answer_counts,
    survey_answer_points,
)
from gigcity.services.governance.voices_schemas import (
    AnswerIn,
    Question,
    QuestionKind,
    SurveyIn,
)
from gigcity.services.platform import Platform
from services.governance.governance_support import GovWorld, make_gov_world
from support import ADMIN, Clock

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)
QUESTIONS = [
    Question(kind=QuestionKind.single, text="您是？", options=["住户", "骑手", "物业"]),
    Question(kind=QuestionKind.multiple, text="问题", options=["等待", "步行远"]),
    Question(kind=QuestionKind.scale, text="满意度"),
    Question(kind=QuestionKind.text, text="建议"),
]


@pytest.fixture
def gw(platform: Platform) -> GovWorld:
    platform.governance.clock = Clock(NOW)
    return make_gov_world(platform)


def survey_in(gw: GovWorld, **over: Any) -> SurveyIn:
    body: dict[str, Any] = {
        "title": "商场门口的骑手等候",
        "place_id": gw.mall_id,
        "questions": [q.model_dump() for q in QUESTIONS],
        **over,
    }
    return SurveyIn.model_validate(body)


def answer(key: str, respondent: str = "rider", **answers: Any) -> AnswerIn:
    return AnswerIn(client_key=key, respondent=respondent, answers=answers or {"2": 3})  # type: ignore[arg-type]


def test_a_survey_is_made_at_a_place_in_the_makers_area(platform: Platform, gw: GovWorld) -> None:
    made = platform.governance.create_survey(gw.officer, survey_in(gw))
    assert made.subdistrict == gw.mall_subdistrict
    assert made.place_name == "中海真如环宇城MAX"
    assert made.open_now
    assert len(made.code) == 8
    with pytest.raises(Forbidden):
        platform.governance.create_survey(gw.other_officer, survey_in(gw))
    with pytest.raises(Forbidden):
        platform.governance.create_survey(gw.rider, survey_in(gw))
    with pytest.raises(Forbidden):
        platform.governance.survey_results(gw.other_officer, made.id)
    with pytest.raises(NotFound):
        platform.governance.survey(ADMIN, made.id + 1000)
    assert platform.governance.surveys(gw.other_officer) == []
    assert [s.id for s in platform.governance.surveys(ADMIN, gw.mall_subdistrict)] == [made.id]
    with pytest.raises(Forbidden):
        platform.governance.surveys(gw.other_officer, gw.mall_subdistrict)


def test_answers_count_once_per_key_and_not_when_closed_or_ended(
    platform: Platform, gw: GovWorld
) -> None:
    gov = platform.governance
    made = gov.create_survey(gw.officer, survey_in(gw, closes_on="2026-06-12"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        counted = list(
            pool.map(lambda _: gov.answer_survey(made.code, answer("same-key-1")), range(8))
        )
    assert sum(c.counted for c in counted) == 1
    assert gov.answer_survey(made.code.upper(), answer("other-key-1")).counted  # codes ignore case
    assert gov.survey(gw.officer, made.id).answers == 2

    gov.set_survey_open(gw.officer, made.id, False)
    with pytest.raises(Conflict):
        gov.answer_survey(made.code, answer("late-key-01"))
    gov.set_survey_open(gw.officer, made.id, True)
    gov.clock = Clock(NOW + timedelta(days=2))  # 2026-06-12, the last day: still taken
    assert gov.answer_survey(made.code, answer("last-day-01")).counted
    gov.clock = Clock(NOW + timedelta(days=3))
    assert gov.public_survey(made.code).open_now is False
    with pytest.raises(Conflict):
        gov.answer_survey(made.code, answer("too-late-01"))
    with pytest.raises(NotFound):
        gov.answer_survey("zzzzzzzz", answer("nowhere-001"))


def test_the_dashboard_counts_answers_by_time_and_sub_district(
    platform: Platform, gw: GovWorld
) -> None:
    gov = platform.governance
    mall = gov.create_survey(gw.officer, survey_in(gw))
    store = gov.create_survey(ADMIN, survey_in(gw, place_id=gw.store_id))
    gov.answer_survey(mall.code, answer("mall-0001"))
    gov.clock = Clock(NOW + timedelta(hours=2))
    gov.answer_survey(mall.code, answer("mall-0002"))
    gov.answer_survey(store.code, answer("store-001"))
    with platform.factory() as session:
        window = (NOW, NOW + timedelta(days=1))
        points = survey_answer_points(session, *window, None)
        assert len(points) == 3
        assert points[0] == (mall.lat, mall.lon, gw.mall_subdistrict, NOW)
        assert survey_answer_counts(session, *window, gw.mall_subdistrict) == {
            gw.mall_subdistrict: 2
        }
        assert (
            len(
                survey_answer_points(
                    session, NOW + timedelta(hours=1), NOW + timedelta(days=1), None
                )
            )
            == 2
        )
        assert survey_answer_points(session, NOW - timedelta(days=1), NOW, None) == []


def test_results_and_the_csv(platform: Platform, gw: GovWorld) -> None:
    gov = platform.governance
    made = gov.create_survey(gw.officer, survey_in(gw))
    gov.answer_survey(
        made.code, answer("k-00000001", "resident", **{"0": 0, "1": [0, 1], "3": "=1+1"})
    )
    gov.clock = Clock(NOW + timedelta(minutes=5))
    gov.answer_survey(made.code, answer("k-00000002", "rider", **{"0": 1, "2": 5, "3": "太远"}))
    results = gov.survey_results(ADMIN, made.id)
    assert results.answers == 2
    assert results.questions[0].counts == [1, 1, 0]
    assert results.questions[2].mean == 5
    assert results.questions[3].texts == ["太远", "=1+1"]
    name, text = gov.survey_csv(gw.officer, made.id)
    assert name == f"survey-{made.code}.csv"
    lines = text.splitlines()
    assert lines[1] == "2026-06-10 12:00,resident,住户,等待; 步行远,,'=1+1"
    assert lines[2] == "2026-06-10 12:05,rider,骑手,,5,太远"


@pytest.mark.one_database
def test_a_bad_survey_names_what_is_wrong(platform: Platform, gw: GovWorld) -> None:
    with pytest.raises(InvalidInput) as closed:
        platform.governance.create_survey(ADMIN, survey_in(gw, closes_on="2026-06-09"))
    assert closed.value.field == "closes_on"
    outside = survey_in(gw, place_id=None, lon=120.5, lat=30.1, place_name="杭州")
    with pytest.raises(InvalidInput) as far:
        platform.governance.create_survey(ADMIN, outside)
    assert far.value.field == "lon"


# -- properties of the answer checks and the tally (no database) ---------------------------


def _answers() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "0": st.integers(0, 2),
            "1": st.lists(st.integers(0, 1), max_size=2),
            "2": st.integers(1, 5),
            "3": st.text(max_size=300),
        },
    )


@given(st.lists(_answers(), max_size=30))
def test_the_tally_adds_up_to_the_answers_kept(given_answers: list[dict[str, Any]]) -> None:
    kept: list[GovSurveyAnswer] = []
    for n, raw in enumerate(given_answers):
        try:
            checked = _checked_answers(QUESTIONS, raw)
        except InvalidInput:
            # Only an answer with nothing in it is refused.
            assert all(
                v in ("", []) or (isinstance(v, str) and not v.strip()) for v in raw.values()
            )
            continue
        kept.append(GovSurveyAnswer(client_key=f"k{n}", respondent="rider", answers=checked))
    single, multiple, scale, text = (_tally(i, q, kept) for i, q in enumerate(QUESTIONS))
    assert sum(single.counts) == single.answered
    assert sum(scale.counts) == scale.answered
    assert max(multiple.counts, default=0) <= multiple.answered <= sum(multiple.counts)
    steps = [a.answers["2"] for a in kept if "2" in a.answers]
    if steps:
        assert scale.mean == pytest.approx(sum(steps) / len(steps), abs=0.005)
        assert 1 <= (scale.mean or 0) <= 5
    else:
        assert scale.mean is None
    assert text.answered == len(text.texts)


@given(
    st.sampled_from([0, 1, 2, 3]),
    st.one_of(
        st.integers(-3, 9),
        st.booleans(),
        st.floats(),
        st.text(max_size=3),
        st.lists(st.integers(-1, 4), max_size=3),
    ),
)
def test_an_answer_outside_its_question_is_refused_naming_it(position: int, value: Any) -> None:
    question = QUESTIONS[position]
    n = len(question.options)
    fits = {
        QuestionKind.single: isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value < n,
        QuestionKind.multiple: isinstance(value, list) and all(0 <= v < n for v in value),
        QuestionKind.scale: isinstance(value, int)
        and not isinstance(value, bool)
        and 1 <= value <= 5,
        QuestionKind.text: isinstance(value, str),
    }[question.kind]
    empty = value in ("", []) or (isinstance(value, str) and not value.strip())
    if fits and not empty:
        kept = _checked_answers(QUESTIONS, {str(position): value})
        assert str(position) in kept
    else:
        with pytest.raises(InvalidInput) as refused:
            _checked_answers(QUESTIONS, {str(position): value})
        assert refused.value.field in (f"answers.{position}", "answers")
