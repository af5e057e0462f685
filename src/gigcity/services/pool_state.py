"""The database connection pool's state, for metrics (read at scrape time, never per query)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool


def pool_state(engine: Engine) -> dict[str, float]:
    """Connections of this process's pool: `size` (kept open), `checked_out` (in use),
    `checked_in` (open and idle), `overflow` (open beyond `size`). Only a QueuePool (the
    pool on PostgreSQL and on a SQLite file) counts them; other pools report nothing."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return {}
    return {
        "size": float(pool.size()),
        "checked_out": float(pool.checkedout()),
        "checked_in": float(pool.checkedin()),
        # Negative until the pool has opened `size` connections: none beyond it yet.
        "overflow": float(max(0, pool.overflow())),
    }
