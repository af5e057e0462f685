"""Certificates' verification codes: who, which team (0: all their teams) and which period,
signed with the instance's key. The code carries everything a verifier needs, so no table
of issued certificates is kept; verifying it reads the confirmed hours as they stand now.

32 letters and digits (base32 of 12 bytes of payload and 8 of HMAC-SHA256), shown in
groups of four; read back case-insensitively, with or without the dashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import date

EPOCH = date(2000, 1, 1)  # days are counted from here in two bytes (to 2179)
PAYLOAD = struct.Struct(">IIHH")
MAC_BYTES = 8
CODE_CHARS = 32


@dataclass(frozen=True, slots=True)
class CertificateRef:
    account_id: int
    team_id: int  # 0: all the volunteer's teams
    first: date
    last: date


def make_code(key: bytes, ref: CertificateRef) -> str:
    payload = PAYLOAD.pack(
        ref.account_id, ref.team_id, (ref.first - EPOCH).days, (ref.last - EPOCH).days
    )
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]
    text = base64.b32encode(payload + mac).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def read_code(key: bytes, code: str) -> CertificateRef | None:
    """The certificate a code names, or None when it is not one of this instance's."""
    text = "".join(code.split()).replace("-", "").upper()
    if len(text) != CODE_CHARS:
        return None
    try:
        raw = base64.b32decode(text)
    except ValueError:  # binascii.Error: not base32
        return None
    payload, mac = raw[: PAYLOAD.size], raw[PAYLOAD.size :]
    wanted = hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]
    if not hmac.compare_digest(mac, wanted):
        return None
    account_id, team_id, first, last = PAYLOAD.unpack(payload)
    return CertificateRef(
        account_id, team_id, date.fromordinal(EPOCH.toordinal() + first),
        date.fromordinal(EPOCH.toordinal() + last),
    )  # fmt: skip
