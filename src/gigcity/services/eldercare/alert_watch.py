"""When do the open alerts change? What the live staff pages wait on.

On PostgreSQL every new alert, step and closing is announced at commit on
`gigcity_eldercare_alerts` (see `doorchecks`). A worker keeps one LISTEN connection for all
its live pages (outside the engine's pool, by a `Listener`), opened when the first
page starts watching and closed when the last one goes, and wakes each page's own callback.
On SQLite (one process) pages poll `mark`: a few numbers that change whenever an alert of
the scope opens, takes a step or closes, read without any personal field, so polling logs
no reads of older people's records (the alerts themselves are read, and logged, only when
the mark moves).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import ElderAlert, ElderAlertStep
from gigcity.services.eldercare.doorchecks import ALERTS_CHANNEL
from gigcity.services.listener import Listener, connector

Wake = Callable[[], None]
Mark = tuple[int, int, int, int]


class AlertWatch:
    """One per worker: wakes the live pages watching alerts (see the module's note)."""

    def __init__(self, engine: Engine, factory: sessionmaker[Session]) -> None:
        self._engine = engine
        self._factory = factory
        self.notifies = engine.dialect.name == "postgresql"  # else: poll `mark`
        self._pages: set[Wake] = set()
        self._listener: Listener | None = None
        self._lock = threading.Lock()

    def watch(self, wake: Wake) -> None:
        """Call `wake` (from another thread) whenever alerts may have changed."""
        with self._lock:
            self._pages.add(wake)
            if self.notifies and self._listener is None:
                self._listener = Listener(
                    connector(self._engine, "eldercare alerts"),
                    ALERTS_CHANNEL,
                    self._told,
                    "eldercare-alerts",
                )
                self._listener.start()

    def unwatch(self, wake: Wake) -> None:
        """Stop waking `wake`; the last page to go closes the LISTEN connection (this
        waits up to a few seconds for it: call it off the event loop)."""
        with self._lock:
            self._pages.discard(wake)
            listener = None
            if not self._pages:
                listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    @property
    def listening(self) -> bool:
        with self._lock:
            return self._listener is not None and self._listener.state == "ok"

    def _told(self, _changed: set[str] | None) -> None:
        # Any alert id, or None (just connected: anything may have changed): every page
        # re-reads its own scope. Alerts change a few times a minute at most.
        with self._lock:
            pages = list(self._pages)
        for wake in pages:
            wake()

    def mark(self, subdistrict: str | None) -> Mark:
        """Numbers that change when an alert of `subdistrict` (None: all) opens, takes a
        step or closes: the newest alert, how many are open, the newest step, the latest
        closing (as a count of closed alerts)."""
        alerts = select(
            func.coalesce(func.max(ElderAlert.id), 0),
            func.count(ElderAlert.id).filter(ElderAlert.closed_at.is_(None)),
            func.count(ElderAlert.id).filter(ElderAlert.closed_at.is_not(None)),
        )
        steps = select(func.coalesce(func.max(ElderAlertStep.id), 0)).join(
            ElderAlert, ElderAlert.id == ElderAlertStep.alert_id
        )
        if subdistrict is not None:
            alerts = alerts.where(ElderAlert.subdistrict == subdistrict)
            steps = steps.where(ElderAlert.subdistrict == subdistrict)
        with self._factory() as session:
            newest, still_open, closed = session.execute(alerts).one()
            step = session.scalar(steps) or 0
        return (int(newest), int(still_open), int(step), int(closed))
