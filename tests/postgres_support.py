"""A test's PostgreSQL database made a clean copy of the migrated template quickly.

Creating the database again from the template (`CREATE DATABASE ... TEMPLATE`) costs close to
a second a test (a checkpoint each time); with some 1,400 PostgreSQL tests that was a third
of the suite. When the database still has the template's schema (same revision, tables,
columns, indexes and sequences), emptying it is enough: the other sessions on it are ended
(as `DROP DATABASE ... WITH (FORCE)` would), every table but `alembic_version` is emptied
and every sequence starts again. Emptying is a DELETE per table, children before parents
(a few milliseconds when a test wrote a few rows); TRUNCATE gives each of the 200-odd tables
new files and cost 0.5-0.8 s a test. Autovacuum is off on the template's tables, so no
vacuum frees a deleted row's place and rows come back in the order they are written, as in
a fresh copy (a query without ORDER BY sees the same order). A schema with a cycle of
foreign keys is emptied by TRUNCATE. A database whose schema differs (a test migrated it,
dropped its schema, or a session would not let go) is created again from the template as
before."""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

_FINGERPRINT = text(
    """
    SELECT (SELECT string_agg(version_num, ',') FROM alembic_version),
           (SELECT string_agg(tablename, ',' ORDER BY tablename)
              FROM pg_tables WHERE schemaname = 'public'),
           (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'),
           (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'),
           (SELECT string_agg(sequencename || ':' || start_value, ',' ORDER BY sequencename)
              FROM pg_sequences WHERE schemaname = 'public')
    """
)


_FOREIGN_KEYS = text(
    """
    SELECT DISTINCT child.relname, parent.relname
      FROM pg_constraint c
      JOIN pg_class child ON child.oid = c.conrelid
      JOIN pg_class parent ON parent.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = child.relnamespace
     WHERE c.contype = 'f' AND n.nspname = 'public' AND child.oid <> parent.oid
    """
)


@dataclass(frozen=True)
class Template:
    name: str
    fingerprint: tuple[object, ...]
    emptying: str  # the SQL that empties a copy


def describe(url: str) -> Template:
    """The migrated template at `url`: what a clean copy of it looks like, and how one is
    emptied."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            fingerprint = tuple(conn.execute(_FINGERPRINT).one())
            tables = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                )
                .scalars()
                .all()
            )
            sequences = conn.execute(
                text(
                    "SELECT sequencename, start_value FROM pg_sequences WHERE schemaname = 'public'"
                )
            ).all()
            referenced_by: dict[str, set[str]] = {table: set() for table in tables}
            for child, parent in conn.execute(_FOREIGN_KEYS):
                referenced_by.setdefault(parent, set()).add(child)
            emptying = " ".join(
                [
                    "SET LOCAL lock_timeout = '2s';",
                    *_emptying_statements(tables, referenced_by),
                    *(
                        f"SELECT setval('public.\"{name}\"', {start}, false);"
                        for name, start in sequences
                    ),
                ]
            )
    finally:
        engine.dispose()
    return Template(make_url(url).database or "", fingerprint, emptying)


def _emptying_statements(tables: list[str], referenced_by: dict[str, set[str]]) -> list[str]:
    """A DELETE per table, each after the tables that refer to it; one TRUNCATE of them all
    when foreign keys go round in a cycle."""
    try:
        order = list(TopologicalSorter(referenced_by).static_order())
    except CycleError:
        return ["TRUNCATE " + ", ".join(f'public."{table}"' for table in tables) + ";"]
    return [f'DELETE FROM public."{table}";' for table in order if table in tables]


def keep_row_order(url: str) -> None:
    """Autovacuum off on every table of the database at `url` (see the module's note)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            for table in list(tables):
                conn.execute(
                    text(
                        f'ALTER TABLE public."{table}" SET '
                        "(autovacuum_enabled = false, toast.autovacuum_enabled = false)"
                    )
                )
    finally:
        engine.dispose()


def _end_other_sessions(conn: Connection) -> None:
    conn.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )


def emptied(url: str, template: Template) -> bool:
    """Make the database at `url` a clean copy of `template` by emptying it; False (nothing
    done that matters) when it does not have the template's schema, or could not be
    emptied."""
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if tuple(conn.execute(_FINGERPRINT).one()) != template.fingerprint:
                return False
            _end_other_sessions(conn)
            conn.exec_driver_sql("BEGIN; " + template.emptying + " COMMIT;")
        return True
    except (OperationalError, ProgrammingError):
        # no such database yet, one never migrated, or a lock not let go within 2 s
        return False
    finally:
        engine.dispose()


def recreate(admin_url: str, url: str, template: Template) -> None:
    """The database of `url` dropped and created again as a copy of `template`."""
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template.name}"'))
    finally:
        admin.dispose()
