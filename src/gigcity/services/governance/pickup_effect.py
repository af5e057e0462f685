"""Did a measure make pickups quicker? An interrupted time series of weekly mean pickup times.

Durations are not counts, so the model is a Gaussian (linear) segmented regression of each
week's mean pickup time in minutes,

    ȳ_t = b0 + b1·t + b2·after_t [+ b3·holidays_t] + ε_t,

fitted by weighted least squares with each week weighted by its number of pickups (the
variance of a mean falls with the pickups behind it). `after_t` is the share of week t on or
after the measure's start; b2 is the change in minutes the measure brought, with its 95 %
interval. Weeks without a pickup are left out (their t stays, so the trend keeps its time).
Holidays: the share of the week's days that are Chinese public holidays, when it varies.

Uncertainty as in `effect`: Newey–West (HAC) standard errors for autocorrelation, and the
wider of those and the model-based ones (on short series HAC comes out too small).

Pure: numbers in, a `MeanEvaluation` out; statsmodels imported only when a model is fitted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput
from gigcity.services.governance.effect import (
    MIN_PERIODS,
    N_EMPTY,
    N_OUTSIDE,
    N_PARTIAL_PERIOD,
    N_SHORT,
    N_TOO_FEW,
    SHORT_SIDE,
    Z_95,
    Note,
    holiday_shares,
)

N_LESS = N_(
    "Pickups around {place} took {minutes} minutes less after the measure (95 % interval: "
    "{low}–{high} minutes less); on average {before} minutes before and {after} after."
)
N_MORE = N_(
    "Pickups around {place} took {minutes} minutes more after the measure (95 % interval: "
    "{low}–{high} minutes more); on average {before} minutes before and {after} after."
)
N_NO_CLEAR = N_(
    "Pickups around {place}: on average {before} minutes before the measure and {after} "
    "after; the model finds no clear change (somewhere between {less} minutes less and "
    "{more} minutes more)."
)
N_NO_WEEKS = N_("Every week of the series has no pickups: there is nothing to evaluate.")


@dataclass(frozen=True)
class MeanEvaluation:
    """What the model says about one measure's effect on pickup times."""

    period_starts: tuple[date, ...]
    means: tuple[float | None, ...]
    """Each week's mean pickup time in minutes (None: no pickups that week)."""
    pickups: tuple[int, ...]
    measure_on: date
    periods_before: int
    """Weeks with pickups wholly before the measure."""
    periods_after: int
    before_mean: float
    """The observed mean pickup time over every pickup in those weeks before."""
    after_mean: float
    change: float
    """The change in level in minutes, b2: −4.0 is four minutes quicker."""
    change_low: float
    change_high: float
    p_value: float
    fitted: tuple[float, ...]
    counterfactual: tuple[float, ...]
    holidays: bool
    warnings: tuple[Note, ...]

    @property
    def observed(self) -> tuple[float, ...]:
        """The weekly means for a chart (NaN: no pickups, no point)."""
        return tuple(math.nan if m is None else m for m in self.means)

    @property
    def clear(self) -> bool:
        return self.change_high < 0 or self.change_low > 0


def weekly_means(
    pickups: Iterable[tuple[date, float]], first: date, weeks: int
) -> tuple[tuple[date, ...], tuple[float | None, ...], tuple[int, ...]]:
    """Each week's (from `first`) mean minutes and number of pickups; days outside left out."""
    sums = [0.0] * weeks
    counts = [0] * weeks
    for day, minutes in pickups:
        k = (day - first).days // 7
        if 0 <= k < weeks:
            sums[k] += minutes
            counts[k] += 1
    starts = tuple(first + timedelta(weeks=k) for k in range(weeks))
    means = tuple(s / n if n else None for s, n in zip(sums, counts, strict=True))
    return starts, means, tuple(counts)


def evaluate_means(
    period_starts: Sequence[date],
    means: Sequence[float | None],
    pickups: Sequence[int],
    measure_on: date,
) -> MeanEvaluation:
    """Evaluate the measure that started on `measure_on` on consecutive weeks' mean pickup
    times (minutes) and their numbers of pickups. Raises InvalidInput when it cannot."""
    starts = tuple(period_starts)
    if not starts:
        raise InvalidInput(N_EMPTY)
    ends = tuple(s + timedelta(days=7) for s in starts)
    if not starts[0] < measure_on < ends[-1]:
        raise InvalidInput(
            N_OUTSIDE,
            measure=measure_on.isoformat(),
            first=starts[0].isoformat(),
            last=(ends[-1] - timedelta(days=1)).isoformat(),
        )
    after = [
        1.0 if measure_on <= s else 0.0 if measure_on >= e else (e - measure_on).days / 7
        for s, e in zip(starts, ends, strict=True)
    ]
    rows = [i for i, n in enumerate(pickups) if n > 0 and means[i] is not None]
    if not rows:
        raise InvalidInput(N_NO_WEEKS)
    before_idx = [i for i in rows if after[i] == 0.0]
    after_idx = [i for i in rows if after[i] == 1.0]
    if len(before_idx) < MIN_PERIODS or len(after_idx) < MIN_PERIODS:
        raise InvalidInput(
            N_TOO_FEW, minimum=MIN_PERIODS, before=len(before_idx), after=len(after_idx)
        )
    notes: list[Note] = []
    if len(before_idx) < SHORT_SIDE or len(after_idx) < SHORT_SIDE:
        notes.append(Note(N_SHORT, {"before": len(before_idx), "after": len(after_idx)}))
    if any(0.0 < after[i] < 1.0 for i in rows):
        notes.append(Note(N_PARTIAL_PERIOD))
    shares = holiday_shares(starts, ends)
    holidays = len({shares[i] for i in rows}) > 1

    def design(i: int, *, measure: bool = True) -> list[float]:
        row = [1.0, float(i), after[i] if measure else 0.0]
        return [*row, shares[i]] if holidays else row

    params, b2, se2 = _fit(
        [design(i) for i in rows],
        [float(means[i] or 0.0) for i in rows],
        [float(pickups[i]) for i in rows],
    )
    every = range(len(starts))
    return MeanEvaluation(
        period_starts=starts,
        means=tuple(means),
        pickups=tuple(int(n) for n in pickups),
        measure_on=measure_on,
        periods_before=len(before_idx),
        periods_after=len(after_idx),
        before_mean=_mean(means, pickups, before_idx),
        after_mean=_mean(means, pickups, after_idx),
        change=b2,
        change_low=b2 - Z_95 * se2,
        change_high=b2 + Z_95 * se2,
        p_value=math.erfc(abs(b2 / se2) / math.sqrt(2)) if se2 > 0 else 0.0,
        fitted=tuple(_dot(design(i), params) for i in every),
        counterfactual=tuple(_dot(design(i, measure=False), params) for i in every),
        holidays=holidays,
        warnings=tuple(notes),
    )


def sentence(ev: MeanEvaluation, place: str) -> tuple[str, dict[str, object]]:
    """The result in one plain sentence, as (msgid, params): minutes with one decimal."""
    params: dict[str, object] = {
        "place": place,
        "before": _minutes(ev.before_mean),
        "after": _minutes(ev.after_mean),
    }
    if ev.change_high < 0:
        low, high = -ev.change_high, -ev.change_low
        params |= {"minutes": _minutes(-ev.change), "low": _minutes(low), "high": _minutes(high)}
        return N_LESS, params
    if ev.change_low > 0:
        params |= {
            "minutes": _minutes(ev.change),
            "low": _minutes(ev.change_low),
            "high": _minutes(ev.change_high),
        }
        return N_MORE, params
    params |= {"less": _minutes(-ev.change_low), "more": _minutes(ev.change_high)}
    return N_NO_CLEAR, params


def describe_model(ev: MeanEvaluation) -> str:
    """The model in one line of notation (the same in every language)."""
    terms = ["b0", "b1·t", "b2·after"]
    if ev.holidays:
        terms.append("holidays")
    return (
        f"mean pickup minutes = {' + '.join(terms)} + ε; weighted least squares (weight: "
        f"pickups a week), Newey–West SE; {ev.periods_before} + {ev.periods_after} weeks"
    )


def _fit(
    rows: list[list[float]], ys: list[float], weights: list[float]
) -> tuple[list[float], float, float]:
    import numpy as np
    from statsmodels.regression.linear_model import WLS

    x = np.asarray(rows, dtype=float)
    model = WLS(np.asarray(ys, dtype=float), x, weights=np.asarray(weights, dtype=float))
    lags = max(1, math.floor(4 * (len(ys) / 100) ** (2 / 9)))  # Newey–West's rule of thumb
    hac: Any = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    plain: Any = model.fit()
    se2 = max(float(hac.bse[2]), float(plain.bse[2]))
    return [float(v) for v in hac.params], float(hac.params[2]), se2


def _dot(row: list[float], params: list[float]) -> float:
    return sum(a * b for a, b in zip(row, params, strict=True))


def _mean(means: Sequence[float | None], pickups: Sequence[int], idx: Sequence[int]) -> float:
    total = sum(pickups[i] for i in idx)
    return sum((means[i] or 0.0) * pickups[i] for i in idx) / total if total else 0.0


def _minutes(value: float) -> float:
    return round(value, 1)


__all__ = [
    "MeanEvaluation",
    "describe_model",
    "evaluate_means",
    "sentence",
    "weekly_means",
]
