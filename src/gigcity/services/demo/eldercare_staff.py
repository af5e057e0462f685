"""The demo's staff of meals for the elderly: `committee`, neighbourhood-committee staff of the
demo officer's sub-district (home: the staff page), and `canteen`, staff of the demo canteen
(services/demo/eldercare.py; home: the kitchen page). Both with the demo password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Canteen
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD

COMMITTEE_USERNAME = "committee"
CANTEEN_USERNAME = "canteen"


def seed_eldercare_staff(session: Session) -> None:
    """Make the demo's committee and canteen accounts unless there (in the caller's
    transaction); nothing without the demo officer's sub-district, and no canteen account
    without a canteen there."""
    subdistrict = session.scalar(select(Account.subdistrict).where(Account.username == "officer"))
    if subdistrict is None:
        return
    _add(session, COMMITTEE_USERNAME, "居委会张老师", Role.committee, subdistrict=subdistrict)
    canteen_id = session.scalar(
        select(Canteen.id)
        .where(Canteen.subdistrict == subdistrict, Canteen.active)
        .order_by(Canteen.id)
        .limit(1)
    )
    if canteen_id is not None:
        _add(session, CANTEEN_USERNAME, "食堂厨师长老陈", Role.canteen, canteen_id=canteen_id)


def _add(
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    *,
    subdistrict: str | None = None,
    canteen_id: int | None = None,
) -> None:
    if session.scalar(select(Account.id).where(Account.username == username)) is not None:
        return
    session.add(
        Account(
            username=username,
            display_name=display_name,
            password_hash=hash_password(DEMO_PASSWORD),
            role=role.value,
            subdistrict=subdistrict,
            canteen_id=canteen_id,
            active=True,
        )
    )
    session.flush()
