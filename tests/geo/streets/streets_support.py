"""Small OpenStreetMap files built in code, for the street-graph tests.

The grid: 4 x 4 nodes about 100 m apart, ids 1..16 row by row (row 0 south). Rows are
residential two-way streets, except row 2 which is one-way eastwards; column 1 is a
primary road with a signal at its crossing with row 1 (node 6). Extra ways test the rules:
an expressway (trunk) that must not be used, a footway, and a one-way dead end (nodes
20 -> 21) that cannot be left and so is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from gigcity.geo.streets import StreetGraph, build_graph, read_osm

LON0, LAT0 = 121.47, 31.23
DLON, DLAT = 0.00105, 0.0009  # about 100 m each way at this latitude


def grid_id(row: int, col: int) -> int:
    return row * 4 + col + 1


def grid_lonlat(row: int, col: int) -> tuple[float, float]:
    return LON0 + col * DLON, LAT0 + row * DLAT


def osm_xml(
    nodes: Mapping[int, tuple[float, float]],
    ways: Sequence[tuple[int, Sequence[int], Mapping[str, str]]],
    node_tags: Mapping[int, Mapping[str, str]] | None = None,
) -> str:
    node_tags = node_tags or {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node_id, (lon, lat) in nodes.items():
        tags = node_tags.get(node_id, {})
        head = f'  <node id="{node_id}" lon="{lon:.7f}" lat="{lat:.7f}" version="1"'
        if not tags:
            lines.append(head + "/>")
            continue
        lines.append(head + ">")
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("  </node>")
    for way_id, refs, tags in ways:
        lines.append(f'  <way id="{way_id}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


def grid_parts() -> tuple[
    dict[int, tuple[float, float]],
    list[tuple[int, list[int], dict[str, str]]],
    dict[int, dict[str, str]],
]:
    nodes = {grid_id(r, c): grid_lonlat(r, c) for r in range(4) for c in range(4)}
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    for row in range(4):
        tags = {"highway": "residential", "name": f"row {row}"}
        if row == 2:
            tags["oneway"] = "yes"
        ways.append((100 + row, [grid_id(row, c) for c in range(4)], tags))
    for col in range(4):
        kind = "primary" if col == 1 else "residential"
        ways.append((200 + col, [grid_id(r, col) for r in range(4)], {"highway": kind}))
    # An expressway straight across: faster, but closed to e-bikes.
    nodes[30], nodes[31] = grid_lonlat(-1, 0), grid_lonlat(-1, 3)
    ways.append((300, [1, 30, 31, 4], {"highway": "trunk", "bridge": "yes"}))
    ways.append((301, [5, 16], {"highway": "footway"}))
    # A one-way spur off node 4: riders could enter, never leave.
    nodes[20], nodes[21] = grid_lonlat(0, 4), grid_lonlat(0, 5)
    ways.append((400, [4, 20, 21], {"highway": "residential", "oneway": "yes"}))
    node_tags = {
        grid_id(1, 1): {"highway": "traffic_signals"},
        grid_id(0, 2): {"highway": "crossing"},
    }
    return nodes, ways, node_tags


def write_grid(path: Path) -> Path:
    nodes, ways, node_tags = grid_parts()
    path.write_text(osm_xml(nodes, ways, node_tags), "utf-8")
    return path


def grid_graph(tmp: Path) -> StreetGraph:
    """The grid built into a street graph (files written under `tmp`)."""
    return build_graph(read_osm(write_grid(tmp / "grid.osm")), "grid")


def node_index(graph: StreetGraph, osm_id: int) -> int:
    return int(np.flatnonzero(graph.node_osm_id == osm_id)[0])
