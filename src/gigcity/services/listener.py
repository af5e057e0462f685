"""A worker's ear on PostgreSQL: one daemon thread that LISTENs on a channel and tells its
service what changed (the streets: which networks' closures or phases; meals for the elderly:
that an alert was raised or moved).

The thread keeps its own connection (autocommit, outside the engine's pool: a LISTEN lasts
as long as its session). When the connection drops it reconnects with growing pauses, and
after every (re)connect it reports "everything may have changed", since notifications sent
while it was not listening are lost. TCP keepalives and a periodic `SELECT 1` notice a
connection that died without a word (a host or network gone).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("gigcity.services.listener")

# `None`: anything may have changed (just connected); else the payloads of the notifies
# (the streets: network names).
OnChange = Callable[[set[str] | None], None]

FIRST_PAUSE_S = 0.2
LONGEST_PAUSE_S = 10.0
WAIT_S = 0.5  # how long one wait for notifications lasts; `close` takes at most about this
PROBE_EVERY_S = 30.0  # an idle connection is checked this often


def connector(engine: Engine, purpose: str) -> Callable[[], psycopg.Connection[Any]]:
    """Opens a connection to the engine's database with the engine's own connect arguments,
    named after `purpose` on the server (`gigcity <purpose> listener`)."""
    import psycopg

    args, engine_params = engine.dialect.create_connect_args(engine.url)
    params: dict[str, Any] = {"connect_timeout": 10, **engine_params}
    params.pop("context", None)  # SQLAlchemy's type adapters: not wanted on a bare connection
    params.update(
        application_name=f"gigcity {purpose} listener",
        keepalives=1,
        keepalives_idle=10,
        keepalives_interval=5,
        keepalives_count=3,
    )

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(*args, autocommit=True, **params)

    return connect


class Listener:
    def __init__(
        self,
        connect: Callable[[], psycopg.Connection[Any]],
        channel: str,
        on_change: OnChange,
        purpose: str = "changes",
    ) -> None:
        self._connect = connect
        self._channel = channel
        self._on_change = on_change
        self._stop = threading.Event()
        self.state = "connecting"  # "ok" while listening, else what is wrong
        self.backend_pid: int | None = None  # the listening session's, on the server
        self._thread = threading.Thread(target=self._run, name=f"{purpose}-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10 * WAIT_S)

    def _run(self) -> None:
        pause = FIRST_PAUSE_S
        while not self._stop.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {self._channel}")
                    self.backend_pid = connection.info.backend_pid
                    self.state = "ok"
                    pause = FIRST_PAUSE_S
                    self._tell(None)
                    self._listen(connection)
            except Exception as error:  # whatever broke: listen again
                if self._stop.is_set():
                    break
                self.state = f"reconnecting in {pause:g} s after {type(error).__name__}: {error}"
                log.warning("streets listener: %s", self.state)
                self._stop.wait(pause)
                pause = min(pause * 2, LONGEST_PAUSE_S)
        self.state = "stopped"

    def _listen(self, connection: psycopg.Connection[Any]) -> None:
        probed = time.monotonic()
        while not self._stop.is_set():
            changed = {n.payload for n in connection.notifies(timeout=WAIT_S, stop_after=1)}
            if changed:
                # Take whatever else has arrived too: one re-read for a burst of changes.
                changed |= {n.payload for n in connection.notifies(timeout=0)}
                self._tell(changed)
                probed = time.monotonic()
            elif time.monotonic() - probed > PROBE_EVERY_S:
                connection.execute("SELECT 1")
                probed = time.monotonic()

    def _tell(self, changed: set[str] | None) -> None:
        try:
            self._on_change(changed)
        except Exception:  # the service logs and retries its re-read; keep listening
            log.exception("streets listener: re-reading the shared state failed")
