"""A certified rider's passes, one per estate, made on first request; the current code of a
pass (its secret never leaves the server); withdrawing one pass."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gigcity.db.models import Estate, GatePass
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden, NotFound
from gigcity.services.gates import codes
from gigcity.services.gates.certifications import standing
from gigcity.services.gates.schemas import PassCodeOut, PassesOut, PassOut
from gigcity.services.idempotent import insert_unless_present
from gigcity.services.qr import qr_svg


def rider_label(pepper: str, estate_id: int, rider_id: int) -> str:
    """What the guard's screen and the decision log show for a rider: a pseudonym, stable
    for one rider at one estate and unrelated between estates; never a name or number."""
    digest = hmac.new(pepper.encode(), f"{estate_id}:{rider_id}".encode(), hashlib.sha256)
    return "R-" + digest.hexdigest()[:6].upper()


def list_passes(session: Session, rider_id: int, pepper: str, now: datetime) -> PassesOut:
    state, until = standing(session, rider_id, now)
    estates = session.execute(
        select(Estate.id, Estate.name, Estate.document["name_en"].as_string()).order_by(Estate.name)
    ).all()
    mine = {
        p.estate_id: p
        for p in session.scalars(select(GatePass).where(GatePass.rider_id == rider_id))
    }
    passes = []
    for estate_id, name, name_en in estates:
        held = mine.get(estate_id)
        passes.append(
            PassOut(
                estate_id=estate_id,
                estate_name=name,
                estate_name_en=name_en or "",
                pass_id=held.id if held else None,
                label=rider_label(pepper, estate_id, rider_id),
                revoked=bool(held and held.revoked_at is not None),
            )
        )
    return PassesOut(certified=state == "ok", valid_until=until, passes=passes)


def require_certified(session: Session, rider_id: int, now: datetime) -> datetime:
    """The end of the rider's certification in force, or Forbidden saying why not."""
    state, until = standing(session, rider_id, now)
    if state == "revoked":
        raise Forbidden(N_("Your certification has been revoked; ask your station."))
    if state == "expired":
        raise Forbidden(N_("Your certification has expired; ask your station to renew it."))
    if until is None:
        raise Forbidden(
            N_("You are not certified for gate passes; a station or your platform can certify you.")
        )
    return until


def current_code(
    session: Session, rider_id: int, estate_id: int, pepper: str, now: datetime
) -> PassCodeOut:
    until = require_certified(session, rider_id, now)
    estate_name = session.scalar(select(Estate.name).where(Estate.id == estate_id))
    if estate_name is None:
        raise NotFound(N_("Estate {id} does not exist."), id=estate_id)
    # Two first requests at once make one pass (the second inserts nothing).
    insert_unless_present(
        session,
        GatePass,
        {
            "rider_id": rider_id,
            "estate_id": estate_id,
            "secret": codes.new_secret(),
            "created_at": now,
            "last_used_step": 0,
        },
        key=["rider_id", "estate_id"],
    )
    held = session.scalar(
        select(GatePass).where(GatePass.rider_id == rider_id, GatePass.estate_id == estate_id)
    )
    assert held is not None
    if held.revoked_at is not None:
        raise Forbidden(N_("Your gate pass for this estate has been revoked."))
    unix = now.timestamp()
    code = codes.code_at_step(held.secret, codes.step_of(unix))
    text = codes.payload(held.id, code)
    return PassCodeOut(
        pass_id=held.id,
        label=rider_label(pepper, estate_id, rider_id),
        estate_id=estate_id,
        estate_name=estate_name,
        code=code,
        payload=text,
        qr_svg=qr_svg(text),
        step_s=codes.STEP_S,
        expires_in_s=codes.STEP_S - int(unix) % codes.STEP_S,
        valid_until=until,
    )


def revoke_pass(session: Session, principal: Principal, pass_id: int, now: datetime) -> None:
    """Withdraw one pass (admins; property staff of its estate): refused from the next check."""
    held = session.get(GatePass, pass_id)
    if held is None:
        raise NotFound(N_("Gate pass {id} does not exist."), id=pass_id)
    if principal.role == Role.property and principal.estate_id != held.estate_id:
        raise Forbidden(N_("Property staff may only revoke passes of their own estate."))
    if principal.role not in (Role.admin, Role.property):
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
    session.execute(
        update(GatePass)
        .where(GatePass.id == pass_id, GatePass.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by=principal.label[:120])
    )
