"""Settings: production refuses a missing or known secret key; demo and dev do not need one."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gigcity.config import Settings


@pytest.mark.parametrize("key", ["", "changeme", "secret", "demo-secret-key", "short-but-random"])
def test_production_refuses_a_missing_default_or_short_secret(key: str) -> None:
    with pytest.raises(ValidationError, match="GIGCITY_SECRET_KEY"):
        Settings(mode="production", secret_key=key)


def test_production_accepts_a_long_random_secret() -> None:
    s = Settings(mode="production", secret_key="x9" * 24)
    assert s.signing_key == "x9" * 24


def test_demo_and_dev_run_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    for mode in ("demo", "dev"):
        assert Settings(mode=mode).signing_key  # type: ignore[arg-type]


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    monkeypatch.setenv("GIGCITY_DATABASE_URL", "sqlite:///elsewhere.db")
    s = Settings()
    assert s.database_url == "sqlite:///elsewhere.db"
    assert s.mode == "dev"


def test_default_database_is_a_sqlite_file_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("GIGCITY_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    assert Settings(mode="dev").database_url == f"sqlite:///{tmp_path}/gigcity.db"
