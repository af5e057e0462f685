"""The demo's gate passes: the demo rider certified for a year by the demo station's staff,
and a gate controller's API key bound to the sample estate (its plaintext kept in the
instance secrets, like the demo platform key, so it can be shown at every start)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, RiderCertification
from gigcity.services.accounts import Scope
from gigcity.services.accounts.instance_secrets import read_secret, write_secret
from gigcity.services.accounts.service import create_api_key, principal_from_api_key
from gigcity.services.errors import NotAuthenticated

DEMO_GATE_KEY = "demo_gate_key"
DEMO_GATE_KEY_NAME = "demo gate controller"
CERTIFIED_FOR = timedelta(days=365)


def seed_demo_gates(session: Session, estate_id: int) -> None:
    """Certify the demo rider unless a certification is in force; make the gate key."""
    now = datetime.now(UTC)
    rider_id = session.scalar(select(Account.id).where(Account.username == "rider"))
    staff = session.execute(
        select(Account.id, Account.station_id).where(Account.username == "staff")
    ).first()
    if rider_id is not None:
        in_force = session.scalar(
            select(RiderCertification.id).where(
                RiderCertification.rider_id == rider_id,
                RiderCertification.revoked_at.is_(None),
                RiderCertification.valid_until > now,
            )
        )
        if in_force is None:
            session.add(
                RiderCertification(
                    rider_id=rider_id,
                    vouched_by_account_id=staff[0] if staff else None,
                    station_id=staff[1] if staff else None,
                    voucher="staff",
                    certified_at=now,
                    valid_from=now,
                    valid_until=now + CERTIFIED_FOR,
                    note="demo",
                )
            )
    demo_gate_key(session, estate_id)


def demo_gate_key(session: Session, estate_id: int) -> str:
    """The demo gate controller's key for the sample estate: the same at every start, a new
    one only when an admin revoked it."""
    stored = read_secret(session, DEMO_GATE_KEY)
    if stored is not None:
        try:
            if principal_from_api_key(session, stored).estate_id == estate_id:
                return stored
        except NotAuthenticated:
            pass  # revoked: make another
    admin_id = session.scalar(select(Account.id).where(Account.username == "admin"))
    out = create_api_key(
        session, DEMO_GATE_KEY_NAME, admin_id, scopes=[Scope.gates], estate_id=estate_id
    )
    assert out.key is not None
    write_secret(session, DEMO_GATE_KEY, out.key)
    return out.key
