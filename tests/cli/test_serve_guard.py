"""`gigcity serve` in dev and demo mode listens on loopback only unless told otherwise (their
logins are printed for anyone), says so in red when told, sends no `server` header, and
prints the same demo API key at every start. uvicorn is stubbed: nothing listens."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.cli.platform import is_loopback
from gigcity.config import get_settings

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of each uvicorn.run call (which returns at once)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    # Logging is process-wide: left alone here (tests/cli/test_serve_logs.py checks it).
    monkeypatch.setattr("gigcity.logs.configure_logging", lambda settings: None)
    return calls


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "203.0.113.7", "example.com", ""]
)
def test_other_hosts(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    ("args", "mode"),
    [
        (["serve", "--demo", "--host", "0.0.0.0"], "demo"),
        (["serve", "--host", "192.168.1.5"], "dev"),  # GIGCITY_MODE=dev
        (["serve", "--demo", "--host", "::"], "demo"),
    ],
)
def test_demo_and_dev_refuse_a_non_loopback_host(
    env: Path, served: list[dict[str, Any]], args: list[str], mode: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"in {mode} mode" in result.output
    assert "refusing to listen on" in result.output
    assert "--allow-remote-demo" in result.output
    assert served == []
    assert not (env / "cli.db").exists()  # refused before anything was seeded


def test_the_flag_allows_it_with_a_warning_and_no_server_header(
    env: Path, served: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--allow-remote-demo"])
    assert result.exit_code == 0, result.output
    assert "warning: dev mode listening on 0.0.0.0" in result.output
    assert served == [
        {
            "host": "0.0.0.0",
            "port": 8000,
            "server_header": False,
            "proxy_headers": True,
            "forwarded_allow_ips": "127.0.0.1",
            "log_config": None,
            "access_log": False,
        }
    ]


def test_loopback_needs_no_flag_and_several_workers_send_no_server_header(
    env: Path, served: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert served[0]["server_header"] is False
    assert served[0]["workers"] == 2


def test_production_may_listen_anywhere(
    env: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "production")
    monkeypatch.setenv("GIGCITY_SECRET_KEY", secrets.token_urlsafe(48))
    get_settings.cache_clear()
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert served[0]["host"] == "0.0.0.0"


@pytest.mark.slow
def test_serve_demo_prints_the_same_api_key_at_every_start(
    env: Path, served: list[dict[str, Any]]
) -> None:
    keys = []
    for _ in range(2):
        result = runner.invoke(app, ["serve", "--demo"])
        assert result.exit_code == 0, result.output
        found = re.search(r"api_key: (gck_\S+)", result.output)
        assert found, result.output
        keys.append(found.group(1))
    assert keys[0] == keys[1]


def test_behind_a_proxy_the_trusted_proxies_are_passed_on(
    env: Path, served: list[dict[str, Any]]
) -> None:
    result = runner.invoke(app, ["serve", "--forwarded-allow-ips", "10.0.0.2,10.0.0.3"])
    assert result.exit_code == 0, result.output
    assert served[0]["proxy_headers"] is True
    assert served[0]["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"
    result = runner.invoke(app, ["serve", "--no-proxy-headers"])
    assert served[1]["proxy_headers"] is False


def test_several_production_workers_need_the_database_upgraded_first(
    env: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "production")
    monkeypatch.setenv("GIGCITY_SECRET_KEY", secrets.token_urlsafe(48))
    get_settings.cache_clear()
    result = runner.invoke(app, ["serve", "--workers", "2", "--host", "0.0.0.0"])
    assert result.exit_code == 2, result.output
    assert "gigcity db upgrade" in result.output
    assert served == []
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["serve", "--workers", "2", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert served[0]["workers"] == 2
