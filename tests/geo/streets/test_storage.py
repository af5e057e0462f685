"""Saving, naming and loading street graphs; the shipped sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geo.streets.streets_support import write_grid
from gigcity.geo.streets import (
    SAMPLE_NAME,
    StreetsNotFoundError,
    check_name,
    graph_dir,
    import_streets,
    imported_names,
    load_graph,
    load_streets,
    sample_graph,
    save_graph,
)


def test_import_save_and_load_round_trip(tmp_path: Path) -> None:
    source = write_grid(tmp_path / "grid.osm")
    seen: list[float] = []
    graph = import_streets(source, "grid", tmp_path / "var", progress=seen.append)
    assert seen
    assert seen[-1] == 1.0
    loaded = load_streets("grid", tmp_path / "var")
    assert loaded.name == "grid"
    assert loaded.meta == graph.meta
    for key, array in graph.arrays().items():
        assert loaded.arrays()[key].dtype == array.dtype, key
        np.testing.assert_array_equal(loaded.arrays()[key], array, err_msg=key)
    assert imported_names(tmp_path / "var") == ["grid"]
    assert graph.meta["source"] == "grid.osm"


def test_reimport_replaces_the_graph_and_keeps_closures(tmp_path: Path) -> None:
    source = write_grid(tmp_path / "grid.osm")
    import_streets(source, "grid", tmp_path)
    closures = graph_dir(tmp_path, "grid") / "closures.json"
    closures.write_text("[]")
    import_streets(source, "grid", tmp_path)
    assert closures.read_text() == "[]"
    assert not list(graph_dir(tmp_path, "grid").glob("*.partial"))


def test_unknown_name_says_what_exists_and_how_to_import(tmp_path: Path) -> None:
    import_streets(write_grid(tmp_path / "grid.osm"), "grid", tmp_path)
    with pytest.raises(StreetsNotFoundError, match=r"'putuo'.*grid.*gigcity streets import"):
        load_streets("putuo", tmp_path)


@pytest.mark.parametrize("name", ["", "Putuo", "../etc", "a/b", "-x", "x" * 65, "名字"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        check_name(name)


def test_sample_loads_by_name_with_no_data_dir_and_is_cached() -> None:
    assert load_streets(SAMPLE_NAME) is sample_graph()
    assert load_streets(SAMPLE_NAME, Path("/nonexistent")).name == SAMPLE_NAME


def test_imported_graph_of_the_sample_name_takes_precedence(tmp_path: Path) -> None:
    import_streets(write_grid(tmp_path / "grid.osm"), SAMPLE_NAME, tmp_path)
    assert load_streets(SAMPLE_NAME, tmp_path).node_count == 16


def test_old_format_asks_for_a_new_import(tmp_path: Path) -> None:
    directory = save_graph(sample_graph(), tmp_path)
    meta = json.loads((directory / "meta.json").read_text())
    meta["format_version"] = 0
    (directory / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="import the OSM file again"):
        load_graph(directory)


def test_reimport_drops_the_old_routing_preparation(tmp_path: Path) -> None:
    from gigcity.geo.streets import cch_available
    from gigcity.geo.streets.setup import open_street_travel

    if not cch_available():
        pytest.skip("pyroutingkit is not installed")
    import_streets(write_grid(tmp_path / "grid.osm"), "grid", tmp_path)
    open_street_travel("grid", tmp_path)
    assert len(list(graph_dir(tmp_path, "grid").glob("cch-*"))) == 1
    import_streets(write_grid(tmp_path / "grid.osm"), "grid", tmp_path)
    assert list(graph_dir(tmp_path, "grid").glob("cch-*")) == []
    assert (
        open_street_travel("grid", tmp_path).travel_seconds((121.47, 31.23), (121.473, 31.232)) > 0
    )
