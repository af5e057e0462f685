"""How long the read log of older people's personal information is kept.

Every read of an older person's sensitive fields by a person is logged (`base.log_reads`):
who, when, which fields, why. That log is itself personal information (it says who was
looked after, and by whom), so it is not kept for ever. It is a record of processing
personal information, which PIPL (个人信息保护法) Article 56 requires to be kept for at
least three years: the default, and the least the setting allows
(`GIGCITY_RETENTION_ELDERCARE_READS_DAYS`). The daily retention job applies it
(`services/retention.py`); nothing else of an older person's record is touched.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from gigcity.db.models import ElderRead
from gigcity.db.session import transaction
from gigcity.services.eldercare.base import EldercareBase

READS_KEPT_DAYS_MIN = 3 * 365  # PIPL Art. 56: records of processing, at least three years


def purge_reads(care: EldercareBase, kept: timedelta) -> int:
    """Delete the lines of the read log older than `kept`; how many."""
    cutoff = care.clock() - kept
    with transaction(care.factory) as session:
        done = session.execute(delete(ElderRead).where(ElderRead.at < cutoff))
        return int(done.rowcount)  # type: ignore[attr-defined]
