"""Field-level encryption of sensitive personal information (older people's records, call-back
numbers, case notes, health readings), with key rotation; the keys come from
`services/field_keys.py`.

Each field is a Fernet token (AES-128-CBC with an HMAC-SHA256, from `cryptography`): a
changed token fails its check instead of decrypting to something else. Keys come from
settings, newest first: new values are encrypted under the first key, any listed key
decrypts, and `rotate` re-encrypts an old value under the first key, so an old key can be
dropped once a periodic job has rotated every stored field.

What a token does not hide: when it was made (Fernet keeps the time in clear) and roughly
how long the text is.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# A Fernet key written out: 32 bytes as urlsafe base64, 43 characters and one '='. Checked
# here because base64 decoding skips stray characters and would accept some typos.
_KEY_TEXT = re.compile(r"^[A-Za-z0-9_-]{43}=$")
_DEV_SALT = b"gigcity field cipher v1"


class CipherKeyError(ValueError):
    """A configured key cannot be used; says which one (never the key itself)."""


class FieldDecryptError(ValueError):
    """A stored field cannot be decrypted: it was altered, is not a token, or was encrypted
    under a key that is no longer configured."""


class FieldCipher:
    """Encrypts and decrypts text fields under `keys` (urlsafe base64 Fernet keys, the key to
    encrypt with first, older keys still accepted for reading after it)."""

    def __init__(self, keys: Sequence[str]) -> None:
        if isinstance(keys, str):  # one key passed bare: iterating it would give characters
            keys = [keys]
        if not keys:
            raise CipherKeyError("no field encryption key is configured: give at least one")
        fernets = [_fernet(key, position, len(keys)) for position, key in enumerate(keys, 1)]
        self._current = fernets[0]
        self._any = MultiFernet(fernets)

    def encrypt(self, text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"only text is encrypted, not {type(text).__name__}")
        return self._current.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        return self._open(token).decode("utf-8")

    def rotate(self, token: str) -> str:
        """The same text as a token under the current key (a token already under it is
        re-encrypted too, so the periodic job need not ask first)."""
        return self._current.encrypt(self._open(token)).decode("ascii")

    def needs_rotation(self, token: str) -> bool:
        """Whether `token` was encrypted under an older key; FieldDecryptError if none of the
        keys opens it (it would never rotate)."""
        try:
            self._current.decrypt(_token_bytes(token))
        except InvalidToken:
            self._open(token)
            return True
        return False

    def _open(self, token: str) -> bytes:
        try:
            return self._any.decrypt(_token_bytes(token))
        except InvalidToken:
            raise FieldDecryptError(
                "the field cannot be decrypted: it was altered, is not an encrypted field, or "
                "its key is no longer among the configured keys"
            ) from None


def _token_bytes(token: str) -> bytes:
    """The token as Fernet reads it, if it is written exactly as encrypt writes tokens:
    base64 decoding alone skips stray characters and anything after the padding, so a
    changed token could otherwise still open."""
    if not isinstance(token, str) or not token.isascii():
        raise FieldDecryptError("an encrypted field is ASCII text; this is not one")
    written = token.encode("ascii")
    try:
        raw = base64.b64decode(written, altchars=b"-_", validate=True)
    except ValueError:
        raw = b""
    if base64.urlsafe_b64encode(raw) != written:
        raise FieldDecryptError(
            "the field cannot be decrypted: it was altered or is not an encrypted field"
        )
    return written


def _fernet(key: str, position: int, count: int) -> Fernet:
    which = f"key {position} of {count}"
    if not isinstance(key, str):
        raise CipherKeyError(f"{which} is not text: give it as urlsafe base64")
    written = key.strip()  # a key read from a file often ends with a newline
    if not _KEY_TEXT.match(written):
        fault = (
            f"it has {len(written)} characters"
            if len(written) != 44
            else "it has characters other than A-Z a-z 0-9 - _ or does not end in '='"
        )
        raise CipherKeyError(
            f"{which} is not a Fernet key (44 characters of urlsafe base64 ending in '='): "
            f"{fault}; make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`"
        )
    return Fernet(written)


def new_key() -> str:
    """A fresh random key, as it is written in settings."""
    return Fernet.generate_key().decode("ascii")


def key_from_secret(secret: str, purpose: str = "eldercare fields") -> str:
    """A key derived from `secret` (HKDF-SHA256), the same every time, for the embedded
    single-machine mode where only one secret is configured. Only as strong as the secret:
    production sets random keys from `new_key`. `purpose` keeps keys for different uses
    apart even when they come from one secret."""
    if not secret:
        raise CipherKeyError("the secret to derive a field key from is empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_DEV_SALT, info=purpose.encode())
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode("utf-8"))).decode("ascii")
