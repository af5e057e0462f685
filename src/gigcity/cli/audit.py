"""`gigcity audit LOG`: a platform's decision log checked against the rulebook, clause by
clause; `gigcity audit-log schema|generate`: the log format and synthetic logs to try it on.

Exit codes of `audit`: 0 every applicable check passed, 1 at least one failed, 2 the input
could not be used (no such file, no such rulebook, a file that is no decision log).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Column, Table

from gigcity.cli.root import app

if TYPE_CHECKING:
    from gigcity.rules import Rulebook
    from gigcity.services.audit.checks import RideEstimator
    from gigcity.services.audit.engine import AuditResult
    from gigcity.services.audit.report_model import AuditReport

audit_log_app = typer.Typer(
    help="The decision-log format of the algorithm audit: its schema and synthetic logs.",
    no_args_is_help=True,
)
app.add_typer(audit_log_app, name="audit-log")

UNUSABLE = 2  # the input could not be audited at all


class Language(StrEnum):
    chinese = "zh_CN"
    english = "en"


def _console() -> Console:
    return Console(highlight=False)


def _fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False).print(f"error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(UNUSABLE)


def _rulebook(name: str) -> Rulebook:
    from gigcity.rules import RulebookError, load_rulebook

    try:
        return load_rulebook(name)
    except RulebookError as error:
        _fail(f"rulebook {name!r}: {error}")


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        _fail(f"{what} {path}: no such file")
    except IsADirectoryError:
        _fail(f"{what} {path}: is a directory, not a file")
    except OSError as error:
        _fail(f"{what} {path}: {error.strerror or error}")


def _previous_report(path: Path) -> AuditReport:
    from pydantic import ValidationError

    from gigcity.services.audit.report_model import AuditReport

    try:
        return AuditReport.model_validate_json(_read(path, "--compare report"))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the file)"
        _fail(f"--compare {path} is no audit report.json: {where}: {first['msg']}")


def _street_rides(name: str) -> RideEstimator:
    """The named street graph (imported under $GIGCITY_DATA_DIR, or the shipped sample)."""
    from gigcity.cli.streets import _data_dir
    from gigcity.geo.streets.setup import open_street_travel
    from gigcity.geo.streets.storage import StreetsNotFoundError
    from gigcity.services.audit.streets_eta import StreetRides

    try:
        return StreetRides(open_street_travel(name, _data_dir(None)))
    except StreetsNotFoundError as error:
        _fail(f"--streets: {error}")


def _run(
    data: bytes,
    filename: str,
    rulebook: Rulebook,
    key: bytes | None,
    tolerance_s: float,
    streets: RideEstimator | None = None,
) -> AuditResult:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from gigcity.services.audit.engine import audit_file
    from gigcity.services.audit.logfile import LogFileError

    progress = Progress(
        TextColumn("auditing"), BarColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip
    with progress:
        task = progress.add_task("audit", total=1.0)
        try:
            return audit_file(
                data, filename, rulebook, key=key, eta_tolerance_s=tolerance_s, streets=streets,
                progress=lambda done: progress.update(task, completed=done),
            )  # fmt: skip
        except LogFileError as error:
            _fail(f"{filename} is no decision log: {error}")


def _summary_table(report: AuditReport, locale: str) -> Table:
    from gigcity.services.audit.catalog import check_title
    from gigcity.services.audit.render import percent

    table = Table(
        "check",
        Column("rate", justify="right"),
        Column("breaches", justify="right"),
        "result",
        title=report.log.filename,
    )
    for result in report.checks:
        name = check_title(result.check, locale)
        if not result.applicable:
            table.add_row(name, "–", "–", "[dim]not applicable[/dim]")
        elif result.passed is None:
            table.add_row(name, "–", "0", "[dim]nothing checked[/dim]")
        else:
            verdict = "[green]PASS[/green]" if result.passed else "[bold red]FAIL[/bold red]"
            table.add_row(name, percent(result.rate), str(result.breaches), verdict)
    return table


@app.command("audit")
def audit_command(
    log: Annotated[Path, typer.Argument(help="The decision log (.jsonl, .csv, .parquet, or .gz).")],
    rules: Annotated[str, typer.Option("--rules", help="The rulebook in force: a shipped name (putuo-2025) or a YAML file.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.json/.html/.pdf and findings.csv.")],
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Pseudonym key (the file's bytes): the same key gives the same pseudonyms. Default: a random key per run.")] = None,
    eta_tolerance_s: Annotated[float, typer.Option("--eta-tolerance-s", min=0, help="How far a promise may fall short before it counts (seconds).")] = 120.0,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the report.")] = Language.chinese,
    compare: Annotated[Path | None, typer.Option("--compare", help="A previous report.json: the report says what changed since.")] = None,
    staff: Annotated[bool, typer.Option("--staff", help="Keep the platform's rider ids (no pseudonyms): for staff only.")] = False,
    streets: Annotated[str | None, typer.Option("--streets", help="A street graph (e.g. shanghai-central-sample): the ETA check rides a sample of orders with points on it.")] = None,
) -> None:  # fmt: skip
    """Check a platform's decision log clause by clause against the rulebook. Exit 0 when
    every applicable check passed, 1 when any failed, 2 when the input cannot be used."""
    if staff and key_file is not None:
        _fail("--staff keeps the platform's ids; it cannot be used with --key-file")
    data = _read(log, "decision log")
    rulebook = _rulebook(rules)
    key: bytes | None = None
    if not staff:
        from gigcity.services.audit.pseudonym import random_key

        key = _read(key_file, "--key-file") if key_file is not None else random_key()
        if not key:
            _fail(f"--key-file {key_file} is empty")
    before = _previous_report(compare) if compare is not None else None

    from gigcity.services.audit.engine import compare_reports
    from gigcity.services.audit.render import write_outputs

    rides = _street_rides(streets) if streets is not None else None
    result = _run(data, log.name, rulebook, key, eta_tolerance_s, rides)
    comparison = compare_reports(before, result.report) if before is not None else None
    try:
        paths = write_outputs(result, out, lang.value, comparison=comparison)
    except OSError as error:
        _fail(f"cannot write to {out}: {error.strerror or error}")

    console = _console()
    report = result.report
    console.print(
        f"{report.log.filename}: {report.log.rows} rows ({report.log.refused} refused), "
        f"{report.log.orders} orders, {report.log.riders} riders, {len(report.log.days)} "
        f"day(s); rulebook {report.rulebook.id}@{report.rulebook.version}",
        markup=False, soft_wrap=True,
    )  # fmt: skip
    if staff:
        console.print(
            "[bold yellow]staff report:[/bold yellow] riders are named by the platform's ids; "
            "do not share it.",
            soft_wrap=True,
        )
    elif key_file is None:
        console.print(
            "riders pseudonymised with a random key: this run's pseudonyms cannot be joined "
            "with another run's (use --key-file to keep them stable).",
            markup=False, soft_wrap=True,
        )  # fmt: skip
    console.print(_summary_table(report, lang.value))
    if comparison is not None:
        changed = [c for c in comparison.changes if c.change != "same"]
        console.print(
            f"compared with {comparison.before.filename}: "
            + (", ".join(f"{c.check} {c.change}" for c in changed) or "nothing changed"),
            markup=False, soft_wrap=True,
        )  # fmt: skip
    for path in paths.values():
        console.print(f"wrote {path}", markup=False, soft_wrap=True)
    failed = [c.check for c in report.checks if c.applicable and c.passed is False]
    if failed:
        console.print(f"[bold red]FAIL[/bold red]: {', '.join(failed)}", soft_wrap=True)
        raise typer.Exit(1)
    console.print("[green]PASS[/green]: every applicable check passed")


@audit_log_app.command("schema")
def schema_command(
    out: Annotated[Path | None, typer.Option("--out", help="Write the schema here instead of printing it.")] = None,
) -> None:  # fmt: skip
    """The JSON Schema of one line of a JSON Lines decision log (gigcity-decision-log/1)."""
    from gigcity.services.audit.logformat import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    _console().print(f"wrote {out}", markup=False)


def _jsonable(value: Any) -> Any:
    """A planted breach (a dataclass or a pydantic model) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@audit_log_app.command("generate")
def generate_command(
    out: Annotated[Path, typer.Argument(help="The log to write: .jsonl, .jsonl.gz, .csv, .csv.gz or .parquet.")],
    rules: Annotated[str, typer.Option("--rules", help="The rulebook the platform keeps.")] = "putuo-2025",
    orders: Annotated[int, typer.Option("--orders", min=1)] = 1000,
    riders: Annotated[int, typer.Option("--riders", min=1)] = 50,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    day: Annotated[str, typer.Option("--day", help="The day (YYYY-MM-DD, local time).")] = "2026-05-12",
    plant: Annotated[int, typer.Option("--plant", min=0, help="Breaches to plant per check (listed in OUT.planted.json).")] = 0,
) -> None:  # fmt: skip
    """A synthetic day's decision log in which the platform kept the rules, optionally with
    breaches planted on purpose (to try the audit, or to test it)."""
    try:
        on = date.fromisoformat(day)
    except ValueError:
        _fail(f"--day {day!r} is no date (YYYY-MM-DD)")
    rulebook = _rulebook(rules)

    from gigcity.services.audit.generate import plant_breaches, synthetic_log
    from gigcity.services.audit.logwriter import write_log

    try:
        log = synthetic_log(orders=orders, riders=riders, rulebook=rulebook, day=on, seed=seed)
    except ValueError as error:
        _fail(str(error))
    planted: tuple[Any, ...] = ()
    if plant:
        log, planted = plant_breaches(log, rulebook, seed=seed, per_check=plant)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_log(log, out)
    except ValueError as error:  # an unknown suffix
        _fail(str(error))
    except OSError as error:
        _fail(f"cannot write {out}: {error.strerror or error}")
    console = _console()
    console.print(f"wrote {out}: {log.height} rows, {orders} orders, {riders} riders, {on}",
                  markup=False)  # fmt: skip
    if plant:
        listing = Path(f"{out}.planted.json")
        listing.write_text(
            json.dumps([_jsonable(p) for p in planted], indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        console.print(f"wrote {listing}: {len(planted)} planted breaches", markup=False)
