"""Consultation meetings (e.g. of an estate that bans e-bikes): which parties took part and
how many people from each (never names), what was agreed, which party owns each item, by
when, and when it was done. Grid officers record and see their own sub-district's; district
admins all. Overdue items are flagged, never ranked."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import GovConsultation
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.voices_place import locate
from gigcity.services.governance.voices_schemas import (
    AgreedIn,
    AgreedOut,
    ConsultationIn,
    ConsultationOut,
    ItemDone,
    PartyIn,
)
from gigcity.services.spreadsheets import csv_safe


def _overdue(item: AgreedIn, today: date) -> bool:
    return item.done_on is None and item.due_on is not None and item.due_on < today


class ConsultationsMixin(GovernanceBase):
    def record_consultation(self, principal: Principal, body: ConsultationIn) -> ConsultationOut:
        self.area(principal)  # staff only
        if body.held_on > self.today():
            raise InvalidInput(N_("A meeting is recorded once it is held."), field="held_on")
        for n, item in enumerate(body.agreed):
            if item.done_on is not None and item.done_on > self.today():
                raise InvalidInput(
                    N_("An item cannot be done on a day still to come."),
                    field=f"agreed.{n}.done_on",
                )
        with transaction(self.factory) as session:
            where = locate(session, self.district, body, body.estate_id)
            self.require_in_area(principal, where.subdistrict)
            row = GovConsultation(
                title=body.title.strip(),
                held_on=body.held_on,
                estate_id=where.estate_id,
                place_id=where.place_id,
                place_name=where.name,
                lat=where.lat,
                lon=where.lon,
                subdistrict=where.subdistrict,
                parties=[p.model_dump(mode="json") for p in body.parties],
                agreed=[a.model_dump(mode="json") for a in body.agreed],
                note=body.note.strip(),
                created_by=principal.account_id,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return self._consultation_out(row)

    def consultations(
        self, principal: Principal, subdistrict: str | None = None
    ) -> list[ConsultationOut]:
        """The meetings of the caller's area, the latest first."""
        area = self.area(principal, subdistrict)
        stmt = select(GovConsultation).order_by(
            GovConsultation.held_on.desc(), GovConsultation.id.desc()
        )
        if area is not None:
            stmt = stmt.where(GovConsultation.subdistrict == area)
        with self.factory() as session:
            return [self._consultation_out(row) for row in session.scalars(stmt)]

    def consultation(self, principal: Principal, consultation_id: int) -> ConsultationOut:
        with self.factory() as session:
            return self._consultation_out(self._staff_row(session, principal, consultation_id))

    def mark_agreed(
        self, principal: Principal, consultation_id: int, position: int, body: ItemDone
    ) -> ConsultationOut:
        """Mark an agreed item done on a day (or not done after all). The row is read and
        written in one write transaction, so two marks at once both land."""
        if body.done_on is not None and body.done_on > self.today():
            raise InvalidInput(
                N_("An item cannot be done on a day still to come."), field="done_on"
            )
        with transaction(self.factory) as session:
            row = self._staff_row(session, principal, consultation_id, lock=True)
            items = list(row.agreed)
            if not 0 <= position < len(items):
                raise NotFound(N_("The meeting has no agreed item {position}."), position=position)
            items[position] = {**items[position], "done_on": _iso(body.done_on)}
            row.agreed = items  # a new list, so the JSON column is written
            session.flush()
            return self._consultation_out(row)

    def consultations_csv(
        self, principal: Principal, subdistrict: str | None = None
    ) -> tuple[str, str]:
        """One row per agreed item (a meeting without any: one row); the name and text."""
        today = self.today()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["id", "held_on", "title", "place", "subdistrict", "parties", "people",
             "what", "owner", "due_on", "done_on", "overdue", "note"]
        )  # fmt: skip
        for c in self.consultations(principal, subdistrict):
            parties = "; ".join(f"{p.party.value} {p.people}" for p in c.parties)
            head = [c.id, c.held_on.isoformat(), c.title, c.place_name, c.subdistrict, parties,
                    c.people]  # fmt: skip
            items: list[AgreedOut | None] = list(c.agreed) or [None]
            for item in items:
                tail = (
                    ["", "", "", "", ""]
                    if item is None
                    else [item.what, item.owner.value, _iso(item.due_on) or "",
                          _iso(item.done_on) or "", "yes" if _overdue(item, today) else ""]
                )  # fmt: skip
                writer.writerow([csv_safe(v) for v in [*head, *tail, c.note]])
        return f"consultations-{today.isoformat()}.csv", out.getvalue()

    # -- helpers ---------------------------------------------------------------------------

    def _staff_row(
        self, session: Session, principal: Principal, consultation_id: int, lock: bool = False
    ) -> GovConsultation:
        self.area(principal)
        stmt = select(GovConsultation).where(GovConsultation.id == consultation_id)
        row = session.scalar(stmt.with_for_update() if lock else stmt)
        if row is None:
            raise NotFound(N_("No consultation has id {id}."), id=consultation_id)
        self.require_in_area(principal, row.subdistrict)
        return row

    def _consultation_out(self, row: GovConsultation) -> ConsultationOut:
        today = self.today()
        parties = [PartyIn.model_validate(p) for p in row.parties]
        agreed = [
            AgreedOut(**AgreedIn.model_validate(a).model_dump(), position=i, overdue=False)
            for i, a in enumerate(row.agreed)
        ]
        for item in agreed:
            item.overdue = _overdue(item, today)
        return ConsultationOut(
            id=row.id,
            title=row.title,
            held_on=row.held_on,
            estate_id=row.estate_id,
            place_id=row.place_id,
            place_name=row.place_name,
            lat=row.lat,
            lon=row.lon,
            subdistrict=row.subdistrict,
            parties=parties,
            people=sum(p.people for p in parties),
            agreed=agreed,
            overdue=sum(1 for a in agreed if a.overdue),
            note=row.note,
            created_at=row.created_at,
        )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


# -- for the integrator (hotspots, the district dashboard) --------------------------------


def consultation_points(
    session: Session, first: date, last: date, subdistrict: str | None
) -> list[tuple[float, float, str, date, int]]:
    """(lat, lon, sub-district, held_on, open items) of each meeting held from `first` to
    `last` (both included); `subdistrict` None: the whole district (scoped by the caller)."""
    stmt = select(GovConsultation).where(
        GovConsultation.held_on >= first, GovConsultation.held_on <= last
    )
    if subdistrict is not None:
        stmt = stmt.where(GovConsultation.subdistrict == subdistrict)
    stmt = stmt.order_by(GovConsultation.held_on)
    return [
        (row.lat, row.lon, row.subdistrict, row.held_on,
         sum(1 for a in row.agreed if not a.get("done_on")))
        for row in session.scalars(stmt)
    ]  # fmt: skip
