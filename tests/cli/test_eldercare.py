"""`gigcity eldercare new-key|rotate-keys|generate` on a fresh database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import Settings, get_settings
from gigcity.services.eldercare import FieldCipher

runner = CliRunner()


def test_a_new_key_is_a_working_fernet_key(env: Path) -> None:
    done = runner.invoke(app, ["eldercare", "new-key"])
    assert done.exit_code == 0, done.output
    key = done.output.strip()
    assert FieldCipher([key]).decrypt(FieldCipher([key]).encrypt("王秀英")) == "王秀英"
    Settings(mode="dev", eldercare_keys=key)  # the setting accepts it


def test_rotate_and_generate_on_an_empty_database(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = runner.invoke(app, ["eldercare", "new-key"]).output.strip()
    monkeypatch.setenv("GIGCITY_ELDERCARE_KEYS", key)
    get_settings.cache_clear()
    done = runner.invoke(app, ["db", "upgrade"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["eldercare", "rotate-keys"])
    assert (done.exit_code, "0 fields" in done.output) == (0, True), done.output
    done = runner.invoke(app, ["eldercare", "generate", "2026-12-07"])
    assert done.exit_code == 0, done.output
    assert "0 meals generated" in done.output
    done = runner.invoke(app, ["eldercare", "generate", "2026-13-07"])
    assert done.exit_code != 0


def test_a_bad_key_setting_names_the_key(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="key 2 is not a Fernet key"):
        Settings(mode="dev", eldercare_keys=f"{'a' * 43}=,not-a-key")
