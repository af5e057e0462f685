"""Secrets an installation makes for itself on first use and keeps with its data.

Dev and demo mode sign bearer tokens with a random key made for each database (no key is
written in the source, so a token made by hand for someone else's demo is refused), and
demo mode keeps the plaintext of its platform API key so each start prints the same one.
Every worker on the database reads the same row; the first to need a secret stores it
(`INSERT ... ON CONFLICT DO NOTHING`, then read: racing workers agree on one value).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import InstanceSecret, utcnow
from gigcity.db.session import transaction
from gigcity.services.idempotent import insert_unless_present

SIGNING_KEY = "token_signing_key"  # dev and demo mode only; production sets GIGCITY_SECRET_KEY
DEMO_API_KEY = "demo_api_key"


def read_secret(session: Session, name: str) -> str | None:
    return session.scalar(select(InstanceSecret.value).where(InstanceSecret.name == name))


def write_secret(session: Session, name: str, value: str) -> None:
    """Store (or replace) a secret; in the caller's transaction."""
    row = session.get(InstanceSecret, name)
    if row is None:
        session.add(InstanceSecret(name=name, value=value, created_at=utcnow()))
    else:
        row.value = value
    session.flush()


def get_or_create_secret(factory: sessionmaker[Session], name: str, make: Callable[[], str]) -> str:
    """The secret `name`; made with `make()` and stored the first time it is asked for."""
    with factory() as session:
        value = read_secret(session, name)
    if value is not None:
        return value
    with transaction(factory) as session:
        insert_unless_present(
            session,
            InstanceSecret,
            {"name": name, "value": make(), "created_at": utcnow()},
            key=["name"],
        )
        value = read_secret(session, name)
    assert value is not None  # inserted above, or by whoever won the race
    return value
