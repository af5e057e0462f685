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

The search is over whole riders, per seed. Its step is `tolerance` of the starting fleet (1 %,
at least one rider). From where it begins it brackets the answer by steps that double (1, 2,
4, 8, ... steps down while the target is met, up while it is not, up to `max_factor` times
the starting fleet), then bisects the bracket until it is one step wide: the answer is within
a step of the exact one, and an answer d riders away costs about 2 log2(d / step) + 1 days.
Each seed's day is searched on its own: with its orders fixed and fleets nested (common random
numbers), service improves nearly monotonically as riders are added, which bisection needs;
averaging different days first would mix their noise into every step. With a warm start (the
default) the first seed's search begins at the starting fleet and the other seeds' at its
answer, since the seeds' answers are close. The answer is the mean of the per-seed answers
rounded up; their spread is the confidence over seeds. A seed whose target the largest fleet
allowed does not meet is reported as not met, and the search stops there.

Every simulated day is kept by (dispatch signature, riders, seed) and judged under both
rulebooks when they share their dispatch clauses (as `sweep` does); each round's new fleets
go to `run_tasks` together (one task per fleet and seed), so `workers` and `ray_address` work.

Each difference at equal service is split into the rules' part (B on A's answer fleet, the
same day, minus A) and the fleet's part (B at its answer minus B on A's fleet):
`equal_service_split`. B on A's fleet is a day B's search often simulated already; where it
did not, the day goes with the next round once A's search of that seed is over, and the
result counts it (`split.added_days`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

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
    load_scenario,
    run_day_task,
    run_tasks,
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


@dataclass(slots=True)
class _Search:
    """One rulebook on one seed's day: the bracket so far and what to simulate next."""

    key: str
    seed: int
    start: int
    """Riders of the fleet the search starts from (the spec's fleet)."""
    step: int
    max_riders: int
    leader: _Search | None = None
    """With a warm start: the first seed's search, whose answer this one begins from."""
    begin: int | None = None
    """Where the search begins (None: waiting for its leader)."""
    meets: int | None = None
    """Fewest riders known to meet the target."""
    fails: int | None = None
    """Most riders known to miss it."""
    tried: list[int] | None = None

    @property
    def answer(self) -> int | None:
        """The fewest riders known to meet the target, else the most known to miss it."""
        return self.fails if self.meets is None else self.meets

    @property
    def done(self) -> bool:
        return self.begin is not None and self.next_riders() is None

    def wake(self) -> None:
        """Begin at the leader's answer once it has one (at the start without a leader)."""
        if self.begin is not None:
            return
        if self.leader is None:
            self.begin = self.start
        elif self.leader.done:
            self.begin = self.leader.meets or self.leader.fails

    def next_riders(self) -> int | None:
        """The fleet to simulate next, or None when the search is over (or waiting)."""
        if self.begin is None:
            return None
        if self.meets is None and self.fails is None:
            return self.begin
        if self.meets is None:  # not met yet: twice as far up as last time
            fails = self.fails or 0
            if fails >= self.max_riders:
                return None
            return min(self.max_riders, fails + (self.step << (len(self.tried or ()) - 1)))
        if self.fails is None:  # met so far: twice as far down as last time
            if self.meets <= 1:
                return None
            return max(1, self.meets - (self.step << (len(self.tried or ()) - 1)))
        if self.meets - self.fails <= self.step:
            return None
        return (self.meets + self.fails) // 2

    def record(self, riders: int, met: bool) -> None:
        self.tried = [*(self.tried or []), riders]
        if met:
            self.meets = riders if self.meets is None else min(self.meets, riders)
        else:
            self.fails = riders if self.fails is None else max(self.fails, riders)


@dataclass(slots=True)
class _Days:
    """Simulated days kept by (dispatch signature, riders, seed), judged per rulebook key."""

    spec: ScenarioSpec
    rulebooks: dict[str, Rulebook]
    stick: Yardstick
    settings: SimulationSettings
    rosters: dict[int, int]
    """Per seed, riders on the day as generated or read (fleet factors are relative to it)."""
    workers: int
    ray_address: str | None
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

    def keep_riders_of(self, searches: Sequence[_Search]) -> None:
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
        outcomes = run_tasks(
            tasks, workers=self.workers, ray_address=self.ray_address, progress=advance, run=run
        )
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
    for field in ("order_pay_fen", "fines_fen", "top_up_fen", "active_hours"):
        values[field] = float(figures["pay"][field])
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


def _side(days: _Days, key: str, searches: list[_Search]) -> dict[str, Any]:
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


def _search_all(days: _Days, searches: list[_Search], targets: dict[int, ServiceTarget]) -> None:
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
                search.record(riders, targets[search.seed].met_by(values))
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


def _seed_answer(days: _Days, search: _Search, shifts: float) -> dict[str, Any]:
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
        "tried": search.tried or [],
        "values": values,
    }


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


def _split(days: _Days, sides: dict[str, Any], searches: list[_Search]) -> dict[str, Any]:
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
        tried_by_b = next(s.tried or [] for s in searches if s.key == "b" and s.seed == search.seed)
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
    is rulebook A's own figure on each seed's day with the starting fleet. With `warm_start`
    the other seeds begin where the first seed's search ended (fewer days, in two waves);
    without, every seed begins at the starting fleet, all at once. Plain JSON-ready data.
    Given `kept` (an empty dict), it is filled with the riders of each seed's answers, for
    `who_gains(..., kept=kept)`: the days are then not simulated twice.
    """
    seeds = [spec.seed] if spec.path else list(dict.fromkeys(seeds))
    if not seeds:
        raise ScenarioError("give at least one seed")
    if not 0.0 < tolerance < 1.0:
        raise ScenarioError("tolerance must be a share of the fleet between 0 and 1")
    rulebooks = {"a": a, "b": b}
    rosters = {
        s: len(load_scenario(replace(spec, seed=s, fleet=1.0)).instance.couriers) for s in seeds
    }
    days = _Days(
        spec, rulebooks, yardstick([a, b]), settings or SimulationSettings(), rosters,
        workers, ray_address, progress, {}, kept,
    )  # fmt: skip
    starts = {s: _start(days, s) for s in seeds}
    # The first round: what the default target needs (A on the starting fleet of every
    # seed) and where the searches that do not wait for a leader begin.
    defaults = target_undelivered is None or target_p90_min is None
    days.simulate(
        [("a", starts[s], s) for s in seeds if defaults]
        + [(key, starts[s], s) for key in rulebooks for s in seeds[: 1 if warm_start else None]]
    )
    targets = _targets(days, seeds, target_undelivered, target_p90_min)
    searches: list[_Search] = []
    for key in rulebooks:
        leader: _Search | None = None
        for s in seeds:
            search = _Search(
                key, s, starts[s], max(1, math.floor(tolerance * starts[s])),
                min(round(MAX_FLEET_FACTOR * rosters[s]), max(1, round(max_factor * starts[s]))),
                leader=leader,
            )  # fmt: skip
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
