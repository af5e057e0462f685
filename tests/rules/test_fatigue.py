"""The fatigue clock: continuous-work limit, rests, daily confirmation and the weekly rest day."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.rules import FatigueClock, Rulebook, load_rulebook
from rules.rules_support import longest_streak_min, variant

PUTUO = load_rulebook("putuo-2025")
BASELINE = load_rulebook("baseline-2024")
# A gap of 10-19 min stops the clock without resetting it; 20 min resets it.
PAUSING = variant(PUTUO, fatigue__gap_counts_as_rest_from_min=10)
H, M, DAY = 3600, 60, 86_400


def test_four_hours_of_work_makes_a_rest_due() -> None:
    clock = FatigueClock(PUTUO, [(8 * H, 12 * H)])
    decision = clock.may_assign(12 * H, 10 * M)
    assert not decision.allowed
    assert not decision.needs_confirmation
    assert decision.rest_until_s == 12 * H + 20 * M
    assert decision.refused_by == ("fatigue.continuous_work_limit_min",)
    assert [reason.clause for reason in decision.reasons][:2] == [
        "fatigue.continuous_work_limit_min",
        "fatigue.min_rest_min",
    ]
    assert "12:20" in decision.reasons[1].text
    assert all(
        reason.rulebook == "putuo-2025" and reason.version == 1 for reason in decision.reasons
    )


def test_nineteen_minutes_is_not_a_rest_twenty_is() -> None:
    clock = FatigueClock(PUTUO, [(8 * H, 12 * H)])
    assert not clock.may_assign(12 * H + 19 * M, 1).allowed
    assert clock.continuous_s(12 * H + 19 * M) == 4 * H + 19 * M
    assert clock.may_assign(12 * H + 20 * M, 4 * H).allowed
    assert clock.continuous_s(12 * H + 20 * M) == 0


def test_work_may_run_up_to_the_limit_exactly() -> None:
    clock = FatigueClock(PUTUO, [(0, 3 * H + 50 * M)])
    assert clock.may_assign(3 * H + 50 * M, 10 * M).allowed
    assert not clock.may_assign(3 * H + 50 * M, 10 * M + 1).allowed
    assert clock.headroom_s(3 * H + 50 * M) == 10 * M


def test_short_breaks_count_as_continuous_work() -> None:
    clock = FatigueClock(PUTUO, [(0, 2 * H), (2 * H + 15 * M, 3 * H + 45 * M)])
    assert clock.longest_continuous_s == 3 * H + 45 * M
    assert clock.headroom_s(3 * H + 45 * M) == 15 * M


def test_a_pause_stops_the_clock_without_resetting_it() -> None:
    clock = FatigueClock(PAUSING, [(0, 2 * H), (2 * H + 12 * M, 3 * H + 12 * M)])
    assert clock.longest_continuous_s == 3 * H
    assert clock.continuous_s(3 * H + 15 * M) == 3 * H + 3 * M  # a 3-min gap counts as work
    assert clock.continuous_s(3 * H + 25 * M) == 3 * H  # a 13-min gap does not
    assert clock.continuous_s(3 * H + 32 * M) == 0


def test_eight_hours_a_day_then_only_with_confirmation() -> None:
    # Two blocks of 4 h with a proper rest between them: 8 h of work by 16:20.
    clock = FatigueClock(PUTUO, [(8 * H, 12 * H), (12 * H + 20 * M, 16 * H + 20 * M)])
    at = 16 * H + 40 * M
    refused = clock.may_assign(at, 15 * M)
    assert not refused.allowed
    assert refused.needs_confirmation
    assert refused.refused_by == ("fatigue.daily_confirmation_after_min",)
    assert any(r.clause == "fatigue.daily_confirmation_after_min" for r in refused.reasons)
    confirmed = clock.may_assign(at, 15 * M, overtime_confirmed=True)
    assert confirmed.allowed
    assert clock.headroom_s(at) == 0
    assert clock.headroom_s(at, overtime_confirmed=True) == 4 * H
    # The next day starts afresh.
    assert clock.may_assign(DAY + 8 * H, 4 * H).allowed


def test_order_crossing_midnight_counts_for_both_days() -> None:
    clock = FatigueClock(PUTUO, [(DAY - 3 * H, DAY - H)])
    assert clock.may_assign(DAY - 30 * M, 2 * H).allowed
    tomorrow = clock.add_work(DAY - 30 * M, DAY + 90 * M)
    assert tomorrow.worked_on_day_s(0) == 2 * H + 30 * M
    assert tomorrow.worked_on_day_s(1) == 90 * M


def test_seventh_day_in_a_row_is_a_rest_day() -> None:
    tired = FatigueClock(PUTUO, other_work_days=range(-6, 0))
    decision = tired.may_assign(9 * H, 30 * M)
    assert not decision.allowed
    assert not decision.needs_confirmation  # a rest day cannot be confirmed away
    assert decision.refused_by == ("fatigue.weekly_rest_days",)
    assert any(r.clause == "fatigue.weekly_rest_days" for r in decision.reasons)
    assert tired.headroom_s(9 * H) == 0
    assert tired.status(9 * H).rest_day_due
    # Day 1 is fine again: day 0 was a rest day.
    assert tired.may_assign(DAY + 9 * H, 30 * M).allowed
    rested = FatigueClock(PUTUO, other_work_days=range(-5, 0))
    assert rested.may_assign(9 * H, 30 * M).allowed
    # Working late on day 0 may not run into day 1 if day 1 must be free.
    before_rest = FatigueClock(PUTUO, other_work_days=range(-5, 0))
    assert before_rest.headroom_s(DAY - H) == H


def test_baseline_never_refuses() -> None:
    clock = FatigueClock(BASELINE, [(0, 14 * H)], other_work_days=range(-30, 0))
    decision = clock.may_assign(14 * H, 10 * H)
    assert decision.allowed
    assert clock.headroom_s(14 * H) == math.inf
    assert clock.longest_continuous_s == 14 * H  # still measured the same way


def test_the_clock_plans_forward_only() -> None:
    clock = FatigueClock(PUTUO, [(0, H)])
    with pytest.raises(ValueError, match="plans forward"):
        clock.may_assign(30 * M, M)
    with pytest.raises(ValueError, match="plans forward"):
        clock.add_work(30 * M, 2 * H)
    with pytest.raises(ValueError, match="before it starts"):
        FatigueClock(PUTUO, [(H, 0)])


def test_add_work_leaves_the_original_alone() -> None:
    clock = FatigueClock(PUTUO, [(0, H)])
    later = clock.add_work(H, 2 * H)
    assert clock.work == ((0, H),)
    assert later.work == ((0, 2 * H),)
    assert later.continuous_s(2 * H) == 2 * H


def test_status_for_the_riders_page() -> None:
    clock = FatigueClock(PUTUO, [(8 * H, 11 * H)])
    status = clock.status(11 * H + 5 * M)
    assert status.continuous_s == 3 * H + 5 * M
    assert not status.rest_due
    assert status.rest_due_at_s == 12 * H
    assert status.rest_until_s == 11 * H + 20 * M
    assert status.worked_today_s == 3 * H
    assert status.reasons[0].clause == "fatigue.continuous_work_limit_min"
    assert type(status).model_validate_json(status.model_dump_json()) == status


# --- properties -----------------------------------------------------------------------------

fatigue_rules = st.builds(
    lambda limit, pause, extra, daily, weekly: variant(
        PUTUO,
        fatigue__continuous_work_limit_min=limit,
        fatigue__gap_counts_as_rest_from_min=pause,
        fatigue__min_rest_min=pause + extra,
        fatigue__daily_confirmation_after_min=daily,
        fatigue__weekly_rest_days=weekly,
    ),
    st.integers(30, 300),
    st.integers(1, 30),
    st.integers(0, 20),
    st.one_of(st.none(), st.integers(60, 720)),
    st.integers(0, 2),
)
rulebooks = st.one_of(st.sampled_from([PUTUO, PAUSING]), fatigue_rules)
# (gap before, length) in minutes; gaps up to two days so weeks come into play.
# Mostly gaps around the rest rules, some long enough to reach the next days.
gaps = st.one_of(st.integers(0, 45), st.integers(0, 45), st.integers(0, 2_900))
steps = st.lists(st.tuples(gaps, st.integers(1, 300)), max_size=40)


def timeline(raw: list[tuple[int, int]], start_min: int = 6 * 60) -> list[tuple[int, int]]:
    intervals, at = [], start_min
    for gap, length in raw:
        intervals.append((at + gap, at + gap + length))
        at += gap + length
    return intervals


def seconds(intervals: list[tuple[int, int]]) -> list[tuple[float, float]]:
    return [(start * 60.0, end * 60.0) for start, end in intervals]


@given(rulebooks, steps, st.integers(0, 6))
def test_a_dispatcher_asking_the_clock_never_breaches_a_limit(
    book: Rulebook, raw: list[tuple[int, int]], days_worked_before: int
) -> None:
    rules = book.fatigue
    before = range(-days_worked_before, 0)
    clock = FatigueClock(book, other_work_days=before)
    given_work: list[tuple[int, int]] = []
    for start, end in timeline(raw):
        if clock.may_assign(start * 60, (end - start) * 60).allowed:
            clock = clock.add_work(start * 60, end * 60)
            given_work.append((start, end))
    assert rules.continuous_work_limit_min is not None
    longest = longest_streak_min(given_work, rules.gap_counts_as_rest_from_min, rules.min_rest_min)
    assert longest <= rules.continuous_work_limit_min
    assert clock.longest_continuous_s == longest * 60
    per_day: dict[int, int] = {}
    for start, end in given_work:
        for minute in range(start, end):
            per_day[minute // 1440] = per_day.get(minute // 1440, 0) + 1
    if rules.daily_confirmation_after_min is not None:
        assert max(per_day.values(), default=0) <= rules.daily_confirmation_after_min
    # The history may already break the weekly rule; no window with new work may.
    worked_days = set(per_day) | set(before)
    for first in range(min(per_day, default=0) - 6, max(per_day, default=0) + 1):
        window = range(first, first + 7)
        if any(day in per_day for day in window):
            worked = sum(1 for day in window if day in worked_days)
            assert 7 - worked >= rules.weekly_rest_days


@given(rulebooks, steps)
def test_the_clock_measures_continuous_work_like_a_minute_by_minute_count(
    book: Rulebook, raw: list[tuple[int, int]]
) -> None:
    rules = book.fatigue
    work = timeline(raw)
    clock = FatigueClock(book, seconds(work))
    expected = longest_streak_min(work, rules.gap_counts_as_rest_from_min, rules.min_rest_min)
    assert clock.longest_continuous_s == expected * 60
    # Built in one go or step by step, the clock is the same.
    stepwise = FatigueClock(book)
    for start, end in seconds(work):
        stepwise = stepwise.add_work(start, end)
    assert stepwise.longest_continuous_s == clock.longest_continuous_s
    assert stepwise.work == clock.work


@given(rulebooks, steps, st.integers(0, 3_000), st.integers(1, 600), st.booleans())
def test_headroom_agrees_with_may_assign(
    book: Rulebook, raw: list[tuple[int, int]], wait: int, length: int, confirmed: bool
) -> None:
    work = timeline(raw)
    clock = FatigueClock(book, seconds(work))
    start = ((work[-1][1] if work else 0) + wait) * 60
    room = clock.headroom_s(start, overtime_confirmed=confirmed)
    decision = clock.may_assign(start, length * 60, overtime_confirmed=confirmed)
    assert decision.allowed == (length * 60 <= room)


@given(rulebooks, steps, st.integers(0, 3_000), st.integers(1, 600), st.booleans())
def test_refusal_reasons_are_may_assigns_reasons_of_the_refusing_clauses(
    book: Rulebook, raw: list[tuple[int, int]], wait: int, length: int, confirmed: bool
) -> None:
    work = timeline(raw)
    clock = FatigueClock(book, seconds(work))
    start = ((work[-1][1] if work else 0) + wait) * 60
    decision = clock.may_assign(start, length * 60, overtime_confirmed=confirmed)
    refusing = tuple(r for r in decision.reasons if r.clause in decision.refused_by)
    assert clock.refusal_reasons(start, length * 60, overtime_confirmed=confirmed) == (
        refusing or decision.reasons
    )


@given(rulebooks, steps, st.integers(0, 10_000))
def test_a_gap_shorter_than_the_minimum_rest_never_resets_the_clock(
    book: Rulebook, raw: list[tuple[int, int]], gap_s: int
) -> None:
    work = timeline(raw)
    if not work:
        return
    rules = book.fatigue
    clock = FatigueClock(book, seconds(work))
    end = work[-1][1] * 60
    at_end = clock.continuous_s(end)
    rest_s = rules.min_rest_min * 60
    if gap_s < rest_s:
        assert clock.continuous_s(end + gap_s) >= at_end
        limit = rules.continuous_work_limit_min
        # Out of room because the continuous-work limit binds (not because a day's hours
        # ran out: a short gap over midnight starts a new day): the short gap gives none.
        if (
            limit is not None
            and at_end >= limit * 60
            and clock.headroom_s(end) == 0
            and rules.weekly_rest_days == 0
        ):
            assert not clock.may_assign(end + gap_s, 1).allowed
    else:
        assert clock.continuous_s(end + gap_s) == 0
