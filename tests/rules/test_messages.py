"""What the engine says: message ids with parameters, clause titles, rest stretches.

The engine writes no sentence in one fixed language: every reason is a registered message
id with parameters (its English text kept for logs), every clause has a title in English
and Chinese (checked when the catalogue loads), and every rulebook a Chinese title.
"""

from __future__ import annotations

import itertools

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import (
    MESSAGES,
    ClauseTitleError,
    FatigueClock,
    OrderFacts,
    Rulebook,
    RulebookError,
    clause_paths,
    clause_title,
    clause_titles,
    load_rulebook,
    parse_rulebook,
    quote_order,
    say,
    work_stretches,
)
from gigcity.rules.titles import parse_clause_titles, wanted_paths
from rules.rules_support import variant

PUTUO = load_rulebook("putuo-2025")
H, M = 3600, 60


def test_a_reason_carries_its_message_and_the_same_in_english() -> None:
    order = OrderFacts(order_id="A", distance_m=3800, floor=6, has_lift=False, at_s=12 * H)
    lines = {line.clause: line for line in quote_order(PUTUO, order).lines}
    stairs = lines["pricing.stairs"]
    assert stairs.message is not None
    assert stairs.message.id == "pricing.stairs"
    assert stairs.message.params == {"climbed": 5, "free": 2, "paid": 3, "rate_fen": 50}
    assert stairs.text == "Stairs: 5 floors climbed without a lift, 2 unpaid, 3 paid at ¥0.50 each"
    distance = lines["pricing.distance_tiers"]
    assert distance.text == "Distance 3.8 km: 2 km at ¥1.00/km, 800 m at ¥1.50/km"
    assert distance.message is not None
    assert [band.id for band in distance.message.params["bands"]] == ["pricing.distance_band"] * 2  # type: ignore[union-attr]


def test_an_unregistered_message_id_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown message id 'pricing\.tips'"):
        say("pricing.tips", tip_fen=100)


def test_every_reason_of_every_decision_has_a_message() -> None:
    clock = FatigueClock(PUTUO, [(8 * H, 12 * H)])
    reasons = [*clock.may_assign(12 * H, 10 * M).reasons, *clock.status(12 * H).reasons]
    assert reasons
    for reason in reasons:
        assert reason.message is not None
        assert reason.message.id in MESSAGES
        assert reason.text == reason.message.english()


def test_every_clause_and_section_has_both_titles() -> None:
    titles = clause_titles()
    assert set(wanted_paths()) == set(titles)
    assert set(clause_paths()) <= set(titles)
    assert clause_title("pricing.base_fare_fen", "zh_CN") == "基础运费"
    assert clause_title("pricing.base_fare_fen", "en") == "Base fare"
    assert clause_title("fatigue.continuous_work_limit_min", "zh_CN") == "连续工作时长上限"
    assert clause_title("pricing", "zh_CN") == "订单计酬"


def test_a_clause_without_both_titles_is_an_error_that_names_it() -> None:
    full = {path: {"en": "x", "zh_CN": "甲"} for path in wanted_paths()}
    full["pricing.bulky_fen"] = {"en": "Bulky order"}
    del full["fatigue.min_rest_min"]
    full["pricing.tips_fen"] = {"en": "Tips", "zh_CN": "小费"}

    with pytest.raises(ClauseTitleError) as error:
        parse_clause_titles(yaml.safe_dump(full, allow_unicode=True), source="titles.yaml")
    message = str(error.value)
    assert "pricing.bulky_fen: no title in zh_CN" in message
    assert "fatigue.min_rest_min: no titles (needs en and zh_CN)" in message
    assert "pricing.tips_fen: not a clause or section of a rulebook" in message


def _without_chinese_title(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("title_zh:"))


def test_a_rulebook_needs_its_title_in_chinese_too() -> None:
    from importlib import resources

    text = (resources.files("gigcity.rules") / "rulebooks" / "putuo-2025.yaml").read_text("utf-8")
    assert PUTUO.title_in("zh_CN") == "普陀区外卖算法与劳动规则协议（2025）"
    assert PUTUO.title_in("en") == PUTUO.title
    with pytest.raises(RulebookError) as error:
        parse_rulebook(_without_chinese_title(text), source="old.yaml")
    assert [problem.path for problem in error.value.problems] == ["title_zh"]
    # A version published before Chinese titles were required is still read as published.
    old = parse_rulebook(_without_chinese_title(text), stored=True)
    assert old.title_zh is None
    assert old.title_in("zh_CN") == old.title


def test_five_hours_twenty_without_a_rest_is_a_breach() -> None:
    # 09:00-11:00, a 10-minute break (counts as work), 11:10-14:20; a 40-minute rest; 15-16.
    work = [(9 * H, 11 * H), (11 * H + 10 * M, 14 * H + 20 * M), (15 * H, 16 * H)]
    first, second = work_stretches(PUTUO, work)
    assert (first.start_s, first.end_s, first.continuous_s) == (9 * H, 14 * H + 20 * M, 320 * M)
    assert first.breach
    assert first.over_s == 80 * M
    assert first.rest_due_at_s == 13 * H
    assert first.rest_after_s == 40 * M
    assert first.clause == "fatigue.continuous_work_limit_min"
    assert [reason.message.id for reason in first.reasons if reason.message] == [
        "fatigue.stretch_breach",
        "fatigue.rest_taken",
    ]
    assert first.reasons[0].text == (
        "5 h 20 min of continuous work from 09:00 to 14:20 without a rest: 1 h 20 min over "
        "240 min (4 h); a rest of 20 min was due at 13:00"
    )
    assert not second.breach
    assert second.rest_due_at_s is None
    assert second.rest_after_s is None
    assert second.reasons[0].message is not None
    assert second.reasons[0].message.id == "fatigue.stretch_within"


def test_exactly_four_hours_is_within_the_limit_and_a_breach_at_the_end_owes_a_rest() -> None:
    (within,) = work_stretches(PUTUO, [(8 * H, 12 * H)])
    assert not within.breach
    assert within.rest_due_at_s is None
    (owed,) = work_stretches(PUTUO, [(8 * H, 12 * H + M)])
    assert owed.breach
    assert owed.rest_after_s is None
    assert owed.reasons[-1].message is not None
    assert owed.reasons[-1].message.id == "fatigue.rest_owed"


def test_a_pausing_gap_stops_the_clock_without_ending_the_stretch() -> None:
    pausing = variant(PUTUO, fatigue__gap_counts_as_rest_from_min=10)
    work = [(8 * H, 10 * H), (10 * H + 15 * M, 12 * H + 15 * M)]
    (stretch,) = work_stretches(pausing, work)
    assert stretch.continuous_s == 4 * H  # the 15-minute gap is not counted
    assert not stretch.breach
    (counted,) = work_stretches(PUTUO, work)  # under putuo a 15-minute gap counts as work
    assert counted.continuous_s == 4 * H + 15 * M
    assert counted.breach


def test_without_a_limit_no_stretch_is_a_breach() -> None:
    unlimited = variant(PUTUO, fatigue__continuous_work_limit_min=None)
    (stretch,) = work_stretches(unlimited, [(0, 10 * H)])
    assert not stretch.breach
    assert stretch.limit_s is None


@given(
    st.lists(st.tuples(st.integers(0, 20 * 60), st.integers(1, 300)), min_size=1, max_size=12),
    st.sampled_from([PUTUO, variant(PUTUO, fatigue__gap_counts_as_rest_from_min=10)]),
)
def test_stretches_agree_with_the_fatigue_clock(
    spans_min: list[tuple[int, int]], book: Rulebook
) -> None:
    work = [(start * M, (start + length) * M) for start, length in spans_min]
    stretches = work_stretches(book, work)
    clock = FatigueClock(book, work)
    assert max(s.continuous_s for s in stretches) == clock.longest_continuous_s
    limit = book.fatigue.continuous_work_limit_min
    assert limit is not None
    assert [s.breach for s in stretches] == [s.continuous_s > limit * 60 for s in stretches]
    for before, after in itertools.pairwise(stretches):
        assert after.start_s - before.end_s >= book.fatigue.min_rest_min * 60
        assert before.rest_after_s == after.start_s - before.end_s


def test_clause_rows_carry_both_titles() -> None:
    from gigcity.rules import clause_rows, diff_rulebooks

    rows = {row.clause: row for row in clause_rows(PUTUO)}
    assert rows["fatigue.min_rest_min"].title_zh == "强制休息时长"
    assert rows["fatigue.min_rest_min"].title_en == "Forced rest"
    diffs = {d.clause: d for d in diff_rulebooks(PUTUO, load_rulebook("baseline-2024"))}
    assert diffs["guarantee.hourly_minimum_fen"].title_zh == "每小时最低收入"
