"""The app closes what it opened: a platform it built itself is closed when the server stops
(its listener, job threads and database pool end with the server); one handed to it stays
open, as its owner (a test, or `gigcity serve`) closes it."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.services.jobs import InProcessQueue
from gigcity.services.platform import Platform


def _scheduler(platform: Platform) -> threading.Thread:
    """The thread that queues the platform's periodic jobs (single-machine mode)."""
    queue = platform.jobs
    assert isinstance(queue, InProcessQueue)
    assert queue._scheduler is not None
    return queue._scheduler


def test_a_platform_the_app_built_is_closed_when_the_server_stops(settings: Settings) -> None:
    app = create_app(settings)
    platform: Platform = app.state.platform
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        scheduler = _scheduler(platform)
        assert scheduler.is_alive()
    scheduler.join(5)
    assert not scheduler.is_alive()
    assert platform.streets._closed


def test_a_platform_handed_to_the_app_stays_open(settings: Settings) -> None:
    platform = Platform.from_settings(settings)
    try:
        with TestClient(create_app(settings, platform)) as client:
            assert client.get("/healthz").status_code == 200
        scheduler = _scheduler(platform)
        scheduler.join(0.5)
        assert scheduler.is_alive()
    finally:
        platform.close()
