"""Closures: validation, which arcs they cut, and the closures file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from geo.streets.streets_support import DLAT, DLON, grid_graph, grid_id, grid_lonlat, node_index
from gigcity.geo.streets import StreetGraph
from gigcity.geo.streets.closure_file import add_closure, read_closures, remove_closure
from gigcity.geo.streets.closures import Closure, ClosureSpec, active_closures, closed_arc_mask

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> StreetGraph:
    return grid_graph(tmp_path_factory.mktemp("grid"))


def _box_around(row: int, col: int, size: float = 0.3) -> list[tuple[float, float]]:
    lon, lat = grid_lonlat(row, col)
    w, h = DLON * size, DLAT * size
    return [(lon - w, lat - h), (lon + w, lat - h), (lon + w, lat + h), (lon - w, lat + h)]


def _spec(**changes: Any) -> ClosureSpec:
    body: dict[str, Any] = {"starts_at": START, "ends_at": END, "way_ids": [101]}
    body.update(changes)
    return ClosureSpec.model_validate(body)


def test_polygon_closes_every_arc_touching_it(grid: StreetGraph) -> None:
    mask = closed_arc_mask(grid, [_spec(way_ids=None, polygon=_box_around(1, 1))])
    centre = node_index(grid, grid_id(1, 1))
    touching = (grid.arc_tail == centre) | (grid.arc_head == centre)
    assert mask.sum() == 8
    assert (mask == touching).all()


def test_way_list_closes_that_way_in_both_directions(grid: StreetGraph) -> None:
    mask = closed_arc_mask(grid, [_spec(way_ids=[101])])
    assert mask.sum() == 6
    assert set(grid.arc_way_id[mask].tolist()) == {101}


def test_time_window_is_start_inclusive_end_exclusive() -> None:
    closure = Closure.from_spec(_spec(), "c1")
    assert active_closures([closure], START.timestamp()) == (closure,)
    assert active_closures([closure], END.timestamp()) == ()
    assert closure.active_at(START + timedelta(minutes=1))
    assert not closure.active_at(START - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"polygon": _box_around(0, 0)}, "", "exactly one of polygon or way_ids"),
        ({"way_ids": None}, "", "exactly one"),
        ({"ends_at": START}, "", "ends_at must be after starts_at"),
        ({"starts_at": "2026-11-28T09:00:00"}, "starts_at", "timezone"),
        ({"way_ids": []}, "way_ids", "at least one"),
        ({"way_ids": None, "polygon": [(121.0, 31.0), (121.1, 31.0)]}, "polygon", "3 distinct"),
        ({"way_ids": None, "polygon": [(0, 0), (1, 1), (1, 0), (0, 1)]}, "polygon", "crosses"),
        ({"way_ids": None, "polygon": [(200, 0), (1, 1), (1, 0)]}, "polygon", "WGS-84"),
    ],
)
def test_invalid_closures_name_field_and_fault(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _spec(**changes)
    errors = info.value.errors()
    assert any(".".join(map(str, e["loc"])) == field and message in e["msg"] for e in errors), (
        errors
    )


def test_closed_ring_is_accepted_without_its_repeated_point() -> None:
    ring = [*_box_around(0, 0), _box_around(0, 0)[0]]
    assert _spec(way_ids=None, polygon=ring).polygon == _box_around(0, 0)


def test_closures_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "streets" / "grid" / "closures.json"
    assert read_closures(path) == []
    first = add_closure(path, _spec(reason="road works"))
    second = add_closure(path, _spec(way_ids=None, polygon=_box_around(1, 1)))
    assert (first.id, second.id) == ("c1", "c2")
    assert read_closures(path) == [first, second]
    assert remove_closure(path, "c1")
    assert not remove_closure(path, "c1")
    assert add_closure(path, _spec()).id == "c3"  # after the highest id in use
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not a valid closures file"):
        read_closures(path)
