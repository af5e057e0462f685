"""The expected wait for a station service's queue, pure: from the units, the uses under way
(how long each has run), the people ahead and the durations of recent uses.

**One use** lasts a log-normal time (durations are positive and skewed: most washes take
about the programme's time, a few much longer). Its median and spread are learned from the
last `RECENT_USES` finished uses of that service (start to finish, read from the database,
so every worker learns the same; a use longer than `OUTLIER` typical durations is left out,
a "finish" the desk forgot to press, and one shorter than a typical duration over `OUTLIER`,
a use started and finished by mistake): the median is the geometric mean, the spread the
standard deviation of the logarithms, drawn towards `PRIOR_SPREAD` while few uses are known
(as if `PRIOR_WEIGHT` uses of that spread had been seen). With fewer than `MIN_RECENT_USES`
uses, the typical duration the staff configured is the median.

**The wait** is when a unit becomes free for the driver, after the people ahead (waiting,
or called and not yet started) have each taken one in turn. It is a random time, so the
model is played `SAMPLES` times: a use under way has the rest of a use *that has already
run that long* left (drawn from the durations longer than its elapsed time — a use near its
end has little left, one well past the median may still have a while; one past nearly every
duration known, `LATE_QUANTILE`, is taken to have `LATE_SHARE` of a median use left), a free
unit is free at once, and each person ahead takes the first unit free for a fresh duration.
The point estimate is the median of the waits played, and the range (`low`, `high`) their
`RANGE` quantiles: the k-th unit to free up is an order statistic of random times, whose
median is earlier than the k-th of the medians (two machines that each finish in a median 40
minutes free the first of them in a median 34).

**Programmes**: a washing machine runs the programme chosen at its start (快洗 30 minutes,
标准 45, 大件 60), so its run time varies only by a few percent around the programme's
(water, load). A use or a person ahead with a programme takes that programme's law: learned
from the programme's own recent uses (`programme_model`, the spread measured, drawn towards
`PROGRAMME_PRIOR_SPREAD`), else its nominal minutes; one without takes the service's law
as above (`plays` takes a law per use under way and per person ahead).

The plays are seeded by their number, and each play draws the uses under way first and
then the people ahead in order, so one more person ahead only adds a step to every play:
the estimate never falls when someone joins ahead, and the same question gets the same
answer. `benchmarks/station_queues.py` measures it against a simulated day."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, pstdev

RECENT_USES = 40
MIN_RECENT_USES = 3
OUTLIER = 3.0  # a recent use longer than this many typical durations (or shorter than
# the typical over this) is left out
PRIOR_SPREAD = 0.3  # the spread (sigma of the log) assumed before uses are known
PRIOR_WEIGHT = 5  # ... weighed as this many uses
PROGRAMME_PRIOR_SPREAD = 0.05  # a programme's run time before its uses are known: within
# a few percent of its minutes (a machine runs the programme; water and load vary a little)
LATE_QUANTILE = 0.99  # a use that has run longer than this share of uses ...
LATE_SHARE = 0.15  # ... is taken to have this share of a median use left
SAMPLES = 301  # plays of the queue per estimate (odd: the median is one of them)
RANGE = (0.1, 0.9)  # the range shown holds the middle 80 % of the waits played
WIDE = 10  # a range wider than this many minutes is shown as a range

_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class UseModel:
    """The duration of one use: log-normal with this median (minutes) and spread."""

    median: float
    spread: float  # the standard deviation of log(duration)
    from_recent: bool  # learned from recent uses (else the configured typical duration)

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.spread**2 / 2)

    def draw(self, z: float) -> float:
        """A duration, from a standard normal deviate `z`."""
        return self.median * math.exp(self.spread * z)

    def rest(self, elapsed: float, z: float) -> float:
        """What is left of a use that has run `elapsed` minutes, from a standard normal
        deviate `z`: a duration drawn from those longer than `elapsed`, less `elapsed`."""
        if elapsed <= 1e-6 * self.median:  # just started: a whole use
            return self.draw(z)
        if self.spread <= 0:
            left = self.median - elapsed
            return left if left > 0 else LATE_SHARE * self.median
        done = _NORMAL.cdf(math.log(elapsed / self.median) / self.spread)
        if done >= LATE_QUANTILE:
            return LATE_SHARE * self.median
        u = done + (1 - done) * _NORMAL.cdf(z)
        u = min(max(u, 1e-12), 1 - 1e-12)
        return max(self.draw(_NORMAL.inv_cdf(u)) - elapsed, 0.0)

    def left(self, elapsed: float) -> float:
        """The median of what is left of a use that has run `elapsed` minutes."""
        return self.rest(elapsed, 0.0)


@dataclass(frozen=True, slots=True)
class Estimate:
    minutes: int  # the median wait, whole minutes (rounded)
    low: int  # the range: RANGE[0] of the waits played (rounded down) ...
    high: int  # ... to RANGE[1] (rounded up)
    use_minutes: float  # the mean duration of one use the model assumed
    from_recent: bool  # the model was learned from recent uses

    @property
    def wide(self) -> bool:
        """The range is wider than a single figure can promise: show it."""
        return self.high - self.low > WIDE


def use_model(
    recent: Sequence[float], typical_minutes: int, *, prior_spread: float = PRIOR_SPREAD
) -> UseModel:
    """The duration of one use from `recent` (the last finished uses, minutes, newest first;
    outliers left out) when there are enough of them, else `typical_minutes` with the spread
    `prior_spread`."""
    low, high = typical_minutes / OUTLIER, OUTLIER * typical_minutes
    kept = [m for m in recent[:RECENT_USES] if low <= m <= high]
    if len(kept) < MIN_RECENT_USES:
        return UseModel(float(typical_minutes), prior_spread, False)
    logs = [math.log(m) for m in kept]
    n = len(logs)
    variance = (n * pstdev(logs) ** 2 + PRIOR_WEIGHT * prior_spread**2) / (n + PRIOR_WEIGHT)
    return UseModel(math.exp(fmean(logs)), math.sqrt(variance), True)


def programme_model(recent: Sequence[float], minutes: int) -> UseModel:
    """A programme's run time from its own recent uses (minutes, newest first), else its
    nominal `minutes` within a few percent (`PROGRAMME_PRIOR_SPREAD`)."""
    return use_model(recent, minutes, prior_spread=PROGRAMME_PRIOR_SPREAD)


_DEVIATES: list[list[float]] = []  # play -> its standard normal deviates, drawn once


def _deviates(sample: int, count: int) -> list[float]:
    """The first `count` deviates of play `sample`: the same every time (seeded by the
    play's number), so the plays are repeatable and one more step only extends a play."""
    while len(_DEVIATES) <= sample:
        _DEVIATES.append([])
    drawn = _DEVIATES[sample]
    if len(drawn) < count:
        rng = random.Random(sample)
        drawn[:] = [rng.gauss(0.0, 1.0) for _ in range(max(count, 2 * len(drawn), 16))]
    return drawn


def _quantile(ordered: Sequence[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def waits(
    *, units: int, in_use_elapsed: Sequence[float], ahead: int, model: UseModel
) -> list[Estimate]:
    """The estimates for 0, 1, ... `ahead` people ahead, every use of the law `model`."""
    return plays(
        units=units,
        under_way=[(elapsed, model) for elapsed in in_use_elapsed],
        ahead=[model] * ahead,
        model=model,
    )


def plays(
    *,
    units: int,
    under_way: Sequence[tuple[float, UseModel]],
    ahead: Sequence[UseModel],
    model: UseModel,
) -> list[Estimate]:
    """The estimates for 0, 1, ... len(`ahead`) people ahead, from one set of plays: each
    use under way is (minutes run, its law), each person ahead in order their use's law
    (a programme's, or the service's `model`, which the estimates report)."""
    busy = sorted(under_way, key=lambda use: use[0], reverse=True)[:units]  # longest-running
    played: list[list[float]] = [[] for _ in range(len(ahead) + 1)]
    for sample in range(SAMPLES):
        z = _deviates(sample, len(busy) + len(ahead))
        free_at = [law.rest(elapsed, z[i]) for i, (elapsed, law) in enumerate(busy)]
        free_at += [0.0] * (units - len(free_at))
        heapq.heapify(free_at)
        played[0].append(free_at[0])
        for k, law in enumerate(ahead, start=1):
            heapq.heapreplace(free_at, free_at[0] + law.draw(z[len(busy) + k - 1]))
            played[k].append(free_at[0])
    out = []
    for times in played:
        times.sort()
        out.append(
            Estimate(
                minutes=round(_quantile(times, 0.5)),
                low=math.floor(_quantile(times, RANGE[0])),
                high=math.ceil(_quantile(times, RANGE[1])),
                use_minutes=model.mean,
                from_recent=model.from_recent,
            )
        )
    return out


def expected_wait(
    *,
    units: int,
    in_use_elapsed: Sequence[float],
    ahead: int,
    recent: Sequence[float],
    typical_minutes: int,
) -> Estimate | None:
    """The wait of someone with `ahead` people before them, while the uses under way have
    run `in_use_elapsed` minutes each; None when the service has no units (no wait can be
    promised)."""
    if units <= 0:
        return None
    model = use_model(recent, typical_minutes)
    return waits(units=units, in_use_elapsed=in_use_elapsed, ahead=max(ahead, 0), model=model)[-1]
