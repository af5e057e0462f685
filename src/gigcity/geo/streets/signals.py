"""Traffic-signal timing: plans per junction, a live phase feed, and the wait at arrival.

A junction's cycle has two green windows: the major approach (along its most important
road) is green from the cycle start for `major_green_s`; after half the lost time (amber
and all-red) the minor approaches are green until half the lost time before the cycle ends.
`offset_s` places the cycle start on the clock (UNIX seconds, modulo the cycle).

The wait at a signal for a rider arriving at time t is exact when the offset is known (a
fixed-time plan, or a live observation still valid at t) and the expectation over a
uniformly random arrival otherwise: red² / (2 · cycle).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from gigcity.geo.streets.graph import MAJOR_APPROACH, StreetGraph
from gigcity.geo.streets.profile import RoadClass

Approach = Literal["major", "minor"]
_APPROACH_CODE: dict[str, int] = {"major": 0, "minor": 1}

MIN_GREEN_S = 5.0

_CYCLE_POINTS = 96  # where in the cycle a blurred arrival is evaluated
_CYCLE_GRID = (np.arange(_CYCLE_POINTS) + 0.5) / _CYCLE_POINTS
_WRAPS = np.arange(-2, 3)[:, None]  # the normal wrapped onto the cycle, +-2 turns

# Assumed cycle lengths by the junction's most important road. Arterial cycles in Chinese
# cities run ~120-135 s (Beijing, 2019); smaller crossings cycle faster.
DEFAULT_CYCLE_S: dict[RoadClass, float] = {
    RoadClass.TRUNK: 130.0,
    RoadClass.PRIMARY: 130.0,
    RoadClass.SECONDARY: 110.0,
    RoadClass.TERTIARY: 90.0,
}
SMALL_JUNCTION_CYCLE_S = 70.0
DEFAULT_LOST_S = 8.0  # two changes of 3 s amber + 1 s all-red (assumption)
MAJOR_SHARE_WHEN_DOMINANT = 0.6  # of the effective green, when the major road outranks the minor


class SignalPlan(BaseModel):
    """A junction's timing plan (seconds)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cycle_s: float = Field(ge=20.0, le=300.0)
    major_green_s: float = Field(gt=0.0)
    lost_s: float = Field(default=DEFAULT_LOST_S, ge=0.0, le=30.0)
    offset_s: float | None = Field(
        default=None, description="cycle start on the UNIX clock (mod cycle); None = unknown"
    )

    @model_validator(mode="after")
    def _both_approaches_get_green(self) -> Self:
        if self.minor_green_s < MIN_GREEN_S or self.major_green_s < MIN_GREEN_S:
            raise ValueError(
                f"major_green_s {self.major_green_s:g} leaves the minor approach "
                f"{self.minor_green_s:g} s of green in a {self.cycle_s:g} s cycle with "
                f"{self.lost_s:g} s lost; both need at least {MIN_GREEN_S:g} s"
            )
        return self

    @property
    def minor_green_s(self) -> float:
        return self.cycle_s - self.major_green_s - self.lost_s

    def green_window(self, approach: int) -> tuple[float, float]:
        """(start within the cycle, length) of the approach's green."""
        if approach == MAJOR_APPROACH:
            return 0.0, self.major_green_s
        return self.major_green_s + self.lost_s / 2.0, self.minor_green_s

    def red_s(self, approach: int) -> float:
        return self.cycle_s - self.green_window(approach)[1]

    def expected_wait_s(self, approach: int) -> float:
        """Mean wait for an arrival at a uniformly random moment of the cycle."""
        red = self.red_s(approach)
        return red * red / (2.0 * self.cycle_s)

    def wait_s(self, approach: int, arrival_s: float, offset_s: float) -> float:
        """Exact wait for an arrival at UNIX time `arrival_s`, the cycle starting at `offset_s`."""
        start, green = self.green_window(approach)
        into_green = (arrival_s - offset_s - start) % self.cycle_s
        return 0.0 if into_green < green else self.cycle_s - into_green

    def cycle_position_s(self, approach: int, state: str, remaining_s: float) -> float:
        """Where in the cycle we are when `approach` shows `state` for `remaining_s` more."""
        start, green = self.green_window(approach)
        if state == "green":
            if remaining_s > green:
                raise ValueError(f"remaining_s {remaining_s:g} exceeds the {green:g} s green")
            return (start + green - remaining_s) % self.cycle_s
        if remaining_s > self.cycle_s - green:
            raise ValueError(
                f"remaining_s {remaining_s:g} exceeds the {self.cycle_s - green:g} s red"
            )
        return (start - remaining_s) % self.cycle_s


def _blurred_wait_s(
    plan: SignalPlan, approach: int, arrival_s: float, offset_s: float, spread_s: float
) -> float:
    """Mean wait for an arrival ~ Normal(arrival_s, spread_s), spread below half a cycle.

    The wait is a sawtooth over the cycle, so it is averaged over evenly spaced points of
    the cycle weighted by the normal wrapped onto it (a few quadrature nodes would alias).
    """
    cycle = plan.cycle_s
    if spread_s < cycle / _CYCLE_POINTS:
        return plan.wait_s(approach, arrival_s, offset_s)
    start, green = plan.green_window(approach)
    positions = _CYCLE_GRID * cycle  # seconds after this approach's green starts
    waits = np.where(positions < green, 0.0, cycle - positions)
    predicted = (arrival_s - offset_s - start) % cycle
    offsets = (positions - predicted)[None, :] + _WRAPS * cycle
    weights = np.exp(-0.5 * (offsets / spread_s) ** 2).sum(axis=0)
    return float(np.dot(weights, waits) / weights.sum())


def default_plan(major: RoadClass, minor: RoadClass) -> SignalPlan:
    """The assumed plan for a junction of these road classes (offset unknown)."""
    cycle = DEFAULT_CYCLE_S.get(major, SMALL_JUNCTION_CYCLE_S)
    share = MAJOR_SHARE_WHEN_DOMINANT if major < minor else 0.5
    return SignalPlan(cycle_s=cycle, major_green_s=round((cycle - DEFAULT_LOST_S) * share, 1))


# ---- live feed -------------------------------------------------------------------------


class PhaseObservation(BaseModel):
    """What a traffic-management system reports for one signal."""

    model_config = ConfigDict(extra="forbid")

    signal_id: int = Field(gt=0, description="OSM node id of a signal node at the junction")
    approach: Approach = "major"
    state: Literal["green", "red"]
    remaining_s: float = Field(ge=0.0, le=300.0)
    cycle_s: float | None = Field(default=None, ge=20.0, le=300.0)
    major_green_s: float | None = Field(default=None, gt=0.0)


class PhaseFeed(BaseModel):
    """A batch of observations made at one moment (POST /api/signals/phases)."""

    model_config = ConfigDict(extra="forbid")

    observed_at: AwareDatetime
    valid_for_s: float = Field(
        default=600.0, gt=0.0, le=3600.0, description="how long the phases may be projected"
    )
    phases: list[PhaseObservation] = Field(min_length=1, max_length=50_000)


class RejectedObservation(BaseModel):
    signal_id: int
    reason: str


class PhaseFeedReport(BaseModel):
    accepted: int
    unknown_signal_ids: list[int]
    rejected: list[RejectedObservation]


@dataclass(frozen=True, slots=True)
class LivePhase:
    plan: SignalPlan  # with the observed offset
    observed_at_s: float
    valid_for_s: float

    def covers(self, time_s: float) -> bool:
        return abs(time_s - self.observed_at_s) <= self.valid_for_s


@dataclass(frozen=True, slots=True)
class _LiveTable:
    """Live plans as flat lists by junction, for the signal-by-signal walk."""

    lo: list[float]  # live phase valid from (UNIX s); +inf where none
    hi: list[float]
    cycle: list[float]
    offset: list[float]
    major_green: list[float]
    minor_start: list[float]
    minor_green: list[float]

    @classmethod
    def of(cls, live: Mapping[int, LivePhase], count: int) -> _LiveTable:
        table = cls(*([math.inf] * count, [-math.inf] * count), *([0.0] * count for _ in range(5)))
        for junction, phase in live.items():
            plan = phase.plan
            table.lo[junction] = phase.observed_at_s - phase.valid_for_s
            table.hi[junction] = phase.observed_at_s + phase.valid_for_s
            table.cycle[junction] = plan.cycle_s
            table.offset[junction] = plan.offset_s or 0.0
            table.major_green[junction] = plan.major_green_s
            table.minor_start[junction], table.minor_green[junction] = plan.green_window(1)
        return table


# ---- timing of a whole graph ------------------------------------------------------------


@dataclass(frozen=True)
class SignalTiming:
    """Plans for every junction of a graph, plus live phases where a feed supplied them."""

    plans: tuple[SignalPlan, ...]
    junction_of_signal: Mapping[int, int]  # OSM node id of a signal node -> junction index
    live: Mapping[int, LivePhase] = field(default_factory=dict)
    # Junctions whose phase may be known (live or fixed-time): only these need walking.
    phase_known: NDArray[np.bool_] = field(init=False, repr=False, compare=False)
    _live_table: _LiveTable = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = np.array([p.offset_s is not None for p in self.plans], dtype=bool)
        known[list(self.live)] = True
        object.__setattr__(self, "phase_known", known)
        object.__setattr__(self, "_live_table", _LiveTable.of(self.live, len(self.plans)))

    def walk(
        self,
        junctions: Sequence[int],
        approaches: Sequence[int],
        arrivals_without_waiting: Sequence[float],
        spread_per_s: float = 0.0,
        depart_s: float = 0.0,
    ) -> tuple[list[float], list[float], list[bool]]:
        """Waits along a route, in order: each wait delays every later arrival.

        `spread_per_s` > 0 blurs each known phase over an arrival uncertain by that fraction
        of the time ridden since `depart_s`. Returns (waits, arrivals, phase known).
        """
        table = self._live_table
        waits: list[float] = []
        arrivals: list[float] = []
        exact: list[bool] = []
        waited = 0.0
        for junction, approach, riding in zip(
            junctions, approaches, arrivals_without_waiting, strict=True
        ):
            arrival = riding + waited
            spread = spread_per_s * (riding - depart_s)
            if spread <= 0.0 and table.lo[junction] <= arrival <= table.hi[junction]:
                # Live phase in force: the exact wait, inlined (this loop is the hot path).
                cycle = table.cycle[junction]
                start = table.minor_start[junction] if approach else 0.0
                green = table.minor_green[junction] if approach else table.major_green[junction]
                into_green = (arrival - table.offset[junction] - start) % cycle
                wait, known = (0.0 if into_green < green else cycle - into_green), True
            else:
                wait, known = self.wait_s(junction, approach, arrival, spread)
            waits.append(wait)
            arrivals.append(arrival)
            exact.append(known)
            waited += wait
        return waits, arrivals, exact

    @classmethod
    def defaults_for(cls, graph: StreetGraph) -> SignalTiming:
        plans = tuple(
            default_plan(RoadClass(int(major)), RoadClass(int(minor)))
            for major, minor in zip(
                graph.junction_major_class, graph.junction_minor_class, strict=True
            )
        )
        signal_nodes = np.flatnonzero(graph.node_junction >= 0)
        mapping = dict(
            zip(
                graph.node_osm_id[signal_nodes].tolist(),
                graph.node_junction[signal_nodes].tolist(),
                strict=True,
            )
        )
        return cls(plans=plans, junction_of_signal=mapping)

    def with_plans(self, plans: Mapping[int, SignalPlan]) -> SignalTiming:
        """Replace the plans of some junctions (by index), e.g. known fixed-time plans."""
        updated = list(self.plans)
        for junction, plan in plans.items():
            updated[junction] = plan
        return SignalTiming(tuple(updated), self.junction_of_signal, self.live)

    def wait_s(
        self, junction: int, approach: int, arrival_s: float, spread_s: float = 0.0
    ) -> tuple[float, bool]:
        """(seconds waited, whether the phase is known rather than expected) at UNIX `arrival_s`.

        With a known phase and `spread_s` > 0 the wait is averaged over a normal arrival time
        (mean `arrival_s`, standard deviation `spread_s`): a far-off signal's phase at the
        rider's actual arrival is uncertain even when its cycle is known exactly.
        """
        live = self.live.get(junction)
        if live is not None and live.covers(arrival_s):
            plan, offset = live.plan, live.plan.offset_s
        else:
            plan = self.plans[junction]
            offset = plan.offset_s
        if offset is None:
            return plan.expected_wait_s(approach), False
        if spread_s <= 0.0:
            return plan.wait_s(approach, arrival_s, offset), True
        if spread_s >= plan.cycle_s / 2:
            # A normal this wide, wrapped onto the cycle, is uniform to within 1 %.
            return plan.expected_wait_s(approach), True
        return _blurred_wait_s(plan, approach, arrival_s, offset, spread_s), True

    def expected_wait_by_arc(self, graph: StreetGraph) -> NDArray[np.float64]:
        """Planned expected wait per arc (0 where an arc waits at no signal): routing weights."""
        per_approach = np.array(
            [[p.expected_wait_s(0), p.expected_wait_s(1)] for p in self.plans], dtype=np.float64
        ).reshape(-1, 2)
        waits = np.zeros(graph.arc_count, dtype=np.float64)
        arcs = np.flatnonzero(graph.arc_junction >= 0)
        waits[arcs] = per_approach[graph.arc_junction[arcs], graph.arc_approach[arcs]]
        return waits

    def plans_key(self) -> tuple[SignalPlan, ...]:
        """What routing weights depend on (live phases do not change them)."""
        return self.plans


def apply_phase_feed(timing: SignalTiming, feed: PhaseFeed) -> tuple[SignalTiming, PhaseFeedReport]:
    """A new timing with the feed's phases as live offsets; the report says what was used."""
    observed_s = feed.observed_at.timestamp()
    live = dict(timing.live)
    unknown: list[int] = []
    rejected: list[RejectedObservation] = []
    accepted = 0
    for obs in feed.phases:
        junction = timing.junction_of_signal.get(obs.signal_id)
        if junction is None:
            unknown.append(obs.signal_id)
            continue
        base = timing.plans[junction]
        try:
            plan = _observed_plan(base, obs, observed_s)
        except ValueError as exc:
            rejected.append(RejectedObservation(signal_id=obs.signal_id, reason=str(exc)))
            continue
        live[junction] = LivePhase(plan, observed_s, feed.valid_for_s)
        accepted += 1
    report = PhaseFeedReport(accepted=accepted, unknown_signal_ids=unknown, rejected=rejected)
    return SignalTiming(timing.plans, timing.junction_of_signal, live), report


def _observed_plan(base: SignalPlan, obs: PhaseObservation, observed_s: float) -> SignalPlan:
    cycle = obs.cycle_s if obs.cycle_s is not None else base.cycle_s
    green = obs.major_green_s
    if green is None:  # keep the planned split when only the cycle changes
        green = base.major_green_s * (cycle - base.lost_s) / (base.cycle_s - base.lost_s)
    plan = SignalPlan(cycle_s=cycle, major_green_s=green, lost_s=base.lost_s)
    position = plan.cycle_position_s(_APPROACH_CODE[obs.approach], obs.state, obs.remaining_s)
    return plan.model_copy(update={"offset_s": math.fmod(observed_s - position, cycle)})
