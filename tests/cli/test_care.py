"""A hotline counsellor's account is made like any other, by the operator."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gigcity.cli import app

runner = CliRunner()


def test_accounts_create_makes_a_counsellor(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    made = runner.invoke(
        app,
        [
            *("accounts", "create", "zhou", "--role", "counsellor"),
            *("--display-name", "周老师", "--password", "long-enough-pw"),
        ],
    )
    assert made.exit_code == 0, made.output
    assert "(zhou, counsellor)" in made.output
