"""A small audit report built by hand: two days, checks that pass, fail and do not apply."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gigcity.services.audit.report_model import (
    AuditReport,
    CheckResult,
    DayResult,
    Finding,
    LogSummary,
    Refusal,
    RulebookRef,
)

DAY1, DAY2 = date(2026, 5, 12), date(2026, 5, 13)
PSEUDONYM = "R-3fa9c01b7e"


def sample_report(*, pseudonymised: bool = True) -> AuditReport:
    rider = PSEUDONYM if pseudonymised else "rider-0042"
    rest_finding = Finding(
        check="rest",
        clause="fatigue.continuous_work_limit_min",
        day=DAY1,
        rider=rider,
        orders=("o-101", "o-102", "o-103"),
        start=datetime(2026, 5, 12, 2, 0, tzinfo=UTC),  # 10:00 in Shanghai
        end=datetime(2026, 5, 12, 6, 35, tzinfo=UTC),  # 14:35
        severity=35.0,
        values={"continuous_min": 275, "limit_min": 240, "due": "14:00", "orders_after": 3},
    )
    fine = Finding(
        check="lateness_deductions",
        clause="service_score.lateness_deducts_money",
        day=DAY2,
        rider=rider,
        orders=("o-207",),
        start=datetime(2026, 5, 13, 4, 10, tzinfo=UTC),
        severity=500.0,
        values={"deducted_fen": 500, "late_min": 7, "allowed_fen": 0},
    )
    return AuditReport(
        log=LogSummary(
            filename="platform-may.jsonl.gz",
            sha256="ab" * 32,
            rows=1234,
            refused=2,
            orders=800,
            riders=40,
            trips=500,
            days=(DAY1, DAY2),
        ),
        rulebook=RulebookRef(id="putuo-2025", version=1, title="Putuo 2025", title_zh="普陀 2025"),
        pseudonymised=pseudonymised,
        eta_tolerance_s=120.0,
        checks=(
            CheckResult(
                check="rest",
                clauses=("fatigue.continuous_work_limit_min",),
                applicable=True,
                unit="rider-days",
                checked=80,
                breaches=1,
                rate=100 * 79 / 80,
                passed=False,
                requirement={"rest_min": 20, "limit_min": 240},
                by_day=(
                    DayResult(day=DAY1, checked=40, breaches=1, rate=100 * 39 / 40),
                    DayResult(day=DAY2, checked=40, breaches=0, rate=100.0),
                ),
                worst=(rest_finding,),
                findings=1,
            ),
            CheckResult(
                check="lateness_deductions",
                clauses=("service_score.lateness_deducts_money",),
                applicable=True,
                unit="orders",
                checked=60,
                breaches=1,
                rate=100 * 59 / 60,
                passed=False,
                requirement={"allowed_fen": 0},
                by_day=(
                    DayResult(day=DAY1, checked=30, breaches=0, rate=100.0),
                    DayResult(day=DAY2, checked=30, breaches=1, rate=100 * 29 / 30),
                ),
                worst=(fine,),
                findings=1,
            ),
            CheckResult(
                check="bulky_pay",
                clauses=("pricing.bulky_fen",),
                applicable=True,
                unit="orders",
                checked=25,
                breaches=0,
                rate=100.0,
                passed=True,
                requirement={"rate_fen": 300},
                by_day=(
                    DayResult(day=DAY1, checked=10, breaches=0, rate=100.0),
                    DayResult(day=DAY2, checked=15, breaches=0, rate=100.0),
                ),
            ),
            CheckResult(
                check="weight_pay",
                clauses=("pricing.weight_tiers",),
                applicable=False,
                unit="orders",
            ),
        ),
        not_checked=("pricing.base_fen", "pricing.night"),
        refusals=(Refusal(line=17, field="placed_at", reason="not a time: 'yesterday'"),),
        created_at=datetime(2026, 5, 14, 1, 0, tzinfo=UTC),
        seconds=1.25,
    )
