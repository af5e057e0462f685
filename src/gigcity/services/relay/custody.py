"""The custody chain of a relay item: every transfer (rider -> point -> courier -> door or
back to the point) is a step whose hash covers the step and the previous step's hash, so a
step changed, removed or inserted afterwards breaks every hash after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gigcity.services.day_clock import as_utc

GENESIS = "0" * 64


class Event(StrEnum):
    announced = "announced"  # the platform said the item is coming; its rider has it
    dropped_at_point = "dropped_at_point"  # rider -> point (a scan with the hand-off code)
    cancelled = "cancelled"  # the platform withdrew it before the drop
    claimed = "claimed"  # point -> courier
    delivered = "delivered"  # courier -> recipient, with the recipient's code
    recipient_absent = "recipient_absent"  # nobody at the door; the courier still has it
    returned_to_point = "returned_to_point"  # courier -> point
    collected_by_recipient = "collected_by_recipient"  # point -> recipient, with the code


class Holder(StrEnum):
    rider = "rider"
    point = "point"
    courier = "courier"
    recipient = "recipient"
    platform = "platform"


@dataclass(frozen=True, slots=True)
class Step:
    item_id: int
    seq: int
    at: datetime
    event: str
    holder: str
    actor_kind: str
    actor_id: int | None
    lon: float | None
    lat: float | None
    prev_hash: str
    hash: str = ""


def step_hash(step: Step) -> str:
    """SHA-256 over the step's canonical JSON (times in UTC, ISO 8601) and `prev_hash`."""
    body = {
        "item": step.item_id,
        "seq": step.seq,
        "at": as_utc(step.at).isoformat(),
        "event": step.event,
        "holder": step.holder,
        "actor": [step.actor_kind, step.actor_id],
        "where": [step.lon, step.lat],
        "prev": step.prev_hash,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def verify_chain(steps: Sequence[Step]) -> int | None:
    """None when the steps (in seq order) form an unbroken chain from the start; else the
    seq of the first step that does not check out."""
    prev = GENESIS
    for expected_seq, step in enumerate(steps, start=1):
        if step.seq != expected_seq or step.prev_hash != prev or step_hash(step) != step.hash:
            return step.seq
        prev = step.hash
    return None
