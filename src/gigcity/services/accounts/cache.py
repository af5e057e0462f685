"""Recently checked credentials, so a busy worker does not read the account on every request.

A bearer token or API key that was checked against the database in the last `ttl_s`
seconds maps to its principal without another read. A change made through this process
(deactivating an account or setting its password, which also moves its token generation on;
revoking a key) empties the cache at once; one made elsewhere (another worker, the CLI, SQL
by hand) is honoured within `ttl_s`. A token's own expiry is always honoured: an entry never
outlives its token. So is its generation: a token is only remembered after the account was
read and its generation matched, and a bump elsewhere refuses it once its entry (at most
`ttl_s` old) is gone, even if the account has been reactivated meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from gigcity.services.accounts.principal import Principal

DEFAULT_TTL_S = 5.0


class PrincipalCache:
    """Credential -> (principal, monotonic deadline), bounded: the oldest entries go first."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    @property
    def generation(self) -> int:
        """Read before checking a credential and pass to `put`: a `clear()` in between (a
        change committed while the check was reading) keeps the stale answer out."""
        return self._generation

    def get(self, credential: str) -> Principal | None:
        """The principal checked for this credential within the TTL, or None."""
        if self.ttl_s <= 0:
            return None
        now = self.clock()
        with self._lock:
            entry = self._entries.get(credential)
            if entry is None:
                return None
            if now >= entry[1]:
                del self._entries[credential]
                return None
            return entry[0]

    def put(
        self,
        credential: str,
        principal: Principal,
        generation: int,
        valid_for_s: float | None = None,
    ) -> None:
        """Remember a checked credential for the TTL (or less, if it expires sooner)."""
        if self.ttl_s <= 0:
            return
        life = self.ttl_s if valid_for_s is None else min(self.ttl_s, valid_for_s)
        if life <= 0:
            return
        deadline = self.clock() + life
        with self._lock:
            if generation != self._generation:
                return
            self._entries[credential] = (principal, deadline)
            self._entries.move_to_end(credential)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1
