"""Whose membership it is, sealed (DESIGN: membership is encrypted at field level).

A membership, a line of the read log and a letter's read receipt name their member twice,
never in plain:

- a **blind index** (`*_key`): HMAC-SHA256 of the account id under a key derived from the
  signing secret (`CodeKey`, purpose `org-membership-index`; dev and demo: a random key kept
  as an instance secret). It answers "which membership is this account's" and keeps one
  membership per rider (a unique column), and equal keys join a receipt to its membership —
  but nobody holding only the database can tell whose row it is.
- a **token** (`*_enc`): the account id under the platform's field cipher (`KeyRing`,
  purpose `org-membership`; `GIGCITY_ELDERCARE_KEYS` first, else derived from the secret),
  opened when an officer's list needs the members' names.

Account ids are small numbers, so the index is only as safe as its key: with the key, every
id can be tried. The key never goes into the database when `GIGCITY_SECRET_KEY` is set.

Changing `GIGCITY_SECRET_KEY` changes the index key (and the derived field key):
`gigcity organisation reindex` writes every key and token again (`reseal`)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from gigcity.db.models import MemberRead, Membership, OrgLetterRead
from gigcity.services.cipher import FieldCipher, FieldDecryptError, key_from_secret
from gigcity.services.field_keys import CodeKey, KeyRing

PURPOSE = "org-membership"
FIELD_KEY = "org_member_field_key"  # dev and demo: the database's own random keys
INDEX_KEY = "org_member_index_key"
CHUNK = 5000  # account ids in one IN (...): well under SQLite's and PostgreSQL's limits

T = TypeVar("T")


class MemberSeal:
    """The blind index and the cipher of members' account ids. Read `warm()` before a
    transaction that writes: making a dev key may write the instance secret."""

    def __init__(
        self, factory: sessionmaker[Session], *, keys: str = "", signing_secret: str = ""
    ) -> None:
        self._ring = KeyRing(factory, keys, signing_secret, dev_key=FIELD_KEY, purpose=PURPOSE)
        self._index = CodeKey(
            factory, signing_secret, dev_key=INDEX_KEY, purpose=f"{PURPOSE}-index"
        )
        self._keys = keys
        self._signing_secret = signing_secret

    @classmethod
    def on(cls, connection: Connection, *, keys: str = "", signing_secret: str = "") -> MemberSeal:
        """The same seal, its dev keys read (or made) in `connection`'s transaction: for the
        migration that seals existing rows and for the demo's seeding transaction."""
        return cls(sessionmaker(bind=connection), keys=keys, signing_secret=signing_secret)

    def warm(self) -> None:
        _ = self._index.key, self._ring.cipher

    @property
    def cipher(self) -> FieldCipher:
        return self._ring.cipher

    def key(self, account_id: int) -> str:
        """The blind index of `account_id` (64 hex digits)."""
        return hmac.new(self._index.key, str(account_id).encode(), hashlib.sha256).hexdigest()

    def seal(self, account_id: int) -> str:
        return self.cipher.encrypt(str(account_id))

    def open(self, token: str) -> int:
        return int(self.cipher.decrypt(token))

    def reseal(self, session: Session, previous_secret: str = "") -> Resealed:
        """Write every membership's, read-log line's and receipt's key and token again under
        the current keys (after the signing secret or the field keys changed), in the
        caller's transaction. `previous_secret`: the signing secret before the change, when
        the old tokens were under the key derived from it. A membership registered under the
        new key while the old rows waited for this (the same rider twice) is dropped for the
        older one, so no rider ends with two."""
        opener = self._opener(previous_secret)
        done = Resealed()
        memberships = session.scalars(select(Membership).order_by(Membership.id)).all()
        held: dict[str, Membership] = {}
        for row in memberships:
            account = opener(row.account_enc)
            key = self.key(account)
            if key in held:  # the same rider twice: keep the first registered
                session.delete(row)
                done.duplicates += 1
                continue
            held[key] = row
        session.flush()
        for key, row in held.items():
            # A new key could equal another row's old one only if HMAC collided.
            account = opener(row.account_enc)
            done.memberships += _rewrite(row, "account", key, self.seal(account))
        session.flush()
        for read in session.scalars(select(MemberRead)):
            account = opener(read.member_enc)
            done.reads += _rewrite(read, "member", self.key(account), self.seal(account))
        seen: set[tuple[int, str]] = set()
        for receipt in session.scalars(select(OrgLetterRead).order_by(OrgLetterRead.id)):
            account = opener(receipt.account_enc)
            key = self.key(account)
            if (receipt.letter_id, key) in seen:
                session.delete(receipt)
                continue
            seen.add((receipt.letter_id, key))
            done.receipts += _rewrite(receipt, "account", key, self.seal(account))
        return done

    def _opener(self, previous_secret: str) -> Callable[[str], int]:
        if not previous_secret:
            return self.open
        before = FieldCipher([key_from_secret(previous_secret, PURPOSE)])

        def opener(token: str) -> int:
            try:
                return self.open(token)
            except FieldDecryptError:
                return int(before.decrypt(token))

        return opener


@dataclass
class Resealed:
    memberships: int = 0
    reads: int = 0
    receipts: int = 0
    duplicates: int = 0  # memberships dropped: the same rider registered twice


def _rewrite(row: Membership | MemberRead | OrgLetterRead, prefix: str, key: str, enc: str) -> int:
    """Set `<prefix>_key` and `<prefix>_enc`; 1 (every token is written again, so a token
    under an old field key moves to the first)."""
    setattr(row, f"{prefix}_key", key)
    setattr(row, f"{prefix}_enc", enc)
    return 1


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size` (for IN lists of decrypted account ids)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
