"""How long the care service keeps what names a person.

- A call-back's number: deleted 30 days after the counsellor marked the call (called or not
  reached); a call-back never marked goes 30 days after it was asked for plus the same
  30 days, so a forgotten number does not stay for ever.
- The log of who read a number: a record of processing personal information, kept three
  years (PIPL Art. 56), then deleted.

The platform's daily `retention.purge` job applies both (`care_rules`, listed by
`services.retention`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from sqlalchemy import and_, delete, or_

from gigcity.db.models import CareCallback, CareCallbackRead
from gigcity.db.session import transaction
from gigcity.services.care.base import CareBase
from gigcity.services.care.callbacks import KEPT_AFTER_DONE, WAITING

READS_KEPT = timedelta(days=3 * 365)  # PIPL Art. 56: records of processing, three years
UNMARKED_KEPT = KEPT_AFTER_DONE + timedelta(days=30)


def purge_callbacks(care: CareBase, kept: timedelta = KEPT_AFTER_DONE) -> int:
    """Delete the call-backs done more than `kept` ago (and those never marked, after
    `kept` + 30 days); how many."""
    now = care.clock()
    with transaction(care.factory) as session:
        done = session.execute(
            delete(CareCallback).where(
                or_(
                    and_(CareCallback.done_at.is_not(None), CareCallback.done_at < now - kept),
                    and_(
                        CareCallback.state == WAITING,
                        CareCallback.created_at < now - kept - timedelta(days=30),
                    ),
                )
            )
        )
        return int(done.rowcount)  # type: ignore[attr-defined]


def purge_reads(care: CareBase, kept: timedelta = READS_KEPT) -> int:
    """Delete the lines of the number read log older than `kept`; how many."""
    cutoff = care.clock() - kept
    with transaction(care.factory) as session:
        done = session.execute(delete(CareCallbackRead).where(CareCallbackRead.at < cutoff))
        return int(done.rowcount)  # type: ignore[attr-defined]


def care_rules(care: CareBase) -> list[tuple[str, timedelta, Callable[[timedelta], int]]]:
    """What the care service keeps that names a person, how long, and how it is deleted
    (kind, kept, purge): the retention job's rules."""
    return [
        ("call-back numbers (after the call)", KEPT_AFTER_DONE, partial(purge_callbacks, care)),
        ("read log of call-back numbers", READS_KEPT, partial(purge_reads, care)),
    ]
