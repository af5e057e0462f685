"""Files in a directory of this host (or a mounted share): the embedded default."""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path

from gigcity.services.storage.errors import unavailable
from gigcity.services.storage.keys import check_key
from gigcity.services.storage.store import DEFAULT_CONTENT_TYPE

# A path that is not there, or not a file: nothing is stored under that key.
_ABSENT = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


class LocalFileStore:
    """Files under `root`, a key's slashes being directories (created as needed). The content
    type is not kept: a directory has nowhere to put it, and readers know what they stored."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """Where `key` lives; BadKey for a key that could point outside `root`."""
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        path = self.path_of(key)
        # Written beside the target and renamed over it: readers on any worker see the old
        # file or the whole new one, and a crash leaves at most a stray temporary file.
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, path)
        except OSError as exc:
            with suppress(OSError):
                temp.unlink(missing_ok=True)
            raise unavailable("put", key, exc) from exc

    def get(self, key: str) -> bytes | None:
        path = self.path_of(key)
        try:
            return path.read_bytes()
        except _ABSENT:
            return None
        except OSError as exc:
            raise unavailable("get", key, exc) from exc

    def delete(self, key: str) -> None:
        path = self.path_of(key)
        try:
            path.unlink()
        except _ABSENT:
            return
        except OSError as exc:
            raise unavailable("delete", key, exc) from exc

    def check(self) -> None:
        # The directory is made on the first put; until then its nearest existing parent must
        # let us make it.
        here = self.root
        while not here.exists() and here != here.parent:
            here = here.parent
        if not here.is_dir() or not os.access(here, os.W_OK | os.X_OK):
            raise unavailable("check", str(self.root), PermissionError(f"{here} is not writable"))

    def __repr__(self) -> str:
        return f"LocalFileStore({str(self.root)!r})"
