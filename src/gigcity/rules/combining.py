"""The on-route test for combined orders: is this order genuinely on the way?"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from gigcity.rules.model import Rulebook
from gigcity.rules.reasons import Reason

_TIME = "combining.max_extra_min"
_DISTANCE = "combining.max_extra_distance_pct"


class OnRouteVerdict(BaseModel):
    """Whether one order of a combined trip is on the way, with the clauses that decided it."""

    model_config = ConfigDict(frozen=True)

    on_route: bool
    extra_s: float
    extra_m: float
    refused_by: tuple[str, ...]
    reasons: tuple[Reason, ...]


def on_route(
    rulebook: Rulebook, solo_s: float, combined_s: float, solo_m: float, combined_m: float
) -> OnRouteVerdict:
    """Judge one order of a combined trip against its trip alone.

    `solo_s`/`solo_m`: the order's time and distance from pickup to drop-off if delivered
    alone; `combined_s`/`combined_m`: the same inside the combined trip. Same verdict as
    `rulebook.combining.allows(...)`, which skips the reasons.
    """
    rules = rulebook.combining
    extra_s, extra_m = combined_s - solo_s, combined_m - solo_m
    reasons: list[Reason] = []
    time_ok = rules.max_extra_min is None or extra_s <= rules.max_extra_min * 60
    if rules.max_extra_min is None:
        reasons.append(rulebook.cite(_TIME, "combining.no_time_limit"))
    else:
        verdict = "combining.time_within" if time_ok else "combining.time_over"
        reasons.append(
            rulebook.cite(_TIME, verdict, extra_s=max(0.0, extra_s), limit_min=rules.max_extra_min)
        )
    limit = rules.max_extra_distance_pct
    distance_ok = limit is None or extra_m * 100 <= limit * solo_m
    if limit is None:
        reasons.append(rulebook.cite(_DISTANCE, "combining.no_distance_limit"))
    else:
        within = "within" if distance_ok else "over"
        if solo_m > 0:
            share = extra_m * 100 / solo_m
            reasons.append(
                rulebook.cite(
                    _DISTANCE, f"combining.distance_{within}", extra_pct=share, limit_pct=limit
                )
            )
        else:
            reasons.append(
                rulebook.cite(
                    _DISTANCE,
                    f"combining.distance_m_{within}",
                    extra_m=extra_m,
                    limit_pct=limit,
                )
            )
    refused_by = tuple(
        clause for clause, ok in ((_TIME, time_ok), (_DISTANCE, distance_ok)) if not ok
    )
    return OnRouteVerdict(
        on_route=not refused_by,
        extra_s=extra_s,
        extra_m=extra_m,
        refused_by=refused_by,
        reasons=tuple(reasons),
    )
