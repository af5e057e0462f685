"""Counting rows by month in SQL, for the dashboards (the district's and organisation's
overviews): the month a timestamp falls in as a CASE over the window's month starts, rows
counted and summed per group, and a dashboard's independent queries read side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Integer, case, func, literal, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

P = TypeVar("P")
T = TypeVar("T")

# The dashboards' query groups on PostgreSQL, a connection each (see `side_by_side`).
_POOL = ThreadPoolExecutor(max_workers=6, thread_name_prefix="dashboard")


def month_bucket(column: Any, edges: Sequence[Any]) -> ColumnElement[int]:
    """The index of the month `column` falls in, given the window's edges (its start, each
    later month's start, its end); rows outside [edges[0], edges[-1]) are filtered apart."""
    inner = edges[1:-1]
    if not inner:  # one month: CASE needs a WHEN
        return literal(0, Integer)
    return case(*[(column < edge, k) for k, edge in enumerate(inner)], else_=len(inner))


def grouped(session: Session, inner: Any, columns: int, sums: Sequence[str] = ()) -> list[Any]:
    """`inner`'s rows (its first `columns` columns the group, then values) counted per
    group, each value column in `sums` summed. Grouped outside a subquery: PostgreSQL would
    take the CASE's bound parameters in SELECT and in GROUP BY for two different
    expressions."""
    sub = inner.subquery()
    group = [sub.c[k] for k in range(columns)]
    totals = [func.coalesce(func.sum(sub.c[name]), 0) for name in sums]
    return list(session.execute(select(*group, func.count(), *totals).group_by(*group)))


def side_by_side(
    factory: sessionmaker[Session],
    groups: Sequence[Sequence[P]],
    run: Callable[[Session, Sequence[P]], T],
) -> list[T]:
    """`run(session, group)` for each group of parts: on PostgreSQL each on its own
    connection at once (the wall time is the slowest group's); on SQLite (one writer, one
    connection) all the parts one after another, as one group."""
    bind = factory.kw.get("bind")
    if bind is not None and bind.dialect.name == "postgresql":

        def one(group: Sequence[P]) -> T:
            with factory() as session:
                return run(session, group)

        return list(_POOL.map(one, groups))
    with factory() as session:
        return [run(session, [part for group in groups for part in group])]
