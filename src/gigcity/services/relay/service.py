"""Relay delivery (接力送): the service the platform holds (`platform.relay`), assembled from
its parts: consents, moves (an item's life), views (reading, alerts) and webhooks."""

from __future__ import annotations

from gigcity.services.jobs import JobArgs
from gigcity.services.relay.base import ALERTS_JOB, RELAY_JOBS, WEBHOOK_JOB
from gigcity.services.relay.consents import Consents
from gigcity.services.relay.moves import Moves
from gigcity.services.relay.retention import RelayRetention
from gigcity.services.relay.views import Views
from gigcity.services.relay.webhooks import Webhooks

__all__ = ["ALERTS_JOB", "RELAY_JOBS", "WEBHOOK_JOB", "RelayService"]


class RelayService(Consents, Moves, Views, Webhooks, RelayRetention):
    """Relay delivery, assembled from its parts."""

    def run_job(self, task: str, args: JobArgs, last_attempt: bool) -> None:
        if task == WEBHOOK_JOB.name:
            self.send_webhook(int(args["call_id"]), last_attempt)
        elif task == ALERTS_JOB.name:
            self.raise_alerts()
        else:
            raise ValueError(f"no relay job is called {task!r}")

    def close(self) -> None:
        self.http.close()
