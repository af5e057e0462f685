"""An audit end to end: read the log, run the rulebook's checks, build the report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from gigcity.rules import Rulebook, clause_paths
from gigcity.services.audit.catalog import CHECKS
from gigcity.services.audit.checks import (
    CHECK_FUNCTIONS,
    FINDING_SCHEMA,
    CheckSettings,
    Outcome,
    RideEstimator,
)
from gigcity.services.audit.logfile import DecisionLog, read_log
from gigcity.services.audit.pseudonym import pseudonymise
from gigcity.services.audit.report_model import (
    WORST_KEPT,
    AuditComparison,
    AuditReport,
    CheckChange,
    CheckResult,
    DayResult,
    Finding,
    LogSummary,
    RulebookRef,
)

Progress = Callable[[float], None]
"""Called with the share done (0..1) between the steps of an audit."""

DEFAULT_ETA_TOLERANCE_S = 120.0
# What identifies and dates a rulebook is no clause a platform keeps or breaks.
_NOT_CLAUSES = ("id", "version", "title", "parties", "effective_from", "effective_until")
# Rates within this many points count as unchanged between two audits.
SAME_WITHIN_PCT = 0.05


@dataclass(frozen=True, slots=True)
class AuditResult:
    report: AuditReport
    findings: pl.DataFrame
    """Every finding, worst first within each check: check, clause, day (Date), rider
    (pseudonym, or the platform's id without a key), orders (List[String]), start, end
    (Datetime UTC), severity (Float64), values (String: a JSON object)."""


def _rate(checked: int, breaches: int) -> float | None:
    return None if checked == 0 else 100.0 * (checked - breaches) / checked


def _check_result(check: str, outcome: Outcome, findings: pl.DataFrame) -> CheckResult:
    info = next(c for c in CHECKS if c.id == check)
    if not outcome.applicable:
        return CheckResult(check=check, clauses=info.clauses, applicable=False, unit=info.unit)
    per_day = outcome.per_day.sort("day")
    rates = dict(outcome.rate_by_day.iter_rows()) if outcome.rate_by_day is not None else None
    by_day = tuple(
        DayResult(
            day=day,
            checked=checked,
            breaches=breaches,
            rate=rates.get(day) if rates is not None else _rate(checked, breaches),
        )
        for day, checked, breaches in per_day.select("day", "checked", "breaches").iter_rows()
    )
    if outcome.rate_by_day is not None:
        checked = len(by_day)  # a rate clause is judged day by day
        breaches = sum(1 for day in by_day if day.breaches)
        rate = outcome.rate
    else:
        checked = sum(day.checked for day in by_day)
        breaches = sum(day.breaches for day in by_day)
        rate = _rate(checked, breaches)
    worst = tuple(
        Finding(
            check=row["check"],
            clause=row["clause"],
            day=row["day"],
            rider=row["rider"],
            orders=tuple(row["orders"] or ()),
            start=row["start"],
            end=row["end"],
            severity=row["severity"],
            values=json.loads(row["values"]),
        )
        for row in findings.head(WORST_KEPT).iter_rows(named=True)
    )
    return CheckResult(
        check=check,
        clauses=info.clauses,
        applicable=True,
        unit=info.unit,
        checked=checked,
        breaches=breaches,
        rate=rate,
        threshold=outcome.threshold,
        passed=None if checked == 0 else breaches == 0,
        requirement=outcome.requirement,
        by_day=by_day,
        worst=worst,
        findings=findings.height,
    )


def _timed(findings: pl.DataFrame) -> pl.DataFrame:
    return findings.with_columns(
        pl.from_epoch((pl.col(name) * 1e6).cast(pl.Int64), time_unit="us")
        .dt.replace_time_zone("UTC")
        .alias(name)
        for name in ("start", "end")
    )


def _not_checked(rulebook: Rulebook) -> tuple[str, ...]:
    covered = [clause for info in CHECKS for clause in info.clauses]
    return tuple(
        path
        for path in clause_paths()
        if path not in _NOT_CLAUSES
        and not any(path == c or path.startswith(c + ".") for c in covered)
    )


def _summary(log: DecisionLog) -> LogSummary:
    riders = pl.concat(
        [log.orders["rider"], log.work["rider"], log.pay["rider"], log.trips["rider"]]
    )
    return LogSummary(
        filename=log.filename,
        sha256=log.sha256,
        rows=log.rows,
        refused=log.refused,
        orders=log.orders.height,
        riders=riders.drop_nulls().n_unique(),
        trips=log.trips.height,
        days=log.days,
    )


def audit(
    log: DecisionLog,
    rulebook: Rulebook,
    *,
    key: bytes | None,
    eta_tolerance_s: float = DEFAULT_ETA_TOLERANCE_S,
    streets: RideEstimator | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Run every check of `rulebook` over `log`. `key`: the pseudonym key (None keeps the
    platform's rider ids, for staff only); `streets`: the district's streets, for the ETA
    check's own estimate of a sample of rides."""
    started = time.perf_counter()
    settings = CheckSettings(eta_tolerance_s=eta_tolerance_s, streets=streets)
    results: list[CheckResult] = []
    parts: list[pl.DataFrame] = []
    for index, info in enumerate(CHECKS):
        outcome = CHECK_FUNCTIONS[info.id](log, rulebook, settings)
        found = outcome.findings.with_columns(
            rider=pseudonymise(outcome.findings["rider"], key)
        ).sort("severity", "day", descending=[True, False])
        results.append(_check_result(info.id, outcome, _timed(found)))
        parts.append(found)
        if progress is not None:
            progress((index + 1) / len(CHECKS))
    findings = _timed(pl.concat(parts) if parts else pl.DataFrame(schema=FINDING_SCHEMA))
    report = AuditReport(
        log=_summary(log),
        rulebook=RulebookRef(
            id=rulebook.id,
            version=rulebook.version,
            title=rulebook.title,
            title_zh=rulebook.title_zh,
        ),
        pseudonymised=key is not None,
        eta_tolerance_s=eta_tolerance_s,
        checks=tuple(results),
        not_checked=_not_checked(rulebook),
        refusals=log.refusals,
        created_at=datetime.now(UTC),
        seconds=round(time.perf_counter() - started, 3),
    )
    return AuditResult(report=report, findings=findings)


def audit_file(
    data: bytes,
    filename: str,
    rulebook: Rulebook,
    *,
    key: bytes | None,
    eta_tolerance_s: float = DEFAULT_ETA_TOLERANCE_S,
    timezone: str = "Asia/Shanghai",
    streets: RideEstimator | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Read and audit one file (see `logfile.read_log` for the formats); the report's
    time includes reading."""
    started = time.perf_counter()
    log = read_log(data, filename, timezone=timezone)
    if progress is not None:
        progress(0.0)
    result = audit(
        log,
        rulebook,
        key=key,
        eta_tolerance_s=eta_tolerance_s,
        streets=streets,
        progress=progress,
    )
    seconds = round(time.perf_counter() - started, 3)
    return AuditResult(
        report=result.report.model_copy(update={"seconds": seconds}), findings=result.findings
    )


def _change(before: CheckResult | None, after: CheckResult | None) -> str:
    if after is None or not after.applicable:
        return "gone"
    if before is None or not before.applicable:
        return "new"
    if before.rate is None or after.rate is None:
        return "same"
    if abs(after.rate - before.rate) <= SAME_WITHIN_PCT:
        return "same"
    return "better" if after.rate > before.rate else "worse"


def compare_reports(before: AuditReport, after: AuditReport) -> AuditComparison:
    """Check by check, what changed from one audit (e.g. last month) to another."""
    earlier = {c.check: c for c in before.checks}
    later = {c.check: c for c in after.checks}
    changes = []
    for info in CHECKS:
        old, new = earlier.get(info.id), later.get(info.id)
        if (old is None or not old.applicable) and (new is None or not new.applicable):
            continue
        changes.append(
            CheckChange(
                check=info.id,
                clause=info.clauses[0],
                before_rate=old.rate if old and old.applicable else None,
                after_rate=new.rate if new and new.applicable else None,
                before_breaches=old.breaches if old and old.applicable else None,
                after_breaches=new.breaches if new and new.applicable else None,
                before_passed=old.passed if old else None,
                after_passed=new.passed if new else None,
                change=_change(old, new),
            )
        )
    return AuditComparison(
        before=before.log,
        after=after.log,
        before_rulebook=before.rulebook,
        after_rulebook=after.rulebook,
        changes=tuple(changes),
    )
