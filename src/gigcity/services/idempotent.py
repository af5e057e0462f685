"""Inserting a row unless its unique key is stored already, safely under concurrent retries.

`INSERT ... ON CONFLICT DO NOTHING` (SQLite and PostgreSQL) lets two transactions race on
the same key without either failing: the second waits for the first and then inserts
nothing. Other databases fall back to a savepoint around a plain insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session


def insert_unless_present(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    key: Sequence[str],
) -> bool:
    """Insert `values` into `model`'s table unless a row with the same `key` columns exists.

    True when this call stored the row, False when it was there already.
    """
    return insert_all_unless_present(session, model, [values], key) == 1


def insert_returning_id(
    session: Session,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    key: Sequence[str],
) -> Any | None:
    """Insert `values` unless a row with the same `key` columns exists, in one statement on
    SQLite and PostgreSQL: the new row's primary key, or None when it was there already."""
    table = cast(Table, model.__table__)
    dialect = session.get_bind().dialect.name
    primary = next(iter(table.primary_key.columns))
    if dialect not in ("postgresql", "sqlite"):
        try:
            with session.begin_nested():
                return session.execute(
                    insert(table).values(dict(values)).returning(primary)
                ).scalar()
        except IntegrityError:
            return None
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(table).values(dict(values)).on_conflict_do_nothing(index_elements=key)
    return session.execute(statement.returning(primary)).scalar()


def insert_all_unless_present(
    session: Session,
    model: type[DeclarativeBase],
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    chunk: int = 1000,
) -> int:
    """Insert each of `rows` unless a row with the same `key` columns exists, in multi-row
    statements of `chunk` rows; how many went in."""
    table = cast(Table, model.__table__)
    dialect = session.get_bind().dialect.name
    stored = 0
    if dialect not in ("postgresql", "sqlite"):
        for row in rows:
            try:
                with session.begin_nested():
                    session.execute(insert(table).values(dict(row)))
            except IntegrityError:
                continue
            stored += 1
        return stored
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), chunk):
        part = [dict(row) for row in rows[start : start + chunk]]
        statement = make(table).values(part).on_conflict_do_nothing(index_elements=key)
        # RETURNING tells which rows went in (PostgreSQL reports no rowcount here).
        stored += len(session.execute(statement.returning(*table.primary_key.columns)).all())
    return stored
