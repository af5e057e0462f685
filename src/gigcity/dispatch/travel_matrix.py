"""Many-to-many travel times on top of the one-to-many `TravelModel` protocol.

The dispatcher needs couriers x restaurants at every decision. For `EuclideanTravel` the
matrix is computed in one vectorised step with exactly the arithmetic of
`EuclideanTravel.travel_seconds_many` (same NumPy operations, element by element), so the
simulator, the validator and the dispatcher always agree to the second. A model that computes
whole arrays itself (`MatrixTravel`: `matrix_s` and `pairs_s`, e.g. a scenario's travel) is
asked once; other models are asked one origin at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeGuard, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from gigcity.geo.travel import EuclideanTravel, Location, TravelModel

FloatArray = NDArray[np.float64]


@runtime_checkable
class MatrixTravel(Protocol):
    """A travel model that answers many-to-many and pairwise questions in one call."""

    def matrix_s(
        self, origins: FloatArray, destinations: FloatArray, depart_s: float = 0.0
    ) -> FloatArray: ...

    def pairs_s(
        self, origins: FloatArray, destinations: FloatArray, depart_s: float = 0.0
    ) -> FloatArray: ...


_ARRAY_MODELS: dict[type, bool] = {}


def _has_arrays(model: TravelModel) -> TypeGuard[MatrixTravel]:
    """`isinstance(model, MatrixTravel)`, remembered per class (the check is slow)."""
    kind = type(model)
    known = _ARRAY_MODELS.get(kind)
    if known is None:
        known = _ARRAY_MODELS[kind] = isinstance(model, MatrixTravel)
    return known


def as_points(locations: Sequence[Location] | FloatArray) -> FloatArray:
    """Locations as an (n, 2) float array."""
    points = np.asarray(locations, dtype=np.float64)
    if points.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"expected (n, 2) locations, got shape {points.shape}")
    return points


def travel_matrix_s(
    model: TravelModel,
    origins: Sequence[Location] | FloatArray,
    destinations: Sequence[Location] | FloatArray,
    depart_s: float = 0.0,
) -> FloatArray:
    """Seconds from every origin (rows) to every destination (columns)."""
    orig = as_points(origins)
    dest = as_points(destinations)
    if orig.shape[0] == 0 or dest.shape[0] == 0:
        return np.zeros((orig.shape[0], dest.shape[0]), dtype=np.float64)
    if type(model) is EuclideanTravel:
        # Same operations as EuclideanTravel.travel_seconds_many, broadcast over rows.
        minutes = (
            np.hypot(dest[None, :, 0] - orig[:, None, 0], dest[None, :, 1] - orig[:, None, 1])
            / model.metres_per_minute
        )
        if model.whole_minutes:
            minutes = np.ceil(minutes)
        result: FloatArray = minutes * 60.0
        return result
    if _has_arrays(model):
        return model.matrix_s(orig, dest, depart_s)
    dest_list = [(float(x), float(y)) for x, y in dest]
    rows = [model.travel_seconds_many((float(x), float(y)), dest_list, depart_s) for x, y in orig]
    return np.vstack(rows).astype(np.float64, copy=False)


def travel_pairs_s(
    model: TravelModel,
    origins: Sequence[Location] | FloatArray,
    destinations: Sequence[Location] | FloatArray,
    depart_s: float = 0.0,
) -> FloatArray:
    """Seconds from origins[i] to destinations[i], element-wise."""
    orig = as_points(origins)
    dest = as_points(destinations)
    if orig.shape != dest.shape:
        raise ValueError(f"origins {orig.shape} and destinations {dest.shape} differ in shape")
    if orig.shape[0] == 0:
        return np.zeros(0, dtype=np.float64)
    if type(model) is EuclideanTravel:
        minutes = (
            np.hypot(dest[:, 0] - orig[:, 0], dest[:, 1] - orig[:, 1]) / model.metres_per_minute
        )
        if model.whole_minutes:
            minutes = np.ceil(minutes)
        result: FloatArray = minutes * 60.0
        return result
    if _has_arrays(model):
        return model.pairs_s(orig, dest, depart_s)
    return np.array(
        [
            model.travel_seconds_many(
                (float(a[0]), float(a[1])), [(float(b[0]), float(b[1]))], depart_s
            )[0]
            for a, b in zip(orig, dest, strict=True)
        ],
        dtype=np.float64,
    )
