"""One-time codes a platform issues for one order of a certified rider at one estate, to
show in its rider app. Only a keyed hash is stored; issuing again for the same order ends
the earlier code."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from gigcity.db.models import Estate, GateOrderCode
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import InvalidInput
from gigcity.services.gates import codes
from gigcity.services.gates.certifications import rider_by_username, standing
from gigcity.services.gates.schemas import OrderCodeIn, OrderCodeOut
from gigcity.services.idempotent import insert_unless_present

ATTEMPTS = 5  # a code already taken at this estate (1 in 10^8 each): draw again


def issue(
    session: Session, principal: Principal, data: OrderCodeIn, pepper: str, now: datetime
) -> OrderCodeOut:
    rider = rider_by_username(session, data.rider)
    if standing(session, rider.id, now)[0] != "ok":
        raise InvalidInput(
            N_("Rider {username} is not certified for gate passes."),
            field="rider",
            username=data.rider,
        )
    if session.get(Estate, data.estate_id) is None:
        raise InvalidInput(N_("Estate {id} does not exist."), field="estate_id", id=data.estate_id)
    # The earlier unused codes of this order end now: the newest one is the rider's.
    session.execute(
        update(GateOrderCode)
        .where(
            GateOrderCode.estate_id == data.estate_id,
            GateOrderCode.rider_id == rider.id,
            GateOrderCode.order_ref == data.order_ref,
            GateOrderCode.used_at.is_(None),
            GateOrderCode.expires_at > now,
        )
        .values(expires_at=now)
    )
    expires_at = now + timedelta(minutes=data.minutes_valid)
    for _ in range(ATTEMPTS):
        code = codes.new_order_code()
        stored = insert_unless_present(
            session,
            GateOrderCode,
            {
                "estate_id": data.estate_id,
                "code_hash": codes.order_code_hash(pepper, code),
                "rider_id": rider.id,
                "order_ref": data.order_ref,
                "issued_by_key_id": principal.api_key_id,
                "created_at": now,
                "expires_at": expires_at,
            },
            key=["estate_id", "code_hash"],
        )
        if stored:
            return OrderCodeOut(
                code=code, estate_id=data.estate_id, order_ref=data.order_ref, expires_at=expires_at
            )
    raise RuntimeError("no free order code after several draws")  # pragma: no cover
