"""`gigcity audit LOG` and `gigcity audit-log schema|generate` through the real Typer app:
a small synthetic day, clean and with planted breaches, audited end to end."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.services.audit.logformat import json_schema
from gigcity.services.audit.report_model import AuditComparison, AuditReport

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--orders", "80", "--riders", "5", "--seed", "3", "--day", "2026-05-12"]

runner = CliRunner()


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A clean day and the same day with two breaches planted per check."""
    folder = tmp_path_factory.mktemp("logs")
    clean, planted = folder / "clean.jsonl", folder / "planted.csv.gz"
    done = runner.invoke(app, ["audit-log", "generate", str(clean), *SMALL])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["audit-log", "generate", str(planted), *SMALL, "--plant", "2"])
    assert done.exit_code == 0, done.output
    return {"clean": clean, "planted": planted}


def _audit(log: Path, out: Path, *extra: str) -> tuple[int, str]:
    done = runner.invoke(
        app, ["audit", str(log), "--rules", "putuo-2025", "--out", str(out), *extra]
    )
    return done.exit_code, done.output


def _report(out: Path) -> AuditReport:
    return AuditReport.model_validate_json((out / "report.json").read_text(encoding="utf-8"))


def test_a_clean_day_passes_with_exit_0_and_every_file(
    logs: dict[str, Path], tmp_path: Path
) -> None:
    code, output = _audit(logs["clean"], tmp_path / "out", "--lang", "en")
    assert code == 0, output
    assert "PASS" in output
    assert "FAIL" not in output
    for name in ("report.json", "report.html", "report.pdf", "findings.csv"):
        assert (tmp_path / "out" / name).stat().st_size > 0
        assert str(tmp_path / "out" / name) in output.replace("\n", "")
    report = _report(tmp_path / "out")
    assert report.log.filename == "clean.jsonl"
    assert report.log.orders == 80
    assert all(c.passed is not False for c in report.checks)
    assert (tmp_path / "out" / "report.pdf").read_bytes().startswith(b"%PDF")


def test_planted_breaches_fail_with_exit_1_and_are_found(
    logs: dict[str, Path], tmp_path: Path
) -> None:
    planted = json.loads(Path(f"{logs['planted']}.planted.json").read_text(encoding="utf-8"))
    assert planted, "the generator planted nothing"
    key = tmp_path / "key"
    key.write_bytes(b"a district secret")
    code, output = _audit(logs["planted"], tmp_path / "out", "--key-file", str(key))
    assert code == 1, output
    assert "FAIL" in output
    failed = {c.check for c in _report(tmp_path / "out").checks if c.passed is False}
    assert {p["check"] for p in planted} <= failed
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert "不通过" in page
    # Riders are pseudonyms everywhere a shared report goes; the platform's ids are not.
    riders = {p["rider"] for p in planted if p["rider"]}
    findings = (tmp_path / "out" / "findings.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(findings)))
    assert {r["check"] for r in rows} >= {p["check"] for p in planted}
    assert all(r["rider"].startswith("R-") for r in rows if r["rider"])
    for rider in riders:
        assert rider not in page
        assert rider not in findings
    # The same key gives the same pseudonyms (a second run can be joined with the first).
    code, _ = _audit(logs["planted"], tmp_path / "again", "--key-file", str(key))
    again = (tmp_path / "again" / "findings.csv").read_bytes().decode("utf-8-sig")
    assert code == 1
    assert {r["rider"] for r in csv.DictReader(io.StringIO(again))} == {r["rider"] for r in rows}


def test_staff_keep_the_platform_ids_and_are_told(logs: dict[str, Path], tmp_path: Path) -> None:
    code, output = _audit(logs["planted"], tmp_path / "out", "--staff", "--lang", "en")
    assert code == 1
    assert "staff report" in output
    planted = json.loads(Path(f"{logs['planted']}.planted.json").read_text(encoding="utf-8"))
    rider = next(p["rider"] for p in planted if p["rider"])
    assert rider in (tmp_path / "out" / "findings.csv").read_text(encoding="utf-8-sig")
    assert not _report(tmp_path / "out").pseudonymised


def test_compare_with_a_previous_report(logs: dict[str, Path], tmp_path: Path) -> None:
    assert _audit(logs["clean"], tmp_path / "may")[0] == 0
    code, output = _audit(
        logs["planted"],
        tmp_path / "june",
        "--compare",
        str(tmp_path / "may" / "report.json"),
        "--lang",
        "en",
    )
    assert code == 1, output
    comparison = AuditComparison.model_validate_json(
        (tmp_path / "june" / "comparison.json").read_text()
    )
    assert comparison.before.filename == "clean.jsonl"
    assert any(c.change == "worse" for c in comparison.changes)
    assert "What changed" in (tmp_path / "june" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file"),
        ("rulebook", "no shipped rulebook of that name"),
        ("not a log", "is no decision log"),
        ("compare", "is no audit report.json"),
    ],
)
def test_unusable_input_exits_2_naming_the_problem(
    logs: dict[str, Path], tmp_path: Path, case: str, message: str
) -> None:
    log, rules, extra = logs["clean"], "putuo-2025", []
    if case == "missing":
        log = tmp_path / "nowhere.jsonl"
    elif case == "rulebook":
        rules = "putuo-2099"
    elif case == "not a log":
        log = tmp_path / "notes.jsonl"
        log.write_text("minutes of the meeting\n", encoding="utf-8")
    else:
        extra = ["--compare", str(logs["clean"])]
    done = runner.invoke(
        app, ["audit", str(log), "--rules", rules, "--out", str(tmp_path / "out"), *extra]
    )
    assert done.exit_code == 2
    assert message in done.output
    assert not (tmp_path / "out" / "report.json").exists()


def test_schema_command_and_the_published_schema_are_the_function(tmp_path: Path) -> None:
    expected = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    published = ROOT / "docs" / "audit" / "decision-log-1.schema.json"
    assert published.read_text(encoding="utf-8") == expected, (
        "regenerate docs/audit/decision-log-1.schema.json"
    )
    printed = runner.invoke(app, ["audit-log", "schema"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == json_schema()
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["audit-log", "schema", "--out", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == expected


def test_generate_refuses_a_bad_day_and_a_bad_suffix(tmp_path: Path) -> None:
    bad_day = runner.invoke(
        app, ["audit-log", "generate", str(tmp_path / "x.jsonl"), "--day", "12/05/2026"]
    )
    assert bad_day.exit_code == 2
    assert "no date" in bad_day.output
    bad_suffix = runner.invoke(app, ["audit-log", "generate", str(tmp_path / "x.xlsx"), *SMALL])
    assert bad_suffix.exit_code == 2
    assert ".jsonl" in bad_suffix.output


_PROBE = """
import sys
from gigcity.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & {"polars", "matplotlib", "numpy", "cairosvg"})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args", [["audit", "--help"], ["audit-log", "--help"], ["audit-log", "generate", "--help"]]
)
def test_help_imports_nothing_heavy(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )
    imported = next(x[6:] for x in done.stderr.splitlines() if x.startswith("HEAVY="))
    assert imported == "", f"gigcity {' '.join(args)} imported {imported}"
