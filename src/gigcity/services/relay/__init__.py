"""Relay delivery (接力送): residents' consents per address, items left at an estate's
hand-off point by platforms' riders and carried to the door by community couriers, the
hash-chained custody of every item, couriers' pay, alerts and platforms' webhooks."""

from gigcity.services.relay.base import ALERTS_JOB, RELAY_JOBS, WEBHOOK_JOB, State
from gigcity.services.relay.custody import Event, Holder, Step, step_hash, verify_chain
from gigcity.services.relay.schemas import (
    AddressIn,
    AlertOut,
    AnnounceIn,
    AnnounceOut,
    CodeIn,
    ConsentCheck,
    ConsentOut,
    CustodyOut,
    EarningsOut,
    ItemOut,
    PayLineOut,
    PointOut,
    QueueOut,
    WebhookIn,
    WebhookOut,
    WhereIn,
)
from gigcity.services.relay.service import RelayService
from gigcity.services.relay.signing import SIGNATURE_HEADER, sign, verify

__all__ = [
    "ALERTS_JOB",
    "RELAY_JOBS",
    "SIGNATURE_HEADER",
    "WEBHOOK_JOB",
    "AddressIn",
    "AlertOut",
    "AnnounceIn",
    "AnnounceOut",
    "CodeIn",
    "ConsentCheck",
    "ConsentOut",
    "CustodyOut",
    "EarningsOut",
    "Event",
    "Holder",
    "ItemOut",
    "PayLineOut",
    "PointOut",
    "QueueOut",
    "RelayService",
    "State",
    "Step",
    "WebhookIn",
    "WebhookOut",
    "WhereIn",
    "sign",
    "step_hash",
    "verify",
    "verify_chain",
]
