"""What relay delivery keeps of residents once an item's journey is over: the room and unit
of its address and the webhook calls that carried them go after the retention period; the
item itself stays (its custody chain and the couriers' pay point at it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from gigcity.db.models import RelayItem, RelayWebhookCall, utcnow
from gigcity.db.session import transaction
from gigcity.services.relay.base import FINISHED, RelayBase


class RelayRetention(RelayBase):
    def purge_addresses(self, kept: timedelta) -> int:
        """Forget the unit and room of items finished more than `kept` ago; how many."""
        cutoff = utcnow() - kept
        with transaction(self.factory) as session:
            done = session.execute(
                update(RelayItem)
                .where(
                    RelayItem.state.in_(FINISHED),
                    RelayItem.finished_at < cutoff,
                    (RelayItem.unit != "") | (RelayItem.room != ""),
                )
                .values(unit="", room="")
            )
            return int(done.rowcount)  # type: ignore[attr-defined]

    def purge_webhook_calls(self, kept: timedelta) -> int:
        """Delete the webhook calls (their bodies name the address) of items finished more
        than `kept` ago, sent or given up; how many."""
        cutoff = utcnow() - kept
        finished = select(RelayItem.id).where(
            RelayItem.state.in_(FINISHED), RelayItem.finished_at < cutoff
        )
        with transaction(self.factory) as session:
            done = session.execute(
                delete(RelayWebhookCall).where(
                    RelayWebhookCall.item_id.in_(finished), RelayWebhookCall.state != "pending"
                )
            )
            return int(done.rowcount)  # type: ignore[attr-defined]
