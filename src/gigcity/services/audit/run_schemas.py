"""What the audit service answers about runs: a run's progress and counts, each check's
verdict, the files of a finished run, a rider's findings and the rulebooks to choose from."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from gigcity.services.audit.report_model import Value
from gigcity.services.types import UtcDatetime


class RunStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class CheckVerdict(BaseModel):
    check: str
    title: str = Field(description="The check's title in the reader's language.")
    applicable: bool
    passed: bool | None = Field(description="None: not applicable, or nothing was checked.")
    checked: int
    breaches: int
    rate: float | None


class RunFiles(BaseModel):
    """Where a finished run's report and findings are (behind the caller's credentials)."""

    report_json: str
    report_html: str
    report_pdf: str
    findings_csv: str


class RunOut(BaseModel):
    id: int
    filename: str
    sha256: str = Field(description="SHA-256 of the file as uploaded.")
    status: RunStatus
    progress: float = Field(description="Share done, 0 to 1.")
    error: str | None = Field(description="Why a failed run failed, in the reader's language.")
    rules_asked: str | None = Field(description="The rulebook asked for; null: the one in force.")
    rulebook_id: str | None = Field(description="The rulebook checked (once known).")
    rulebook_version: int | None
    rulebook_title: str | None
    eta_tolerance_s: float
    first_day: date | None
    last_day: date | None
    rows: int
    refused: int
    orders: int
    riders: int
    checks_failed: int
    checks_applicable: int
    findings: int
    checks: list[CheckVerdict] = Field(description="Each check's verdict, once done.")
    by_platform: bool = Field(
        description="Pushed by a platform's API key (else uploaded by staff)."
    )
    status_url: str
    files: RunFiles | None = Field(description="The report and findings, once done.")
    at: UtcDatetime
    finished_at: UtcDatetime | None


class FindingOut(BaseModel):
    check: str
    title: str
    clause: str
    day: date
    rider: str | None = Field(description="The rider's pseudonym.")
    orders: list[str]
    start: datetime | None
    end: datetime | None
    severity: float
    evidence: str = Field(description="What the rules require and what happened, in words.")
    values: dict[str, Value]


class RiderFindings(BaseModel):
    run_id: int
    rider: str = Field(description="The pseudonym the rider's id hashes to (never the id).")
    findings: list[FindingOut]


class RulebookOption(BaseModel):
    value: str = Field(description="What to send as `rules`: the rulebook's id@version.")
    title: str


class AuditOptions(BaseModel):
    rulebooks: list[RulebookOption]
    max_file_mb: int
    suffixes: list[str]
    default_eta_tolerance_s: float
    may_upload: bool
