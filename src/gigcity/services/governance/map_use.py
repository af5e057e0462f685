"""How much the friendly map is used, per sub-district and local day, for the district
overview — counts only: no address, no position, no account is kept.

The map's hot paths (nearest points, a point's card with its navigation links) call
`MapUseCounter.count`, which adds one to a counter in this process's memory: no database
write on the request. The counters are added to the shared table (`gov_map_uses`) with one
UPSERT (count = count + n) for the whole batch, at most a minute after the first count of
the batch (a timer), when the platform closes, and before this process reads the overview —
so every worker's uses reach every reader within a minute, and no two workers' additions
can overwrite each other. A process killed outright loses at most its last minute of counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import GovMapUse
from gigcity.db.session import transaction
from gigcity.services.types import as_utc

MapUse = Literal["nearby", "details"]
MAP_USES: tuple[MapUse, ...] = ("nearby", "details")
FLUSH_SECONDS = 60.0

log = structlog.get_logger(__name__)


class MapUseCounter:
    def __init__(
        self,
        factory: sessionmaker[Session],
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        *,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.factory = factory
        self.tz = tz
        self.clock = clock
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._pending: dict[tuple[date, str, str], int] = {}
        self._timer: threading.Timer | None = None

    def count(self, kind: MapUse, subdistrict: str) -> None:
        """One use of the map in `subdistrict`, now (added to the table within a minute)."""
        day = as_utc(self.clock()).astimezone(self.tz).date()
        with self._lock:
            key = (day, subdistrict, kind)
            self._pending[key] = self._pending.get(key, 0) + 1
            if self._timer is None and self.flush_seconds > 0:
                self._timer = threading.Timer(self.flush_seconds, self._flush_quietly)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> int:
        """Add this process's pending counts to the table in one statement; how many uses."""
        with self._lock:
            pending, self._pending = self._pending, {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not pending:
            return 0
        rows = [
            {"day": day, "subdistrict": sub, "kind": kind, "count": n}
            for (day, sub, kind), n in pending.items()
        ]
        try:
            with transaction(self.factory) as session:
                _add(session, rows)
        except BaseException:
            with self._lock:  # put them back for the next flush
                for (day, sub, kind), n in pending.items():
                    key = (day, sub, kind)
                    self._pending[key] = self._pending.get(key, 0) + n
            raise
        return sum(pending.values())

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except SQLAlchemyError as error:  # the next count starts another timer
            log.warning("map_use_flush_failed", error=type(error).__name__)

    def close(self) -> None:
        self._flush_quietly()


def _add(session: Session, rows: list[dict[str, Any]]) -> None:
    table = cast(Table, GovMapUse.__table__)
    statement: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(table).values(rows)
    else:
        statement = sqlite.insert(table).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "subdistrict", "kind"],
            set_={"count": table.c.count + statement.excluded.count},
        )
    )


__all__ = ["MAP_USES", "MapUse", "MapUseCounter"]
