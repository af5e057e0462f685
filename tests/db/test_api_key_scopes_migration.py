"""Migration 0006: keys issued before scopes keep working with every scope of the time; new
keys get only theirs; downgrade drops the column (on SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from gigcity.db.migrate import downgrade, upgrade
from gigcity.db.session import make_engine
from gigcity.services.accounts import (
    ALL_SCOPES,
    Scope,
    create_api_key,
    list_api_keys,
    principal_from_api_key,
)

OLD_SECRET = "gck_issued-before-scopes"
# The scopes there were when 0006 ran; scopes added later (gates) are not granted to old keys.
SCOPES_OF_0006 = [Scope.open311, Scope.deliveries, Scope.signals, Scope.workbench]


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("api_keys")}


def test_keys_issued_before_scopes_keep_every_scope(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    assert "scopes" not in _columns(engine)
    api_keys = sa.table(
        "api_keys",
        sa.column("name", sa.String),
        sa.column("prefix", sa.String),
        sa.column("key_hash", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    with engine.begin() as conn:
        conn.execute(
            api_keys.insert().values(
                name="city app",
                prefix=OLD_SECRET[:12],
                key_hash=hashlib.sha256(OLD_SECRET.encode()).hexdigest(),
                created_at=datetime.now(UTC),
            )
        )

    upgrade(engine)
    with Session(engine) as session:
        assert principal_from_api_key(session, OLD_SECRET).scopes == set(SCOPES_OF_0006)
        assert set(SCOPES_OF_0006) < ALL_SCOPES
        new = create_api_key(session, "signals only", None, scopes=[Scope.signals])
        assert new.key is not None
        assert principal_from_api_key(session, new.key).scopes == {Scope.signals}
        session.commit()
        assert [(k.name, k.scopes) for k in list_api_keys(session)] == [
            ("city app", SCOPES_OF_0006),
            ("signals only", [Scope.signals]),
        ]

    downgrade(engine, "0005")
    assert "scopes" not in _columns(engine)
    with engine.connect() as conn:  # the keys themselves stay
        assert conn.execute(sa.text("SELECT count(*) FROM api_keys")).scalar_one() == 2
    engine.dispose()
