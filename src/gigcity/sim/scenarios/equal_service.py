"""Equal service: how many riders each rulebook needs to give the same service, and at what cost.

Compared on the same fleet, a rulebook that makes riders rest looks like it costs service;
a platform would add riders instead. For a scenario and two rulebooks this finds, per
rulebook, the smallest fleet (the roster scaled by shift group, `fleet.scale_fleet`) that
meets a service target: undelivered orders at most a share, click-to-door p90 at most some
minutes. The target defaults to rulebook A's own service on each seed's day with the
scenario's own fleet: equal service is a paired comparison, day by day (common random
numbers), so A needs about its fleet and B's answer is what the agreement costs in riders.
One target for every day instead would measure how hard each day is more than the rules:
on 2,000-order days the seeds' answers then spread by ±7 % (A) and ±14 % (B) of the fleet.

With that default A needs its own fleet by definition and is not searched (a smaller fleet
meeting its own service would be one day's luck). The search is over whole riders, per seed
(`FleetSearch`), steered by the service curve: each measure's gap to the target on a scale
where it falls about linearly as riders are added (the square root of the orders
undelivered, the log of p90), aimed at where the line through the fleets known crosses 0,
until the bracket is one step (`tolerance` of the starting fleet, 1 %, at least one rider)
wide. The answer is the smallest fleet simulated that meets
the target, a step below it missed it. Each seed's day is searched on its own: with its
orders fixed and fleets nested (common random numbers), service improves nearly
monotonically as riders are added; averaging different days first would mix their noise into
every step. Every seed begins at its starting fleet; with a warm start (the default) the
later seeds step by the first seed's slope once its search is over. The answer is the mean
of the per-seed answers rounded up; their spread and the 95 % interval of their mean are the
confidence over seeds. A seed whose target the largest fleet allowed does not meet is
reported as not met, and the search stops there.

Every simulated day is kept by (dispatch signature, riders, seed) and judged under both
rulebooks when they share their dispatch clauses (as `sweep` does); each round's new fleets
go to one `TaskPool` together (one task per fleet and seed), so `workers` and `ray_address` work.

Each difference at equal service is split into the rules' part (B on A's answer fleet, the
same day, minus A) and the fleet's part (B at its answer minus B on A's fleet):
`equal_service_split`. B on A's fleet is a day B's search often simulated already; where it
did not, the day goes with the next round once A's search of that seed is over, and the
result counts it (`split.added_days`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import stats

from gigcity.rules import Rulebook
from gigcity.sim.scenarios.clauses import dispatch_signature
from gigcity.sim.scenarios.compare import measure_values
from gigcity.sim.scenarios.equal_service_split import split_equal_service
from gigcity.sim.scenarios.evaluate import Yardstick, yardstick
from gigcity.sim.scenarios.fleet import (
    MAX_FLEET_FACTOR,
    fleet_factor,
    fleet_riders,
    shift_hours,
)
from gigcity.sim.scenarios.model import ScenarioError
from gigcity.sim.scenarios.runner import (
    DayTask,
    Progress,
    ScenarioSpec,
    TaskPool,
    load_scenario,
    run_day_task,
)
from gigcity.sim.scenarios.simulate import SimulationSettings
from gigcity.sim.scenarios.who_gains import DayKey, RiderColumns, day_and_riders

DEFAULT_MAX_FACTOR = 3.0
_EPSILON = 1e-9
"""A mean equal to the target meets it, whatever the last bit of the float says."""


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    undelivered_share: float
    """Undelivered orders at most this share of the day's orders."""
    click_to_door_p90_min: float
    """The 90th percentile of click-to-door at most this many minutes."""
    source: str
    """Where the numbers come from (given, or the baseline's own service)."""

    def met_by(self, values: dict[str, float | None]) -> bool:
        undelivered, p90 = values["undelivered"], values["c2d_p90"]
        return (
            undelivered is not None
            and p90 is not None
            and undelivered <= self.undelivered_share + _EPSILON
            and p90 <= self.click_to_door_p90_min + _EPSILON
        )

    def gaps(self, values: dict[str, float | None], orders: int) -> dict[str, float] | None:
        """How far each measure is from its target (above 0: missed), on the scale where it
        falls about linearly as riders are added: undelivered orders as the difference of
        the square roots of the counts (with half an order, so that none counts), p90 as
        the log of the ratio of the minutes."""
        undelivered, p90 = values["undelivered"], values["c2d_p90"]
        if undelivered is None or p90 is None:
            return None
        return {
            "undelivered": math.sqrt(undelivered * orders + 0.5)
            - math.sqrt(self.undelivered_share * orders + 0.5),
            "c2d_p90": math.log(max(p90, _EPSILON) / max(self.click_to_door_p90_min, _EPSILON)),
        }


_AIM_PAST = 0.5
"""Beyond the bracket the search aims this many steps past the crossing: far enough that the
next fleet brackets it, near enough that a fleet a step back closes the bracket."""
_NEAR = 1.0
"""Inside a bracket, a crossing within this many steps of an end is aimed at from a step in
(a Monte Carlo on the weekday's curves with their noise: 1.5 and 2 take as many days)."""


def prior_slopes(riders: int, orders: int) -> dict[str, float]:
    """assumption: per rider added to a fleet of `riders` for a day of `orders`, how each
    measure's gap falls (`ServiceTarget.gaps`), from the Putuo weekday (December 2026, three
    seeds of 70,000 orders: the square root of the orders undelivered falls by 0.040–0.046 a
    rider, click-to-door p90 by 7 % for 10 % more riders). Only a first seed's first step
    past its starting fleet goes by it; every later step by what was simulated."""
    per_share = {"undelivered": -0.54 * math.sqrt(max(1, orders)), "c2d_p90": -0.7}
    return {measure: slope / max(1, riders) for measure, slope in per_share.items()}


@dataclass(slots=True)
class FleetSearch:
    """One rulebook on one seed's day: the fleets tried, the bracket, what to simulate next.

    Each next fleet is where a line through what is known crosses the target, per measure,
    on the scale where the measure falls about linearly as riders are added
    (`ServiceTarget.gaps`), so the line is a good guide over hundreds of riders. With one
    fleet known, the slope is the leader's (the first seed's answer against its starting
    fleet) or the prior (`prior_slopes`). Beyond the bracket the search aims half a step
    past the crossing, so that the next fleet brackets it and a fleet a step back from it
    closes the bracket. Inside a bracket it aims at the interpolated crossing, or a step in
    from the end it lies near; an end kept several times in a row weighs less
    (Illinois), so a curved measure does not hold the guesses at one side.
    """

    key: str
    seed: int
    start: int
    """Riders of the fleet the search starts from (the spec's fleet)."""
    step: int
    max_riders: int
    leader: FleetSearch | None = None
    """With a warm start: the first seed's search, whose slopes this one steps by."""
    begin: int | None = None
    """Where the search begins (None: waiting for its leader)."""
    meets: int | None = None
    """Fewest riders known to meet the target."""
    fails: int | None = None
    """Most riders known to miss it."""
    tried: list[int] = field(default_factory=list)
    gaps: dict[int, dict[str, float]] = field(default_factory=dict)
    """Per fleet tried, each measure's gap to its target (above 0: missed)."""
    prior: dict[str, float] = field(default_factory=dict)
    """Per measure, the change of its gap per rider assumed before anything is known
    (`prior_slopes`; none: the step doubles until the target is bracketed)."""
    slopes: dict[str, float] = field(default_factory=dict)
    """Per measure, the change of its gap per rider to step by before two fleets are known."""
    outcomes: list[bool] = field(default_factory=list)
    settled: bool = False
    """Answered at the start without a search (`settle`)."""

    @classmethod
    def starting(
        cls,
        key: str,
        seed: int,
        start: int,
        orders: int,
        *,
        tolerance: float,
        max_riders: int,
        leader: FleetSearch | None = None,
    ) -> FleetSearch:
        """A search from `start` riders on a day of `orders`: its step `tolerance` of the
        start (at least one rider), its first slopes the prior's (`prior_slopes`)."""
        step = max(1, math.floor(tolerance * start))
        prior = prior_slopes(start, orders)
        return cls(key, seed, start, step, max_riders, leader=leader, prior=prior)

    @property
    def answer(self) -> int | None:
        """The fewest riders known to meet the target, else the most known to miss it."""
        return self.fails if self.meets is None else self.meets

    @property
    def done(self) -> bool:
        return self.begin is not None and self.next_riders() is None

    def settle(self) -> None:
        """Met at the start by definition (the target is this day's own service): no search."""
        self.begin = self.meets = self.start
        self.tried = [self.start]
        self.outcomes = [True]
        self.settled = True

    def wake(self) -> None:
        """Begin once the leader is done, stepping by its slopes (at once without a leader)."""
        if self.begin is not None:
            return
        if self.leader is None:
            self.slopes = dict(self.prior)
            self.begin = self.start
        elif self.leader.done:
            self.slopes = self.leader.chord_slopes(self.start, self.prior)
            self.begin = self.start

    def chord_slopes(self, riders: int, prior: dict[str, float]) -> dict[str, float]:
        """Per measure, how its gap fell per rider from the start to the answer, for a fleet
        starting from `riders` (the prior where this search says nothing)."""
        slopes = dict(prior)
        first, last = self.gaps.get(self.start), self.gaps.get(self.answer or self.start)
        span = (self.answer or self.start) - self.start
        if first is not None and last is not None and span:
            for measure in first:
                slope = (last[measure] - first[measure]) / span
                if slope < 0:
                    slopes[measure] = slope * self.start / riders
        return slopes

    def next_riders(self) -> int | None:
        """The fleet to simulate next, or None when the search is over (or waiting)."""
        if self.begin is None or self.settled:
            return None
        if self.meets is None and self.fails is None:
            return self.begin
        if self.meets is None:  # not met yet: a step past where the target is crossed
            fails = self.fails or 0
            if fails >= self.max_riders:
                return None
            crossing = self._extrapolated(fails, up=True)
            riders = (
                fails + (self.step << (len(self.tried) - 1))
                if crossing is None
                else math.ceil(crossing + _AIM_PAST * self.step)
            )
            return min(self.max_riders, max(fails + self.step, riders))
        if self.fails is None:  # met so far: a step below where the target is crossed
            if self.meets <= 1:
                return None
            crossing = self._extrapolated(self.meets, up=False)
            riders = (
                self.meets - (self.step << (len(self.tried) - 1))
                if crossing is None
                else math.floor(crossing - _AIM_PAST * self.step)
            )
            return max(1, min(self.meets - self.step, riders))
        if self.meets - self.fails <= self.step:
            return None
        return self._inside(self.fails, self.meets)

    def record(self, riders: int, met: bool, gaps: dict[str, float] | None = None) -> None:
        self.tried.append(riders)
        self.outcomes.append(met)
        if gaps is not None:
            self.gaps[riders] = gaps
        if met:
            self.meets = riders if self.meets is None else min(self.meets, riders)
        else:
            self.fails = riders if self.fails is None else max(self.fails, riders)

    def _slope(self, measure: str, riders: int) -> float | None:
        """The gap's change per rider at `riders` (an end of what is known, so every other
        fleet tried lies on one side of it): the secant to the nearest, where the gap falls;
        else the slope stepped by."""
        others = [n for n in self.gaps if n != riders]
        if others:
            nearest = min(others, key=lambda n: (abs(n - riders), n))
            slope = (self.gaps[riders][measure] - self.gaps[nearest][measure]) / (riders - nearest)
            if slope < 0:
                return slope
        return self.slopes.get(measure)

    def _extrapolated(self, riders: int, *, up: bool) -> float | None:
        """Where the target is crossed beyond `riders`, on each measure's line: going up,
        where the last measure still missed reaches it; going down, where the first fails."""
        here = self.gaps.get(riders)
        if here is None:
            return None
        crossings = []
        for measure, gap in here.items():
            if up and gap <= 0:
                continue
            slope = self._slope(measure, riders)
            if slope is None or slope >= 0:
                if up:
                    return None
                continue
            crossings.append(riders - gap / slope)
        return max(crossings) if crossings else None

    def _inside(self, fails: int, meets: int) -> int:
        """The next fleet inside the bracket: at the interpolated crossing, or a step in from
        the end it lies near. An end kept n times in a row counts its gaps 1/2**(n - 1)
        (the Illinois rule: a curved measure does not hold the guesses at one side)."""
        low, high = self.gaps.get(fails), self.gaps.get(meets)
        if low is None or high is None:
            return (meets + fails) // 2
        kept = self._kept_in_a_row()
        low_weight = 0.5 ** (kept - 1) if self.outcomes[-1] else 1.0
        high_weight = 1.0 if self.outcomes[-1] else 0.5 ** (kept - 1)
        crossings = []
        for measure, gap in low.items():
            above, below = gap * low_weight, high[measure] * high_weight
            if gap > 0 and above > below:
                crossings.append(fails + (meets - fails) * above / (above - below))
        if not crossings:
            return (meets + fails) // 2
        crossing = max(crossings)
        if crossing >= meets - _NEAR * self.step:
            return meets - self.step
        if crossing <= fails + _NEAR * self.step:
            return fails + self.step
        return math.ceil(crossing)

    def _kept_in_a_row(self) -> int:
        """How many days in a row, since the target was first bracketed, had the last day's
        outcome (so moved the same end of the bracket)."""
        outcomes = self.outcomes
        first = next(i for i in range(len(outcomes)) if outcomes[i] != outcomes[0])
        last, count = outcomes[-1], 0
        for outcome in reversed(outcomes[first:]):
            if outcome != last:
                break
            count += 1
        return count


@dataclass(slots=True)
class _Days:
    """Simulated days kept by (dispatch signature, riders, seed), judged per rulebook key."""

    spec: ScenarioSpec
    rulebooks: dict[str, Rulebook]
    stick: Yardstick
    settings: SimulationSettings
    rosters: dict[int, int]
    """Per seed, riders on the day as generated or read (fleet factors are relative to it)."""
    orders: dict[int, int]
    """Per seed, the day's orders (undelivered shares are of them)."""
    pool: TaskPool
    """Where the days run (kept open for the whole search)."""
    progress: Progress | None
    days: dict[DayKey, dict[str, dict[str, float | None]]]
    kept: dict[DayKey, RiderColumns] | None = None
    """Each day's riders (for `who_gains`), kept only while the day may be an answer; None:
    not read."""
    done: int = 0

    def day(self, key: str, riders: int, seed: int) -> DayKey:
        return dispatch_signature(self.rulebooks[key]), riders, seed

    def values(self, key: str, riders: int, seed: int) -> dict[str, float | None] | None:
        found = self.days.get(self.day(key, riders, seed))
        return None if found is None else found[key]

    def keep_riders_of(self, searches: Sequence[FleetSearch]) -> None:
        """Drop the riders of every day that is no search's answer so far (an answer only
        moves to a day simulated later; one dropped too soon would be simulated again)."""
        if self.kept is None:
            return
        live = {self.day(s.key, s.answer, s.seed) for s in searches if s.answer is not None}
        for day in [d for d in self.kept if d not in live]:
            del self.kept[day]

    def simulate(self, wanted: Sequence[tuple[str, int, int]]) -> None:
        """Simulate every (rulebook key, riders, seed) not kept yet, in one batch of tasks."""
        todo = dict.fromkeys(d for d in (self.day(*w) for w in wanted) if d not in self.days)
        tasks = [self._task(*day) for day in todo]
        if not tasks:
            return
        before = self.done

        def advance(done: int, total: int, label: str) -> None:
            if self.progress:
                self.progress(before + done, before + total, label)

        run = run_day_task if self.kept is None else day_and_riders
        outcomes = self.pool.run(tasks, progress=advance, run=run)
        for day, outcome in zip(todo, outcomes, strict=True):
            if self.kept is not None:
                outcome, self.kept[day] = outcome
            self.days[day] = {key: _compact(figures) for key, figures in outcome.items()}
        self.done += len(tasks)

    def _task(self, signature: str, riders: int, seed: int) -> DayTask:
        judged = tuple(
            (key, rb) for key, rb in self.rulebooks.items() if dispatch_signature(rb) == signature
        )
        spec = replace(self.spec, seed=seed, fleet=fleet_factor(riders, self.rosters[seed]))
        return DayTask(spec, judged[0][1], judged, self.stick, settings=self.settings)


def _compact(figures: dict[str, Any]) -> dict[str, float | None]:
    """The measures plus what equal service adds: hours worked, pay in all, riders paid."""
    values = measure_values(figures)
    work = figures["hours"]["work_hours"]
    values["worked_hours"] = (
        round(work["count"] * work["mean"], 3) if work["mean"] is not None else 0.0
    )
    values["pay_total"] = figures["pay"]["total_fen"] / 100.0
    values["riders_paid"] = float(figures["pay"]["riders_paid"])
    # The parts of pay and its denominators, for the split of a difference by factor.
    for part in ("order_pay_fen", "fines_fen", "top_up_fen", "active_hours"):
        values[part] = float(figures["pay"][part])
    values["delivered"] = float(figures["orders"]["delivered"])
    return values


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(float(np.mean(present)), 6) if present else None


def _start(days: _Days, seed: int) -> int:
    return fleet_riders(days.rosters[seed], days.spec.fleet)


def _targets(
    days: _Days, seeds: Sequence[int], undelivered: float | None, p90: float | None
) -> dict[int, ServiceTarget]:
    """Each seed's target: as given, each part left None being A's own service on that
    seed's day with the starting fleet (equal service is a paired comparison, day by day)."""
    a = days.rulebooks["a"]
    own_fleet = f"{a.ref} on each day's own fleet"
    source = (
        "given" if undelivered is not None and p90 is not None else
        own_fleet if undelivered is None and p90 is None else
        f"given, the rest {own_fleet}"
    )  # fmt: skip
    targets = {}
    for seed in seeds:
        own = days.values("a", _start(days, seed), seed) or {}
        share = own.get("undelivered") if undelivered is None else undelivered
        minutes = own.get("c2d_p90") if p90 is None else p90
        if share is None or minutes is None:
            raise ScenarioError(f"{a.ref} delivers nothing on seed {seed}'s day: give a target")
        targets[seed] = ServiceTarget(share, minutes, source)
    return targets


def _side(days: _Days, key: str, searches: list[FleetSearch]) -> dict[str, Any]:
    """One rulebook's searches summed up, with the rider-hours of each seed's answer."""
    answers = []
    for search in searches:
        riders = search.answer
        spec = replace(
            days.spec,
            seed=search.seed,
            fleet=fleet_factor(riders or 1, days.rosters[search.seed]),
        )
        answers.append(_seed_answer(days, search, shift_hours(load_scenario(spec))))
    return _summary(key, days.rulebooks[key], answers)


def _search_all(
    days: _Days, searches: list[FleetSearch], targets: dict[int, ServiceTarget]
) -> None:
    """Advance every search round by round; a round simulates all the fleets it needs, and
    B on A's answer fleet of each seed whose A search is over (the split's same-fleet day)."""
    while True:
        wanted: list[tuple[str, int, int]] = []
        for search in searches:
            search.wake()
            while (riders := search.next_riders()) is not None:
                values = days.values(search.key, riders, search.seed)
                if values is None:
                    wanted.append((search.key, riders, search.seed))
                    break
                target = targets[search.seed]
                search.record(
                    riders, target.met_by(values), target.gaps(values, days.orders[search.seed])
                )
        wanted += [
            ("b", s.answer, s.seed)
            for s in searches
            if s.key == "a" and s.done and s.answer is not None
            and days.values("b", s.answer, s.seed) is None
        ]  # fmt: skip
        days.keep_riders_of(searches)
        if wanted:
            days.simulate(wanted)
        elif all(search.begin is not None for search in searches):
            return  # else a leader has just finished: its followers begin next time round


def _seed_answer(days: _Days, search: FleetSearch, shifts: float) -> dict[str, Any]:
    met = search.meets is not None
    riders = search.answer
    assert riders is not None  # every search simulates the roster first
    values = days.values(search.key, riders, search.seed) or {}
    return {
        "seed": search.seed,
        "met": met,
        "riders": riders if met else None,
        "largest_tried": None if met else riders,
        "start": search.start,
        "rider_hours": round(shifts, 2),
        "tried": list(search.tried),
        "values": values,
    }


def _mean_interval(riders: Sequence[int]) -> list[float] | None:
    """The 95 % interval of the mean answer over the seeds (Student's t; None for one seed):
    the seeds are days drawn alike, so this is how well the mean is known."""
    if len(riders) < 2:
        return None
    mean = float(np.mean(riders))
    half = float(stats.t.ppf(0.975, len(riders) - 1) * stats.sem(riders))
    return [round(mean - half, 1), round(mean + half, 1)]


def _summary(key: str, rulebook: Rulebook, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """One rulebook's answer: the per-seed answers, their mean and spread, the figures."""
    met = all(a["met"] for a in answers)
    riders = [a["riders"] for a in answers if a["met"]]
    start = answers[0]["start"]
    spread = None
    if met:
        spread = {
            "min": min(riders),
            "max": max(riders),
            "std": round(float(np.std(riders)), 3),
            "half_range_share": round((max(riders) - min(riders)) / 2 / start, 6),
            "mean_interval95": _mean_interval(riders),
        }
    values = [a["values"] for a in answers]
    figures = {k: _mean([v.get(k) for v in values]) for k in values[0]}
    return {
        "key": key,
        "rulebook": rulebook.ref,
        "met": met,
        "riders": math.ceil(float(np.mean(riders))) if met else None,
        "start": start,
        "factor": round(float(np.mean(riders)) / start, 4) if met else None,
        "spread": spread,
        "rider_hours": _mean([a["rider_hours"] for a in answers]),
        "figures": figures,
        "per_seed": answers,
    }


def _split(days: _Days, sides: dict[str, Any], searches: list[FleetSearch]) -> dict[str, Any]:
    """Each difference at equal service as the rules' part and the fleet's part, from B on
    A's answer fleet of each seed (`equal_service_split`)."""
    same: dict[int, dict[str, float | None]] = {}
    sources: dict[int, str] = {}
    shared = dispatch_signature(days.rulebooks["a"]) == dispatch_signature(days.rulebooks["b"])
    for search in searches:
        if search.key != "a":
            continue
        riders = search.answer
        assert riders is not None  # every search simulates its first fleet
        values = days.values("b", riders, search.seed)
        assert values is not None  # simulated by `_search_all` once A's search was over
        same[search.seed] = values
        tried_by_b = next(s.tried for s in searches if s.key == "b" and s.seed == search.seed)
        sources[search.seed] = (
            "shared" if shared else "searched" if riders in tried_by_b else "added"
        )
    return split_equal_service(sides["a"], sides["b"], same, sources)


ROWS: tuple[tuple[str, str, str], ...] = (
    ("riders", "Riders needed", "riders"),
    ("rider_hours", "Rider-hours on shift", "h"),
    ("worked_hours", "Rider-hours worked", "h"),
    ("cost_per_order", "Cost per delivered order (pay and top-ups)", "¥"),
    ("pay_total", "Rider pay in all (with top-ups)", "¥"),
    ("pay_per_hour_mean", "Pay per active hour, mean", "¥/h"),
    ("below_guarantee", "Riders below the hourly guarantee before top-up", "share"),
    ("pay_gini", "Gini of pay per active hour", ""),
    ("undelivered", "Undelivered orders", "share"),
    ("c2d_p90", "Click-to-door, 90th percentile", "min"),
    ("c2d_mean", "Click-to-door, mean", "min"),
    ("rest_breaches", "Rest breaches", "stretches"),
)


def _row_value(side: dict[str, Any], key: str) -> float | None:
    if key in ("riders", "rider_hours"):
        value = side[key]
        return None if value is None or not side["met"] else float(value)
    value = side["figures"].get(key)
    return None if value is None else float(value)


def _table(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label, unit in ROWS:
        va, vb = _row_value(a, key), _row_value(b, key)
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "a": va,
                "b": vb,
                "difference": None if va is None or vb is None else round(vb - va, 6),
            }
        )
    return rows


def equal_service(
    spec: ScenarioSpec,
    a: Rulebook,
    b: Rulebook,
    *,
    seeds: Sequence[int] = (0,),
    target_undelivered: float | None = None,
    target_p90_min: float | None = None,
    tolerance: float = 0.01,
    max_factor: float = DEFAULT_MAX_FACTOR,
    warm_start: bool = True,
    workers: int = 1,
    ray_address: str | None = None,
    progress: Progress | None = None,
    settings: SimulationSettings | None = None,
    kept: dict[DayKey, RiderColumns] | None = None,
) -> dict[str, Any]:
    """The smallest fleet each rulebook needs for the service target, side by side.

    `target_undelivered` is a share (0.005 is 0.5 %); either part of the target left None
    is rulebook A's own figure on each seed's day with the starting fleet; with both left
    None, A (and a B with A's dispatch clauses) needs its starting fleet by definition and
    is not searched. With `warm_start` the other seeds step from their starting fleet by the
    first seed's slopes once its search is over (fewer days); without, every seed steps by
    the prior slopes, all at once. Plain JSON-ready data.
    Given `kept` (an empty dict), it is filled with the riders of each seed's answers, for
    `who_gains(..., kept=kept)`: the days are then not simulated twice.
    """
    seeds = [spec.seed] if spec.path else list(dict.fromkeys(seeds))
    if not seeds:
        raise ScenarioError("give at least one seed")
    if not 0.0 < tolerance < 1.0:
        raise ScenarioError("tolerance must be a share of the fleet between 0 and 1")
    rulebooks = {"a": a, "b": b}
    instances = {s: load_scenario(replace(spec, seed=s, fleet=1.0)).instance for s in seeds}
    rosters = {s: len(instance.couriers) for s, instance in instances.items()}
    # One pool for every round: processes or Ray start once and keep the days they built.
    with TaskPool(workers=workers, ray_address=ray_address) as pool:
        days = _Days(
            spec, rulebooks, yardstick([a, b]), settings or SimulationSettings(), rosters,
            {s: len(instance.orders) for s, instance in instances.items()},
            pool, progress, {}, kept,
        )  # fmt: skip
        starts = {s: _start(days, s) for s in seeds}
        # The first round: every search's first fleet (the start), which is also what the
        # default target needs (A on each seed's starting fleet) and the split (B on it).
        days.simulate([(key, starts[s], s) for key in rulebooks for s in seeds])
        targets = _targets(days, seeds, target_undelivered, target_p90_min)
        own_service = target_undelivered is None and target_p90_min is None
        searches: list[FleetSearch] = []
        for key in rulebooks:
            leader: FleetSearch | None = None
            for s in seeds:
                search = FleetSearch.starting(
                    key, s, starts[s], days.orders[s], tolerance=tolerance, leader=leader,
                    max_riders=min(
                        round(MAX_FLEET_FACTOR * rosters[s]), max(1, round(max_factor * starts[s]))
                    ),
                )  # fmt: skip
                if own_service and dispatch_signature(rulebooks[key]) == dispatch_signature(a):
                    search.settle()  # its starting day's service is the target
                searches.append(search)
                leader = leader or (search if warm_start else None)
        _search_all(days, searches, targets)
    sides = {key: _side(days, key, [s for s in searches if s.key == key]) for key in rulebooks}
    split = _split(days, sides, searches)
    fleet = "" if spec.fleet == 1.0 else f", starting from fleet x{spec.fleet:g}"
    return {
        "scenario": (
            spec.describe() if spec.path else f"{spec.name}, {spec.orders or 'full-size'} orders"
        )
        + fleet,
        "rulebooks": {"a": a.ref, "b": b.ref},
        "seeds": seeds,
        "target": {
            "undelivered_share": _mean([t.undelivered_share for t in targets.values()]),
            "click_to_door_p90_min": _mean([t.click_to_door_p90_min for t in targets.values()]),
            "source": targets[seeds[0]].source,
            "per_seed": [
                {
                    "seed": seed,
                    "undelivered_share": t.undelivered_share,
                    "click_to_door_p90_min": t.click_to_door_p90_min,
                }
                for seed, t in targets.items()
            ],
        },
        "search": {
            "tolerance": tolerance,
            "max_factor": max_factor,
            "rule": "per seed, mean of answers rounded up",
            "warm_start": warm_start,
        },
        "a": sides["a"],
        "b": sides["b"],
        "table": _table(sides["a"], sides["b"]),
        "split": split,
        "simulated_days": len(days.days),
    }
