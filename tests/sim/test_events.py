"""The event queue's total order (time, priority, sequence) and lazy cancellation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.sim import EventQueue, Priority


def test_time_then_priority_then_scheduling_order() -> None:
    queue: EventQueue[str] = EventQueue()
    queue.schedule(60.0, Priority.DECIDE, "decide at 1 min")
    queue.schedule(60.0, Priority.ORDER_PLACED, "order at 1 min")
    queue.schedule(0.0, Priority.COURIER_OFF, "off at 0")
    queue.schedule(60.0, Priority.ORDER_PLACED, "second order at 1 min")
    popped = []
    while (event := queue.pop()) is not None:
        popped.append(event.payload)
    assert popped == ["off at 0", "order at 1 min", "second order at 1 min", "decide at 1 min"]


def test_cancelled_events_are_skipped_and_not_counted() -> None:
    queue: EventQueue[str] = EventQueue()
    first = queue.schedule(1.0, 0, "a")
    queue.schedule(2.0, 0, "b")
    queue.cancel(first)
    queue.cancel(first)  # twice is harmless
    assert len(queue) == 1
    assert queue.peek_time() == 2.0
    event = queue.pop()
    assert event is not None
    assert event.payload == "b"
    assert queue.pop() is None
    assert len(queue) == 0


def test_nan_time_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        EventQueue[str]().schedule(math.nan, 0, "x")


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=40))
def test_pops_in_sorted_order_and_ties_keep_scheduling_order(keys: list[tuple[int, int]]) -> None:
    queue: EventQueue[int] = EventQueue()
    for index, (time, priority) in enumerate(keys):
        queue.schedule(float(time), priority, index)
    popped = []
    while (event := queue.pop()) is not None:
        popped.append(event.payload)
    assert popped == sorted(range(len(keys)), key=lambda i: (keys[i][0], keys[i][1], i))
