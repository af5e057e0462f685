"""`gigcity serve --demo` starts a real server: seeded map, demo logins and an API key printed,
no `server` header."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_demo_answers_and_prints_an_api_key(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "GIGCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    env.pop("GIGCITY_MODE", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gigcity", "serve", "--demo", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/district", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        assert "server" not in httpx.get(f"{base}/api/district").headers  # no "uvicorn"
        nearby = httpx.get(
            f"{base}/api/places/nearby", params={"lat": 31.26, "lon": 121.39, "k": 5}
        ).json()
        assert len(nearby) == 5
        text = log.read_text()
        key = re.search(r"api_key: (gck_\S+)", text)
        assert key, text
        assert "scopes: open311, deliveries, signals, workbench, audit)" in text
        assert "gate controller api_key: gck_" in text  # the sample estate's gates
        quote = httpx.post(  # a scoped route: the demo key may call every one
            f"{base}/api/rules/quote",
            json={"order_id": "D1", "distance_m": 1200},
            headers={"X-API-Key": key.group(1)},
        )
        assert quote.status_code == 200, quote.text
        assert (
            httpx.get(f"{base}/api/places/meta", headers={"X-API-Key": key.group(1)}).status_code
            == 200
        )
        token = httpx.post(
            f"{base}/api/auth/token", data={"username": "admin", "password": "gigcity-demo"}
        )
        assert token.status_code == 200
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
