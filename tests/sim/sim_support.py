"""Test support for the simulator: generated instances, and the shared ones when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_MDRP = REPO.parent / "shared" / "data" / "mdrp"


def shared_instance(name: str) -> Path:
    """A shared Grubhub instance folder, or skip when this checkout has no ../shared."""
    path = SHARED_MDRP / name
    if not (path / "orders.txt").is_file():
        pytest.skip(f"{path} is absent (a fresh clone has no ../shared)")
    return path


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def process_id(_task: object) -> int:
    """The process a task ran in (module-level, so a spawned pool process can import it)."""
    return os.getpid()
