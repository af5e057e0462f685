"""The connection pool pings a PostgreSQL connection only when it sat idle a while: one
closed by the server meanwhile is replaced without the caller noticing, and one used
moments ago costs no extra round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from gigcity.db import session as db_session
from gigcity.db.session import make_engine


def _backend_pid(engine: object) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_connection_closed_by_the_server_is_replaced_after_idling(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgres_database)
    try:
        first = _backend_pid(engine)
        admin = create_engine(postgres_database)  # the server ends the pooled connection
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.dispose()
        monkeypatch.setattr(db_session, "PING_AFTER_IDLE_S", 0.0)  # it idled long enough
        assert _backend_pid(engine) != first  # pinged, found dead, replaced: no error
    finally:
        engine.dispose()


def test_a_connection_is_pinged_only_after_idling(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(postgres_database)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(
        engine.dialect, "do_ping", lambda dbapi: pings.append(dbapi) or real_ping(dbapi)
    )
    try:
        _backend_pid(engine)
        _backend_pid(engine)  # back in the pool moments ago: no round trip
        assert pings == []
        monkeypatch.setattr(db_session, "PING_AFTER_IDLE_S", 0.0)
        _backend_pid(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()
