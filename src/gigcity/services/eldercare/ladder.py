"""The escalation ladder after a door check: who is called next, and when.

"No answer" at the door opens a ladder: the rider calls the older person, then the emergency
contacts in the order the older person gave them, then the neighbourhood committee, then
emergency services. "Seen, needs help" alerts the neighbourhood committee at once, then the
contacts in order (the rider is at the door: calling 120 is the rider's or the committee's
judgement, recorded as an outcome). Either stays open until someone closes it with an outcome.

Each step is due a set time after the one before it, counted from when the alert opened (a
late step does not push the later ones back: the clock keeps running). How fast depends on
the older person's risk tier; a higher tier never waits longer at any step than a lower one.

Pure state machine: steps, outcomes and door checks are ids; their words are msgids below,
translated at the edge. The database keeps the log (who took which step, when).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gigcity.i18n import N_, gettext
from gigcity.services.errors import Conflict, InvalidInput
from gigcity.services.types import as_utc


class DoorCheck(StrEnum):
    seen_well = "seen_well"
    needs_help = "needs_help"
    no_answer = "no_answer"


class RiskTier(StrEnum):
    standard = "standard"
    raised = "raised"  # lives alone, or in a wheelchair
    high = "high"  # bedridden, or in a wheelchair and living alone


TIERS_SLOW_TO_FAST = (RiskTier.standard, RiskTier.raised, RiskTier.high)


def risk_tier(*, bedridden: bool, lives_alone: bool, wheelchair: bool = False) -> RiskTier:
    """The tier from the enrolment's mobility and living situation."""
    if bedridden or (wheelchair and lives_alone):
        return RiskTier.high
    if lives_alone or wheelchair:
        return RiskTier.raised
    return RiskTier.standard


class StepKind(StrEnum):
    call_elder = "call_elder"
    call_contact = "call_contact"
    alert_committee = "alert_committee"
    call_emergency = "call_emergency"


class Outcome(StrEnum):
    found_well = "found_well"
    helped = "helped"  # needed help and got it there (helped up, family came)
    hospital = "hospital"  # taken to hospital
    false_alarm = "false_alarm"  # e.g. asleep, did not hear the door
    away = "away"  # out or travelling; the family or committee knew
    deceased = "deceased"


@dataclass(frozen=True, slots=True)
class Step:
    """One rung: its kind and, for a contact, which one (the enrolment's id) and their
    place in the older person's order (1 = first)."""

    kind: StepKind
    contact_id: int | str | None = None
    position: int | None = None

    def message(self) -> tuple[str, dict[str, int]]:
        """The step's msgid and its parameters, for `gettext` at the edge."""
        params = {"position": self.position} if self.position is not None else {}
        return STEP_TEXTS[self.kind], params


STEP_TEXTS: dict[StepKind, str] = {
    StepKind.call_elder: N_("Call the older person."),
    StepKind.call_contact: N_("Call emergency contact {position}."),
    StepKind.alert_committee: N_("Alert the neighbourhood committee."),
    StepKind.call_emergency: N_("Call emergency services (110 or 120)."),
}

OUTCOME_TEXTS: dict[Outcome, str] = {
    Outcome.found_well: N_("Found well"),
    Outcome.helped: N_("Needed help and was helped"),
    Outcome.hospital: N_("Taken to hospital"),
    Outcome.false_alarm: N_("False alarm"),
    Outcome.away: N_("Away from home, known to family or committee"),
    Outcome.deceased: N_("Passed away"),
}

DOOR_CHECK_TEXTS: dict[DoorCheck, str] = {
    DoorCheck.seen_well: N_("Seen and well"),
    DoorCheck.needs_help: N_("Seen, needs help"),
    DoorCheck.no_answer: N_("No answer"),
}

TIER_TEXTS: dict[RiskTier, str] = {
    RiskTier.standard: N_("Standard risk"),
    RiskTier.raised: N_("Raised risk: lives alone or uses a wheelchair"),
    RiskTier.high: N_("High risk: bedridden, or alone in a wheelchair"),
}


def step_text(step: Step, locale: str) -> str:
    message, params = step.message()
    return gettext(locale, message, **params)


def outcome_text(outcome: Outcome, locale: str) -> str:
    return gettext(locale, OUTCOME_TEXTS[outcome])


Minutes = Annotated[int, Field(strict=True, ge=0, le=24 * 60)]


class TierDelays(BaseModel):
    """Minutes each kind of step waits after the step before it is due (the first step:
    after the alert opens)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    call_elder: Minutes
    first_contact: Minutes
    next_contact: Minutes
    committee: Minutes
    emergency: Minutes


class LadderPolicy(BaseModel):
    """The delays for each tier; a faster tier may not wait longer than a slower one at any
    step (an error names the tier and step, e.g. `high.committee`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    standard: TierDelays
    raised: TierDelays
    high: TierDelays

    @model_validator(mode="after")
    def _faster_tiers_never_wait_longer(self) -> Self:
        for slower, faster in pairwise(TIERS_SLOW_TO_FAST):
            slow, fast = self.delays(slower), self.delays(faster)
            for name in TierDelays.model_fields:
                if getattr(fast, name) > getattr(slow, name):
                    raise ValueError(
                        f"{faster}.{name}: {getattr(fast, name)} min is longer than "
                        f"{slower}.{name} ({getattr(slow, name)} min); a higher risk tier "
                        "may not wait longer"
                    )
        return self

    def delays(self, tier: RiskTier) -> TierDelays:
        delays: TierDelays = getattr(self, tier.value)
        return delays


DEFAULT_POLICY = LadderPolicy(
    standard=TierDelays(
        call_elder=0, first_contact=10, next_contact=10, committee=15, emergency=20
    ),
    raised=TierDelays(call_elder=0, first_contact=5, next_contact=5, committee=10, emergency=15),
    high=TierDelays(call_elder=0, first_contact=3, next_contact=3, committee=5, emergency=10),
)


@dataclass(frozen=True, slots=True)
class Due:
    """The next step: which (its index from 0), when it is due, and whether it is now."""

    index: int
    step: Step
    due_at: datetime
    is_due: bool
    wait: timedelta  # until it is due; zero once it is


@dataclass(frozen=True, slots=True)
class Ladder:
    """The rungs for one alert and when each is due, as offsets from the alert's opening
    (never decreasing)."""

    check: DoorCheck
    tier: RiskTier
    steps: tuple[Step, ...]
    offsets: tuple[timedelta, ...]

    @classmethod
    def build(
        cls,
        contacts: Sequence[int | str],
        tier: RiskTier,
        policy: LadderPolicy = DEFAULT_POLICY,
        check: DoorCheck = DoorCheck.no_answer,
    ) -> Ladder:
        """The ladder for a door check (`no_answer` or `needs_help`), with the older
        person's emergency contacts (ids) in their order."""
        if len(set(contacts)) != len(contacts):
            repeated = next(c for c in contacts if list(contacts).count(c) > 1)
            raise InvalidInput(
                N_("Emergency contact {contact} is listed twice."),
                field="contacts",
                contact=repeated,
            )
        check, tier = DoorCheck(check), RiskTier(tier)  # ids from a form or a row
        delays = policy.delays(tier)
        calls = [
            (
                Step(StepKind.call_contact, contact, position),
                delays.first_contact if position == 1 else delays.next_contact,
            )
            for position, contact in enumerate(contacts, 1)
        ]
        rungs: list[tuple[Step, int]]
        if check is DoorCheck.no_answer:
            rungs = [(Step(StepKind.call_elder), delays.call_elder), *calls]
            rungs += [(Step(StepKind.alert_committee), delays.committee)]
            rungs += [(Step(StepKind.call_emergency), delays.emergency)]
        elif check is DoorCheck.needs_help:
            rungs = [(Step(StepKind.alert_committee), 0), *calls]
        else:
            raise InvalidInput(
                N_("Only 'no answer' and 'needs help' open an alert."), field="check"
            )
        offsets, total = [], 0
        for _, minutes in rungs:
            total += minutes
            offsets.append(timedelta(minutes=total))
        return cls(check, tier, tuple(s for s, _ in rungs), tuple(offsets))

    def step_due(self, opened_at: datetime, steps_done: int, now: datetime) -> Due | None:
        """The step after the first `steps_done`, and when it is due; None when every step
        has been taken (the alert waits for an outcome)."""
        if not 0 <= steps_done <= len(self.steps):
            raise ValueError(f"steps_done must be 0..{len(self.steps)}, not {steps_done}")
        if steps_done == len(self.steps):
            return None
        due_at = as_utc(opened_at) + self.offsets[steps_done]
        wait = max(due_at - as_utc(now), timedelta(0))
        return Due(steps_done, self.steps[steps_done], due_at, wait == timedelta(0), wait)


def open_ladder(
    check: DoorCheck,
    contacts: Sequence[int | str],
    tier: RiskTier,
    policy: LadderPolicy = DEFAULT_POLICY,
) -> Ladder | None:
    """What a door check starts: nothing when the older person was seen and well."""
    if DoorCheck(check) is DoorCheck.seen_well:
        return None
    return Ladder.build(contacts, tier, policy, DoorCheck(check))


@dataclass(frozen=True, slots=True)
class StepTaken:
    index: int
    step: Step
    at: datetime
    by: str  # who took it (account id or name as the log keeps it)


@dataclass(frozen=True, slots=True)
class Closure:
    outcome: Outcome
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class LadderRun:
    """One open (or closed) alert: its ladder, when it opened, the steps taken in order and
    how it was closed. Each change returns a new run; steps are taken strictly in order."""

    ladder: Ladder
    opened_at: datetime
    taken: tuple[StepTaken, ...] = ()
    closure: Closure | None = None

    @property
    def is_closed(self) -> bool:
        return self.closure is not None

    def next_due(self, now: datetime) -> Due | None:
        if self.closure is not None:
            return None
        return self.ladder.step_due(self.opened_at, len(self.taken), now)

    def take(self, index: int, at: datetime, by: str) -> LadderRun:
        """Record step `index` as taken; only the next step may be (none is skipped)."""
        if self.closure is not None:
            raise Conflict(N_("This alert is closed already."))
        expected = len(self.taken)
        if expected >= len(self.ladder.steps):
            raise Conflict(N_("Every step of this alert has been taken; close it with an outcome."))
        if index != expected:
            raise Conflict(
                N_("Step {expected} comes next: steps are taken in order."),
                field="index",
                expected=expected + 1,
            )
        done = StepTaken(index, self.ladder.steps[index], as_utc(at), by)
        return replace(self, taken=(*self.taken, done))

    def close(self, outcome: Outcome, at: datetime, by: str) -> LadderRun:
        if self.closure is not None:
            raise Conflict(N_("This alert is closed already."))
        return replace(self, closure=Closure(Outcome(outcome), as_utc(at), by))
