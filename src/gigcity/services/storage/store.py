"""The file store interface: what the services need of a place to keep files."""

from __future__ import annotations

from typing import Protocol

DEFAULT_CONTENT_TYPE = "application/octet-stream"


class FileStore(Protocol):
    """Files by key (`keys.check_key`). Every method raises StorageUnavailable when the store
    cannot be reached or refuses, and BadKey for a key no store may hold.

    A write replaces the whole file at once: a reader sees the old bytes or the new ones,
    never a part. Deleting is idempotent (a missing key is not an error), so a delete that
    timed out can simply be repeated; it reports nothing back, because S3 does not say
    whether there was anything to delete and asking first costs a request per file.
    """

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        """Store `data` under `key`, replacing what was there."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None when there is no such file."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file under `key`, if there is one."""
        ...

    def check(self) -> None:
        """Raise StorageUnavailable unless files can be stored now (the readiness probe: cheap,
        writes nothing)."""
        ...
