"""One check per clause of the rulebook, column-wise over the log (Polars).

Each check reads its numbers from the rulebook in force, so a new rulebook version changes
what is checked; where the rulebook requires nothing, the check is not applicable. The
arithmetic is the rules engine's own (tiers rounded up to the fen, the fatigue clock's
stretches, the score's fines), written over columns: docs/audit.md says each exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from gigcity.rules import Rulebook
from gigcity.services.audit.logfile import DecisionLog, local_day

FINDING_SCHEMA: dict[str, Any] = {
    "check": pl.String,
    "clause": pl.String,
    "day": pl.Date,
    "rider": pl.String,
    "orders": pl.List(pl.String),
    "start": pl.Float64,
    "end": pl.Float64,
    "severity": pl.Float64,
    "values": pl.String,
}
DAY_SCHEMA: dict[str, Any] = {"day": pl.Date, "checked": pl.Int64, "breaches": pl.Int64}
EVIDENCE_ORDERS = 10  # orders named in one finding's evidence


@dataclass(frozen=True, slots=True)
class Outcome:
    applicable: bool
    requirement: dict[str, Any] = field(default_factory=dict)
    per_day: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DAY_SCHEMA))
    findings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FINDING_SCHEMA))
    rate_by_day: pl.DataFrame | None = None
    """For a rate clause: day, rate (%), replacing the share of checks kept."""
    rate: float | None = None
    threshold: float | None = None


class RideEstimator(Protocol):
    """The district's streets, asked how long a ride takes (see `streets_eta`)."""

    def ride(
        self, origin: tuple[float, float], destination: tuple[float, float], depart_unix_s: float
    ) -> tuple[float, float] | None:
        """(riding seconds, traffic-light waits in seconds) from `origin` to `destination`
        ((lon, lat), WGS-84) leaving then; None where the streets do not cover the trip."""
        ...


@dataclass(frozen=True, slots=True)
class CheckSettings:
    eta_tolerance_s: float = 120.0
    streets: RideEstimator | None = None
    """With the district's streets loaded, the ETA check estimates the ride of a sample of
    the orders that carry their pickup and drop-off points."""
    streets_sample: int = 2000


Check = Callable[[DecisionLog, Rulebook, CheckSettings], Outcome]


def _findings(frame: pl.DataFrame, check: str, clause: str, values: list[str]) -> pl.DataFrame:
    """Finding rows from `frame` (day, rider, orders, start, end, severity + `values`)."""
    if frame.height == 0:
        return pl.DataFrame(schema=FINDING_SCHEMA)
    with_all = frame.with_columns(
        check=pl.lit(check),
        clause=pl.lit(clause),
        values=pl.struct(values).struct.json_encode(),
    )
    for name, dtype in FINDING_SCHEMA.items():
        if name not in with_all.columns:
            with_all = with_all.with_columns(pl.lit(None, dtype).alias(name))
    return with_all.select(pl.col(n).cast(t) for n, t in FINDING_SCHEMA.items())


def _per_day(checked: pl.DataFrame, breached: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per day: distinct `keys` checked and breached."""
    total = checked.select(["day", *keys]).unique().group_by("day").agg(checked=pl.len())
    bad = breached.select(["day", *keys]).unique().group_by("day").agg(breaches=pl.len())
    return (
        total.join(bad, on="day", how="left")
        .with_columns(pl.col("breaches").fill_null(0))
        .select(pl.col("day"), pl.col("checked").cast(pl.Int64), pl.col("breaches").cast(pl.Int64))
        .sort("day")
    )


def _ceil_div(numerator: pl.Expr, denominator: int) -> pl.Expr:
    """Integer ceiling division (fractions of a fen go to the rider, as in rules.pricing)."""
    return -((-numerator) // denominator)


def _clock(seconds: pl.Expr, timezone: str) -> pl.Expr:
    return (
        pl.from_epoch((seconds * 1e6).cast(pl.Int64), time_unit="us")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
        .dt.strftime("%H:%M")
    )


def _paid(log: DecisionLog, line: str) -> pl.DataFrame:
    """Per order: the sum of its pay lines of one kind."""
    return (
        log.pay.filter((pl.col("line") == line) & pl.col("order").is_not_null())
        .group_by("order")
        .agg(paid_fen=pl.col("amount_fen").sum())
    )


def _with_paid(orders: pl.DataFrame, log: DecisionLog, line: str) -> pl.DataFrame:
    return orders.join(_paid(log, line), on="order", how="left").with_columns(
        pl.col("paid_fen").fill_null(0)
    )


def _order_findings(
    short: pl.DataFrame, check: str, clause: str, severity: pl.Expr, values: list[str]
) -> pl.DataFrame:
    rows = short.with_columns(
        orders=pl.concat_list(pl.col("order")),
        start=pl.col("placed_at"),
        end=pl.col("delivered_at"),
        severity=severity.cast(pl.Float64),
    )
    return _findings(rows, check, clause, values)


def _order_day_counts(checked: pl.DataFrame, short: pl.DataFrame) -> pl.DataFrame:
    return _per_day(checked, short, ["order"])


# --- fatigue -----------------------------------------------------------------------------


def _stretches(log: DecisionLog, rulebook: Rulebook) -> pl.DataFrame:
    """The continuous-work stretches of every rider, as `rules.work_stretches` forms them:
    rider, first, last, counted (s), due (s or null)."""
    rules = rulebook.fatigue
    limit_s = float(rules.continuous_work_limit_min or 0) * 60
    rest_s, pause_s = rules.min_rest_min * 60.0, rules.gap_counts_as_rest_from_min * 60.0
    work = (
        log.work.filter(
            (pl.col("activity") == "delivering") & (pl.col("end_at") > pl.col("start_at"))
        )
        .select("rider", "start_at", "end_at")
        .sort("rider", "start_at", "end_at")
    )
    merged = (
        work.with_columns(
            reach=pl.col("end_at").cum_max().shift(1).over("rider"),
        )
        .with_columns(block=(pl.col("reach").is_null() | (pl.col("start_at") > pl.col("reach"))))
        .with_columns(block=pl.col("block").cum_sum())
        .group_by("rider", "block")
        .agg(start=pl.col("start_at").min(), end=pl.col("end_at").max())
        .sort("rider", "start")
    )
    pieces = (
        merged.with_columns(gap=pl.col("start") - pl.col("end").shift(1).over("rider"))
        .with_columns(new=pl.col("gap").is_null() | (pl.col("gap") >= rest_s))
        .with_columns(stretch=pl.col("new").cum_sum())
        .with_columns(
            gap_counted=pl.when(~pl.col("new") & (pl.col("gap") < pause_s))
            .then(pl.col("gap"))
            .otherwise(0.0),
            length=pl.col("end") - pl.col("start"),
        )
        .with_columns(
            after=(pl.col("gap_counted") + pl.col("length")).cum_sum().over("stretch"),
        )
        .with_columns(before=pl.col("after") - pl.col("gap_counted") - pl.col("length"))
        .with_columns(
            due=pl.when(pl.col("before") > limit_s)
            .then(None)
            .when(pl.col("before") + pl.col("gap_counted") > limit_s)
            .then(pl.col("start") - pl.col("gap_counted") + (limit_s - pl.col("before")))
            .when(pl.col("after") > limit_s)
            .then(pl.col("start") + (limit_s - pl.col("before") - pl.col("gap_counted")))
            .otherwise(None)
        )
    )
    return pieces.group_by("stretch").agg(
        rider=pl.col("rider").first(),
        first=pl.col("start").min(),
        last=pl.col("end").max(),
        counted=pl.col("after").max(),
        due=pl.col("due").drop_nulls().min(),
    )


def _assignments(log: DecisionLog) -> pl.DataFrame:
    """Per order: its rider and when it was assigned (its trip's assignment, else its
    pickup)."""
    trips = log.trips.select("trip", trip_rider="rider", assigned="assigned_at")
    return (
        log.orders.join(trips, on="trip", how="left")
        .with_columns(
            rider=pl.coalesce("rider", "trip_rider"),
            assigned=pl.coalesce("assigned", "picked_up_at"),
        )
        .filter(pl.col("rider").is_not_null() & pl.col("assigned").is_not_null())
        .select("order", "rider", "assigned")
    )


def check_rest(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    rules = rulebook.fatigue
    if rules.continuous_work_limit_min is None:
        return Outcome(applicable=False)
    limit_min = rules.continuous_work_limit_min
    requirement = {"limit_min": limit_min, "rest_min": rules.min_rest_min}
    stretches = _stretches(log, rulebook).with_columns(day=local_day(pl.col("first"), log.timezone))
    breached = stretches.filter(pl.col("counted") > limit_min * 60)
    after_due = (
        breached.select("stretch", "rider", "due", "last")
        .join(_assignments(log), on="rider")
        .filter((pl.col("assigned") > pl.col("due")) & (pl.col("assigned") <= pl.col("last")))
        .sort("assigned")
        .group_by("stretch")
        .agg(orders=pl.col("order").head(EVIDENCE_ORDERS), orders_after=pl.len())
    )
    rows = breached.join(after_due, on="stretch", how="left").with_columns(
        pl.col("orders").fill_null(pl.lit([], pl.List(pl.String))),
        pl.col("orders_after").fill_null(0),
        continuous_min=(pl.col("counted") / 60).round(1),
        limit_min=pl.lit(limit_min),
        due=_clock(pl.col("due"), log.timezone),
        severity=(pl.col("counted") / 60 - limit_min),
        start=pl.col("first"),
        end=pl.col("last"),
    )
    findings = _findings(
        rows,
        "rest",
        "fatigue.continuous_work_limit_min",
        ["continuous_min", "limit_min", "due", "orders_after"],
    )
    return Outcome(
        applicable=True,
        requirement=requirement,
        per_day=_per_day(stretches, breached, ["rider"]),
        findings=findings,
    )


def check_daily_hours(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    threshold = rulebook.fatigue.daily_confirmation_after_min
    if threshold is None:
        return Outcome(applicable=False)
    work = log.work.filter(pl.col("end_at") > pl.col("start_at"))
    days = work.group_by("rider", "day").agg(
        worked=(
            pl.when(pl.col("activity") == "delivering")
            .then(pl.col("end_at") - pl.col("start_at"))
            .otherwise(0.0)
        ).sum(),
        confirmed=pl.col("overtime_confirmed").fill_null(False).any(),
        start=pl.col("start_at").min(),
        end=pl.col("end_at").max(),
    )
    over = days.filter((pl.col("worked") > threshold * 60) & ~pl.col("confirmed"))
    rows = over.with_columns(
        worked_min=(pl.col("worked") / 60).round(1),
        threshold_min=pl.lit(threshold),
        severity=pl.col("worked") / 60 - threshold,
    )
    return Outcome(
        applicable=True,
        requirement={"threshold_min": threshold},
        per_day=_per_day(days, over, ["rider"]),
        findings=_findings(
            rows,
            "daily_hours",
            "fatigue.daily_confirmation_after_min",
            ["worked_min", "threshold_min"],
        ),
    )


# --- lateness ----------------------------------------------------------------------------


def check_lateness_deductions(
    log: DecisionLog, rulebook: Rulebook, settings: CheckSettings
) -> Outcome:
    rules = rulebook.service_score
    grace_s = rules.late_grace_min * 60
    deductions = (
        log.pay.filter(
            (pl.col("line") == "deduction")
            & (pl.col("reason") == "lateness")
            & (pl.col("amount_fen") < 0)
        )
        .group_by("rider", "order", "day")
        .agg(deducted_fen=-pl.col("amount_fen").sum(), at=pl.col("at").min())
    )
    late = log.orders.filter(
        pl.col("delivered_at").is_not_null() & (pl.col("delivered_at") > pl.col("promised_at"))
    ).with_columns(late_s=pl.col("delivered_at") - pl.col("promised_at"))
    if rules.lateness_deducts_money:
        past_grace = (pl.col("late_s") - grace_s).clip(lower_bound=0)
        fine = _ceil_div(past_grace.ceil().cast(pl.Int64), 60) * rules.late_fine_fen_per_min
        if rules.late_fine_cap_fen is not None:
            fine = pl.min_horizontal(fine, pl.lit(rules.late_fine_cap_fen))
        exempt = pl.col("late_cause").is_in(list(rules.exempt_causes)).fill_null(False)
        allowed = pl.when(exempt).then(0).otherwise(fine)
    else:
        allowed = pl.lit(0)
    orders = late.select(
        "order",
        "placed_at",
        "delivered_at",
        "late_s",
        "late_cause",
        order_day="day",
        order_rider="rider",
    ).with_columns(allowed_fen=allowed.cast(pl.Int64))
    judged = deductions.join(orders, on="order", how="left").with_columns(
        pl.col("allowed_fen").fill_null(0),
        day=pl.coalesce("order_day", "day"),
        rider=pl.coalesce("rider", "order_rider"),
        late_min=(pl.col("late_s").fill_null(0) / 60).round(1),
    )
    short = judged.filter(pl.col("deducted_fen") > pl.col("allowed_fen"))
    rows = short.with_columns(
        orders=pl.concat_list(pl.col("order")),
        start=pl.coalesce("placed_at", "at"),
        end=pl.coalesce("delivered_at", "at"),
        severity=(pl.col("deducted_fen") - pl.col("allowed_fen")).cast(pl.Float64),
    )
    checked = pl.concat(
        [late.select("day", "order"), deductions.select("day", "order")], how="vertical"
    )
    cap = rules.late_fine_cap_fen
    return Outcome(
        applicable=True,
        requirement={"allowed_fen": cap if rules.lateness_deducts_money and cap else 0},
        per_day=_per_day(checked, short, ["order"]),
        findings=_findings(
            rows,
            "lateness_deductions",
            "service_score.lateness_deducts_money",
            ["deducted_fen", "allowed_fen", "late_min"],
        ),
    )


# --- difficult orders --------------------------------------------------------------------


def _tiered(value: pl.Expr, tiers: list[tuple[int, int, int]]) -> pl.Expr:
    """rules.pricing._tiered_pay over a column: steps once per tier reached, rates per band
    (per 1000 units), the rate total rounded up to the fen."""
    steps: pl.Expr = pl.lit(0, pl.Int64)
    rated: pl.Expr = pl.lit(0, pl.Int64)
    for index, (above, step, rate) in enumerate(tiers):
        high = tiers[index + 1][0] if index + 1 < len(tiers) else None
        top = pl.min_horizontal(value, pl.lit(high)) if high is not None else value
        inside = (top - above).clip(lower_bound=0)
        steps = steps + pl.when(inside > 0).then(step).otherwise(0)
        rated = rated + inside * rate
    return steps + _ceil_div(rated, 1000)


def _supplement_check(
    log: DecisionLog,
    check: str,
    clause: str,
    required: pl.Expr,
    line: str,
    values: dict[str, pl.Expr],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    orders = log.orders.with_columns(required_fen=required.cast(pl.Int64), **values).filter(
        pl.col("required_fen") > 0
    )
    judged = _with_paid(orders, log, line)
    short = judged.filter(pl.col("paid_fen") < pl.col("required_fen"))
    findings = _order_findings(
        short,
        check,
        clause,
        pl.col("required_fen") - pl.col("paid_fen"),
        [*values, "required_fen", "paid_fen"],
    )
    return _order_day_counts(orders, short), findings


def check_weight_pay(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    tiers = [(t.above_g, t.step_fen, t.fen_per_kg) for t in rulebook.pricing.weight_tiers]
    if not tiers or all(step == 0 and rate == 0 for _, step, rate in tiers):
        return Outcome(applicable=False)
    per_day, findings = _supplement_check(
        log,
        "weight_pay",
        "pricing.weight_tiers",
        _tiered(pl.col("weight_g").fill_null(0), tiers),
        "weight",
        {"weight_g": pl.col("weight_g")},
    )
    return Outcome(True, {"above_g": tiers[0][0]}, per_day, findings)


def check_stairs_pay(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    stairs = rulebook.pricing.stairs
    if stairs.fen_per_floor == 0:
        return Outcome(applicable=False)
    paid_floors = (pl.col("floors_walked").fill_null(0) - stairs.free_floors).clip(lower_bound=0)
    per_day, findings = _supplement_check(
        log,
        "stairs_pay",
        "pricing.stairs",
        paid_floors * stairs.fen_per_floor,
        "stairs",
        {"floors": pl.col("floors_walked")},
    )
    requirement = {"free_floors": stairs.free_floors, "rate_fen": stairs.fen_per_floor}
    return Outcome(True, requirement, per_day, findings)


def check_bulky_pay(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    rate = rulebook.pricing.bulky_fen
    if rate == 0:
        return Outcome(applicable=False)
    per_day, findings = _supplement_check(
        log,
        "bulky_pay",
        "pricing.bulky_fen",
        pl.when(pl.col("bulky").fill_null(False)).then(rate).otherwise(0),
        "bulky",
        {},
    )
    return Outcome(True, {"rate_fen": rate}, per_day, findings)


# --- promises and detours ----------------------------------------------------------------


def _street_rides(orders: pl.DataFrame, settings: CheckSettings) -> pl.DataFrame:
    """order, street_ride_s, street_signal_s for a sample of the orders with points (the
    same sample for the same log: the orders whose ids hash lowest)."""
    schema = {"order": pl.String, "street_ride_s": pl.Float64, "street_signal_s": pl.Float64}
    if settings.streets is None:
        return pl.DataFrame(schema=schema)
    points = ("pickup_lon", "pickup_lat", "dropoff_lon", "dropoff_lat")
    sample = (
        orders.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in points))
        .with_columns(depart=pl.coalesce("picked_up_at", "placed_at"))
        .sort(pl.col("order").hash(seed=19))
        .head(settings.streets_sample)
    )
    rows: list[tuple[str, float, float]] = []
    for order, a, b, c, d, depart in sample.select("order", *points, "depart").iter_rows():
        ride = settings.streets.ride((a, b), (c, d), depart)
        if ride is not None:
            rows.append((order, ride[0], ride[1]))
    return pl.DataFrame(rows, schema=schema, orient="row")


def check_eta_honesty(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    rules = rulebook.eta
    buffer_s = rules.promise_buffer_min * 60
    includes = (rules.include_signal_waits, rules.include_closures, rules.include_predicted_prep)
    if not any(includes) and buffer_s == 0:
        return Outcome(applicable=False)
    orders = log.orders.filter(pl.col("eta_travel_s").is_not_null())
    streets = _street_rides(orders, settings)
    orders = orders.join(streets, on="order", how="left")
    # The streets' own estimate of the ride counts only where it is longer than what the
    # platform says it used: a promise is never judged short on a guess that flatters it.
    travel = pl.max_horizontal(pl.col("eta_travel_s"), pl.col("street_ride_s").fill_null(0.0))
    signals = pl.max_horizontal(
        pl.col("eta_signal_s").fill_null(0.0), pl.col("street_signal_s").fill_null(0.0)
    )
    required = travel + buffer_s
    if rules.include_signal_waits:
        required = required + signals
    if rules.include_closures:
        required = required + pl.col("eta_closure_s").fill_null(0.0)
    if rules.include_predicted_prep:
        required = required + pl.col("eta_prep_s").fill_null(0.0)
    orders = orders.with_columns(
        required_s=required,
        promised_s=pl.col("promised_at") - pl.col("placed_at"),
        estimate=pl.when(pl.col("street_ride_s").is_not_null())
        .then(pl.lit("streets"))
        .otherwise(pl.lit("platform")),
    )
    tolerance_s = settings.eta_tolerance_s
    short = orders.filter(pl.col("promised_s") < pl.col("required_s") - tolerance_s).with_columns(
        promised_min=(pl.col("promised_s") / 60).round(1),
        required_min=(pl.col("required_s") / 60).round(1),
        short_min=((pl.col("required_s") - pl.col("promised_s")) / 60).round(1),
    )
    findings = _order_findings(
        short,
        "eta_honesty",
        "eta.include_signal_waits",
        (pl.col("required_s") - pl.col("promised_s")) / 60,
        ["promised_min", "required_min", "short_min", "estimate"],
    )
    requirement = {
        "buffer_min": rules.promise_buffer_min,
        "tolerance_s": tolerance_s,
        "streets_checked": streets.height,
    }
    return Outcome(True, requirement, _order_day_counts(orders, short), findings)


def _detoured(log: DecisionLog) -> pl.DataFrame:
    """Orders with a detour forced by a traffic-control event the log lists."""
    known = log.events.select("event").unique()
    return log.orders.filter(
        (pl.col("detour_m").fill_null(0) > 0) | (pl.col("detour_s").fill_null(0) > 0)
    ).join(known, on="event", how="semi")


def check_detour_pay(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    detour = rulebook.pricing.traffic_control_detour
    if detour.fen_per_km == 0 and detour.fen_per_min == 0:
        return Outcome(applicable=False)
    metres = pl.col("detour_m").fill_null(0).ceil().cast(pl.Int64)
    seconds = pl.col("detour_s").fill_null(0).ceil().cast(pl.Int64)
    required = _ceil_div(metres * detour.fen_per_km, 1000) + _ceil_div(
        seconds * detour.fen_per_min, 60
    )
    orders = _detoured(log).with_columns(required_fen=required)
    judged = _with_paid(orders, log, "detour")
    short = judged.filter(pl.col("paid_fen") < pl.col("required_fen")).with_columns(
        detour_min=(pl.col("detour_s").fill_null(0) / 60).round(1),
        detour_m=pl.col("detour_m").fill_null(0).round(0),
    )
    findings = _order_findings(
        short,
        "detour_pay",
        "pricing.traffic_control_detour",
        pl.col("required_fen") - pl.col("paid_fen"),
        ["detour_m", "detour_min", "event", "required_fen", "paid_fen"],
    )
    requirement = {"per_km_fen": detour.fen_per_km, "per_min_fen": detour.fen_per_min}
    return Outcome(True, requirement, _order_day_counts(orders, short), findings)


def check_detour_time(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    if "traffic_control" not in rulebook.service_score.exempt_causes:
        return Outcome(applicable=False)
    orders = _detoured(log).filter(pl.col("delivered_at").is_not_null())
    wrong = orders.filter(
        pl.col("counted_late").fill_null(False)
        & (pl.col("delivered_at") <= pl.col("promised_at") + pl.col("detour_s").fill_null(0))
    ).with_columns(
        late_min=((pl.col("delivered_at") - pl.col("promised_at")).clip(lower_bound=0) / 60).round(
            1
        ),
        detour_min=(pl.col("detour_s").fill_null(0) / 60).round(1),
    )
    findings = _order_findings(
        wrong,
        "detour_time",
        "service_score.exempt_causes",
        pl.col("late_min"),
        ["late_min", "detour_min", "event"],
    )
    return Outcome(True, {}, _order_day_counts(orders, wrong), findings)


# --- combining ---------------------------------------------------------------------------


def check_on_route(log: DecisionLog, rulebook: Rulebook, settings: CheckSettings) -> Outcome:
    rules = rulebook.combining
    target = rules.target_on_route_pct
    if target is None:
        return Outcome(applicable=False)
    sizes = log.orders.filter(pl.col("trip").is_not_null()).group_by("trip").agg(size=pl.len())
    combined = (
        log.orders.join(sizes.filter(pl.col("size") >= 2), on="trip", how="semi")
        .filter(pl.col("solo_s").is_not_null() & pl.col("trip_s").is_not_null())
        .with_columns(
            extra_s=pl.col("trip_s") - pl.col("solo_s"),
            extra_m=pl.col("trip_m").fill_null(0) - pl.col("solo_m").fill_null(0),
        )
    )
    time_ok = (
        pl.lit(True)
        if rules.max_extra_min is None
        else pl.col("extra_s") <= rules.max_extra_min * 60
    )
    limit = rules.max_extra_distance_pct
    distance_ok = (
        pl.lit(True)
        if limit is None
        else pl.col("extra_m") * 100 <= limit * pl.col("solo_m").fill_null(0)
    )
    judged = combined.with_columns(on_route=time_ok & distance_ok)
    days = (
        judged.group_by("day")
        .agg(
            combined=pl.len(),
            off=(~pl.col("on_route")).sum(),
            start=pl.col("placed_at").min(),
            end=pl.col("placed_at").max(),
        )
        .with_columns(rate=(100 * (pl.col("combined") - pl.col("off")) / pl.col("combined")))
        .sort("day")
    )
    below = days.filter(pl.col("rate") <= target)
    worst = (
        judged.filter(~pl.col("on_route"))
        .sort("extra_s", descending=True)
        .group_by("day", maintain_order=True)
        .agg(orders=pl.col("order").head(EVIDENCE_ORDERS))
    )
    rows = below.join(worst, on="day", how="left").with_columns(
        on_route_pct=pl.col("rate").round(1),
        target_pct=pl.lit(target),
        off_route=pl.col("off"),
        severity=target - pl.col("rate"),
    )
    findings = _findings(
        rows,
        "on_route",
        "combining.target_on_route_pct",
        ["on_route_pct", "combined", "target_pct", "off_route"],
    )
    per_day = days.select(
        "day",
        checked=pl.col("combined").cast(pl.Int64),
        breaches=(pl.col("rate") <= target).cast(pl.Int64),
    )
    total = int(days["combined"].sum()) if days.height else 0
    overall = None if total == 0 else 100 * (total - int(days["off"].sum())) / total
    requirement = {
        "target_pct": target,
        "max_extra_min": rules.max_extra_min,
        "max_extra_pct": limit,
    }
    return Outcome(
        applicable=True,
        requirement=requirement,
        per_day=per_day,
        findings=findings,
        rate_by_day=days.select("day", "rate"),
        rate=overall,
        threshold=float(target),
    )


# --- the hourly guarantee ----------------------------------------------------------------


def check_hourly_guarantee(
    log: DecisionLog, rulebook: Rulebook, settings: CheckSettings
) -> Outcome:
    guarantee = rulebook.guarantee
    if guarantee.hourly_minimum_fen == 0:
        return Outcome(applicable=False)
    kinds = ["delivering"] if guarantee.active_time == "on_order" else ["delivering", "waiting"]
    spans = (
        log.work.filter(pl.col("activity").is_in(kinds) & (pl.col("end_at") > pl.col("start_at")))
        .select("rider", "day", "start_at", "end_at")
        .sort("rider", "day", "start_at")
        .with_columns(reach=pl.col("end_at").cum_max().shift(1).over("rider", "day"))
        .with_columns(
            # Overlaps counted once, as rules.statement.active_seconds does.
            counted=(
                pl.col("end_at") - pl.max_horizontal("start_at", pl.col("reach").fill_null(0.0))
            ).clip(lower_bound=0)
        )
    )
    active = spans.group_by("rider", "day").agg(
        active=pl.col("counted").sum().floor(),
        start=pl.col("start_at").min(),
        end=pl.col("end_at").max(),
    )
    paid = log.pay.group_by("rider", "day").agg(paid_fen=pl.col("amount_fen").sum())
    judged = (
        active.join(paid, on=["rider", "day"], how="left")
        .with_columns(
            pl.col("paid_fen").fill_null(0),
            required_fen=_ceil_div(
                pl.col("active").cast(pl.Int64) * guarantee.hourly_minimum_fen, 3600
            ),
        )
        .filter(pl.col("active") > 0)
    )
    short = judged.filter(pl.col("paid_fen") < pl.col("required_fen")).with_columns(
        active_min=(pl.col("active") / 60).round(1),
        short_fen=pl.col("required_fen") - pl.col("paid_fen"),
        severity=pl.col("required_fen") - pl.col("paid_fen"),
    )
    findings = _findings(
        short,
        "hourly_guarantee",
        "guarantee.hourly_minimum_fen",
        ["active_min", "paid_fen", "required_fen", "short_fen"],
    )
    return Outcome(
        True,
        {"rate_fen": guarantee.hourly_minimum_fen},
        _per_day(judged, short, ["rider"]),
        findings,
    )


CHECK_FUNCTIONS: dict[str, Check] = {
    "rest": check_rest,
    "daily_hours": check_daily_hours,
    "lateness_deductions": check_lateness_deductions,
    "weight_pay": check_weight_pay,
    "stairs_pay": check_stairs_pay,
    "bulky_pay": check_bulky_pay,
    "eta_honesty": check_eta_honesty,
    "detour_pay": check_detour_pay,
    "detour_time": check_detour_time,
    "on_route": check_on_route,
    "hourly_guarantee": check_hourly_guarantee,
}
