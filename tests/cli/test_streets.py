"""`gigcity streets`: import, list, route and closures from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geo.streets.streets_support import grid_lonlat, write_grid
from gigcity.cli import app
from gigcity.config import get_settings

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["streets", *args])
    return result.exit_code, result.output


def test_import_reports_what_it_kept_and_routes_on_it(tmp_path: Path, database: Path) -> None:
    source = write_grid(tmp_path / "grid.osm")
    data = str(tmp_path / "var")
    code, output = _run("import", str(source), "--name", "grid", "--data-dir", data)
    assert code == 0, output
    assert "kept 16 nodes, 8 ways, 1 of 1 signals" in " ".join(output.split())
    assert "OpenStreetMap contributors" in output
    code, output = _run("list", "--data-dir", data)
    assert code == 0
    assert "grid" in output
    assert "shanghai-central" in output
    a, b = grid_lonlat(0, 0), grid_lonlat(3, 3)
    code, output = _run(
        "route", f"{a[0]},{a[1]}", f"{b[0]},{b[1]}", "--name", "grid", "--data-dir", data,
        "--at", "2026-11-28T12:00:00+08:00",
    )  # fmt: skip
    assert code == 0, output
    assert "ETA" in output
    assert "signals" in output


def test_import_of_a_bad_file_fails_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node")
    code, output = _run("import", str(bad), "--name", "bad", "--data-dir", str(tmp_path))
    assert code == 1
    assert "not valid OSM XML" in output
    code, output = _run("import", str(bad), "--name", "Bad Name", "--data-dir", str(tmp_path))
    assert code == 1
    assert "not allowed" in output


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The closures commands work on the platform's database: a fresh SQLite one."""
    monkeypatch.setenv("GIGCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _window(days: float = 1.0) -> list[str]:
    """From an hour ago for `days` (the commands refuse closures that have ended)."""
    start = datetime.now(UTC) - timedelta(hours=1)
    return ["--start", start.isoformat(), "--end", (start + timedelta(days=days)).isoformat()]


def test_closures_add_list_remove(database: Path) -> None:
    data = str(database)
    code, output = _run("closures", "add", "--ways", "101", *_window(), "--reason", "road works",
                        "--name", "shanghai-central-sample", "--data-dir", data)  # fmt: skip
    assert code == 1
    assert "not streets of the shanghai-central-sample network: 101" in " ".join(output.split())
    code, output = _run("closures", "add", "--polygon",
                        "121.470,31.230;121.472,31.230;121.472,31.232;121.470,31.232",
                        *_window(), "--reason", "market", "--data-dir", data)  # fmt: skip
    assert code == 0, output
    assert "added closure c1" in output
    code, output = _run("closures", "list", "--data-dir", data)
    assert code == 0
    assert "c1" in output
    assert "market" in output
    code, output = _run("closures", "add", "--polygon", "121.47,31.23;121.48,31.23",
                        *_window(), "--data-dir", data)  # fmt: skip
    assert code == 1
    assert "polygon" in output
    assert "3 distinct" in output
    code, output = _run("closures", "add", "--ways", "1", "--start", "2026-11-28T09:00:00+08:00",
                        "--end", "2026-11-28T08:00:00+08:00", "--data-dir", data)  # fmt: skip
    assert code == 1
    assert "ends_at must be after starts_at" in output
    code, output = _run("closures", "remove", "c1", "--data-dir", data)
    assert code == 0
    code, output = _run("closures", "remove", "c1", "--data-dir", data)
    assert code == 1
    assert "no closure 'c1'" in output


def test_a_route_goes_around_the_closures_stored_in_the_database(database: Path) -> None:
    trip = ["121.465,31.235", "121.482,31.225", "--data-dir", str(database)]
    code, output = _run("route", *trip)
    assert code == 0, output
    assert "closures" not in output
    code, output = _run("closures", "add", "--polygon",
                        "121.4720,31.2285;121.4750,31.2285;121.4750,31.2315;121.4720,31.2315",
                        *_window(), "--data-dir", str(database))  # fmt: skip
    assert code == 0, output
    assert not (database / "streets").exists()  # stored in the database, not a file
    code, output = _run("route", *trip)
    assert code == 0, output
    assert "closures c1 add" in output


def test_an_old_closures_file_is_imported_and_the_closures_exported_again(
    database: Path,
) -> None:
    data = str(database)
    old = database / "streets" / "shanghai-central-sample" / "closures.json"
    old.parent.mkdir(parents=True)
    start = datetime.now(UTC) - timedelta(days=2)
    window = {"starts_at": start.isoformat()}
    area = [[121.470, 31.230], [121.472, 31.230], [121.472, 31.232], [121.470, 31.232]]
    old.write_text(json.dumps([
        {"id": "c3", **window, "ends_at": (start + timedelta(days=9)).isoformat(), "polygon": area, "reason": "works"},
        {"id": "c4", **window, "ends_at": (start + timedelta(days=1)).isoformat(), "way_ids": [101]},
    ]))  # fmt: skip

    code, output = _run("closures", "import", str(old), "--data-dir", data)
    assert code == 0, output
    assert "imported 1 closures" in output
    assert "ended, not imported: c4" in output
    code, output = _run("closures", "import", str(old), "--data-dir", data)
    assert "imported 0 closures" in output  # twice is once
    assert "stored already, left as they are: c3" in output
    code, output = _run("closures", "add", "--polygon", "121.470,31.230;121.472,31.230;121.472,31.232;121.470,31.232",
                        *_window(), "--data-dir", data)  # fmt: skip
    assert "added closure c4" in output  # after the ids imported

    exported = database / "exported.json"
    code, output = _run("closures", "export", str(exported), "--data-dir", data)
    assert code == 0, output
    closures = json.loads(exported.read_text())
    assert [(c["id"], c["reason"]) for c in closures] == [("c3", "works"), ("c4", "")]
    assert closures[0]["polygon"] == area
    code, output = _run("closures", "export", "--data-dir", data)  # to standard output
    assert json.loads(output) == closures
    code, output = _run("closures", "import", str(database / "missing.json"), "--data-dir", data)
    assert code == 1
    assert "no file" in output
