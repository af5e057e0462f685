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
    table = cast(Table, model.__table__)
    dialect = session.get_bind().dialect.name
    row = dict(values)
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(table).values(row).on_conflict_do_nothing(index_elements=key)
    elif dialect == "sqlite":
        statement = sqlite.insert(table).values(row).on_conflict_do_nothing(index_elements=key)
    else:
        try:
            with session.begin_nested():
                session.execute(insert(table).values(row))
        except IntegrityError:
            return False
        return True
    # RETURNING tells whether a row went in (PostgreSQL reports no rowcount here).
    returned = session.execute(statement.returning(*table.primary_key.columns)).first()
    return returned is not None
