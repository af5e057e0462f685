"""The closures file a server shares with `gigcity streets closures`: locked writes, and
re-reading when the file changed on disk (another worker, or the CLI, wrote it).

The file itself is the street engine's (`gigcity.geo.closures_path`): a JSON list replaced
atomically on every write, so a reader always sees a whole file. Writers hold an exclusive
`flock` on a sidecar `closures.json.lock` for their read-modify-write, so two writers
cannot lose each other's change.

Ids are reissued ("c" + highest + 1), so a check made on a closure read earlier may no longer
hold for whatever bears its id by the time the lock is taken: `remove(..., expected=...)`
compares under the lock instead. We chose that over never-reissued ids because it closes
the race for any change to the closure (not just a remove and re-add) and leaves the file
format, which older servers and the CLI also write, as it is.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gigcity.geo import Closure, ClosureSpec, add_closure, read_closures, remove_closure

T = TypeVar("T")

# What identifies one version of the file: a replace gives a new inode even within the
# same mtime tick.
FileStamp = tuple[int, int, int] | None


def file_stamp(path: Path) -> FileStamp:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class ClosuresVersion:
    """The closures as last read, and the file version they came from."""

    closures: tuple[Closure, ...]
    stamp: FileStamp
    error: str | None = None  # the file could not be read; `closures` is the last good set


class ClosureChanged(Exception):
    """The closure under an id is no longer the one the caller checked."""

    def __init__(self, closure_id: str) -> None:
        super().__init__(f"closure {closure_id} changed since it was read")
        self.closure_id = closure_id


class ClosureStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self._threads = threading.Lock()  # flock is per open file, not per thread

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._threads:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def read(self, last: ClosuresVersion | None = None) -> ClosuresVersion:
        """The closures now on disk; `last` again when the file has not changed.

        A damaged file keeps the last good closures and says what is wrong in `error`.
        """
        stamp = file_stamp(self.path)
        if last is not None and stamp == last.stamp:
            return last
        try:
            closures = tuple(read_closures(self.path))
        except (ValueError, OSError) as exc:
            kept = last.closures if last is not None else ()
            return ClosuresVersion(kept, stamp, error=str(exc))
        return ClosuresVersion(closures, stamp)

    def _write(self, change: Callable[[], T]) -> T:
        with self._exclusive():
            return change()

    def add(self, spec: ClosureSpec) -> Closure:
        """Store `spec` under the next free id (raises ValueError when the file is damaged)."""
        return self._write(lambda: add_closure(self.path, spec))

    def remove(self, closure_id: str, *, expected: Closure | None = None) -> bool:
        """Drop the closure with this id; False if there is none. With `expected`, only if
        the stored closure still equals it (raises ClosureChanged otherwise), decided under
        the same lock as the write, so no one can slip a different closure in between."""

        def change() -> bool:
            if expected is not None:
                current = next((c for c in read_closures(self.path) if c.id == closure_id), None)
                if current is None:
                    return False
                if current != expected:
                    raise ClosureChanged(closure_id)
            return remove_closure(self.path, closure_id)

        return self._write(change)
