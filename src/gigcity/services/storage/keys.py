"""Keys of stored files: relative, slash-separated paths that mean the same in a directory and
in a bucket, so nothing stored can land outside the store's root."""

from __future__ import annotations

# S3 allows 1,024 bytes; a key also becomes a path under a local root.
MAX_KEY_BYTES = 1024


class BadKey(ValueError):
    """A key the stores refuse: a programming error, not something a caller can send."""


def check_key(key: str) -> str:
    """`key` itself when every store can hold it safely; else BadKey saying why."""
    if not key:
        raise BadKey("a key cannot be empty")
    if "\\" in key or "\x00" in key:
        raise BadKey(f"key {key!r} holds a backslash or NUL")
    if key.startswith("/"):
        raise BadKey(f"key {key!r} is absolute; keys are relative to the store's root")
    if len(key.encode()) > MAX_KEY_BYTES:
        raise BadKey(f"key {key[:40]!r}... is longer than {MAX_KEY_BYTES} bytes")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise BadKey(f"key {key!r} has an empty, '.' or '..' part")
    return key


def join_key(prefix: str, key: str) -> str:
    """`key` under `prefix` ("" = the store's root)."""
    return f"{prefix}/{key}" if prefix else key
