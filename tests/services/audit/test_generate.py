"""Synthetic decision logs: every line is valid against the published JSON Schema, the day
keeps every clause of the rulebook (checked here with the rules' own functions, not the
audit's), the writer's formats read back the same, and planted breaches change the log
exactly where their records say."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import polars as pl
import pytest

from gigcity.rules import (
    OrderFacts,
    Rulebook,
    eta_promise,
    load_rulebook,
    quote_order,
    work_stretches,
)
from gigcity.services.audit.generate import (
    Planted,
    applicable_checks,
    plant_breaches,
    synthetic_log,
)
from gigcity.services.audit.logformat import COLUMN_NAMES, json_schema
from gigcity.services.audit.logwriter import (
    FORMATS,
    empty_log,
    json_lines,
    log_bytes,
    log_frame,
    write_log,
)

DAY = date(2026, 5, 12)
ZONE = ZoneInfo("Asia/Shanghai")
SAMPLE = Path(__file__).parents[3] / "docs" / "audit" / "decision-log-sample.jsonl"


@cache
def putuo() -> Rulebook:
    return load_rulebook("putuo-2025")


@cache
def day_log(seed: int = 7, orders: int = 400, riders: int = 16) -> pl.DataFrame:
    return synthetic_log(orders=orders, riders=riders, rulebook=putuo(), day=DAY, seed=seed)


def _kind(log: pl.DataFrame, kind: str) -> pl.DataFrame:
    return log.filter(pl.col("kind") == kind)


def _seconds(column: str) -> pl.Expr:
    return pl.col(column).dt.epoch("s")


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def _invalid_lines(lines: list[str]) -> list[str]:
    validator = _validator()
    return [line for line in lines if not validator.is_valid(json.loads(line))]


# --- the writer ------------------------------------------------------------------------------


def test_a_frame_has_every_published_column_typed() -> None:
    log = log_frame([{"kind": "traffic_control", "event": "tc-1"}])
    assert tuple(log.columns) == COLUMN_NAMES
    assert log.schema["start_at"] == pl.Datetime("us", "UTC")
    assert log.schema["amount_fen"] == pl.Int64
    assert empty_log().is_empty()
    with pytest.raises(ValueError, match="wheels"):
        log_frame([{"kind": "order", "wheels": 2}])


def test_json_lines_hold_only_the_rows_values_with_local_times() -> None:
    log = log_frame(
        [
            {
                "kind": "traffic_control",
                "event": 'tc "north"',
                "start_at": datetime(2026, 5, 12, 3, 32, 5, tzinfo=UTC),
                "end_at": datetime(2026, 5, 12, 4, 0, 0, 500_000, tzinfo=UTC),
                "area": "Caoyang Road\\Lane 3\n",
            }
        ]
    )
    (line,) = json_lines(log).to_list()
    assert json.loads(line) == {
        "kind": "traffic_control",
        "event": 'tc "north"',
        "start_at": "2026-05-12T11:32:05+08:00",
        "end_at": "2026-05-12T12:00:00.500+08:00",
        "area": "Caoyang Road\\Lane 3\n",
    }
    assert _invalid_lines([line]) == []


def test_write_log_picks_the_format_by_suffix(tmp_path: Path) -> None:
    log = day_log(orders=30, riders=2)
    for fmt in FORMATS:
        path = write_log(log, tmp_path / f"day.{fmt}")
        assert path.read_bytes() == log_bytes(log, fmt)
    assert (tmp_path / "day.parquet").read_bytes()[:4] == b"PAR1"
    assert (tmp_path / "day.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    with pytest.raises(ValueError, match=r"\.jsonl"):
        write_log(log, tmp_path / "day.xlsx")
    with pytest.raises(ValueError, match="format"):
        log_bytes(log, "xml")


def test_every_format_reads_back_the_same_log() -> None:
    from gigcity.services.audit.logfile import read_log

    log = day_log(orders=120, riders=5)
    try:
        logs = {fmt: read_log(log_bytes(log, fmt), f"day.{fmt}") for fmt in FORMATS}
    except NotImplementedError:
        pytest.skip("logfile.read_log is not written yet")
    reference = logs["parquet"]
    assert reference.refused == 0
    assert reference.rows == log.height
    assert reference.days == (DAY,)
    assert sorted(reference.orders["order"]) == sorted(_kind(log, "order")["order"])
    assert reference.pay["amount_fen"].sum() == _kind(log, "pay")["amount_fen"].sum()
    placed = _kind(log, "order").sort("order")["placed_at"].dt.epoch("s").cast(pl.Float64)
    assert reference.orders.sort("order")["placed_at"].to_list() == placed.to_list()
    for fmt, read in logs.items():
        for part in ("orders", "trips", "work", "pay", "events"):
            assert getattr(read, part).equals(getattr(reference, part)), (fmt, part)


# --- the synthetic day -----------------------------------------------------------------------


def test_every_line_of_a_synthetic_day_validates_against_the_schema() -> None:
    lines = json_lines(day_log(orders=150, riders=6)).to_list()
    assert len(lines) > 150
    assert _invalid_lines(lines) == []


def test_the_same_seed_gives_the_same_day() -> None:
    one = synthetic_log(orders=50, riders=3, rulebook=putuo(), day=DAY, seed=1)
    assert one.equals(synthetic_log(orders=50, riders=3, rulebook=putuo(), day=DAY, seed=1))
    assert not one.equals(synthetic_log(orders=50, riders=3, rulebook=putuo(), day=DAY, seed=2))


def test_a_day_has_every_kind_of_difficult_order() -> None:
    log = day_log()
    orders = _kind(log, "order")
    assert orders.height == 400
    assert orders["rider"].n_unique() == 16
    assert (orders.group_by("trip").len()["len"] == 2).any()  # combined trips
    assert (orders.group_by("trip").len()["len"] == 1).mean() > 0.7  # most trips single
    assert (orders["weight_g"] > 5000).any()
    assert (orders["floors_walked"] > 2).any()
    assert orders["bulky"].any()
    assert orders["counted_late"].any()
    detoured = orders.filter(pl.col("event").is_not_null())
    assert not detoured.is_empty()
    assert set(detoured["event"]) <= set(_kind(log, "traffic_control")["event"])
    assert (_kind(log, "work")["activity"] == "rest").any()
    assert (_kind(log, "pay")["line"] == "guarantee").any()
    assert _kind(log, "work")["overtime_confirmed"].any()
    # The day is the district's local day of the first time of each record.
    assert set(orders["placed_at"].dt.convert_time_zone("Asia/Shanghai").dt.date()) == {DAY}


def _paid(log: pl.DataFrame, line: str) -> dict[str, int]:
    lines = _kind(log, "pay").filter(pl.col("line") == line)
    return dict(lines.group_by("order").agg(pl.col("amount_fen").sum()).iter_rows())


def _order_facts(row: dict[str, object]) -> OrderFacts:
    floors = row["floors_walked"]
    assert isinstance(row["delivered_at"], datetime)
    local = row["delivered_at"].astimezone(ZONE)
    return OrderFacts(
        order_id=str(row["order"]),
        distance_m=int(row["distance_m"]),  # type: ignore[call-overload]
        weight_g=int(row["weight_g"]),  # type: ignore[call-overload]
        bulky=bool(row["bulky"]),
        floor=int(floors) + 1 if floors is not None else 1,  # type: ignore[call-overload]
        has_lift=floors is None,
        at_s=local.hour * 3600 + local.minute * 60 + local.second,
        traffic_control_detour_m=int(row["detour_m"] or 0),  # type: ignore[call-overload]
        traffic_control_detour_s=int(row["detour_s"] or 0),  # type: ignore[call-overload]
    )


_LINE_OF_CLAUSE = {
    "pricing.base_fare_fen": "base",
    "pricing.distance_tiers": "distance",
    "pricing.weight_tiers": "weight",
    "pricing.bulky_fen": "bulky",
    "pricing.stairs": "stairs",
    "pricing.traffic_control_detour": "detour",
}


def test_difficult_orders_are_paid_at_least_what_quote_order_gives() -> None:
    log = day_log()
    paid = {line: _paid(log, line) for line in _LINE_OF_CLAUSE.values()}
    for row in _kind(log, "order").iter_rows(named=True):
        quote = quote_order(putuo(), _order_facts(row))
        for quote_line in quote.lines:
            line = _LINE_OF_CLAUSE.get(quote_line.clause)
            if line is not None:
                got = paid[line].get(row["order"], 0)
                assert got >= quote_line.amount_fen, (row["order"], line)


def test_shifts_keep_the_rest_and_the_daily_threshold() -> None:
    fatigue = putuo().fatigue
    assert fatigue.daily_confirmation_after_min is not None
    work = _kind(day_log(), "work")
    for (rider,), rows in work.group_by("rider"):
        delivering = rows.filter(pl.col("activity") == "delivering")
        spans = list(
            zip(
                delivering["start_at"].dt.epoch("s"),
                delivering["end_at"].dt.epoch("s"),
                strict=True,
            )
        )
        assert not any(s.breach for s in work_stretches(putuo(), spans)), rider
        worked_s = sum(end - start for start, end in spans)
        confirmed = bool(rows["overtime_confirmed"].any())
        assert worked_s <= fatigue.daily_confirmation_after_min * 60 or confirmed, rider


def test_promises_are_at_least_what_the_eta_clauses_require() -> None:
    for row in _kind(day_log(), "order").iter_rows(named=True):
        required = eta_promise(
            putuo(),
            travel_s=row["eta_travel_s"],
            signal_wait_s=row["eta_signal_s"],
            closure_extra_s=row["eta_closure_s"],
            prep_s=row["eta_prep_s"],
        ).total_s
        assert (row["promised_at"] - row["placed_at"]).total_seconds() >= required


def test_no_money_is_taken_for_lateness_and_detour_delays_are_excused() -> None:
    log = day_log()
    assert not (_kind(log, "pay")["line"] == "deduction").any()
    detoured_late = _kind(log, "order").filter(
        pl.col("event").is_not_null() & (pl.col("delivered_at") > pl.col("promised_at"))
    )
    assert not detoured_late.is_empty()
    assert not detoured_late["counted_late"].any()
    late_s = (detoured_late["delivered_at"] - detoured_late["promised_at"]).dt.total_seconds()
    assert (late_s <= detoured_late["detour_s"]).all()


def test_every_rider_day_is_paid_the_hourly_guarantee() -> None:
    log = day_log()
    rate = putuo().guarantee.hourly_minimum_fen
    active = (
        _kind(log, "work")
        .filter(pl.col("activity") == "delivering")
        .group_by("rider")
        .agg((_seconds("end_at") - _seconds("start_at")).sum().alias("active_s"))
    )
    pay = _kind(log, "pay").group_by("rider").agg(pl.col("amount_fen").sum().alias("paid"))
    for rider, active_s, paid in active.join(pay, on="rider").iter_rows():
        assert paid >= -(-active_s * rate // 3600), rider


def test_combined_orders_are_on_the_way_above_the_target() -> None:
    combining = putuo().combining
    orders = _kind(day_log(), "order")
    sizes = orders.group_by("trip").len()
    combined = orders.join(sizes, on="trip").filter(pl.col("len") >= 2)
    on_way = [
        combining.allows(row["solo_s"], row["trip_s"], row["solo_m"], row["trip_m"])
        for row in combined.iter_rows(named=True)
    ]
    assert 100 * sum(on_way) / len(on_way) > (combining.target_on_route_pct or 0)


def test_too_many_orders_for_the_riders_is_refused() -> None:
    with pytest.raises(ValueError, match="per rider"):
        synthetic_log(orders=500, riders=2, rulebook=putuo(), day=DAY, seed=1)


# --- planted breaches ------------------------------------------------------------------------


@cache
def planted_log() -> tuple[pl.DataFrame, tuple[Planted, ...]]:
    return plant_breaches(day_log(orders=800, riders=30), putuo(), seed=3)


def test_each_applicable_check_gets_its_breaches_on_distinct_riders() -> None:
    _, planted = planted_log()
    counts = Counter(p.check for p in planted)
    assert counts == {
        check: 1 if check == "on_route" else 3 for check in applicable_checks(putuo())
    }
    riders = [p.rider for p in planted if p.rider is not None]
    assert len(riders) == len(set(riders))
    assert {p.day for p in planted} == {DAY}


def test_only_the_checks_a_rulebook_has_are_planted() -> None:
    baseline = load_rulebook("baseline-2024")
    assert applicable_checks(baseline) == ("lateness_deductions",)
    log = synthetic_log(orders=200, riders=8, rulebook=baseline, day=DAY, seed=1)
    _, planted = plant_breaches(log, baseline, seed=1, per_check=2)
    assert [p.check for p in planted] == ["lateness_deductions"] * 2
    _, only = plant_breaches(day_log(), putuo(), seed=1, per_check=1, checks=["bulky_pay"])
    assert [p.check for p in only] == ["bulky_pay"]
    with pytest.raises(ValueError, match="naps"):
        plant_breaches(day_log(), putuo(), seed=1, checks=["naps"])


def _one_order(log: pl.DataFrame, planted: Planted) -> dict[str, object]:
    (order,) = planted.orders
    return _kind(log, "order").filter(pl.col("order") == order).row(0, named=True)


def test_planted_breaches_are_in_the_log_where_recorded() -> None:
    log, planted = planted_log()
    book = putuo()
    before = day_log(orders=800, riders=30)
    pay = _kind(log, "pay")
    for record in planted:
        if record.check == "rest":
            work = _kind(log, "work").filter(
                (pl.col("rider") == record.rider) & (pl.col("activity") == "delivering")
            )
            spans = zip(work["start_at"].dt.epoch("s"), work["end_at"].dt.epoch("s"), strict=True)
            breach = next(s for s in work_stretches(book, spans) if s.breach)
            trips = _kind(log, "trip").filter(
                pl.col("trip").is_in(
                    _kind(log, "order")
                    .filter(pl.col("order").is_in(record.orders))["trip"]
                    .to_list()
                )
            )
            assert record.orders
            assert (trips["assigned_at"].dt.epoch("s") > breach.rest_due_at_s).all()
        elif record.check == "daily_hours":
            work = _kind(log, "work").filter(pl.col("rider") == record.rider)
            assert not work["overtime_confirmed"].any()
            delivering = work.filter(pl.col("activity") == "delivering")
            worked = (delivering["end_at"] - delivering["start_at"]).dt.total_seconds().sum()
            assert worked > (book.fatigue.daily_confirmation_after_min or 0) * 60
        elif record.check == "lateness_deductions":
            order = _one_order(log, record)
            assert order["counted_late"]
            lines = pay.filter(
                (pl.col("order") == order["order"]) & (pl.col("reason") == "lateness")
            )
            assert lines["amount_fen"].sum() < 0
        elif record.check in {"weight_pay", "stairs_pay", "bulky_pay", "detour_pay"}:
            line = {
                "weight_pay": "weight",
                "stairs_pay": "stairs",
                "bulky_pay": "bulky",
                "detour_pay": "detour",
            }[record.check]
            order = _one_order(log, record)
            required = next(
                q.amount_fen
                for q in quote_order(book, _order_facts(order)).lines
                if _LINE_OF_CLAUSE.get(q.clause) == line
            )
            assert _paid(log, line).get(str(order["order"]), 0) <= required - 100
        elif record.check == "eta_honesty":
            order = _one_order(log, record)
            required = eta_promise(
                book,
                travel_s=order["eta_travel_s"],  # type: ignore[arg-type]
                signal_wait_s=order["eta_signal_s"],  # type: ignore[arg-type]
                closure_extra_s=order["eta_closure_s"],  # type: ignore[arg-type]
                prep_s=order["eta_prep_s"],  # type: ignore[arg-type]
            ).total_s
            promised = order["promised_at"] - order["placed_at"]  # type: ignore[operator]
            assert promised.total_seconds() < required - 120
        elif record.check == "detour_time":
            order = _one_order(log, record)
            assert order["counted_late"]
            assert order["event"] is not None
            late = (order["delivered_at"] - order["promised_at"]).total_seconds()  # type: ignore[operator]
            assert late <= order["detour_s"]  # type: ignore[operator]
        elif record.check == "on_route":
            assert record.rider is None
            orders = _kind(log, "order")
            combined = orders.join(orders.group_by("trip").len(), on="trip").filter(
                pl.col("len") >= 2
            )
            off = {
                row["order"]
                for row in combined.iter_rows(named=True)
                if not book.combining.allows(
                    row["solo_s"], row["trip_s"], row["solo_m"], row["trip_m"]
                )
            }
            assert off == set(record.orders)
            assert (
                100 * (combined.height - len(off))
                <= (book.combining.target_on_route_pct or 0) * combined.height
            )
        elif record.check == "hourly_guarantee":
            work = _kind(log, "work").filter(
                (pl.col("rider") == record.rider) & (pl.col("activity") == "delivering")
            )
            active = (work["end_at"] - work["start_at"]).dt.total_seconds().sum()
            paid = pay.filter(pl.col("rider") == record.rider)["amount_fen"].sum()
            assert paid <= -(-active * book.guarantee.hourly_minimum_fen // 3600) - 100
        else:
            pytest.fail(f"no assertion for {record.check}")
    assert log.height >= before.height - 12  # dropped lines only where a supplement was cut


def test_the_sample_in_the_docs_is_valid_and_has_every_kind_of_record() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert _invalid_lines(lines) == []
    records = [json.loads(line) for line in lines]
    assert {r["rider"] for r in records if "rider" in r} == {"rider-00001", "rider-00002"}
    assert Counter(r["kind"] for r in records).keys() == {
        "order",
        "trip",
        "work",
        "pay",
        "traffic_control",
    }
    lines_paid = {r["line"] for r in records if r["kind"] == "pay"}
    assert {"base", "weight", "stairs", "detour", "guarantee"} <= lines_paid
    assert any(r.get("activity") == "rest" for r in records)
    assert any(r.get("route", "").count("D:") == 2 for r in records)


def test_a_simulated_day_is_written_as_valid_lines_with_its_statement() -> None:
    from gigcity.rules import ActivitySpan, day_statement
    from gigcity.services.audit.logwriter import conform
    from gigcity.sim.scenarios import generate_scenario, simulate_scenario
    from gigcity.sim.scenarios.decision_log import log_from_day

    scenario = generate_scenario("putuo-weekday", seed=2, orders=120)
    outcome = simulate_scenario(scenario, putuo())
    log = conform(log_from_day(outcome, putuo(), day=DAY))
    assert _invalid_lines(json_lines(log).to_list()) == []
    orders = _kind(log, "order")
    assert orders.height == 120 - len(outcome.undelivered)
    assert set(orders["placed_at"].dt.convert_time_zone("Asia/Shanghai").dt.date()) == {DAY}
    # A rider's pay lines add up to what the rules' own day statement pays them.
    rider = orders["rider"][0]
    mine = _kind(log, "pay").filter(pl.col("rider") == rider)
    work = _kind(log, "work").filter(
        (pl.col("rider") == rider) & (pl.col("activity") == "delivering")
    )
    spans = [
        ActivitySpan(start_s=int(s), end_s=int(e), kind="on_order")
        for s, e in zip(work["start_at"].dt.epoch("s"), work["end_at"].dt.epoch("s"), strict=True)
    ]
    statement = day_statement(putuo(), [], spans)
    assert mine["amount_fen"].sum() >= statement.guaranteed_fen


def test_the_sample_in_the_docs_is_the_one_the_api_hands_out() -> None:
    from gigcity.services.audit.sample import sample_log

    assert SAMPLE.read_bytes() == sample_log()
