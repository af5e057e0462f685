"""Did a measure work? An interrupted time series of counts, before and after its start.

The model (Lopez Bernal, Cummins & Gasparrini, IJE 2017) is a segmented Poisson regression

    log μ_t = log(days_t) + b0 + b1·t + b2·after_t [+ b3·t_after_t] + season_t

where `after_t` is the share of period t on or after the measure's start (1 after, 0 before,
in between for the period it starts in), so exp(b2) − 1 is the relative change in level the
measure brought. Season: Fourier terms of the year (two harmonics) when the series spans two
years or more, and always the share of the period's days that are Chinese public holidays (the
`holidays` calendar, weekends bridged), which covers Spring Festival, whose date moves. With
under two years a smooth annual cycle cannot be told apart from the trend and the measure, so
only the holidays are allowed for (a warning says so).

Uncertainty: quasi-Poisson (the Pearson scale) for over-dispersion and Newey–West (HAC)
standard errors for autocorrelation. On short series the HAC estimate is itself too small
(it can come out well under the model-based one), so the interval uses the wider of the two
standard errors; a warning says the series is short all the same.

Periods: weekly or monthly, told apart by their spacing. One year of data gives only twelve
monthly points, too few to fit a trend, a level change and a season (at least `MIN_PERIODS`
on each side are required), so a single year is evaluated in weeks; monthly series need
several years.

Pure: numbers in, an `Evaluation` out; statsmodels is imported only when a model is fitted
(it takes about a second to import, and the app must start fast).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from gigcity.i18n import N_
from gigcity.services.errors import InvalidInput

Frequency = Literal["week", "month"]

MIN_PERIODS = 8
"""Fewer periods than this on either side of the measure: refused (trend and level cannot be
told apart)."""
SHORT_SIDE = 24
"""Fewer periods than this on a side: evaluated, with a warning that the interval may be too
narrow."""
FOURIER_DAYS = 728
"""A series at least this many days long (two years: 104 weeks, 24 months) gets Fourier
terms for the annual cycle."""
DAYS_PER_MONTH = 365.25 / 12
Z_95 = 1.959963984540054

# Refusals.
N_LENGTHS = N_("The series has {starts} period starts but {counts} counts.")
N_EMPTY = N_("The series is empty.")
N_NEGATIVE = N_("Counts cannot be negative.")
N_IRREGULAR = N_("The periods must be consecutive weeks or consecutive calendar months.")
N_OUTSIDE = N_("The measure's date {measure} is outside the series ({first} to {last}).")
N_TOO_FEW = N_(
    "At least {minimum} periods are needed on each side of the measure; there are {before} "
    "before and {after} after."
)
N_ALL_ZERO = N_("Every count in the series is zero: there is nothing to evaluate.")
N_ONE_SIDE_ZERO = N_(
    "There are no counts on one side of the measure: the model cannot put a size on the change."
)
# Warnings.
N_SHORT = N_(
    "Only {before} periods before and {after} after the measure: with a series this short the "
    "interval may be narrower than it should be."
)
N_NO_ANNUAL_SEASON = N_(
    "The series covers less than two years, so only public holidays are allowed for, not the "
    "rest of the seasonal pattern."
)
N_PARTIAL_PERIOD = N_(
    "The measure started in the middle of a period; that period counts partly before and "
    "partly after."
)
# The sentence.
N_FELL = N_(
    "{subject} fell from {before} to {after} a month; the model puts the drop at {drop} % "
    "({low}–{high} %)."
)
N_ROSE = N_(
    "{subject} rose from {before} to {after} a month; the model puts the rise at {rise} % "
    "({low}–{high} %)."
)
N_NO_CLEAR_CHANGE = N_(
    "{subject}: {before} a month before the measure and {after} after; the model finds no "
    "clear change (somewhere between a drop of {drop} % and a rise of {rise} %)."
)


@dataclass(frozen=True)
class Note:
    """A warning as a msgid with its parameters, translated where it is shown."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """What the model says about one measure."""

    frequency: Frequency
    period_starts: tuple[date, ...]
    counts: tuple[int, ...]
    measure_on: date
    periods_before: int
    periods_after: int
    before_per_month: float
    """Observed counts per month in the whole periods before the measure."""
    after_per_month: float
    change: float
    """Relative change in level, exp(b2) − 1: −0.85 is a drop of 85 %."""
    change_low: float
    change_high: float
    p_value: float
    fitted: tuple[float, ...]
    """The model's expected count of each period."""
    counterfactual: tuple[float, ...]
    """The same without the measure (equal to `fitted` before it)."""
    slope_change: bool
    season: Literal["fourier+holidays", "holidays", "none"]
    dispersion: float
    """Pearson χ²/df: above 1 the counts vary more than Poisson counts would."""
    warnings: tuple[Note, ...]

    @property
    def observed(self) -> tuple[float, ...]:
        """The counts as a chart plots them."""
        return tuple(float(c) for c in self.counts)

    @property
    def clear(self) -> bool:
        """Whether the 95 % interval leaves out "no change"."""
        return self.change_high < 0 or self.change_low > 0


def evaluate(
    period_starts: Sequence[date],
    counts: Sequence[int],
    measure_on: date,
    *,
    slope_change: bool = False,
    season: bool = True,
) -> Evaluation:
    """Evaluate the measure that started on `measure_on` on the counts of consecutive periods
    starting on `period_starts` (weeks or calendar months).

    `slope_change` adds a change in trend after the measure (b3); `season=False` leaves the
    season out (only for comparison: a seasonal series needs it). Raises InvalidInput for a
    series that cannot be evaluated.
    """
    starts = tuple(period_starts)
    ys = tuple(int(c) for c in counts)
    if len(starts) != len(ys):
        raise InvalidInput(N_LENGTHS, starts=len(starts), counts=len(ys))
    if not starts:
        raise InvalidInput(N_EMPTY)
    if any(c < 0 for c in ys):
        raise InvalidInput(N_NEGATIVE)
    frequency = _frequency(starts)
    ends = tuple(_next_start(s, frequency) for s in starts)
    if not starts[0] < measure_on < ends[-1]:
        raise InvalidInput(
            N_OUTSIDE,
            measure=measure_on.isoformat(),
            first=starts[0].isoformat(),
            last=(ends[-1] - timedelta(days=1)).isoformat(),
        )
    days = [(e - s).days for s, e in zip(starts, ends, strict=True)]
    after = [_share_after(s, e, measure_on) for s, e in zip(starts, ends, strict=True)]
    before_idx = [i for i, a in enumerate(after) if a == 0.0]
    after_idx = [i for i, a in enumerate(after) if a == 1.0]
    if len(before_idx) < MIN_PERIODS or len(after_idx) < MIN_PERIODS:
        raise InvalidInput(
            N_TOO_FEW, minimum=MIN_PERIODS, before=len(before_idx), after=len(after_idx)
        )
    if sum(ys) == 0:
        raise InvalidInput(N_ALL_ZERO)
    if sum(ys[i] for i in before_idx) == 0 or sum(ys[i] for i in after_idx) == 0:
        raise InvalidInput(N_ONE_SIDE_ZERO)

    notes: list[Note] = []
    if len(before_idx) < SHORT_SIDE or len(after_idx) < SHORT_SIDE:
        notes.append(Note(N_SHORT, {"before": len(before_idx), "after": len(after_idx)}))
    if any(0.0 < a < 1.0 for a in after):
        notes.append(Note(N_PARTIAL_PERIOD))

    # Time in periods; the measure's own position, so t_after grows from zero at its start.
    t_measure = next(i + 1 - a for i, a in enumerate(after) if a > 0)
    rows: list[list[float]] = []
    for i in range(len(starts)):
        row = [1.0, float(i), after[i]]
        if slope_change:
            row.append(max(0.0, i + 1 - t_measure) if after[i] > 0 else 0.0)
        rows.append(row)
    season_kind: Literal["fourier+holidays", "holidays", "none"] = "none"
    if season:
        extra: list[list[float]] = [[] for _ in starts]
        if (ends[-1] - starts[0]).days >= FOURIER_DAYS:
            for i, (s, d) in enumerate(zip(starts, days, strict=True)):
                extra[i].extend(_fourier(s + timedelta(days=d / 2), harmonics=2))
            season_kind = "fourier+holidays"
        else:
            notes.append(Note(N_NO_ANNUAL_SEASON))
            season_kind = "holidays"
        holiday_share = holiday_shares(starts, ends)
        if len(set(holiday_share)) > 1:  # a constant column would duplicate the intercept
            for i, h in enumerate(holiday_share):
                extra[i].append(h)
        rows = [r + e for r, e in zip(rows, extra, strict=True)]

    fit = _fit(rows, ys, days, slope_change=slope_change)
    b2, se2 = fit.b2, fit.se2
    before_per_month = _per_month(ys, days, before_idx)
    after_per_month = _per_month(ys, days, after_idx)
    return Evaluation(
        frequency=frequency,
        period_starts=starts,
        counts=ys,
        measure_on=measure_on,
        periods_before=len(before_idx),
        periods_after=len(after_idx),
        before_per_month=before_per_month,
        after_per_month=after_per_month,
        change=math.expm1(b2),
        change_low=math.expm1(b2 - Z_95 * se2),
        change_high=math.expm1(b2 + Z_95 * se2),
        p_value=math.erfc(abs(b2 / se2) / math.sqrt(2)) if se2 > 0 else 0.0,
        fitted=fit.fitted,
        counterfactual=fit.counterfactual,
        slope_change=slope_change,
        season=season_kind,
        dispersion=fit.dispersion,
        warnings=tuple(notes),
    )


def sentence(ev: Evaluation, subject: str) -> tuple[str, dict[str, object]]:
    """The result in one plain sentence, as (msgid, params); `subject` is already translated
    ("Delivery complaints at …"). Counts per month are the observed means; percentages are the
    model's change and its 95 % interval."""
    params: dict[str, object] = {
        "subject": subject,
        "before": per_month_number(ev.before_per_month),
        "after": per_month_number(ev.after_per_month),
    }
    if ev.change_high < 0:
        drop_low, drop_high = -ev.change_high * 100, -ev.change_low * 100
        params |= {"drop": _pct(-ev.change * 100), "low": _pct(drop_low), "high": _pct(drop_high)}
        return N_FELL, params
    if ev.change_low > 0:
        params |= {
            "rise": _pct(ev.change * 100),
            "low": _pct(ev.change_low * 100),
            "high": _pct(ev.change_high * 100),
        }
        return N_ROSE, params
    params |= {"drop": _pct(-ev.change_low * 100), "rise": _pct(ev.change_high * 100)}
    return N_NO_CLEAR_CHANGE, params


def per_month_number(value: float) -> int | float:
    """A count per month as people say it: whole from 10 up, one decimal below."""
    return round(value) if value >= 10 else round(value, 1)


def period_counts(
    when: Iterable[date], first: date, periods: int, frequency: Frequency = "week"
) -> tuple[tuple[date, ...], tuple[int, ...]]:
    """Count dates into `periods` consecutive weeks (or months) from `first`; dates outside
    are left out. The starts and the counts, ready for `evaluate`."""
    starts = [first]
    for _ in range(periods - 1):
        starts.append(_next_start(starts[-1], frequency))
    end = _next_start(starts[-1], frequency)
    counts = [0] * periods
    for d in when:
        if first <= d < end:
            if frequency == "week":
                counts[(d - first).days // 7] += 1
            else:
                counts[(d.year - first.year) * 12 + d.month - first.month] += 1
    return tuple(starts), tuple(counts)


def describe_model(ev: Evaluation) -> str:
    """The model in one line of notation (the same in every language), for the printed page."""
    terms = ["b0", "b1·t", "b2·after"]
    if ev.slope_change:
        terms.append("b3·t_after")
    if ev.season == "fourier+holidays":
        terms.append("Fourier(year, 2) + holidays")
    elif ev.season == "holidays":
        terms.append("holidays")
    unit = "weeks" if ev.frequency == "week" else "months"
    return (
        f"log μ = log(days) + {' + '.join(terms)}; quasi-Poisson (φ = {ev.dispersion:.2f}), "
        f"Newey–West SE; {ev.periods_before} + {ev.periods_after} {unit}"
    )


# --- the fit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    b2: float
    se2: float
    fitted: tuple[float, ...]
    counterfactual: tuple[float, ...]
    dispersion: float


def _fit(
    rows: list[list[float]], ys: Sequence[int], days: Sequence[int], *, slope_change: bool
) -> _Fit:
    import numpy as np

    # Imported here, and only the GLM (not statsmodels.api): ~1 s on the first evaluation.
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    x = np.asarray(rows, dtype=float)
    y = np.asarray(ys, dtype=float)
    offset = np.log(np.asarray(days, dtype=float))
    model = GLM(y, x, family=families.Poisson(), offset=offset)
    n = len(ys)
    lags = max(1, math.floor(4 * (n / 100) ** (2 / 9)))  # Newey–West's rule of thumb
    hac: Any = model.fit(
        scale="X2", cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}
    )
    plain: Any = model.fit(scale="X2")  # quasi-Poisson, model-based
    b2 = float(hac.params[2])
    se2 = max(float(hac.bse[2]), float(plain.bse[2]))
    fitted = np.exp(x @ hac.params + offset)
    without = x.copy()
    without[:, 2] = 0.0
    if slope_change:
        without[:, 3] = 0.0
    counterfactual = np.exp(without @ hac.params + offset)
    return _Fit(
        b2=b2,
        se2=se2,
        fitted=tuple(float(v) for v in fitted),
        counterfactual=tuple(float(v) for v in counterfactual),
        dispersion=float(plain.scale),
    )


# --- periods and season --------------------------------------------------------------------


def _frequency(starts: Sequence[date]) -> Frequency:
    if len(starts) == 1:
        raise InvalidInput(N_TOO_FEW, minimum=MIN_PERIODS, before=0, after=0)
    for frequency in ("week", "month"):
        if all(_next_start(a, frequency) == b for a, b in itertools.pairwise(starts)) and (
            frequency == "week" or starts[0].day == 1
        ):
            return frequency
    raise InvalidInput(N_IRREGULAR)


def _next_start(start: date, frequency: Frequency) -> date:
    if frequency == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _share_after(start: date, end: date, measure_on: date) -> float:
    if measure_on <= start:
        return 1.0
    if measure_on >= end:
        return 0.0
    return (end - measure_on).days / (end - start).days


def _per_month(ys: Sequence[int], days: Sequence[int], idx: Sequence[int]) -> float:
    return sum(ys[i] for i in idx) / sum(days[i] for i in idx) * DAYS_PER_MONTH


def _fourier(day: date, harmonics: int) -> list[float]:
    angle = 2 * math.pi * (day.timetuple().tm_yday - 1) / 365.25
    out: list[float] = []
    for k in range(1, harmonics + 1):
        out.extend((math.sin(k * angle), math.cos(k * angle)))
    return out


def holiday_shares(starts: Sequence[date], ends: Sequence[date]) -> list[float]:
    """The share of each period's days that are Chinese public holidays (a weekend between
    two holidays counts: Spring Festival's week off includes it)."""
    off = _days_off(range(starts[0].year, ends[-1].year + 1))
    return [
        sum(1 for k in range((e - s).days) if s + timedelta(days=k) in off) / (e - s).days
        for s, e in zip(starts, ends, strict=True)
    ]


def _days_off(years: Iterable[int]) -> frozenset[date]:
    import holidays

    listed = sorted(holidays.country_holidays("CN", years=list(years)))
    off = set(listed)
    for a, b in itertools.pairwise(listed):
        if 1 < (b - a).days <= 3:  # bridge the weekend inside a holiday block
            off.update(a + timedelta(days=k) for k in range(1, (b - a).days))
    return frozenset(off)


def _pct(value: float) -> int:
    return round(value)
