"""Older people's health notes and contacts encrypted field by field: what goes in comes
out, an old key keeps working until rotation, and a changed token is refused."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gigcity.services.cipher import (
    CipherKeyError,
    FieldCipher,
    FieldDecryptError,
    key_from_secret,
    new_key,
)

# Fixed keys, so a failure can be repeated.
OLD_KEY = key_from_secret("test secret: old")
NEW_KEY = key_from_secret("test secret: new")

HEALTH_NOTE = "糖尿病，低盐饮食；右腿行动不便。女儿 王芳 13800138000"
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF))
texts = st.text() | chinese | st.sampled_from(["", HEALTH_NOTE])


@given(text=texts)
def test_text_comes_back_as_it_went_in(text: str) -> None:
    cipher = FieldCipher([NEW_KEY])
    token = cipher.encrypt(text)
    assert token.isascii()
    assert cipher.decrypt(token) == text


def test_no_plaintext_in_the_token_and_each_encryption_differs() -> None:
    cipher = FieldCipher([NEW_KEY])
    first, second = cipher.encrypt(HEALTH_NOTE), cipher.encrypt(HEALTH_NOTE)
    assert first != second  # a fresh IV each time: equal notes do not show as equal
    for token in (first, second):
        for clue in ("糖尿病", "13800138000", "王芳", HEALTH_NOTE.encode().hex()[:16]):
            assert clue not in token


def test_an_old_key_still_decrypts_until_rotation_and_then_is_not_needed() -> None:
    before = FieldCipher([OLD_KEY])
    token = before.encrypt(HEALTH_NOTE)

    during = FieldCipher([NEW_KEY, OLD_KEY])
    assert during.decrypt(token) == HEALTH_NOTE
    assert during.needs_rotation(token)
    rotated = during.rotate(token)
    assert not during.needs_rotation(rotated)
    assert during.decrypt(rotated) == HEALTH_NOTE

    after = FieldCipher([NEW_KEY])
    assert after.decrypt(rotated) == HEALTH_NOTE
    with pytest.raises(FieldDecryptError):
        after.decrypt(token)  # the old key is gone: only rotated fields can be read
    with pytest.raises(FieldDecryptError):
        before.decrypt(rotated)  # and a rotated field no longer opens with the old key


def test_new_values_are_encrypted_under_the_first_key() -> None:
    token = FieldCipher([NEW_KEY, OLD_KEY]).encrypt("lives alone")
    assert FieldCipher([NEW_KEY]).decrypt(token) == "lives alone"
    with pytest.raises(FieldDecryptError):
        FieldCipher([OLD_KEY]).decrypt(token)


@given(position=st.integers(0, 10_000), flip=st.integers(1, 255))
def test_a_changed_token_is_refused_not_misread(position: int, flip: int) -> None:
    cipher = FieldCipher([NEW_KEY])
    raw = bytearray(base64.urlsafe_b64decode(cipher.encrypt(HEALTH_NOTE)))
    raw[position % len(raw)] ^= flip  # any byte: version, time, IV, ciphertext or its MAC
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(FieldDecryptError, match="altered"):
        cipher.decrypt(tampered)


def test_a_token_cut_short_or_lengthened_is_refused() -> None:
    cipher = FieldCipher([NEW_KEY])
    token = cipher.encrypt(HEALTH_NOTE)
    for changed in (token[:-8], token + "AAAA", token[:20] + token[24:]):
        with pytest.raises(FieldDecryptError):
            cipher.decrypt(changed)


@pytest.mark.parametrize("junk", ["", "not a token", "gAAAAA", "糖尿病"])
def test_something_that_is_not_a_token_is_refused(junk: str) -> None:
    cipher = FieldCipher([NEW_KEY])
    with pytest.raises(FieldDecryptError):
        cipher.decrypt(junk)
    with pytest.raises(FieldDecryptError):
        cipher.needs_rotation(junk)
    with pytest.raises(FieldDecryptError):
        cipher.rotate(junk)


def test_a_bad_key_is_named_by_its_place_and_never_shown() -> None:
    typo = NEW_KEY[:-2] + "!="
    with pytest.raises(CipherKeyError) as caught:
        FieldCipher([NEW_KEY, typo])
    message = str(caught.value)
    assert "key 2 of 2" in message
    assert typo not in message
    assert NEW_KEY not in message
    with pytest.raises(CipherKeyError, match=r"key 1 of 1 .* 12 characters"):
        FieldCipher(["too-short-k="])
    with pytest.raises(CipherKeyError, match="at least one"):
        FieldCipher([])


def test_keys_may_come_with_a_trailing_newline_or_bare() -> None:
    token = FieldCipher([NEW_KEY + "\n"]).encrypt("x")
    assert FieldCipher(NEW_KEY).decrypt(token) == "x"  # one key given as a plain string


def test_a_key_from_a_secret_is_the_same_every_time_and_apart_per_purpose() -> None:
    assert key_from_secret("dev secret") == key_from_secret("dev secret")
    assert key_from_secret("dev secret") != key_from_secret("dev secret 2")
    assert key_from_secret("dev secret") != key_from_secret("dev secret", purpose="other")
    FieldCipher([key_from_secret("dev secret")])  # a usable key
    with pytest.raises(CipherKeyError):
        key_from_secret("")


def test_new_keys_are_usable_and_different() -> None:
    first, second = new_key(), new_key()
    assert first != second
    cipher = FieldCipher([first, second])
    assert cipher.decrypt(cipher.encrypt("助老")) == "助老"
