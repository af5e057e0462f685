"""The audit's checks against the rules engine's own arithmetic: the same stretches as the
fatigue clock, the same supplements as a quote, the same active time as a statement; and
each check finds what breaks its clause and nothing else."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.rules import OrderFacts, Rulebook, load_rulebook, quote_order, work_stretches
from gigcity.rules.statement import ActivitySpan, active_seconds
from gigcity.services.audit.checks import (
    CheckSettings,
    _stretches,
    check_eta_honesty,
    check_hourly_guarantee,
    check_lateness_deductions,
)
from gigcity.services.audit.engine import audit, compare_reports
from gigcity.services.audit.logfile import DecisionLog, read_log

PUTUO = load_rulebook("putuo-2025")
BASELINE = load_rulebook("baseline-2024")
SHANGHAI = timezone(timedelta(hours=8))
MIDNIGHT = datetime(2026, 5, 12, tzinfo=SHANGHAI)
Row = dict[str, object]
SUPPLEMENTS = {
    "weight_pay": "pricing.weight_tiers",
    "stairs_pay": "pricing.stairs",
    "bulky_pay": "pricing.bulky_fen",
    "detour_pay": "pricing.traffic_control_detour",
}


def at(seconds: float) -> str:
    return (MIDNIGHT + timedelta(seconds=seconds)).isoformat()


def log_of(rows: list[Row]) -> DecisionLog:
    data = "\n".join(json.dumps(row) for row in rows).encode()
    return read_log(data, "log.jsonl")


def findings_of(rows: list[Row], rulebook: Rulebook = PUTUO) -> dict[str, list[Any]]:
    result = audit(log_of(rows), rulebook, key=None)
    found: dict[str, list[Any]] = {}
    for row in result.findings.iter_rows(named=True):
        found.setdefault(row["check"], []).append(row)
    return found


def order(name: str, **fields: object) -> Row:
    row: Row = {
        "kind": "order",
        "order": name,
        "rider": "r1",
        "placed_at": at(11 * 3600),
        "promised_at": at(11 * 3600 + 1800),
        "delivered_at": at(11 * 3600 + 1500),
    }
    row.update(fields)
    return row


def pay(line: str, amount: int, order_id: str | None = "o1", **fields: object) -> Row:
    row: Row = {
        "kind": "pay",
        "rider": "r1",
        "at": at(12 * 3600),
        "line": line,
        "amount_fen": amount,
    }
    if order_id is not None:
        row["order"] = order_id
    row.update(fields)
    return row


def work(start: float, end: float, activity: str = "delivering", **fields: object) -> Row:
    row: Row = {"kind": "work", "rider": "r1", "activity": activity}
    row.update(start_at=at(start), end_at=at(end))
    row.update(fields)
    return row


intervals = st.lists(
    st.tuples(st.integers(6 * 3600, 20 * 3600), st.integers(60, 3 * 3600)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=50)
@given(intervals)
def test_stretches_are_the_fatigue_clocks(spans: list[tuple[int, int]]) -> None:
    work_rows = [work(start, start + length) for start, length in spans]
    frame = _stretches(log_of(work_rows), PUTUO).sort("first")
    expected = work_stretches(PUTUO, [(float(s), float(s + n)) for s, n in spans])
    assert frame["first"].to_list() == [MIDNIGHT.timestamp() + s.start_s for s in expected]
    assert frame["counted"].to_list() == pytest.approx([s.continuous_s for s in expected])
    breaches = [s for s in expected if s.breach]
    due = frame.filter(frame["counted"] > 240 * 60)["due"].to_list()
    due_at = [s.rest_due_at_s for s in breaches]
    assert due == pytest.approx([MIDNIGHT.timestamp() + (d or 0.0) for d in due_at])
    assert None not in due_at


@settings(max_examples=50)
@given(intervals)
def test_active_time_is_the_statements(spans: list[tuple[int, int]]) -> None:
    rows = [work(start, start + length) for start, length in spans]
    outcome = check_hourly_guarantee(log_of(rows), PUTUO, CheckSettings())
    active = active_seconds(
        [ActivitySpan(kind="on_order", start_s=s, end_s=s + n) for s, n in spans], ["on_order"]
    )
    required = -(-active * 2500 // 3600)
    (finding,) = outcome.findings.iter_rows(named=True)
    assert json.loads(finding["values"])["required_fen"] == required


difficult = st.tuples(
    st.integers(0, 30_000),
    st.integers(0, 30),
    st.booleans(),
    st.integers(0, 5000),
    st.integers(0, 1800),
)


@settings(max_examples=30)
@given(st.lists(difficult, min_size=1, max_size=25))
def test_supplements_required_are_the_quotes(orders: list[tuple[int, int, bool, int, int]]) -> None:
    rows: list[Row] = [
        {"kind": "traffic_control", "event": "tc-1", "start_at": at(0), "end_at": at(86_000)}
    ]
    expected: dict[tuple[str, str], int] = {}
    for index, (weight_g, floors, bulky, detour_m, detour_s) in enumerate(orders):
        name = f"o{index}"
        facts = OrderFacts(
            distance_m=1000,
            weight_g=weight_g,
            bulky=bulky,
            floor=floors + 1,
            has_lift=False,
            at_s=11 * 3600,
            traffic_control_detour_m=detour_m,
            traffic_control_detour_s=detour_s,
        )
        lines = {line.clause: line.amount_fen for line in quote_order(PUTUO, facts).lines}
        for check, clause in SUPPLEMENTS.items():
            if lines.get(clause, 0):
                expected[(check, name)] = lines[clause]
        rows.append(
            order(
                name,
                weight_g=weight_g,
                floors_walked=floors,
                bulky=bulky,
                detour_m=detour_m,
                detour_s=detour_s,
                event="tc-1",
            )
        )
    found = findings_of(rows)
    required = {
        (check, finding["orders"][0]): json.loads(finding["values"])["required_fen"]
        for check in SUPPLEMENTS
        for finding in found.get(check, [])
    }
    assert required == expected


def test_paid_supplements_keep_the_clauses() -> None:
    rows = [
        order("o1", weight_g=12_000, floors_walked=5, bulky=True),
        pay("weight", 950),
        pay("stairs", 150),
        pay("bulky", 300),
    ]
    found = findings_of(rows)
    assert not {"weight_pay", "stairs_pay", "bulky_pay"} & found.keys()
    rows[1] = pay("weight", 949)
    assert [f["orders"] for f in findings_of(rows)["weight_pay"]] == [["o1"]]


def test_any_money_for_lateness_breaks_the_agreement() -> None:
    late = order("o1", delivered_at=at(11 * 3600 + 2400), counted_late=True)
    log = log_of([late, pay("deduction", -50, reason="lateness")])
    outcome = check_lateness_deductions(log, PUTUO, CheckSettings())
    (finding,) = outcome.findings.iter_rows(named=True)
    assert json.loads(finding["values"]) == {"deducted_fen": 50, "allowed_fen": 0, "late_min": 10.0}
    # A deduction for another reason is no lateness fine.
    other = log_of([late, pay("deduction", -50, reason="damage")])
    assert check_lateness_deductions(other, PUTUO, CheckSettings()).findings.height == 0


def test_fines_within_the_old_rules_are_kept_and_above_them_found() -> None:
    late = order("o1", delivered_at=at(11 * 3600 + 1800 + 10 * 60 + 1))  # 11 min started
    within = log_of([late, pay("deduction", -550, reason="lateness")])
    assert check_lateness_deductions(within, BASELINE, CheckSettings()).findings.height == 0
    above = log_of([late, pay("deduction", -551, reason="lateness")])
    assert check_lateness_deductions(above, BASELINE, CheckSettings()).findings.height == 1
    capped = order("o1", delivered_at=at(11 * 3600 + 1800 + 60 * 60))
    over_cap = log_of([capped, pay("deduction", -701, reason="lateness")])
    assert check_lateness_deductions(over_cap, BASELINE, CheckSettings()).findings.height == 1


def test_rest_breach_names_the_orders_dispatched_after_the_rest_was_due() -> None:
    rows: list[Row] = [
        work(8 * 3600, 10 * 3600),
        work(10 * 3600 + 600, 12 * 3600 + 1800),  # a 10-minute gap counts as work
        order("o1", trip="t1"),
        {"kind": "trip", "trip": "t1", "rider": "r1", "assigned_at": at(11 * 3600)},
        order("o2", trip="t2"),
        {"kind": "trip", "trip": "t2", "rider": "r1", "assigned_at": at(12 * 3600 + 60)},
    ]
    (finding,) = findings_of(rows)["rest"]
    assert finding["orders"] == ["o2"]
    assert json.loads(finding["values"]) == {
        "continuous_min": 270.0,
        "limit_min": 240,
        "due": "12:00",
        "orders_after": 1,
    }
    # A 20-minute rest in the middle keeps the clause.
    rows[1] = work(10 * 3600 + 1200, 12 * 3600 + 1800)
    assert "rest" not in findings_of(rows)


def test_a_detour_explains_lateness_only_within_its_minutes() -> None:
    event: Row = {
        "kind": "traffic_control",
        "event": "tc-1",
        "start_at": at(0),
        "end_at": at(80_000),
    }

    def detoured(late_s: int) -> list[Row]:
        delivered = at(11 * 3600 + 1800 + late_s)
        fields = {"delivered_at": delivered, "counted_late": True, "event": "tc-1"}
        paid = pay("detour", 1000)
        return [order("o1", detour_s=600, detour_m=0, **fields), event, paid]

    assert [f["orders"] for f in findings_of(detoured(300))["detour_time"]] == [["o1"]]
    assert "detour_time" not in findings_of(detoured(900))
    # An event the log does not list is no known traffic control.
    unknown = [r for r in detoured(300) if r["kind"] != "traffic_control"]
    assert "detour_time" not in findings_of(unknown)


def test_on_route_rate_is_judged_per_day_against_the_target() -> None:
    def pair(trip: str, extra_s: int) -> list[Row]:
        base = {"trip": trip, "solo_s": 600, "solo_m": 2000, "trip_m": 2000}
        return [
            order(f"{trip}-a", trip_s=600, **base),
            order(f"{trip}-b", trip_s=600 + extra_s, **base),
        ]

    rows: list[Row] = [row for i in range(5) for row in pair(f"t{i}", 0)]
    assert "on_route" not in findings_of(rows)
    rows += pair("t9", 11 * 60)  # 11 of 12 on the way: 91.7 % > 90 %
    assert "on_route" not in findings_of(rows)
    rows += pair("t8", 11 * 60)  # 12 of 14: 85.7 %
    (finding,) = findings_of(rows)["on_route"]
    assert set(finding["orders"]) == {"t9-b", "t8-b"}


def test_a_new_rulebook_version_changes_what_is_checked() -> None:
    rows = [work(8 * 3600, 11 * 3600 + 1800)]  # 3.5 hours without a break
    assert "rest" not in findings_of(rows)
    stricter = PUTUO.model_copy(
        update={
            "version": 2,
            "fatigue": PUTUO.fatigue.model_copy(update={"continuous_work_limit_min": 180}),
        }
    )
    assert len(findings_of(rows, stricter)["rest"]) == 1
    report = audit(log_of(rows), BASELINE, key=None).report
    applicable = {c.check for c in report.checks if c.applicable}
    # Before the agreement only fines had a rule (at most 50 fen a minute, 700 an order).
    assert applicable == {"lateness_deductions"}
    assert "pricing.base_fare_fen" in report.not_checked


def test_pseudonyms_replace_rider_ids_and_the_report_ties_to_the_file() -> None:
    rows = [work(8 * 3600, 13 * 3600)]
    data = "\n".join(json.dumps(row) for row in rows).encode()
    result = audit(read_log(data, "day.jsonl"), PUTUO, key=b"k")
    assert "r1" not in result.findings["rider"].to_list()
    assert result.findings["rider"][0].startswith("R-")
    assert result.report.rulebook.id == "putuo-2025"
    assert result.report.log.sha256 == hashlib.sha256(data).hexdigest()
    assert result.report.log.days == (date(2026, 5, 12),)


def test_comparing_two_months_shows_what_changed() -> None:
    bad = audit(log_of([work(8 * 3600, 13 * 3600)]), PUTUO, key=None).report
    good = audit(log_of([work(8 * 3600, 11 * 3600)]), PUTUO, key=None).report
    changes = {c.check: c.change for c in compare_reports(bad, good).changes}
    assert changes["rest"] == "better"
    assert {c.check: c.change for c in compare_reports(good, bad).changes}["rest"] == "worse"


def test_with_the_streets_loaded_a_promise_is_judged_on_their_estimate() -> None:
    from gigcity.geo.streets.storage import sample_graph
    from gigcity.geo.streets.travel import StreetTravel
    from gigcity.services.audit.streets_eta import StreetRides

    graph = sample_graph()
    rides = StreetRides(StreetTravel(graph))
    pickup = (float(graph.node_lon[0]), float(graph.node_lat[0]))
    far = int(abs(graph.node_lon - graph.node_lon[0]).argmax())
    door = (float(graph.node_lon[far]), float(graph.node_lat[far]))
    ride = rides.ride(pickup, door, MIDNIGHT.timestamp() + 11 * 3600)
    assert ride is not None
    assert ride[0] > 300  # across the sample: minutes, not seconds
    points = {
        "pickup_lon": pickup[0],
        "pickup_lat": pickup[1],
        "dropoff_lon": door[0],
        "dropoff_lat": door[1],
    }
    # The platform says 60 s of riding and promises 60 s + the 5-minute buffer.
    promise = {"eta_travel_s": 60, "promised_at": at(11 * 3600 + 360)}
    row = order("o1", **points, **promise)
    log = log_of([row])
    alone = check_eta_honesty(log, PUTUO, CheckSettings())
    assert alone.findings.height == 0
    judged = check_eta_honesty(log, PUTUO, CheckSettings(streets=rides))
    (finding,) = judged.findings.iter_rows(named=True)
    assert json.loads(finding["values"])["estimate"] == "streets"
    # A point far outside the district's streets: the platform's figures stand.
    outside = order("o1", **{**points, "dropoff_lon": 116.4}, **promise)
    assert (
        check_eta_honesty(log_of([outside]), PUTUO, CheckSettings(streets=rides)).findings.height
        == 0
    )
