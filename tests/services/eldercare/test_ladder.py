"""The ladder after a door check: every rung in order, on a clock that never runs backwards,
faster for older people at higher risk, and silent once someone closes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gigcity.services.eldercare.ladder import (
    DEFAULT_POLICY,
    DOOR_CHECK_TEXTS,
    OUTCOME_TEXTS,
    STEP_TEXTS,
    TIER_TEXTS,
    TIERS_SLOW_TO_FAST,
    DoorCheck,
    Ladder,
    LadderPolicy,
    LadderRun,
    Outcome,
    RiskTier,
    StepKind,
    TierDelays,
    open_ladder,
    risk_tier,
    step_text,
)
from gigcity.services.errors import Conflict, InvalidInput

OPENED = datetime(2026, 7, 14, 11, 20, tzinfo=UTC)  # a lunch round's door check
MIN = timedelta(minutes=1)

contact_lists = st.lists(st.integers(1, 10_000), unique=True, max_size=6)
tiers = st.sampled_from(list(RiskTier))
minutes = st.integers(0, 120)


@st.composite
def policies(draw: st.DrawFn) -> LadderPolicy:
    """Any valid policy: each tier's delays no longer than the slower tier's."""
    slow = {name: draw(minutes) for name in TierDelays.model_fields}
    by_tier: dict[str, TierDelays] = {}
    for tier in TIERS_SLOW_TO_FAST:
        slow = {name: draw(st.integers(0, limit)) for name, limit in slow.items()}
        by_tier[tier.value] = TierDelays(**slow)
    return LadderPolicy(**by_tier)


def test_no_answer_climbs_from_the_older_person_to_emergency_services() -> None:
    ladder = Ladder.build(["daughter", "son"], RiskTier.standard)
    kinds = [step.kind for step in ladder.steps]
    assert kinds == [
        StepKind.call_elder,
        StepKind.call_contact,
        StepKind.call_contact,
        StepKind.alert_committee,
        StepKind.call_emergency,
    ]
    assert [step.contact_id for step in ladder.steps[1:3]] == ["daughter", "son"]
    assert [step.position for step in ladder.steps[1:3]] == [1, 2]
    assert [offset // MIN for offset in ladder.offsets] == [0, 10, 20, 35, 55]


def test_step_due_says_what_is_next_and_when() -> None:
    ladder = Ladder.build(["daughter"], RiskTier.high)
    now = ladder.step_due(OPENED, 0, OPENED)
    assert now is not None
    assert now.step.kind is StepKind.call_elder
    assert now.is_due
    assert now.wait == timedelta(0)
    later = ladder.step_due(OPENED, 1, OPENED + MIN)
    assert later is not None
    assert later.step.contact_id == "daughter"
    assert later.due_at == OPENED + 3 * MIN
    assert not later.is_due
    assert later.wait == 2 * MIN
    assert ladder.step_due(OPENED, len(ladder.steps), OPENED + 10 * MIN) is None


def test_a_naive_time_is_taken_as_utc() -> None:
    ladder = Ladder.build([], RiskTier.standard)
    due = ladder.step_due(OPENED.replace(tzinfo=None), 1, OPENED)
    assert due is not None
    assert due.due_at == OPENED + 15 * MIN


def test_needs_help_alerts_the_neighbourhood_committee_at_once() -> None:
    ladder = open_ladder(DoorCheck.needs_help, ["daughter"], RiskTier.standard)
    assert ladder is not None
    first = ladder.step_due(OPENED, 0, OPENED)
    assert first is not None
    assert first.step.kind is StepKind.alert_committee
    assert first.is_due
    assert StepKind.call_emergency not in {step.kind for step in ladder.steps}
    assert open_ladder(DoorCheck.seen_well, ["daughter"], RiskTier.high) is None


def test_ids_as_stored_build_the_same_ladder() -> None:
    from_ids = open_ladder("no_answer", ["daughter"], "high")  # type: ignore[arg-type]
    assert from_ids == Ladder.build(["daughter"], RiskTier.high)


def test_the_risk_tier_follows_mobility_and_living_alone() -> None:
    assert risk_tier(bedridden=True, lives_alone=False) is RiskTier.high
    assert risk_tier(bedridden=False, lives_alone=True, wheelchair=True) is RiskTier.high
    assert risk_tier(bedridden=False, lives_alone=True) is RiskTier.raised
    assert risk_tier(bedridden=False, lives_alone=False, wheelchair=True) is RiskTier.raised
    assert risk_tier(bedridden=False, lives_alone=False) is RiskTier.standard


@given(
    contacts=contact_lists,
    tier=tiers,
    policy=policies(),
    check=st.sampled_from([DoorCheck.no_answer, DoorCheck.needs_help]),
    lateness=st.lists(st.integers(0, 30), min_size=12, max_size=12),
)
def test_steps_come_one_by_one_in_order_on_a_clock_that_never_goes_back(
    contacts: list[int],
    tier: RiskTier,
    policy: LadderPolicy,
    check: DoorCheck,
    lateness: list[int],
) -> None:
    ladder = Ladder.build(contacts, tier, policy, check)
    run = LadderRun(ladder, OPENED)
    now = OPENED
    due_times = []
    while (due := run.next_due(now)) is not None:
        assert due.index == len(run.taken)  # never one further on
        due_times.append(due.due_at)
        now = max(now, due.due_at) + lateness[due.index % len(lateness)] * MIN
        run = run.take(due.index, now, "rider")
    assert due_times == sorted(due_times)
    assert [t.index for t in run.taken] == list(range(len(ladder.steps)))
    assert [t.step for t in run.taken] == list(ladder.steps)
    called = [t.step.contact_id for t in run.taken if t.step.kind is StepKind.call_contact]
    assert called == contacts  # every contact, in the older person's order


@given(contacts=contact_lists, tier=tiers, policy=policies(), skip=st.integers(1, 5))
def test_a_step_cannot_be_skipped(
    contacts: list[int], tier: RiskTier, policy: LadderPolicy, skip: int
) -> None:
    run = LadderRun(Ladder.build(contacts, tier, policy), OPENED)
    with pytest.raises(Conflict) as caught:
        run.take(skip, OPENED, "rider")
    assert caught.value.params == {"expected": 1}


@given(
    contacts=contact_lists,
    policy=policies(),
    check=st.sampled_from([DoorCheck.no_answer, DoorCheck.needs_help]),
)
def test_a_higher_tier_is_never_slower_at_any_step(
    contacts: list[int], policy: LadderPolicy, check: DoorCheck
) -> None:
    ladders = [Ladder.build(contacts, tier, policy, check) for tier in TIERS_SLOW_TO_FAST]
    for slower, faster in pairwise(ladders):
        assert slower.steps == faster.steps
        assert all(f <= s for f, s in zip(faster.offsets, slower.offsets, strict=True))


@given(
    contacts=contact_lists,
    tier=tiers,
    taken=st.integers(0, 10),
    outcome=st.sampled_from(list(Outcome)),
    later=st.integers(0, 10_000),
)
def test_a_closed_ladder_has_no_next_step(
    contacts: list[int], tier: RiskTier, taken: int, outcome: Outcome, later: int
) -> None:
    run = LadderRun(Ladder.build(contacts, tier), OPENED)
    for index in range(min(taken, len(run.ladder.steps))):
        run = run.take(index, OPENED + index * MIN, "rider")
    closed = run.close(outcome, OPENED + 30 * MIN, "committee")
    assert closed.is_closed
    assert closed.closure is not None
    assert closed.closure.outcome is outcome
    assert closed.next_due(OPENED + later * MIN) is None
    with pytest.raises(Conflict):
        closed.take(len(closed.taken), OPENED, "rider")
    with pytest.raises(Conflict):
        closed.close(Outcome.found_well, OPENED, "rider")


def test_when_every_step_is_taken_the_alert_waits_for_an_outcome() -> None:
    run = LadderRun(Ladder.build([], RiskTier.high), OPENED)
    for index in range(len(run.ladder.steps)):
        run = run.take(index, OPENED, "rider")
    assert run.next_due(OPENED + 60 * MIN) is None
    assert not run.is_closed
    with pytest.raises(Conflict):
        run.take(len(run.taken), OPENED, "rider")


def test_a_policy_where_a_higher_tier_waits_longer_is_refused_naming_the_field() -> None:
    data = DEFAULT_POLICY.model_dump()
    data["high"]["committee"] = 12  # raised waits 10
    with pytest.raises(ValidationError, match=r"high\.committee"):
        LadderPolicy.model_validate(data)
    data = DEFAULT_POLICY.model_dump()
    data["raised"]["emergency"] = -1
    with pytest.raises(ValidationError, match=r"raised\.emergency"):
        LadderPolicy.model_validate(data)


def test_a_contact_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Ladder.build(["daughter", "son", "daughter"], RiskTier.standard)
    assert caught.value.field == "contacts"
    with pytest.raises(InvalidInput):
        Ladder.build([], RiskTier.standard, check=DoorCheck.seen_well)


def test_every_id_has_words_to_translate() -> None:
    assert set(STEP_TEXTS) == set(StepKind)
    assert set(OUTCOME_TEXTS) == set(Outcome)
    assert set(DOOR_CHECK_TEXTS) == set(DoorCheck)
    assert set(TIER_TEXTS) == set(RiskTier)
    second = Ladder.build(["a", "b"], RiskTier.standard).steps[2]
    assert step_text(second, "en") == "Call emergency contact 2."
