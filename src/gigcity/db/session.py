"""Engines and sessions; one engine per database URL."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from gigcity.config import WORKER_THREADS


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # A worker runs sync endpoints on up to WORKER_THREADS threads, each holding at most
        # one connection at a time: keep that many open. With the default pool (5 + 10
        # overflow) a busy worker opened and closed a PostgreSQL connection (a new server
        # process) for every request beyond the fifth in flight.
        kwargs.update(pool_size=WORKER_THREADS, max_overflow=WORKER_THREADS)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        event.listen(engine.pool, "checkin", _note_idle_since)
        event.listen(engine.pool, "checkout", _ping_if_idle(engine.dialect))
    return engine


# A pooled connection idle longer than this is pinged before it is handed out (a server
# restart or an idle timeout may have closed it). One used moments ago is not: pinging at
# every checkout (SQLAlchemy's pre-ping) cost a round trip per request, a sixth of a gate
# check's time. After a server restart, a connection returned within these seconds fails
# its statement once; the pool then drops every connection older than the failure.
PING_AFTER_IDLE_S = 5.0
_IDLE_SINCE = "gigcity_idle_since"


def _note_idle_since(_dbapi: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dialect: Dialect) -> Callable[[Any, ConnectionPoolEntry, Any], None]:
    def ping(dbapi: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # new, or back in the pool moments ago
        try:
            dialect.do_ping(dbapi)
        except Exception as error:  # the pool discards this connection and takes another
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error

    return ping


# An execution option of the connection a writing transaction runs on (see `transaction`).
WRITE_LOCK = "gigcity_write_lock"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver would open a transaction only at the first INSERT/UPDATE, after the reads
    # a check is made on: `_sqlite_begin` says BEGIN itself instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN IMMEDIATE for writing transactions: the write lock is taken before the first
    read, so a read-check-write cannot interleave with another writer (SQLite has no
    SELECT ... FOR UPDATE). Reading sessions begin deferred and never block writers (WAL)."""
    immediate = connection.get_execution_options().get(WRITE_LOCK, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error.

    Its transaction holds the database's write lock from the start on SQLite, so a
    read-check-write inside is atomic there too (on PostgreSQL lock the rows read with
    `FOR UPDATE`, or write conditionally)."""
    with factory() as session, session.begin():
        begin_write(session)
        yield session


def begin_write(session: Session) -> None:
    """Begin `session`'s transaction as a writing one (on SQLite: BEGIN IMMEDIATE). Call it
    before the session's first statement; `transaction` does."""
    session.connection(execution_options={WRITE_LOCK: True})


def lock_named(session: Session, name: str) -> None:
    """Hold the lock called `name` until `session`'s transaction ends, so read-check-writes
    that span rows not yet written (count, then insert) run one at a time. On PostgreSQL a
    transaction-level advisory lock; on SQLite the writing transaction's lock is it already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())}
        )


def single_statement_sessions(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions for work that is only reads, or one writing statement, on PostgreSQL: every
    statement commits on its own, which saves the BEGIN and COMMIT round trips of a
    transaction (a third of the database time of a request on the busiest paths). Work of
    more than one write must use `factory`. Elsewhere (SQLite) the same as `factory`."""
    engine = factory.kw["bind"]
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return factory
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    return sessionmaker(bind=autocommit, expire_on_commit=False)
