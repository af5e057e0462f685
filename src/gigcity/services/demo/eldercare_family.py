"""The demo's family account: `family` (the demo password) linked to the first older person
enrolled, with a consent note, so the family's page has someone to show."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import Account, Elder, FamilyLink
from gigcity.services.accounts import Role, hash_password
from gigcity.services.demo.accounts import DEMO_PASSWORD
from gigcity.services.demo.eldercare import EldercareDemo, dev_cipher

FAMILY_USERNAME = "family"


def seed_family(session: Session, demo: EldercareDemo | None = None) -> None:
    """Make the demo family account and link it to the first older person enrolled, unless
    there (in the caller's transaction); nothing when nobody is enrolled."""
    elder_id = session.scalar(
        select(Elder.id).where(Elder.ended_at.is_(None)).order_by(Elder.id).limit(1)
    )
    if elder_id is None:
        return
    account = session.scalar(select(Account).where(Account.username == FAMILY_USERNAME))
    if account is None:
        account = Account(
            username=FAMILY_USERNAME,
            display_name="家属李明",
            password_hash=hash_password(DEMO_PASSWORD),
            role=Role.family.value,
            active=True,
        )
        session.add(account)
        session.flush()
    linked = session.scalar(
        select(FamilyLink.id).where(
            FamilyLink.account_id == account.id, FamilyLink.revoked_at.is_(None)
        )
    )
    if linked is not None:
        return
    cipher = (demo.cipher if demo else None) or dev_cipher(session)
    officer = session.scalar(select(Account.id).where(Account.username == "officer"))
    session.add(
        FamilyLink(
            account_id=account.id,
            elder_id=elder_id,
            relation="儿子",
            consent_note_enc=cipher.encrypt("演示数据：老人本人同意由儿子代为管理订餐"),
            granted_by=officer,
            granted_at=datetime.now(UTC),
        )
    )
    session.flush()
