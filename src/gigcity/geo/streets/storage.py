"""Save and load street graphs by name, and the central-Shanghai sample shipped inside gigcity.

An imported graph lives in `<data_dir>/streets/<name>/`: `graph.npz` (the arrays, stored
uncompressed so loading is a few memory copies) and `meta.json` (what the import kept).
Closures for that graph are kept beside them (see `gigcity.geo.streets.closure_file`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from gigcity.geo.streets.build import Step, build_graph
from gigcity.geo.streets.graph import FORMAT_VERSION, StreetGraph
from gigcity.geo.streets.osm_reader import Progress, read_osm
from gigcity.geo.streets.profile import EbikeProfile

SAMPLE_NAME = "shanghai-central-sample"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_GRAPH_FILE = "graph.npz"
_META_FILE = "meta.json"


class StreetsNotFoundError(LookupError):
    """No street graph of that name has been imported."""


def check_name(name: str) -> str:
    """A graph name: lower-case letters, digits, '.', '_' and '-', at most 64 characters."""
    if not _NAME_RE.match(name):
        raise ValueError(
            f"street graph name {name!r} is not allowed: use 1-64 lower-case letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    return name


def graph_dir(data_dir: Path, name: str) -> Path:
    return data_dir / "streets" / check_name(name)


def save_graph(graph: StreetGraph, data_dir: Path) -> Path:
    """Write `graph` under its name; replaces an older import atomically, keeps closures."""
    directory = graph_dir(data_dir, graph.name)
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / (_GRAPH_FILE + ".partial")
    with partial.open("wb") as out:
        np.savez(out, **graph.arrays())  # type: ignore[arg-type]  # numpy stubs: allow_pickle
    os.replace(partial, directory / _GRAPH_FILE)
    partial_meta = directory / (_META_FILE + ".partial")
    partial_meta.write_text(json.dumps(graph.meta, indent=2, ensure_ascii=False), "utf-8")
    os.replace(partial_meta, directory / _META_FILE)
    for stale in directory.glob("cch-*"):  # routing preparation of the graph replaced
        shutil.rmtree(stale, ignore_errors=True)
    return directory


def load_graph(directory: Path) -> StreetGraph:
    """The graph saved in `directory`."""
    meta: dict[str, Any] = json.loads((directory / _META_FILE).read_text("utf-8"))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{directory}: street graph format {meta.get('format_version')!r}, this gigcity "
            f"reads {FORMAT_VERSION}; import the OSM file again"
        )
    with np.load(directory / _GRAPH_FILE, allow_pickle=False) as arrays:
        fields = {key: arrays[key] for key in arrays.files}
    return StreetGraph(name=str(meta["name"]), meta=meta, **fields)


def import_streets(
    source: Path,
    name: str,
    data_dir: Path,
    profile: EbikeProfile | None = None,
    *,
    progress: Progress | None = None,
    step: Step | None = None,
) -> StreetGraph:
    """Read an OSM file, build the e-bike graph and save it as `name`."""
    check_name(name)
    data = read_osm(source, progress)
    graph = build_graph(data, name, profile, source=source.name, step=step)
    save_graph(graph, data_dir)
    return graph


def imported_names(data_dir: Path) -> list[str]:
    root = data_dir / "streets"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / _GRAPH_FILE).is_file())


def load_streets(name: str, data_dir: Path | None = None) -> StreetGraph:
    """The graph imported as `name` under `data_dir`, else the shipped sample by its name."""
    check_name(name)
    if data_dir is not None:
        directory = graph_dir(data_dir, name)
        if (directory / _GRAPH_FILE).is_file():
            return load_graph(directory)
    if name == SAMPLE_NAME:
        return sample_graph()
    where = f" under {data_dir / 'streets'}" if data_dir is not None else ""
    known = [*(imported_names(data_dir) if data_dir is not None else []), SAMPLE_NAME]
    raise StreetsNotFoundError(
        f"no street graph named {name!r}{where}; known: {', '.join(known)}. "
        f"Import one with `gigcity streets import FILE --name {name}`"
    )


@lru_cache(maxsize=1)
def sample_graph() -> StreetGraph:
    """Central Shanghai (about 2.4 km square), built from the OSM extract shipped in gigcity."""
    resource = resources.files("gigcity.geo.streets") / "sample" / f"{SAMPLE_NAME}.osm.gz"
    with resources.as_file(resource) as path:
        return build_graph(read_osm(path), SAMPLE_NAME, source=path.name)


def sample_attribution() -> str:
    """The shipped sample's ODbL attribution notice (keep it wherever its maps are shown)."""
    resource = resources.files("gigcity.geo.streets") / "sample" / "ATTRIBUTION.md"
    return resource.read_text("utf-8")
