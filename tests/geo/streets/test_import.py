"""Importing OpenStreetMap data (.osm XML, .osm.gz, .osm.pbf) into the e-bike street graph."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from geo.streets.streets_support import grid_id, grid_lonlat, grid_parts, osm_xml, write_grid
from gigcity.geo.streets import (
    GraphBuildError,
    OsmData,
    OsmReadError,
    StreetGraph,
    build_graph,
    read_osm,
    sample_attribution,
    sample_graph,
)
from gigcity.geo.streets.graph import MAJOR_APPROACH, MINOR_APPROACH, NODE_CROSSING, NODE_SIGNAL

SHARED_OSM = Path(__file__).resolve().parents[3].parent / "shared/data/osm"


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> StreetGraph:
    path = write_grid(tmp_path_factory.mktemp("osm") / "grid.osm")
    return build_graph(read_osm(path), "grid")


def _arcs(graph: StreetGraph) -> set[tuple[int, int]]:
    ids = graph.node_osm_id
    return {(int(ids[t]), int(ids[h])) for t, h in zip(graph.arc_tail, graph.arc_head, strict=True)}


def _node(graph: StreetGraph, osm_id: int) -> int:
    return int(np.flatnonzero(graph.node_osm_id == osm_id)[0])


def test_grid_keeps_the_open_streets_and_drops_the_rest(grid: StreetGraph) -> None:
    assert sorted(grid.node_osm_id.tolist()) == list(range(1, 17))
    arcs = _arcs(grid)
    assert len(arcs) == grid.arc_count == 45  # 3 two-way rows, 1 one-way row, 4 two-way columns
    assert (9, 10) in arcs
    assert (10, 9) not in arcs
    assert (1, 2) in arcs
    assert (2, 1) in arcs
    assert not {30, 31, 20, 21} & set(grid.node_osm_id.tolist())  # trunk, dead-end spur
    assert grid.meta["nodes_dropped_unreachable"] == 2
    assert grid.meta["ways"] == 8 == grid.way_count()
    assert grid.meta["signals"] == 1
    assert grid.meta["crossings"] == 1


def test_graph_arrays_are_consistent(grid: StreetGraph) -> None:
    assert np.all(np.diff(grid.arc_tail) >= 0)  # sorted by tail: CSR
    for node in range(grid.node_count):
        span = slice(grid.indptr[node], grid.indptr[node + 1])
        assert np.all(grid.arc_tail[span] == node)
    assert np.all(grid.arc_length_m > 80)
    assert np.all(grid.arc_length_m < 120)
    assert np.all(grid.arc_speed_mps * 3.6 <= 25.0)


def test_signal_and_crossing_flags(grid: StreetGraph) -> None:
    signal, crossing = _node(grid, grid_id(1, 1)), _node(grid, grid_id(0, 2))
    assert grid.node_flags[signal] & NODE_SIGNAL
    assert not grid.node_flags[signal] & NODE_CROSSING
    assert grid.node_flags[crossing] & NODE_CROSSING


def test_arcs_into_the_signal_wait_with_the_primary_road_as_major_approach(
    grid: StreetGraph,
) -> None:
    signal = _node(grid, grid_id(1, 1))
    waiting = np.flatnonzero(grid.arc_junction >= 0)
    assert set(grid.arc_head[waiting].tolist()) == {signal}
    assert len(waiting) == 4
    tails = {int(grid.node_osm_id[grid.arc_tail[a]]): int(grid.arc_approach[a]) for a in waiting}
    assert tails == {
        grid_id(0, 1): MAJOR_APPROACH,  # along the primary column
        grid_id(2, 1): MAJOR_APPROACH,
        grid_id(1, 0): MINOR_APPROACH,
        grid_id(1, 2): MINOR_APPROACH,
    }
    assert grid.junction_count == 1
    assert grid.junction_osm_id.tolist() == [grid_id(1, 1)]


def test_signal_direction_tag_limits_which_arcs_wait() -> None:
    nodes = {i: (121.47 + i * 0.001, 31.23) for i in range(1, 4)}
    ways = [(1, [1, 2, 3], {"highway": "tertiary"})]
    graph = build_graph(
        read_osm_text(osm_xml(nodes, ways, {2: {"highway": "traffic_signals",
                                                 "traffic_signals:direction": "forward"}})),
        "dir",
    )  # fmt: skip
    waiting = np.flatnonzero(graph.arc_junction >= 0)
    assert [(int(graph.node_osm_id[graph.arc_tail[a]])) for a in waiting] == [1]


def test_stop_line_signals_of_one_crossroads_form_one_junction_waited_once() -> None:
    # A two-way street with a signal on each side of the crossing node 3, 15 m apart.
    step = 0.00008  # ~7.6 m of longitude
    nodes = {1: (121.47, 31.23), 2: (121.47 + 12 * step, 31.23), 3: (121.47 + 13 * step, 31.23),
             4: (121.47 + 14 * step, 31.23), 5: (121.47 + 26 * step, 31.23),
             6: (121.47 + 13 * step, 31.231), 7: (121.47 + 13 * step, 31.229)}  # fmt: skip
    ways = [
        (1, [1, 2, 3, 4, 5], {"highway": "secondary"}),
        (2, [6, 3, 7], {"highway": "residential"}),
    ]
    tags = {2: {"highway": "traffic_signals"}, 4: {"highway": "traffic_signals"}}
    graph = build_graph(read_osm_text(osm_xml(nodes, ways, tags)), "two-signals")
    assert graph.junction_count == 1
    # Riding 1 -> 5 enters the junction at node 2 only: 3 lies inside it, so 3 -> 4 waits not.
    waiting_tails = {
        int(graph.node_osm_id[graph.arc_tail[a]]) for a in np.flatnonzero(graph.arc_junction >= 0)
    }
    assert waiting_tails == {1, 5}  # fmt: skip


def test_clipped_way_never_bridges_a_missing_node() -> None:
    nodes = {1: (121.47, 31.23), 3: (121.472, 31.23), 4: (121.473, 31.23)}
    ways = [(1, [1, 2, 3, 4], {"highway": "residential"})]  # node 2 outside the extract
    graph = build_graph(read_osm_text(osm_xml(nodes, ways)), "clipped")
    assert sorted(graph.node_osm_id.tolist()) == [3, 4]


def test_nothing_usable_is_an_error() -> None:
    nodes = {1: (121.47, 31.23), 2: (121.471, 31.23)}
    with pytest.raises(GraphBuildError, match="no way"):
        build_graph(read_osm_text(osm_xml(nodes, [(1, [1, 2], {"highway": "motorway"})])), "x")


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(OsmReadError, match="no such file"):
        read_osm(tmp_path / "missing.osm")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(OsmReadError, match=r"expected \.osm"):
        read_osm(tmp_path / "notes.txt")
    (tmp_path / "broken.osm").write_text("<osm><node id='1' lon='1' lat='2'>")
    with pytest.raises(OsmReadError, match="not valid OSM XML"):
        read_osm(tmp_path / "broken.osm")
    (tmp_path / "bad.osm").write_text("<osm><node id='x' lon='1' lat='2'/></osm>")
    with pytest.raises(OsmReadError, match="bad id"):
        read_osm(tmp_path / "bad.osm")


def test_gzip_and_pbf_give_the_same_graph(tmp_path: Path, grid: StreetGraph) -> None:
    text = osm_xml(*grid_parts())
    gz = tmp_path / "grid.osm.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    _assert_same(build_graph(read_osm(gz), "grid"), grid)
    osmium = pytest.importorskip("osmium")
    pbf = tmp_path / "grid.osm.pbf"
    nodes, ways, node_tags = grid_parts()
    with osmium.SimpleWriter(str(pbf)) as writer:
        for node_id, (lon, lat) in nodes.items():
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat),
                                                    tags=node_tags.get(node_id, {})))  # fmt: skip
        for way_id, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
    _assert_same(build_graph(read_osm(pbf), "grid"), grid)


def _assert_same(a: StreetGraph, b: StreetGraph) -> None:
    for key, array in a.arrays().items():
        np.testing.assert_allclose(array, b.arrays()[key], rtol=0, atol=1e-6, err_msg=key)


def read_osm_text(text: str) -> OsmData:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.osm"
        path.write_text(text, "utf-8")
        return read_osm(path)


def test_shipped_sample_is_a_real_strongly_connected_network() -> None:
    graph = sample_graph()
    assert graph.meta["signals_in_file"] == 288
    assert graph.node_count > 1000
    assert graph.signal_node_count() > 150
    assert graph.junction_count > 80
    matrix = csr_matrix((np.ones(graph.arc_count), (graph.arc_tail, graph.arc_head)))
    assert connected_components(matrix, directed=True, connection="strong")[0] == 1
    # Bounding box of the extract (central Shanghai).
    assert graph.node_lon.min() > 121.46
    assert graph.node_lon.max() < 121.49
    assert graph.node_lat.min() > 31.21
    assert graph.node_lat.max() < 31.25
    assert "ODbL" in sample_attribution()
    assert "OpenStreetMap contributors" in sample_attribution()
    assert "OpenStreetMap contributors" in graph.meta["attribution"]


def test_shipped_sample_equals_the_shared_extract() -> None:
    source = SHARED_OSM / "shanghai-central-sample.osm"
    if not source.exists():
        pytest.skip(f"{source} is absent (a fresh clone has no ../shared)")
    _assert_same(build_graph(read_osm(source), "shanghai-central-sample"), sample_graph())


def test_grid_coordinates_helper_is_consistent() -> None:
    assert grid_lonlat(0, 0) == (121.47, 31.23)
