"""A discrete-event queue with a total order, so that replays are identical.

Events are ordered by (time, priority, sequence): the sequence number is the order in
which events were scheduled, so two events never compare equal and the heap never falls
back to comparing payloads. Cancelled events stay in the heap and are skipped when they
come up (lazy cancellation).
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Generic, TypeVar

PayloadT = TypeVar("PayloadT")


class Priority(IntEnum):
    """Among events at the same time, lower runs first.

    Couriers come on shift and orders arrive before work finishes and starts; the dispatcher
    decides after all of that, and couriers go off shift last.
    """

    COURIER_ON = 0
    ORDER_PLACED = 1
    JOB_END = 2
    JOB_START = 3
    DECIDE = 4
    COURIER_OFF = 5


@dataclass(slots=True)
class Event(Generic[PayloadT]):
    time_s: float
    priority: int
    sequence: int
    payload: PayloadT
    cancelled: bool = field(default=False)
    """Set through `EventQueue.cancel`, which also keeps the queue's count right."""


class EventQueue(Generic[PayloadT]):
    """Min-heap of events in (time, priority, sequence) order."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int, Event[PayloadT]]] = []
        self._sequence = itertools.count()
        self._live = 0

    def schedule(self, time_s: float, priority: int, payload: PayloadT) -> Event[PayloadT]:
        if time_s != time_s:  # NaN would break the total order
            raise ValueError("event time must be a number, got NaN")
        event = Event(time_s, int(priority), next(self._sequence), payload)
        heapq.heappush(self._heap, (event.time_s, event.priority, event.sequence, event))
        self._live += 1
        return event

    def cancel(self, event: Event[PayloadT]) -> None:
        if not event.cancelled:
            event.cancelled = True
            self._live -= 1

    def pop(self) -> Event[PayloadT] | None:
        """The next live event, or None when the queue is empty."""
        while self._heap:
            event = heapq.heappop(self._heap)[3]
            if not event.cancelled:
                self._live -= 1
                return event
        return None

    def peek_time(self) -> float | None:
        while self._heap and self._heap[0][3].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def __len__(self) -> int:
        return self._live
