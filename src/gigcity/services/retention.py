"""How long the platform keeps personal data, applied daily by the `retention.purge` job.

Each rule names a kind of personal data and how long it is kept; the job applies every rule
and logs how much each removed. Services add their rule here as they start keeping such
data (the last-hundred-metres service adds gate logs and rider locations; see
docs/operations.md, "Retention").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from gigcity.config import Settings
from gigcity.services.care.retention import care_rules
from gigcity.services.eldercare.read_retention import purge_reads
from gigcity.services.jobs import FINISHED_BADLY, FINISHED_OK, JobQueue
from gigcity.services.reports import ReportsService

if TYPE_CHECKING:
    from gigcity.services.care.base import CareBase
    from gigcity.services.care.stations import StationsService
    from gigcity.services.eldercare.base import EldercareBase
    from gigcity.services.gates import GatesService
    from gigcity.services.organisation.service import OrganisationService
    from gigcity.services.relay import RelayService
    from gigcity.services.stays import StaysService

log = logging.getLogger("gigcity.retention")


@dataclass(frozen=True, slots=True)
class RetentionRule:
    kind: str  # what is deleted, as the docs name it
    kept: timedelta
    purge: Callable[[timedelta], int]  # deletes what is older than `kept`; how many


def retention_rules(
    settings: Settings,
    reports: ReportsService,
    jobs: JobQueue | None = None,
    *,
    gates: GatesService | None = None,
    relay: RelayService | None = None,
    eldercare: EldercareBase | None = None,
    care: CareBase | None = None,
    stations: StationsService | None = None,
    stays: StaysService | None = None,
    organisation: OrganisationService | None = None,
) -> list[RetentionRule]:
    rules = [
        RetentionRule(
            "photos uploaded but never used in a report",
            timedelta(hours=24),
            reports.purge_staged_photos,
        ),
        RetentionRule(
            "photos of fixed or rejected reports",
            timedelta(days=settings.retention_resolved_report_photos_days),
            reports.purge_resolved_photos,
        ),
    ]
    if jobs is not None:
        # A job's arguments may name a person (a report, an account): finished jobs go too.
        rules += [
            RetentionRule(
                "background jobs that succeeded",
                timedelta(days=settings.retention_succeeded_jobs_days),
                partial(jobs.purge, FINISHED_OK),
            ),
            RetentionRule(
                "background jobs that failed or were cancelled",
                timedelta(days=settings.retention_failed_jobs_days),
                partial(jobs.purge, FINISHED_BADLY),
            ),
        ]
    if gates is not None:
        # Gate decisions name a rider at a gate: after 30 days only daily counts remain.
        rules += [
            RetentionRule(
                "gate decisions (rolled into daily counts)",
                gates.decisions_kept,
                gates.purge_decisions,
            ),
            RetentionRule(
                "one-time gate order codes", gates.decisions_kept, gates.purge_order_codes
            ),
        ]
    if relay is not None:
        # A finished relay item keeps its building (for the point's statistics), not the door.
        kept = timedelta(days=settings.retention_relay_addresses_days)
        rules += [
            RetentionRule("unit and room of finished relay items", kept, relay.purge_addresses),
            RetentionRule("webhook calls of finished relay items", kept, relay.purge_webhook_calls),
        ]
    if eldercare is not None:
        # The log of who read an older person's record is a record of processing: PIPL
        # Art. 56 keeps it at least three years (the default), then it goes.
        rules.append(
            RetentionRule(
                "read log of older people's personal information",
                timedelta(days=settings.retention_eldercare_reads_days),
                partial(purge_reads, eldercare),
            )
        )
    if stations is not None:
        # A truck-driver station's visits name a driver or a plate: after 30 days (default)
        # only the day's counts remain; queue tickets forget who held them (the durations
        # stay).
        visits_kept = timedelta(days=settings.retention_station_visits_days)
        rules += [
            RetentionRule(
                "truck-driver station visits (rolled into daily counts)",
                visits_kept,
                stations.purge_visits,
            ),
            RetentionRule(
                "who held truck-driver station queue tickets",
                visits_kept,
                stations.purge_queue_people,
            ),
            # Legal-aid case notes serve the case; after it they go (three years default).
            RetentionRule(
                "legal-aid case notes and who booked the slot",
                timedelta(days=settings.retention_legal_case_days),
                stations.purge_cases,
            ),
        ]
    if stays is not None:
        # Who slept where, and who waited for a bed: not kept once the night is long past.
        rules.append(
            RetentionRule(
                "ended bed bookings and waiting-list entries",
                timedelta(days=settings.retention_stays_days),
                stays.purge_ended,
            )
        )
    if care is not None:
        # A call-back's number goes 30 days after the call; the log of who read numbers is
        # a record of processing (PIPL Art. 56): three years.
        rules += [RetentionRule(kind, kept, purge) for kind, kept, purge in care_rules(care)]
    if organisation is not None:
        # Who read whose membership: a record of processing (PIPL Art. 56), three years.
        rules.append(
            RetentionRule(
                "read log of memberships",
                timedelta(days=settings.retention_member_reads_days),
                organisation.purge_reads,
            )
        )
    return rules


def apply_retention(rules: list[RetentionRule]) -> dict[str, int]:
    """Apply every rule (one failing does not stop the others); what each removed."""
    removed: dict[str, int] = {}
    for rule in rules:
        try:
            removed[rule.kind] = rule.purge(rule.kept)
        except Exception:
            log.exception("retention: %s could not be purged; the next run tries again", rule.kind)
            continue
        log.info("retention: %d %s older than %s deleted", removed[rule.kind], rule.kind, rule.kept)
    return removed
