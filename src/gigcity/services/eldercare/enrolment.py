"""Enrolling older people: their record (sensitive fields encrypted), who may read what,
and the log of every read."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Elder, ElderContact, Estate, FamilyLink
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.cipher import FieldCipher
from gigcity.services.eldercare.base import (
    get_canteen,
    get_elder,
    log_reads,
    reads_of,
    require_manager,
    scope_subdistrict,
)
from gigcity.services.eldercare.canteens import Canteens
from gigcity.services.eldercare.schemas import (
    CareIn,
    ContactOut,
    ElderIn,
    ElderOut,
    ElderSummary,
    ReadOut,
    RidersIn,
)
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.positions import check_position
from gigcity.services.types import as_utc

# Every column that holds an encrypted field, by table.
ENCRYPTED_COLUMNS: tuple[
    tuple[type[Elder] | type[ElderContact] | type[FamilyLink], tuple[str, ...]], ...
] = (
    (Elder, ("name_enc", "first_name_enc", "door_enc", "care_enc", "consent_note_enc")),
    (ElderContact, ("name_enc", "phone_enc")),
    (FamilyLink, ("consent_note_enc",)),  # a family link's consent note
)
RECORD_FIELDS = ("name", "first_name", "door", "care", "contacts", "consent_note")


def care_of(cipher: FieldCipher, elder: Elder) -> CareIn:
    return CareIn.model_validate(json.loads(cipher.decrypt(elder.care_enc)))


def contacts_of(cipher: FieldCipher, contacts: list[ElderContact]) -> list[ContactOut]:
    return [
        ContactOut(
            position=c.position,
            relation=c.relation,
            name=cipher.decrypt(c.name_enc),
            phone=cipher.decrypt(c.phone_enc),
        )
        for c in sorted(contacts, key=lambda c: c.position)
    ]


def summary_of(cipher: FieldCipher, elder: Elder) -> ElderSummary:
    """A line of the staff's list: the first name, nothing sensitive besides."""
    return ElderSummary(
        id=elder.id,
        first_name=cipher.decrypt(elder.first_name_enc),
        subdistrict=elder.subdistrict,
        canteen_id=elder.canteen_id,
        building=elder.building,
        subsidy_category=elder.subsidy_category,
        primary_rider_id=elder.primary_rider_id,
        backup_rider_id=elder.backup_rider_id,
        active=elder.ended_at is None,
    )


def _contacts(session: Session, elder_id: int) -> list[ElderContact]:
    return list(session.scalars(select(ElderContact).where(ElderContact.elder_id == elder_id)))


def check_riders(session: Session, primary: int | None, backup: int | None) -> None:
    for field, rider_id in (("primary_rider_id", primary), ("backup_rider_id", backup)):
        if rider_id is None:
            continue
        account = session.get(Account, rider_id)
        if account is None or account.role != Role.rider.value or not account.active:
            raise InvalidInput(N_("Account {id} is not an active rider."), field=field, id=rider_id)


class Enrolment(Canteens):
    def _check_enrolment(self, session: Session, data: ElderIn) -> None:
        self.check_subdistrict(data.subdistrict)
        check_position(data.lon, data.lat)
        if data.subsidy_category not in self.funding.categories():
            raise InvalidInput(
                N_("No subsidy category '{category}' (one of: {categories})."),
                field="subsidy_category",
                category=data.subsidy_category,
                categories=", ".join(self.funding.categories()),
            )
        try:
            canteen = get_canteen(session, data.canteen_id)
        except NotFound as exc:
            exc.field = "canteen_id"
            raise
        if not canteen.active:
            raise InvalidInput(N_("Canteen {id} is closed."), field="canteen_id", id=canteen.id)
        if data.estate_id is not None and session.get(Estate, data.estate_id) is None:
            raise InvalidInput(N_("No estate {id}."), field="estate_id", id=data.estate_id)
        check_riders(session, data.primary_rider_id, data.backup_rider_id)

    def enrol(self, principal: Principal, data: ElderIn) -> ElderOut:
        """Enrol an older person (staff of their sub-district, with their consent)."""
        require_manager(principal, data.subdistrict)
        cipher = self.cipher  # before the transaction: its first use may write its key
        with transaction(self.factory) as session:
            elder, contacts = self._store_enrolment(session, cipher, principal, data)
            return self._record(elder, contacts)

    def _store_enrolment(
        self, session: Session, cipher: FieldCipher, principal: Principal, data: ElderIn
    ) -> tuple[Elder, list[ElderContact]]:
        """Check and write the record in the caller's transaction (the caller has checked
        that `principal` may enrol: staff here, a family account in `family`)."""
        now = self.clock()
        self._check_enrolment(session, data)
        elder = Elder(
            subdistrict=data.subdistrict,
            canteen_id=data.canteen_id,
            estate_id=data.estate_id,
            building=data.building,
            unit=data.unit,
            floor=data.floor,
            lon=data.lon,
            lat=data.lat,
            subsidy_category=data.subsidy_category,
            name_enc=cipher.encrypt(data.name),
            first_name_enc=cipher.encrypt(data.first_name),
            door_enc=cipher.encrypt(data.door),
            care_enc=cipher.encrypt(data.care.model_dump_json()),
            primary_rider_id=data.primary_rider_id,
            backup_rider_id=data.backup_rider_id,
            consent_by=data.consent_by,
            consent_note_enc=cipher.encrypt(data.consent_note),
            consented_at=now,
            enrolled_by=principal.account_id,
            enrolled_at=now,
        )
        session.add(elder)
        session.flush()
        contacts = [
            ElderContact(
                elder_id=elder.id,
                position=position,
                relation=contact.relation,
                name_enc=cipher.encrypt(contact.name),
                phone_enc=cipher.encrypt(contact.phone),
            )
            for position, contact in enumerate(data.contacts, start=1)
        ]
        session.add_all(contacts)
        session.flush()
        return elder, contacts

    def record(self, principal: Principal, elder_id: int) -> ElderOut:
        """The whole record, for staff of the older person's sub-district; the read is
        logged in the same transaction."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            log_reads(session, principal, [elder.id], RECORD_FIELDS, "record", self.clock())
            return self._record(elder, _contacts(session, elder.id))

    def _record(self, elder: Elder, contacts: list[ElderContact]) -> ElderOut:
        cipher = self.cipher
        return ElderOut(
            id=elder.id,
            name=cipher.decrypt(elder.name_enc),
            first_name=cipher.decrypt(elder.first_name_enc),
            subdistrict=elder.subdistrict,
            canteen_id=elder.canteen_id,
            estate_id=elder.estate_id,
            building=elder.building,
            unit=elder.unit,
            floor=elder.floor,
            door=cipher.decrypt(elder.door_enc),
            lon=elder.lon,
            lat=elder.lat,
            subsidy_category=elder.subsidy_category,
            subsidy_title=self.funding.category_title(elder.subsidy_category, "zh_CN"),
            care=care_of(cipher, elder),
            contacts=contacts_of(cipher, contacts),
            primary_rider_id=elder.primary_rider_id,
            backup_rider_id=elder.backup_rider_id,
            consent_by=elder.consent_by,
            consent_note=cipher.decrypt(elder.consent_note_enc),
            # SQLite gives times back without their zone (stored as UTC).
            consented_at=as_utc(elder.consented_at),
            enrolled_at=as_utc(elder.enrolled_at),
            ended_at=as_utc(elder.ended_at) if elder.ended_at else None,
            version=elder.version,
        )

    def elders(
        self, principal: Principal, *, canteen_id: int | None = None, active: bool = True
    ) -> list[ElderSummary]:
        """The list staff find a record in: first names only (reading them is logged)."""
        subdistrict = scope_subdistrict(principal)
        with transaction(self.factory) as session:
            query = select(Elder).order_by(Elder.id)
            if subdistrict is not None:
                query = query.where(Elder.subdistrict == subdistrict)
            if canteen_id is not None:
                query = query.where(Elder.canteen_id == canteen_id)
            query = query.where(Elder.ended_at.is_(None) if active else Elder.ended_at.is_not(None))
            found = list(session.scalars(query))
            log_reads(
                session, principal, [e.id for e in found], ["first_name"], "list", self.clock()
            )
            return [summary_of(self.cipher, e) for e in found]

    def set_riders(self, principal: Principal, elder_id: int, data: RidersIn) -> ElderSummary:
        """Name the older person's familiar rider and backup."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            check_riders(session, data.primary_rider_id, data.backup_rider_id)
            elder.primary_rider_id = data.primary_rider_id
            elder.backup_rider_id = data.backup_rider_id
            elder.version += 1
            return summary_of(self.cipher, elder)

    def end_enrolment(self, principal: Principal, elder_id: int) -> None:
        """No more meals from now on; the record stays for statements and the log."""
        with transaction(self.factory) as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            if elder.ended_at is not None:
                raise Conflict(N_("This older person's enrolment has ended already."))
            elder.ended_at = self.clock()
            elder.version += 1

    def reads(self, principal: Principal, elder_id: int, limit: int = 100) -> list[ReadOut]:
        """Who read this older person's sensitive fields, newest first."""
        with self.factory() as session:
            elder = get_elder(session, elder_id)
            require_manager(principal, elder.subdistrict)
            return [
                ReadOut(
                    at=as_utc(r.at),
                    account_id=r.account_id,
                    role=r.role,
                    fields=r.fields.split(","),
                    purpose=r.purpose,
                )
                for r in reads_of(session, elder.id, limit)
            ]

    def rotate_keys(self) -> int:
        """Re-encrypt every sensitive field under the first key; how many rows changed.
        Run after putting a new key first in GIGCITY_ELDERCARE_KEYS."""
        cipher = self.cipher
        changed = 0
        with transaction(self.factory) as session:
            for model, columns in ENCRYPTED_COLUMNS:
                for row in session.scalars(select(model)):
                    for column in columns:
                        token = getattr(row, column)
                        if cipher.needs_rotation(token):
                            setattr(row, column, cipher.rotate(token))
                            changed += 1
        return changed
