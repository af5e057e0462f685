"""Certifying riders: who may vouch (a station's staff, a platform's key with the
`deliveries` scope, an admin), for how long, and withdrawing it. A certification takes
effect and ends on the database's word at every gate check: nothing is cached."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Account, RiderCertification
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.day_clock import DayClock, as_utc
from gigcity.services.errors import Forbidden, InvalidInput, NotFound
from gigcity.services.gates.schemas import (
    MAX_VALIDITY_DAYS,
    CertificationIn,
    CertificationOut,
)

VOUCHERS = (Role.staff, Role.admin, Role.platform)


def rider_by_username(session: Session, username: str) -> Account:
    rider = session.scalar(select(Account).where(Account.username == username))
    if rider is None or rider.role != Role.rider.value or not rider.active:
        raise InvalidInput(
            N_("No active rider is called {username}."), field="rider", username=username
        )
    return rider


def in_force(row: RiderCertification, now: datetime) -> bool:
    return row.revoked_at is None and as_utc(row.valid_from) <= now < as_utc(row.valid_until)


def certification_out(row: RiderCertification, rider: Account, now: datetime) -> CertificationOut:
    return CertificationOut(
        id=row.id,
        rider=rider.username,
        rider_name=rider.display_name,
        voucher=row.voucher,
        station_id=row.station_id,
        certified_at=as_utc(row.certified_at),
        valid_from=as_utc(row.valid_from),
        valid_until=as_utc(row.valid_until),
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
        revoked_by=row.revoked_by,
        note=row.note,
        in_force=in_force(row, now),
    )


def certify(
    session: Session, principal: Principal, data: CertificationIn, clock: DayClock, now: datetime
) -> CertificationOut:
    if principal.role not in VOUCHERS:
        raise Forbidden(N_("Only station staff, platforms and admins may certify riders."))
    if principal.role == Role.staff and principal.station_id is None:
        raise Forbidden(N_("Your account is not bound to a station."))
    rider = rider_by_username(session, data.rider)
    valid_from = clock.to_utc(data.valid_from) if data.valid_from is not None else now
    valid_until = clock.to_utc(data.valid_until)
    if valid_until <= max(valid_from, now):
        raise InvalidInput(
            N_("A certification must end after it starts, and in the future."),
            field="valid_until",
        )
    if valid_until - valid_from > timedelta(days=MAX_VALIDITY_DAYS):
        raise InvalidInput(
            N_("A certification lasts at most {days} days; certify again when it ends."),
            field="valid_until",
            days=MAX_VALIDITY_DAYS,
        )
    row = RiderCertification(
        rider_id=rider.id,
        vouched_by_account_id=principal.account_id,
        vouched_by_key_id=principal.api_key_id,
        station_id=principal.station_id if principal.role == Role.staff else None,
        voucher=principal.label[:120],
        certified_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        note=data.note.strip(),
    )
    session.add(row)
    session.flush()
    return certification_out(row, rider, now)


def _visible_to(principal: Principal) -> ColumnElement[bool] | None:
    """Which certifications `principal` may see and withdraw (None: all of them)."""
    if principal.role == Role.admin:
        return None
    if principal.role == Role.staff:
        return RiderCertification.station_id == principal.station_id
    if principal.role == Role.platform:
        return RiderCertification.vouched_by_key_id == principal.api_key_id
    if principal.role == Role.rider:
        return RiderCertification.rider_id == principal.account_id
    raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)


def _query(principal: Principal) -> Select[RiderCertification, Account]:
    query = select(RiderCertification, Account).join(
        Account, Account.id == RiderCertification.rider_id
    )
    visible = _visible_to(principal)
    return query if visible is None else query.where(visible)


def list_certifications(
    session: Session,
    principal: Principal,
    now: datetime,
    *,
    rider: str | None = None,
    in_force_only: bool = False,
    limit: int = 200,
) -> list[CertificationOut]:
    query = _query(principal)
    if rider is not None:
        query = query.where(Account.username == rider)
    if in_force_only:
        query = query.where(
            RiderCertification.revoked_at.is_(None),
            RiderCertification.valid_from <= now,
            RiderCertification.valid_until > now,
        )
    rows = session.execute(query.order_by(RiderCertification.id.desc()).limit(limit))
    return [certification_out(row, account, now) for row, account in rows]


def revoke(
    session: Session, principal: Principal, certification_id: int, now: datetime
) -> CertificationOut:
    """Withdraw a certification (the next gate check already refuses); again is no change."""
    if principal.role not in VOUCHERS:
        raise Forbidden(N_("Only station staff, platforms and admins may revoke certifications."))
    found = session.execute(
        _query(principal).where(RiderCertification.id == certification_id)
    ).first()
    if found is None:
        raise NotFound(N_("Certification {id} does not exist."), id=certification_id)
    session.execute(
        update(RiderCertification)
        .where(RiderCertification.id == certification_id, RiderCertification.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by=principal.label[:120])
    )
    row, rider = found
    session.refresh(row)
    return certification_out(row, rider, now)


def standing(session: Session, rider_id: int, now: datetime) -> tuple[str, datetime | None]:
    """The rider's certification now: ("ok", until), else ("revoked"|"expired"|"none",
    None). Revoked wins over expired when both apply: the more recent word."""
    rows = session.execute(
        select(
            RiderCertification.valid_from,
            RiderCertification.valid_until,
            RiderCertification.revoked_at,
        ).where(RiderCertification.rider_id == rider_id)
    ).all()
    best: datetime | None = None
    revoked = expired = False
    for valid_from, valid_until, revoked_at in rows:
        if revoked_at is not None:
            revoked = True
        elif as_utc(valid_until) <= now:
            expired = True
        elif as_utc(valid_from) <= now:
            until = as_utc(valid_until)
            best = until if best is None or until > best else best
    if best is not None:
        return "ok", best
    if revoked:
        return "revoked", None
    return ("expired" if expired else "none"), None
