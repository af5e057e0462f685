"""The keys a service makes at first use.

The field cipher a service encrypts its sensitive fields with (older people's records,
call-back numbers, case notes, health readings), made at first use from:

1. the configured keys (`GIGCITY_ELDERCARE_KEYS`, the platform's field keys; the first
   encrypts, all decrypt, so keys can be rotated);
2. else a key derived from the signing secret, apart for each `purpose`;
3. else (dev, demo) a random key the database keeps as an instance secret (`dev_key`).

The fallback stays last in the ring: fields written before keys were configured still open,
and rotation moves them to the first key."""

from __future__ import annotations

import hashlib
import secrets
import threading

from sqlalchemy.orm import Session, sessionmaker

from gigcity.services.accounts.instance_secrets import get_or_create_secret
from gigcity.services.cipher import FieldCipher, key_from_secret, new_key


class KeyRing:
    def __init__(
        self,
        factory: sessionmaker[Session],
        keys: str,
        signing_secret: str,
        *,
        dev_key: str,
        purpose: str,
    ) -> None:
        self._factory = factory
        self._keys = [key.strip() for key in keys.split(",") if key.strip()]
        self._signing_secret = signing_secret
        self._dev_key = dev_key
        self._purpose = purpose
        self._cipher: FieldCipher | None = None
        self._lock = threading.Lock()

    def _fallback(self) -> str:
        if self._signing_secret:
            return key_from_secret(self._signing_secret, self._purpose)
        return get_or_create_secret(self._factory, self._dev_key, new_key)

    @property
    def cipher(self) -> FieldCipher:
        if self._cipher is None:
            with self._lock:
                if self._cipher is None:
                    self._cipher = FieldCipher([*self._keys, self._fallback()])
        return self._cipher


class CodeKey:
    """The key a service signs its short codes with (stays' check-in codes, drivers' QR
    codes), made at first use: from the signing secret when one is set, else (dev, demo)
    from a random secret the database keeps as `dev_key`; apart for each `purpose`.
    Read it before a transaction that writes: making it may write the instance secret."""

    def __init__(
        self, factory: sessionmaker[Session], signing_secret: str, *, dev_key: str, purpose: str
    ) -> None:
        self._factory = factory
        self._signing_secret = signing_secret
        self._dev_key = dev_key
        self._purpose = purpose
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    secret = self._signing_secret or get_or_create_secret(
                        self._factory, self._dev_key, lambda: secrets.token_hex(32)
                    )
                    self._key = hashlib.sha256(f"{self._purpose}|{secret}".encode()).digest()
        return self._key
