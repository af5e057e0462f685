"""Fixtures the services' tests share: a local S3-compatible server (moto's, in a thread of
this process) for the file stores, a fresh bucket on it per test, and an address where
nothing answers (a store that is down)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from services.s3_support import S3Server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on a free port of 127.0.0.1, for the whole run."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Server(f"http://{host}:{port}")
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """An empty bucket of its own for each test."""
    return s3_server.new_bucket()


@pytest.fixture
def closed_port_url() -> str:
    """An http address of 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
