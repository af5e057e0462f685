"""Passwords: at least 10 characters and not among the common ones (a bundled list), nor
repeated or consecutive characters. Refused with a 422 naming `password`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.services.accounts.passwords import (
    MIN_LENGTH,
    check_password,
    common_passwords,
    is_guessable,
)
from gigcity.services.demo import DEMO_PASSWORD
from gigcity.services.errors import InvalidInput
from gigcity.services.platform import Platform
from support import PASSWORD, World, make_world, token

# The rules are the API's own, whatever the database.
pytestmark = pytest.mark.one_database

COMMON = sorted(common_passwords())
_names = itertools.count()


@pytest.fixture(scope="module")
def admin_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the property tests (SQLite: each example is one request)."""
    db = tmp_path_factory.mktemp("passwords") / "passwords.db"
    platform = Platform.from_settings(Settings(mode="dev", database_url=f"sqlite:///{db}"))
    platform.upgrade_database()
    make_world(platform)
    with TestClient(create_app(platform.settings, platform)) as c:
        c.headers.update(token(c, "admin"))
        yield c
    platform.close()


def create(client: TestClient, password: str, headers: dict[str, str] | None = None) -> Any:
    body = {
        "username": f"user{next(_names)}",
        "password": password,
        "display_name": "New rider",
        "role": "rider",
    }
    return client.post("/api/accounts", json=body, headers=headers)


def fields(problem: dict[str, Any]) -> set[str]:
    """The fields a 422 problem names (a validation error lists them; a rule names one)."""
    return {e["field"] for e in problem.get("errors", [])} | {problem.get("field")} - {None}


def _recase(word: str, flips: list[bool]) -> str:
    # Every character is kept; `flips` says which of the first ones to upper-case.
    return "".join(c.upper() if i < len(flips) and flips[i] else c for i, c in enumerate(word))


refused = st.one_of(
    st.text(max_size=MIN_LENGTH - 1),
    st.sampled_from(COMMON),
    # The list is compared without regard to case or surrounding spaces.
    st.builds(_recase, st.sampled_from(COMMON), st.lists(st.booleans(), max_size=40)),
    st.sampled_from(COMMON).map(lambda w: f"  {w} "),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(password=refused)
def test_any_short_or_common_password_is_refused_naming_password(
    admin_client: TestClient, password: str
) -> None:
    r = create(admin_client, password)
    assert r.status_code == 422, (password, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "password" in fields(r.json())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    password=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=10, max_size=40
    ).filter(lambda p: not is_guessable(p))
)
def test_other_passwords_of_ten_or_more_characters_are_accepted(
    admin_client: TestClient, password: str
) -> None:
    r = create(admin_client, password)
    assert r.status_code == 201, (password, r.text)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password", "short"),
        ("12345678", "short"),
        ("gigcity1", "short"),
        ("1234567890", "listed"),
        ("password123", "listed"),
        ("Password123", "listed"),
        ("qwertyuiop", "listed"),
        ("1qaz2wsx3edc", "listed"),
        ("woaini1314", "listed"),
        ("gigcity2025", "listed"),
        ("putuo123456", "listed"),
        ("Shanghai123", "listed"),
        ("aaaaaaaaaaaaaaaa", "repeated"),
        ("abababababab", "repeated"),
        ("abcdefghijklm", "a run"),
        ("9876543210", "a run"),
    ],
)
def test_weak_passwords_are_refused(
    client: TestClient, world: World, password: str, why: str
) -> None:
    admin = token(client, "admin") | {"Accept-Language": "en"}
    r = create(client, password, admin)
    assert r.status_code == 422, why
    assert "password" in fields(r.json())
    if why != "short":
        assert "most common" in r.json()["detail"]


def test_the_demo_and_test_passwords_pass_the_rules() -> None:
    check_password(DEMO_PASSWORD)  # "gigcity-demo": the documented demo logins keep working
    check_password(PASSWORD)
    with pytest.raises(InvalidInput) as refused:
        check_password("123456789")
    assert refused.value.field == "password"


def test_the_bundled_list_holds_the_most_common_passwords() -> None:
    listed = Path(__file__).parents[2] / "src/gigcity/services/accounts/common_passwords.txt"
    lines = [w for w in listed.read_text(encoding="utf-8").splitlines() if not w.startswith("# ")]
    assert len(lines) == len(common_passwords()) > 10_000
    assert lines[:4] == ["123456", "123456789", "qwerty", "password"]  # most common first
    assert {"password", "12345678", "iloveyou", "gigcity", "putuo"} <= common_passwords()
    assert DEMO_PASSWORD not in common_passwords()
