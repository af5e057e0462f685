"""The proof that gigcity runs as several processes on several hosts: two `gigcity serve`
processes on two ports and one `gigcity worker`, all on one PostgreSQL database and one
S3-compatible bucket, each server with a data directory of its own (nothing is shared
through a disk). Through real HTTP:

- a closure added through one server is routed around by the other;
- a signal phase posted to one changes the other's ETA;
- a workbench run started on one is executed by the worker, its progress read from the other;
- a photo stored through one is served by the other;
- the worker killed mid-run and started again finishes the run.

Each property also has a faster test of its own (tests/services/streets/test_shared.py,
tests/services/jobs/test_worker.py, tests/services/reports/test_photo_storage.py); this one
shows they hold together, in the processes a district runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from gigcity.config import Settings
from gigcity.services.platform import Platform
from services.reports.reports_support import jpeg
from services.s3_support import S3Server
from services.streets.sample_support import DESTINATION, ORIGIN, SHANGHAI, eventually
from support import PASSWORD, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Deployment:
    """The processes of one deployment, and how to reach and restart them."""

    env: dict[str, str]
    logs: Path
    servers: list[httpx.Client]
    processes: list[subprocess.Popen[bytes]]

    def start(self, *args: str, name: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "gigcity", *args],
            env=self.env | {"GIGCITY_DATA_DIR": str(self.logs / name)},
            stdout=log,
            stderr=log,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def sign_in(self, server: httpx.Client, username: str) -> dict[str, str]:
        r = server.post("/api/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def deployment(
    empty_postgres: str, s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> Iterator[Deployment]:
    postgres_database = empty_postgres
    storage = {f"GIGCITY_{k.upper()}": v for k, v in s3_server.settings(s3_bucket).items()}
    env = {
        **os.environ,
        **storage,
        "GIGCITY_DATABASE_URL": postgres_database,
        "GIGCITY_MODE": "dev",
        "GIGCITY_SECRET_KEY": "a-secret-both-servers-share-" + "x" * 20,
        "GIGCITY_JOB_QUEUE": "procrastinate",
        "GIGCITY_JOB_STALLED_AFTER_S": "5",
    }
    # The documented deploy step, then the people (as an admin would create them).
    migrate = subprocess.run(
        [sys.executable, "-m", "gigcity", "db", "upgrade"], env=env, capture_output=True
    )
    assert migrate.returncode == 0, migrate.stderr.decode(errors="replace")
    seeder = Platform.from_settings(
        Settings(mode="dev", database_url=postgres_database, job_queue="procrastinate")
    )
    make_world(seeder)
    seeder.close()

    deployment = Deployment(env, tmp_path, [], [])
    try:
        for name in ("api1", "api2"):
            port = _free_port()
            deployment.start("serve", "--port", str(port), name=name)
            deployment.servers.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30))
        for name, server in zip(("api1", "api2"), deployment.servers, strict=True):
            ready = eventually(lambda s=server: _readiness(s), lambda r: r.get("ready") is True, 60)
            assert ready.get("ready") is True, f"{name}: {ready}\n{deployment.log(name)}"
        yield deployment
    finally:
        for process in deployment.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in deployment.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for server in deployment.servers:
            server.close()


def _readiness(server: httpx.Client) -> dict[str, Any]:
    try:
        answer: dict[str, Any] = server.get("/readyz").json()
    except httpx.TransportError:
        return {}
    return answer


def _route(server: httpx.Client, at: datetime) -> dict[str, Any]:
    r = server.get(
        "/api/route",
        params={
            "from": f"{ORIGIN[0]},{ORIGIN[1]}",
            "to": f"{DESTINATION[0]},{DESTINATION[1]}",
            "at": at.isoformat(),
        },
    )
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def test_two_servers_and_a_worker_share_everything(deployment: Deployment) -> None:
    one, two = deployment.servers
    admin_one = deployment.sign_in(one, "admin")
    admin_two = deployment.sign_in(two, "admin")
    at = datetime.now(SHANGHAI).replace(microsecond=0)
    before = _route(two, at)
    assert _route(one, at)["eta_s"] == before["eta_s"]

    # A closure added through one server is routed around by the other.
    coordinates = before["geometry"]["coordinates"]
    lon, lat = coordinates[len(coordinates) // 2]
    half = 0.0004
    closure = {
        "starts_at": (at - timedelta(hours=1)).isoformat(),
        "ends_at": (at + timedelta(hours=3)).isoformat(),
        "polygon": [[lon - half, lat - half], [lon + half, lat - half], [lon, lat + half]],
        "reason": "road works",
    }
    added = one.post("/api/closures", json=closure, headers=admin_one)
    assert added.status_code == 201, added.text
    closed = eventually(
        lambda: _route(two, at), lambda r: r["breakdown"]["closures"] != [], within_s=10
    )
    assert closed["breakdown"]["closures"] == [added.json()["id"]]
    assert two.get("/api/closures").json()[0]["id"] == added.json()["id"]

    # A phase posted to one server changes the other's ETA.
    waits_before = _route(one, at)["signals"]
    on_route = sorted({s["signal_id"] for s in waits_before})  # a junction may come twice
    assert on_route, "the route crosses no signal"
    feed = {
        "observed_at": at.isoformat(),
        "valid_for_s": 3600,
        "phases": [{"signal_id": s, "state": "red", "remaining_s": 40} for s in on_route],
    }
    posted = two.post("/api/signals/phases", json=feed, headers=admin_two)
    assert posted.status_code == 200, posted.text
    assert posted.json()["accepted"] > 0, posted.json()  # some may contradict a fixed plan
    live = eventually(lambda: _route(one, at)["signals"], lambda w: w != waits_before, 10)
    assert live != waits_before

    # A photo stored through one server is served by the other (the bucket, not a disk).
    rider_one, rider_two = deployment.sign_in(one, "rider"), deployment.sign_in(two, "rider")
    photo = jpeg()
    stored = one.post(
        "/api/reports/photos", files={"file": ("p.jpg", photo, "image/jpeg")}, headers=rider_one
    )
    assert stored.status_code == 201, stored.text
    served = two.get(stored.json()["url"], headers=rider_two)
    assert served.status_code == 200, served.text
    assert served.headers["content-type"] == "image/jpeg"
    assert served.content == one.get(stored.json()["url"], headers=rider_one).content

    # A workbench run started on one server is executed by the worker, read from the other.
    started = one.post(
        "/api/workbench/runs",
        json={"orders": 400, "seed": 5, "attribution": True},
        headers=admin_one,
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]

    def progress() -> dict[str, Any]:
        answer: dict[str, Any] = two.get(f"/api/workbench/runs/{run_id}", headers=admin_two).json()
        return answer

    time.sleep(1.0)
    assert progress()["status"] == "queued"  # the servers never run it themselves
    worker = deployment.start("worker", name="worker1")
    running = eventually(progress, lambda r: r["status"] in {"running", "done"}, 60)
    assert running["status"] == "running", deployment.log("worker1")
    eventually(progress, lambda r: r["progress"] > 0, 30)

    # Killed mid-run and started again, the worker finishes the run.
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    assert progress()["status"] == "running"  # nobody has noticed yet
    deployment.start("worker", name="worker2")
    done = eventually(progress, lambda r: r["status"] in {"done", "failed"}, 240)
    assert done["status"] == "done", f"{done}\n{deployment.log('worker2')}"
    # It took over the dead one's job: queued again by our stalled-job rescue or by
    # procrastinate's own pruning of dead workers, whichever notices first, then run here.
    assert "workbench.run" in deployment.log("worker2")
    result = two.get(f"/api/workbench/runs/{run_id}/result", headers=admin_two)
    assert result.status_code == 200, result.text
    assert result.json()["table"]
    assert one.get(f"/api/workbench/runs/{run_id}", headers=admin_one).json()["status"] == "done"
