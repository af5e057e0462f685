"""`gigcity streets`: import, list, route and closures from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from geo.streets.streets_support import grid_lonlat, write_grid
from gigcity.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["streets", *args])
    return result.exit_code, result.output


def test_import_reports_what_it_kept_and_routes_on_it(tmp_path: Path) -> None:
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


def test_closures_add_list_remove(tmp_path: Path) -> None:
    data = str(tmp_path)
    window = ["--start", "2026-11-28T09:00:00+08:00", "--end", "2026-11-28T18:00:00+08:00"]
    code, output = _run("closures", "add", "--ways", "101", *window, "--reason", "road works",
                        "--name", "shanghai-central-sample", "--data-dir", data)  # fmt: skip
    assert code == 1
    assert "ways not in" in output
    code, output = _run("closures", "add", "--polygon",
                        "121.470,31.230;121.472,31.230;121.472,31.232;121.470,31.232",
                        *window, "--reason", "market", "--data-dir", data)  # fmt: skip
    assert code == 0, output
    assert "added closure c1" in output
    code, output = _run("closures", "list", "--data-dir", data)
    assert code == 0
    assert "c1" in output
    assert "market" in output
    code, output = _run("closures", "add", "--polygon", "121.47,31.23;121.48,31.23",
                        *window, "--data-dir", data)  # fmt: skip
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
