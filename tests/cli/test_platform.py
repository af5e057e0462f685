"""The platform's commands: db upgrade, seed, places import/export, accounts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import get_settings

runner = CliRunner()


def test_db_upgrade(env: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_seed_demo_is_deterministic_and_prints_logins(env: Path) -> None:
    result = runner.invoke(app, ["seed", "--demo", "--count", "120"])
    assert result.exit_code == 0, result.output
    assert "120 service points" in result.output
    assert "officer" in result.output
    assert "gigcity-demo" in result.output
    again = runner.invoke(app, ["seed", "--demo", "--count", "120"])
    assert "120 service points" in again.output  # nothing added twice


def test_places_import_reports_bad_lines_and_export_writes_geojson(env: Path) -> None:
    csv_file = env / "points.csv"
    csv_file.write_text(
        "name,kind,lon,lat\n好点,water,121.40,31.25\n坏点,water,121.40,\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["places", "import", str(csv_file)])
    assert result.exit_code == 1  # a rejected row is a failure the shell can see
    assert "created 1" in result.output
    assert f"{csv_file}:3: lat" in result.output
    out = env / "out.geojson"
    assert runner.invoke(app, ["places", "export", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [f["properties"]["name"] for f in data["features"]] == ["好点"]


def test_accounts_create_checks_bindings(env: Path) -> None:
    ok = runner.invoke(
        app, ["accounts", "create", "boss", "--role", "admin", "--password", "long-enough-pw"]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        app,
        [
            "accounts",
            "create",
            "grid",
            "--role",
            "officer",
            "--subdistrict",
            "nowhere",
            "--password",
            "long-enough-pw",
        ],
    )
    assert bad.exit_code == 2
    assert "subdistrict" in bad.output
    kitchen = runner.invoke(
        app,
        [
            *("accounts", "create", "cook", "--role", "canteen", "--canteen", "999"),
            *("--password", "long-enough-pw"),
        ],
    )
    assert kitchen.exit_code == 2
    assert "canteen_id" in kitchen.output
    key = runner.invoke(app, ["accounts", "api-key", "ele.me", "--scope", "deliveries"])
    assert "api_key: gck_" in key.output


def test_accounts_api_key_is_issued_with_its_scopes(env: Path) -> None:
    from gigcity.services.accounts import Scope
    from gigcity.services.platform import Platform

    assert runner.invoke(app, ["accounts", "api-key", "city app"]).exit_code == 2  # no --scope
    unknown = runner.invoke(app, ["accounts", "api-key", "city app", "--scope", "everything"])
    assert unknown.exit_code == 2
    assert "everything" in unknown.output
    issued = runner.invoke(
        app, ["accounts", "api-key", "traffic", "--scope", "signals", "--scope", "open311"]
    )
    assert issued.exit_code == 0, issued.output
    assert "(scopes: open311, signals)" in issued.output
    found = re.search(r"api_key: (gck_\S+)", issued.output)
    assert found, issued.output
    platform = Platform.from_settings(get_settings())
    try:
        caller = platform.accounts.principal_from_api_key(found.group(1))
    finally:
        platform.close()
    assert caller.scopes == {Scope.signals, Scope.open311}


def test_production_without_secret_is_refused_with_a_clear_message(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "production")
    monkeypatch.delenv("GIGCITY_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "GIGCITY_SECRET_KEY" in result.output


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "gigcity", "--help"], capture_output=True, text=True, check=True
    )
    assert "serve" in out.stdout
    assert "seed" in out.stdout


def test_estate_accounts_and_gate_keys_name_their_estate(env: Path) -> None:
    """Property staff, community couriers and gate controllers' keys work for one estate."""
    assert runner.invoke(app, ["seed", "--demo", "--count", "20"]).exit_code == 0
    listed = runner.invoke(app, ["estates", "list"])
    assert listed.exit_code == 0, listed.output
    found = re.search(r"^\s*(\d+)\s", listed.output, re.MULTILINE)
    assert found, listed.output
    estate = found.group(1)
    unbound = runner.invoke(
        app,
        ["accounts", "create", "keeper", "--role", "property", "--password", "long-enough-pw"],
    )
    assert unbound.exit_code == 2
    assert "estate_id" in unbound.output
    bound = runner.invoke(
        app,
        ["accounts", "create", "keeper", "--role", "property", "--estate", estate,
         "--password", "long-enough-pw"],
    )  # fmt: skip
    assert bound.exit_code == 0, bound.output
    no_estate = runner.invoke(app, ["accounts", "api-key", "north gate", "--scope", "gates"])
    assert no_estate.exit_code == 2
    assert "estate_id" in no_estate.output
    key = runner.invoke(
        app, ["accounts", "api-key", "north gate", "--scope", "gates", "--estate", estate]
    )
    assert key.exit_code == 0, key.output
    assert "(scopes: gates)" in key.output
