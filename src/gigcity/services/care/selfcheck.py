"""The anonymous self-check: scored here, never stored. All that is kept is one more in
the day's count for each questionnaire's band (`care_self_check_counts`): no answers, no
total, no account, no address, no time finer than the day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from gigcity.db.models import CareSelfCheckCount
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.care.base import CareBase
from gigcity.services.care.schemas import ScoreOut, SelfCheckCountOut, SelfCheckIn, SelfCheckOut
from gigcity.services.care.screening import Band, Instrument, score
from gigcity.services.errors import Forbidden, InvalidInput

MAX_DAYS = 366


class SelfChecks(CareBase):
    def self_check(self, answers: SelfCheckIn) -> SelfCheckOut:
        """Score the answers; count the bands for the day; always give the hotline."""
        scores = [
            score(Instrument.phq2, answers.phq2),
            score(Instrument.gad2, answers.gad2),
        ]
        day = self.clock().astimezone(self.tz).date()
        with transaction(self.factory) as session:
            for s in scores:
                _count(session, day, s.instrument, s.band)
        out = [
            ScoreOut(
                instrument=s.instrument,
                total=s.total,
                band=s.band,
                suggests_assessment=s.band == Band.assess,
            )
            for s in scores
        ]
        return SelfCheckOut(
            scores=out,
            suggests_assessment=any(s.suggests_assessment for s in out),
            hotline=self.hotline,
        )

    def self_check_counts(
        self, principal: Principal, first: date, last: date
    ) -> list[SelfCheckCountOut]:
        """The counts by day, questionnaire and band from `first` to `last` (at most a
        year), for the district's figures: counsellors and admins."""
        if principal.role not in (Role.counsellor, Role.admin):
            raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
        if last < first:
            raise InvalidInput(N_("The last day cannot be before the first day."), field="last")
        if (last - first).days >= MAX_DAYS:
            raise InvalidInput(N_("Ask for at most {days} days."), field="last", days=MAX_DAYS)
        with self.factory() as session:
            rows = session.execute(
                select(
                    CareSelfCheckCount.day,
                    CareSelfCheckCount.instrument,
                    CareSelfCheckCount.band,
                    CareSelfCheckCount.count,
                )
                .where(CareSelfCheckCount.day.between(first, last))
                .order_by(
                    CareSelfCheckCount.day,
                    CareSelfCheckCount.instrument,
                    CareSelfCheckCount.band,
                )
            )
            return [
                SelfCheckCountOut(day=d, instrument=Instrument(i), band=Band(b), count=int(c))
                for d, i, b, c in rows
            ]


def _count(session: Session, day: date, instrument: Instrument, band: Band) -> None:
    """One more in the day's count: one atomic upsert on either database."""
    values = {"day": day, "instrument": instrument.value, "band": band.value, "count": 1}
    keys = ["day", "instrument", "band"]
    bump = {"count": CareSelfCheckCount.count + 1}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(CareSelfCheckCount).values(values)
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=bump))
