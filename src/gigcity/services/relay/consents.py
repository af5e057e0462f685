"""Residents' consents to relay delivery, per address: recorded by property staff of the
estate or by a platform on the resident's behalf, revocable, timestamped; no name or phone."""

from __future__ import annotations

from sqlalchemy import select, update

from gigcity.db.models import (
    RelayConsent,
)
from gigcity.db.session import transaction
from gigcity.geo.estates import Estate
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import as_utc
from gigcity.services.errors import Conflict, Forbidden, NotFound
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.relay import access
from gigcity.services.relay.base import (
    RelayBase,
    _address,
    _clean,
    _rowcount,
    _utc,
)
from gigcity.services.relay.places import building_of
from gigcity.services.relay.schemas import (
    AddressIn,
    ConsentCheck,
    ConsentOut,
)


class Consents(RelayBase):
    """Residents' consents per address."""

    def _consent_recorder(
        self, principal: Principal, estate_id: int
    ) -> tuple[str, int | None, int | None]:
        if principal.role == Role.platform:
            return "platform", None, access.platform_key(principal)
        access.estate_staff(principal, estate_id)
        return "property_desk", principal.account_id, None

    def record_consent(self, principal: Principal, estate_id: int, data: AddressIn) -> ConsentOut:
        channel, account_id, key_id = self._consent_recorder(principal, estate_id)
        with transaction(self.factory) as session:
            estate = self.estates.read(session, estate_id).estate
            building = building_of(estate, data.building)
            unit, room = _clean(data.unit), _clean(data.room)
            key = _address(estate_id, building.ref, unit, room)
            stored = insert_unless_present(
                session,
                RelayConsent,
                {
                    "estate_id": estate_id,
                    "building": building.ref,
                    "unit": unit,
                    "room": room,
                    "active_address": key,
                    "channel": channel,
                    "consented_at": self.now(),
                    "recorded_by_account": account_id,
                    "recorded_by_key": key_id,
                },
                ("active_address",),
            )
            if not stored:
                raise Conflict(N_("This address has agreed to relay delivery already."))
            row = session.scalars(
                select(RelayConsent).where(RelayConsent.active_address == key)
            ).one()
            return _consent_out(row, estate)

    def revoke_consent(self, principal: Principal, consent_id: int) -> ConsentOut:
        with transaction(self.factory) as session:
            row = session.get(RelayConsent, consent_id)
            if row is None:
                raise NotFound(N_("There is no consent {id}."), id=consent_id)
            if principal.role == Role.platform:
                if row.recorded_by_key != access.platform_key(principal):
                    raise Forbidden(N_("A platform may revoke only the consents it recorded."))
            else:
                access.estate_staff(principal, row.estate_id)
            done = _rowcount(
                session.execute(
                    update(RelayConsent)
                    .where(RelayConsent.id == consent_id, RelayConsent.revoked_at.is_(None))
                    .values(
                        revoked_at=self.now(), active_address=None, revoked_by=principal.label[:120]
                    )
                )
            )
            if done != 1:
                raise Conflict(N_("This consent was revoked already."))
            session.refresh(row)
            return _consent_out(row, self.estates.read(session, row.estate_id).estate)

    def consents(
        self, principal: Principal, estate_id: int, *, include_revoked: bool = False
    ) -> list[ConsentOut]:
        access.estate_staff(principal, estate_id)
        with self.factory() as session:
            estate = self.estates.read(session, estate_id).estate
            query = select(RelayConsent).where(RelayConsent.estate_id == estate_id)
            if not include_revoked:
                query = query.where(RelayConsent.revoked_at.is_(None))
            rows = session.scalars(
                query.order_by(
                    RelayConsent.building, RelayConsent.unit, RelayConsent.room, RelayConsent.id
                )
            )
            return [_consent_out(r, estate) for r in rows]

    def consent_check(self, principal: Principal, estate_id: int, data: AddressIn) -> ConsentCheck:
        if principal.role != Role.platform:
            access.estate_staff(principal, estate_id)
        with self.factory() as session:
            estate = self.estates.read(session, estate_id).estate
            row = self._consent_in_force(session, estate, estate_id, data)
        if row is None:
            return ConsentCheck(in_force=False)
        return ConsentCheck(in_force=True, consent_id=row.id, consented_at=as_utc(row.consented_at))


def _consent_out(row: RelayConsent, estate: Estate) -> ConsentOut:
    building = estate.building(row.building)
    return ConsentOut(
        id=row.id,
        estate_id=row.estate_id,
        building=row.building,
        building_number=building.number if building else row.building,
        unit=row.unit,
        room=row.room,
        channel=row.channel,
        consented_at=as_utc(row.consented_at),
        revoked_at=_utc(row.revoked_at),
        in_force=row.revoked_at is None,
    )
