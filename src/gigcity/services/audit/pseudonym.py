"""Riders named by a keyed hash: the same rider has the same pseudonym under one key, and
nobody without the key can go back from a pseudonym to the platform's id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import polars as pl

PREFIX = "R-"
DIGITS = 10  # 40 bits: no two of a district's riders collide in practice (~1e-3 at 30,000)


def pseudonym(key: bytes, rider: str) -> str:
    digest = hmac.new(key, rider.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


def random_key() -> bytes:
    """A key for one run: its pseudonyms cannot be joined with another run's."""
    return secrets.token_bytes(32)


def pseudonymise(riders: pl.Series, key: bytes | None) -> pl.Series:
    """Each distinct rider hashed once (a day has far fewer riders than rows); None keeps
    the platform's ids (a staff-only report)."""
    if key is None:
        return riders
    distinct = riders.drop_nulls().unique()
    mapping = {rider: pseudonym(key, rider) for rider in distinct.to_list()}
    return riders.replace_strict(mapping, default=None, return_dtype=pl.String)
