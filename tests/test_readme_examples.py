"""Every example in README.md runs against the demo, so the front door cannot rot.

The README's `sh` blocks are read and each is run as written: the quickstart's install
commands are the only ones not run (they install the package; their `serve --demo` is
checked to exist), blocks of `curl` examples run in bash with curl against the demo served
on a free port (every request must succeed: curl fails on an error status), and `gigcity`
commands run through Typer's runner on the same demo database. A block of any other kind
fails the test, so a new example is run or explicitly excluded here. On SQLite: the
README's demo is the embedded default.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from gigcity.app import create_app
from gigcity.cli import app as cli_app
from gigcity.config import Settings, get_settings
from gigcity.services.demo import start_demo
from gigcity.services.platform import Platform

README = Path(__file__).resolve().parents[1] / "README.md"
DEMO_URL = "http://127.0.0.1:8000"
QUICKSTART = (
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/gigcity serve --demo",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test,postgres]' && .venv/bin/pytest",
)
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def commands(block: str) -> list[str]:
    """The commands of a shell block: continued lines joined, comments and blanks left out."""
    joined = block.replace("\\\n", " ")
    return [
        line.strip()
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def kind_of(command: str) -> str:
    if command in QUICKSTART:
        return "install"
    if command.startswith("curl ") or re.match(r"^[A-Z_]+=\$\(curl ", command):
        return "http"
    if command.startswith("gigcity "):
        return "cli"
    return "unknown"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str
    commands: tuple[str, ...]


def readme_blocks() -> list[Block]:
    blocks = []
    for match in BLOCK.finditer(README.read_text(encoding="utf-8")):
        found = commands(match[1])
        kinds = {kind_of(c) for c in found}
        assert len(kinds) == 1, f"a README block mixes kinds of example {kinds}: {found}"
        blocks.append(Block(kinds.pop(), match[1], tuple(found)))
    return blocks


@dataclass(frozen=True)
class ServedDemo:
    url: str
    api_key: str
    settings: Settings
    platform: Platform


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    """`gigcity serve --demo` as the README runs it: the demo seeded, served over HTTP."""
    home = tmp_path_factory.mktemp("readme")
    settings = Settings(mode="demo", database_url=f"sqlite:///{home / 'gigcity.db'}", data_dir=home)
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    _, key = start_demo(platform)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, platform), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the demo server did not start")
        time.sleep(0.02)
    yield ServedDemo(f"http://127.0.0.1:{port}", key, settings, platform)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    platform.close()


def test_the_readme_has_only_examples_this_test_runs() -> None:
    blocks = readme_blocks()
    assert [b.kind for b in blocks].count("unknown") == 0, [b.commands for b in blocks]
    installs = [c for b in blocks if b.kind == "install" for c in b.commands]
    assert installs == list(QUICKSTART), "the quickstart is two commands, as the README says"
    assert any(b.kind == "http" for b in blocks)
    assert any(b.kind == "cli" for b in blocks)


def test_the_quickstart_command_exists() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "--demo" in result.output


def test_kinds_are_told_apart() -> None:
    assert kind_of("curl 'http://x/api'") == "http"
    assert kind_of('TOKEN=$(curl -s http://x | python3 -c "")') == "http"
    assert kind_of("gigcity reports pool") == "cli"
    assert kind_of("rm -rf /") == "unknown"
    assert commands("# a\ncurl a \\\n  -d b\n\n") == ["curl a    -d b"]


def test_the_readme_http_examples_run_against_the_demo(
    served_demo: ServedDemo, tmp_path: Path
) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (the README's HTTP examples use it)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)  # the examples' JSON one-liners
    http = [b for b in readme_blocks() if b.kind == "http"]
    for block in http:
        # Every request must succeed: an error status fails the example (and the block).
        script = (
            "set -euo pipefail\n"
            'curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }\n'
            + block.text.replace(DEMO_URL, served_demo.url)
        )
        run = subprocess.run(
            ["bash", "-c", script],
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **os.environ,
                "PATH": f"{bin_dir}:{os.environ['PATH']}",
                "KEY": served_demo.api_key,
            },
            check=False,
        )
        assert run.returncode == 0, (
            f"README example failed:\n{block.text}\n{run.stdout}\n{run.stderr}"
        )
        assert run.stderr == "", run.stderr
        if "closed_note" in block.text:
            assert "停水" in run.stdout, run.stdout


def test_the_readme_cli_examples_run_against_the_demo(
    served_demo: ServedDemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGCITY_DATABASE_URL", served_demo.settings.database_url)
    monkeypatch.setenv("GIGCITY_DATA_DIR", str(served_demo.settings.data_dir))
    monkeypatch.setenv("GIGCITY_MODE", "demo")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        for block in (b for b in readme_blocks() if b.kind == "cli"):
            for command in block.commands:
                args = shlex.split(command, comments=True)
                assert args[0] == "gigcity"
                result = runner.invoke(cli_app, args[1:])
                assert result.exit_code == 0, f"README example failed: {command}\n{result.output}"
                assert result.output.strip(), command
    finally:
        get_settings.cache_clear()
