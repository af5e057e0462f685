"""What an audit produces: per check (one per clause of the rulebook in force) pass or fail,
rates and counts by day, the worst findings with their evidence; and what comparing two
audits shows. Plain data, the same in the JSON report, the HTML page and the PDF."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

REPORT_FORMAT = "gigcity-audit-report/1"
WORST_KEPT = 20  # findings kept per check in the report (all are in findings.csv)

Value = int | float | str | None


class Finding(BaseModel):
    """One place where the platform did not keep a clause, with the evidence."""

    model_config = ConfigDict(frozen=True)

    check: str
    clause: str
    day: date
    rider: str | None = None
    """Pseudonymised (a keyed hash) unless the report is for staff only."""
    orders: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    severity: float
    """How far from the requirement, in the check's unit (minutes, fen, points): the worst
    first."""
    values: dict[str, Value] = Field(default_factory=dict)
    """The numbers the requirement and what happened are told with (see `checks.CHECKS`)."""


class DayResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    checked: int
    breaches: int
    rate: float | None
    """% of what was checked that kept the clause (for a rate clause such as on-route
    combining: the measured rate, %); None when nothing was checked that day."""


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: str
    clauses: tuple[str, ...]
    """The rulebook's clause paths this check reads; the first is the one findings cite."""
    applicable: bool
    """False when the rulebook in force requires nothing here (e.g. no rest limit)."""
    unit: str
    """What `checked` counts: rider-days, orders, stretches, days."""
    checked: int = 0
    breaches: int = 0
    rate: float | None = None
    """% of what was checked that kept the clause (for a rate clause: the measured rate)."""
    threshold: float | None = None
    """For a rate clause (on-route combining): the rate the rules require, in %."""
    passed: bool | None = None
    """None when not applicable or nothing was checked."""
    requirement: dict[str, Value] = Field(default_factory=dict)
    """The rulebook's numbers the check applied (limit_min, rate_fen, tolerance_s, ...)."""
    by_day: tuple[DayResult, ...] = ()
    worst: tuple[Finding, ...] = ()
    findings: int = 0


class Refusal(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int
    """1-based row of the file (after a CSV's header: the header is line 1)."""
    field: str
    reason: str


class LogSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    filename: str
    sha256: str
    rows: int
    refused: int
    orders: int
    riders: int
    trips: int
    days: tuple[date, ...]


class RulebookRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    title: str
    title_zh: str | None = None


class AuditReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    format: str = REPORT_FORMAT
    log: LogSummary
    rulebook: RulebookRef
    pseudonymised: bool
    eta_tolerance_s: float
    checks: tuple[CheckResult, ...]
    not_checked: tuple[str, ...]
    """Clauses of the rulebook no check covers (base fare, night surcharge, ...)."""
    refusals: tuple[Refusal, ...] = ()
    """The first refused rows with their reason; `log.refused` counts them all."""
    created_at: datetime
    seconds: float
    """How long the audit took."""


class CheckChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    check: str
    clause: str
    before_rate: float | None
    after_rate: float | None
    before_breaches: int | None
    after_breaches: int | None
    before_passed: bool | None
    after_passed: bool | None
    change: str
    """better, worse, same, new (only checked after), gone (only before)."""


class AuditComparison(BaseModel):
    model_config = ConfigDict(frozen=True)

    before: LogSummary
    after: LogSummary
    before_rulebook: RulebookRef
    after_rulebook: RulebookRef
    changes: tuple[CheckChange, ...]
