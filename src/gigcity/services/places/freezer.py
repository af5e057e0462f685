"""Keeps the cyclic garbage collector off the map's snapshot without leaking.

A full collection visits every tracked object: with 100,000 points, 0.3-0.5 s a time, and a
refresh's temporary rows make them frequent (benchmarks/README.md, "The map index and the
garbage collector"). `gc.freeze()` after a refresh takes what is alive out of the
collector's sight, the snapshot included. But a reference cycle that is alive at a freeze
(another request's session, a task, a traceback) and dropped afterwards is never collected
while it stays frozen; freezing at every refresh leaked a little every time. So every
`deep_every`-th settle unfreezes first, and that collection frees them.
"""

from __future__ import annotations

import gc


class SnapshotFreezer:
    """Call `settle()` after a new snapshot is in place, outside any session (one open
    during the freeze would be frozen with its cycles), one call at a time."""

    def __init__(self, deep_every: int = 50) -> None:
        if deep_every < 1:
            raise ValueError("deep_every must be at least 1")
        self.deep_every = deep_every
        self._settles = 0

    def settle(self) -> None:
        # Every `deep_every`-th settle after the first: this freezer's first settle has
        # frozen nothing yet, so unfreezing then would only make a fresh index (a new
        # Platform in a long-lived process) pay for a collection of the whole heap.
        if self._settles and self._settles % self.deep_every == 0:
            gc.unfreeze()  # cycles frozen earlier and dropped since: collected below
        self._settles += 1
        gc.collect()
        gc.freeze()
