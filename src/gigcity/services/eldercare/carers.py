"""Who may act for an older person's meals (the plan, pauses, one-off changes): managers of
their sub-district, and family accounts linked to them with their consent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Elder, FamilyLink
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.base import require_manager
from gigcity.services.errors import Forbidden


def linked_elder_ids(session: Session, account_id: int) -> list[int]:
    """The older people a family account may act for now (links in force), by id."""
    return list(
        session.scalars(
            select(FamilyLink.elder_id)
            .where(FamilyLink.account_id == account_id, FamilyLink.revoked_at.is_(None))
            .order_by(FamilyLink.elder_id)
        )
    )


def is_linked(session: Session, account_id: int, elder_id: int) -> bool:
    found = session.scalar(
        select(FamilyLink.id).where(
            FamilyLink.account_id == account_id,
            FamilyLink.elder_id == elder_id,
            FamilyLink.revoked_at.is_(None),
        )
    )
    return found is not None


def require_carer(session: Session, principal: Principal, elder: Elder) -> None:
    """Managers in the older person's sub-district; a family account only for an older
    person linked to it (another family's is refused as an out-of-scope manager is: 403)."""
    if principal.role != Role.family:
        require_manager(principal, elder.subdistrict)
        return
    if principal.account_id is None or not is_linked(session, principal.account_id, elder.id):
        raise Forbidden(N_("Your account may act only for the older people linked to it."))
