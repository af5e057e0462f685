"""How long the family-doctor service keeps what it stores (applied by the platform's daily
`retention.purge` job through `DoctorsService.retention_rules`):

- health readings: two years after they were taken (two yearly check-ups can compare);
- the read log of readings: three years, the least PIPL Art. 56 asks of a record of
  processing personal information;
- ended sign-ups and withdrawn consents: one year after they ended (the worker's history
  for questions, then gone); the standing ones are kept while they stand;
- check-up slots: 400 days after their day (the yearly check-up due is counted from them).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import delete

from gigcity.db.models import DoctorConsent, DoctorRead, DoctorReading, DoctorSignup, DoctorSlot
from gigcity.db.session import transaction
from gigcity.services.care.doctors.base import DoctorsBase
from gigcity.services.retention import RetentionRule

READINGS_KEPT = timedelta(days=2 * 365)
READS_KEPT = timedelta(days=3 * 365)
ENDED_KEPT = timedelta(days=365)
SLOTS_KEPT = timedelta(days=400)


def _purge(base: DoctorsBase, column: Any, kept: timedelta) -> int:
    cutoff = base.clock() - kept
    with transaction(base.factory) as session:
        done = session.execute(delete(column.class_).where(column < cutoff))
        return int(done.rowcount)  # type: ignore[attr-defined]


def doctors_retention_rules(base: DoctorsBase) -> list[RetentionRule]:
    return [
        RetentionRule(
            "workers' health readings", READINGS_KEPT, partial(_purge, base, DoctorReading.taken_at)
        ),
        RetentionRule(
            "read log of workers' health readings", READS_KEPT, partial(_purge, base, DoctorRead.at)
        ),
        RetentionRule(
            "ended family-doctor sign-ups", ENDED_KEPT, partial(_purge, base, DoctorSignup.ended_at)
        ),
        RetentionRule(
            "withdrawn consents to health readings",
            ENDED_KEPT,
            partial(_purge, base, DoctorConsent.withdrawn_at),
        ),
        RetentionRule(
            "past check-up slots", SLOTS_KEPT, partial(_purge, base, DoctorSlot.starts_at)
        ),
    ]
