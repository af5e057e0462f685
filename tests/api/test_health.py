"""/healthz and /readyz: what a load balancer asks (no credentials, nothing personal)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.migrate import downgrade
from gigcity.services.platform import Platform
from gigcity.services.storage import LocalFileStore


def test_a_live_process_with_a_current_database_is_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    checks = {"database": "ok", "schema": "ok", "storage": "ok"}
    if client.app.state.platform.engine.dialect.name == "postgresql":  # type: ignore[attr-defined]
        checks["listener"] = "ok"  # closures and phases of other workers reach this one
    assert r.json() == {"ready": True, "checks": checks}


def test_a_database_behind_the_code_is_not_ready(client: TestClient, platform: Platform) -> None:
    downgrade(platform.engine, "0008")
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["ready"] is False
    assert r.json()["checks"]["schema"].startswith("at 0008, needs ")
    assert client.get("/healthz").status_code == 200  # alive, just not ready


def test_a_file_store_that_cannot_keep_files_is_not_ready(
    client: TestClient, platform: Platform, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_bytes(b"")
    platform.files = LocalFileStore(blocker)  # as if the share were unmounted read-only
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["storage"].startswith("unreachable")
    assert r.json()["checks"]["database"] == "ok"


def test_an_unreachable_database_is_not_ready(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "gigcity.db"
    settings = Settings(mode="dev", database_url=f"sqlite:///{missing}", data_dir=tmp_path)
    platform = Platform.from_settings(settings)
    try:
        client = TestClient(create_app(settings, platform))  # not started: no migration
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["checks"]["database"].startswith("unreachable")
        assert client.get("/healthz").json() == {"status": "ok"}
    finally:
        platform.close()


def test_the_server_schedules_the_periodic_jobs_in_single_machine_mode(
    client: TestClient,
) -> None:
    # The `client` fixture's platform runs its jobs in process (see conftest): the daily
    # retention purge must be scheduled by the server itself, or it never runs.
    import threading

    assert "jobs-periodic" in {thread.name for thread in threading.enumerate()}
