"""Summary statistics in the evaluator's convention, and the Gini coefficient."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STAT_NAMES = ("count", "mean", "std", "min", "p10", "p50", "p90", "max")


def _round(value: float) -> float:
    return round(float(value), 4)


def describe(values: Sequence[float] | np.ndarray) -> dict[str, float | int | None]:
    """count, mean, std (sample, ddof=1 like pandas), min, p10, p50, p90, max.

    Percentiles interpolate linearly (NumPy's and pandas' default). Empty input gives a
    count of 0 and `None` for the rest.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        return {name: (0 if name == "count" else None) for name in STAT_NAMES}
    p10, p50, p90 = np.percentile(data, [10, 50, 90])
    return {
        "count": int(data.size),
        "mean": _round(data.mean()),
        "std": _round(data.std(ddof=1)) if data.size > 1 else 0.0,
        "min": _round(data.min()),
        "p10": _round(p10),
        "p50": _round(p50),
        "p90": _round(p90),
        "max": _round(data.max()),
    }


def gini(values: Sequence[float] | np.ndarray) -> float | None:
    """Gini coefficient of non-negative values: 0 all equal, towards 1 all to one person."""
    data = np.sort(np.asarray(values, dtype=np.float64))
    if data.size == 0:
        return None
    if (data < 0).any():
        raise ValueError("the Gini coefficient needs non-negative values")
    total = data.sum()
    if total == 0:
        return 0.0
    ranks = np.arange(1, data.size + 1)
    return _round((2 * (ranks * data).sum()) / (data.size * total) - (data.size + 1) / data.size)
