"""Closures kept in a JSON file beside a street graph (`<data_dir>/streets/<name>/closures.json`).

A simple store for the CLI and a single server process; writes replace the file atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import TypeAdapter

from gigcity.geo.streets.closures import Closure, ClosureSpec
from gigcity.geo.streets.storage import graph_dir

_CLOSURES = TypeAdapter(list[Closure])


def closures_path(data_dir: Path, streets: str) -> Path:
    return graph_dir(data_dir, streets) / "closures.json"


def read_closures(path: Path) -> list[Closure]:
    """The closures in `path` (none if the file does not exist)."""
    if not path.is_file():
        return []
    try:
        return _CLOSURES.validate_json(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{path}: not a valid closures file: {exc}") from exc


def write_closures(path: Path, closures: list[Closure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    data = [c.model_dump(mode="json") for c in closures]
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(partial, path)


def add_closure(path: Path, spec: ClosureSpec) -> Closure:
    """Store `spec` under the id after the highest in the file (c1, c2, ...) and return it."""
    closures = read_closures(path)
    numbers = [int(c.id[1:]) for c in closures if c.id[:1] == "c" and c.id[1:].isdigit()]
    closure = Closure.from_spec(spec, f"c{max(numbers, default=0) + 1}")
    write_closures(path, [*closures, closure])
    return closure


def remove_closure(path: Path, closure_id: str) -> bool:
    """Drop the closure with this id; False if there was none."""
    closures = read_closures(path)
    kept = [c for c in closures if c.id != closure_id]
    if len(kept) == len(closures):
        return False
    write_closures(path, kept)
    return True
