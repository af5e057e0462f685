"""Certificates' verification codes: any certificate's code reads back as itself, in any
case and with or without its dashes; a code changed in one place, or made with another
instance's key, names no certificate."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.volunteers.codes import CertificateRef, make_code, read_code

KEY = b"k" * 32
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2179, 1, 1))
REFS = st.builds(
    CertificateRef,
    account_id=st.integers(1, 2**31 - 1),
    team_id=st.integers(0, 2**31 - 1),
    first=DAYS,
    last=DAYS,
)


@pytest.mark.one_database
@given(ref=REFS, at=st.integers(0, 31), to=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
def test_a_code_reads_back_and_a_changed_one_does_not(
    ref: CertificateRef, at: int, to: str
) -> None:
    code = make_code(KEY, ref)
    assert read_code(KEY, code) == ref
    assert read_code(KEY, code.lower().replace("-", "")) == ref
    assert read_code(b"x" * 32, code) is None
    plain = code.replace("-", "")
    changed = plain[:at] + to + plain[at + 1 :]
    if changed != plain:
        assert read_code(KEY, changed) is None


@pytest.mark.one_database
@pytest.mark.parametrize("code", ["", "short", "!" * 32, "A" * 31, "A" * 40])
def test_what_is_not_a_code(code: str) -> None:
    assert read_code(KEY, code) is None
