"""What the meal-rounds planner is given and what it plans: plain frozen values.

Times are seconds on the engine's clock (zero at a local midnight), durations seconds,
locations whatever the travel model takes (`(lon, lat)` for street models). Every decision
that is not the obvious one (a backup rider instead of the primary, a stop left out) carries
a `RoundNote`: a message id with parameters, translated at the edge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from gigcity.geo.travel import Location
from gigcity.rules import Reason as RuleReason
from gigcity.rules.messages import MESSAGES, Message, clock_text, say
from gigcity.rules.units import duration

NoteParam = str | int | float

# Every note the planner may write: id -> English template, kept with the engine's other
# messages (`rules.messages.MESSAGES`, translated in rules.po).
NOTES: dict[str, str] = {k: v for k, v in MESSAGES.items() if k.startswith("meal_rounds.")}


@dataclass(frozen=True, slots=True)
class RoundNote:
    """Why the plan did something: a message id from `NOTES`, its parameters, and the
    rulebook's own reasons when a clause decided it (the fatigue clock's, for a rest)."""

    id: str
    params: tuple[tuple[str, NoteParam], ...] = ()
    rule_reasons: tuple[RuleReason, ...] = ()

    def __post_init__(self) -> None:
        if self.id not in NOTES:
            raise ValueError(f"unknown note id {self.id!r}: add it to rules.messages.MESSAGES")

    @classmethod
    def of(
        cls, note_id: str, rule_reasons: tuple[RuleReason, ...] = (), **params: NoteParam
    ) -> RoundNote:
        return cls(note_id, tuple(sorted(params.items())), rule_reasons)

    @property
    def parameters(self) -> Mapping[str, NoteParam]:
        return dict(self.params)

    def message(self) -> Message:
        """The note as an engine message, which the edge renders in the reader's language."""
        return say(self.id, **dict(self.params))

    def english(self) -> str:
        """The note in English, for logs (pages translate `id` and `params` themselves)."""
        filled = {name: _english_value(name, value) for name, value in self.params}
        return NOTES[self.id].format(**filled)


def _english_value(name: str, value: NoteParam) -> str:
    if isinstance(value, str):
        return value
    if name.endswith("_at"):
        return clock_text(value)
    if name.endswith("_s"):
        return duration(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class MealStop:
    """One older person's lunch: where it goes and who brings it."""

    id: str
    at: Location
    primary_rider: str
    backup_rider: str
    door_minutes: float = 2.0
    """Minutes at the stop: parking, the stairs (more for a walk-up without a lift), the
    handover and the wellbeing check."""
    meals: int = 1
    """Meals in the box for this stop (a couple living together: 2)."""

    def __post_init__(self) -> None:
        if self.door_minutes < 0:
            raise ValueError(f"stop {self.id}: door_minutes must be >= 0")
        if self.meals < 1:
            raise ValueError(f"stop {self.id}: meals must be at least 1")


@dataclass(frozen=True, slots=True)
class RoundRider:
    """A rider on today's rounds, waiting at the canteen from `available_from_s`."""

    id: str
    available_from_s: float
    continuous_minutes_before: float = 0.0
    """Continuous work (as the fatigue clock counts it) up to `available_from_s`."""
    capacity: int = 10
    """Meals one insulated box holds: one trip carries at most this many."""
    earlier_work: tuple[tuple[float, float], ...] = ()
    """Other work today as (start_s, end_s), for the daily limit; before the continuous
    stretch."""

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError(f"rider {self.id}: capacity must be at least 1")
        if self.continuous_minutes_before < 0:
            raise ValueError(f"rider {self.id}: continuous_minutes_before must be >= 0")


@dataclass(frozen=True, slots=True)
class RoundsProblem:
    """One canteen's lunch rounds: the kitchen, its stops and today's riders."""

    canteen_at: Location
    kitchen_ready_s: float
    """When the first boxes can leave the kitchen."""
    deadline_s: float
    """The lunch peak: every meal is at its door by then."""
    stops: tuple[MealStop, ...]
    riders: tuple[RoundRider, ...]
    max_minutes_from_kitchen: float = 30.0
    """Hot meals: each meal is at its door within this many minutes of its trip's
    departure from the kitchen (counted to the end of the stop, to be safe)."""
    load_minutes: float = 3.0
    """Back at the kitchen: minutes to hand back the box and take the next one."""
    others_may_help: bool = True
    """When neither familiar rider can bring a meal in time, another rider of the canteen
    may (a hot meal on time comes before a familiar face); False: report it unassigned."""

    def __post_init__(self) -> None:
        if self.deadline_s <= self.kitchen_ready_s:
            raise ValueError("deadline_s must be after kitchen_ready_s")
        if self.max_minutes_from_kitchen <= 0:
            raise ValueError("max_minutes_from_kitchen must be positive")
        if self.load_minutes < 0:
            raise ValueError("load_minutes must be >= 0")
        for kind, ids in (
            ("stop", [s.id for s in self.stops]),
            ("rider", [r.id for r in self.riders]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{kind} ids must be distinct")

    @property
    def limit_s(self) -> float:
        return self.max_minutes_from_kitchen * 60.0


Carrier = Literal["primary", "backup", "other"]


@dataclass(frozen=True, slots=True)
class PlannedStop:
    """A stop in a trip: when the rider gets there and leaves, and whose elder it is."""

    stop_id: str
    arrive_s: float
    leave_s: float
    """The meal is at the door by then (the end of the stop)."""
    by: Carrier
    note: RoundNote | None = None
    """Why the backup or another rider brings it (None when the primary does)."""


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One insulated box: from the kitchen, door to door, back to the kitchen."""

    depart_s: float
    stops: tuple[PlannedStop, ...]
    back_s: float
    meals: int

    @property
    def minutes_from_kitchen(self) -> float:
        """The last meal's minutes from the kitchen (the trip's worst)."""
        return (self.stops[-1].leave_s - self.depart_s) / 60.0 if self.stops else 0.0


@dataclass(frozen=True, slots=True)
class RiderRounds:
    """A rider's trips in time order (empty when the rider has nothing to bring)."""

    rider_id: str
    trips: tuple[RoundTrip, ...]
    notes: tuple[RoundNote, ...] = ()


@dataclass(frozen=True, slots=True)
class UnassignedStop:
    stop_id: str
    note: RoundNote


@dataclass(frozen=True, slots=True)
class RoundsPlan:
    """Every stop once: in exactly one trip, or in `unassigned` with the reason."""

    riders: tuple[RiderRounds, ...]
    unassigned: tuple[UnassignedStop, ...]
    solver: str = ""
    stats: Mapping[str, float] = field(default_factory=dict, compare=False)
    """How long it took (seconds) and how many passes and slots: not part of the plan."""

    def planned(self) -> dict[str, tuple[str, RoundTrip, PlannedStop]]:
        """Each served stop's rider, trip and timing, by stop id."""
        return {
            stop.stop_id: (rounds.rider_id, trip, stop)
            for rounds in self.riders
            for trip in rounds.trips
            for stop in trip.stops
        }

    @property
    def meals_served(self) -> int:
        return sum(trip.meals for rounds in self.riders for trip in rounds.trips)

    @property
    def primary_share(self) -> float:
        """Share of served stops brought by their primary rider (1.0 when none served)."""
        served = [s for r in self.riders for t in r.trips for s in t.stops]
        if not served:
            return 1.0
        return sum(1 for s in served if s.by == "primary") / len(served)

    @property
    def worst_minutes_from_kitchen(self) -> float:
        return max(
            (trip.minutes_from_kitchen for rounds in self.riders for trip in rounds.trips),
            default=0.0,
        )
