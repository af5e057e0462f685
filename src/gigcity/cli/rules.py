"""`gigcity rules`: validate, show, compare and try out rulebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from gigcity.cli.root import app

if TYPE_CHECKING:
    from gigcity.rules import Rulebook

rules_app = typer.Typer(
    help="The agreement as code: validate, show, compare and try out rulebooks.",
    no_args_is_help=True,
)
app.add_typer(rules_app, name="rules")

_ASSUMED = "[dim]*[/dim]"
_FOOTNOTE = "* our assumption: the agreement states the principle but gives no number"


def _console() -> Console:
    return Console(highlight=False)


def _load(name: str) -> Rulebook:
    from gigcity.rules import RulebookError, load_rulebook

    try:
        return load_rulebook(name)
    except RulebookError as error:
        Console(stderr=True, highlight=False).print(str(error), markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _clause_cell(label: str, clause: str) -> str:
    return f"{label}\n[dim]{clause}[/dim]"


@rules_app.command("list")
def list_command() -> None:
    """List the rulebooks shipped with gigcity."""
    from gigcity.rules import list_rulebooks, load_rulebook

    table = Table("name", "version", "title", "in force")
    for name in list_rulebooks():
        book = load_rulebook(name)
        until = book.effective_until.isoformat() if book.effective_until else "open-ended"
        table.add_row(name, str(book.version), book.title, f"{book.effective_from} → {until}")
    _console().print(table)


@rules_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="Rulebook YAML files to check.")],
) -> None:
    """Check rulebook files; name every fault by file, line and clause. Exit 1 if any is bad."""
    from gigcity.rules import RulebookError, load_rulebook

    out, err = _console(), Console(stderr=True, highlight=False)
    bad = 0
    for path in files:
        try:
            book = load_rulebook(path)
        except RulebookError as error:
            bad += 1
            err.print(str(error), markup=False, soft_wrap=True)
            continue
        out.print(
            f"ok {path}: {book.ref} — {book.title} "
            f"({len(book.assumptions)} clauses marked as assumptions)",
            markup=False,
            soft_wrap=True,
        )
    if bad:
        raise typer.Exit(1)


@rules_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="A shipped rulebook's name, or a YAML file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the rulebook as JSON.")] = False,
    as_yaml: Annotated[bool, typer.Option("--yaml", help="Print the rulebook as YAML.")] = False,
) -> None:
    """Show a rulebook clause by clause."""
    from gigcity.rules import clause_rows, dump_rulebook

    book = _load(name)
    console = _console()
    # Machine formats go out unwrapped, so they parse whatever the terminal width.
    if as_json:
        typer.echo(book.model_dump_json(indent=2))
        return
    if as_yaml:
        typer.echo(dump_rulebook(book), nl=False)
        return
    until = book.effective_until.isoformat() if book.effective_until else "open-ended"
    console.print(
        f"[bold]{book.title}[/bold]  ({book.ref}, in force {book.effective_from} → {until})"
    )
    table = Table(Column("clause", ratio=3, overflow="fold"), Column("value", ratio=2))
    section = ""
    for row in clause_rows(book):
        if row.section != section:
            section = row.section
            table.add_section()
            table.add_row(f"[bold]{section}[/bold]", "")
        marker = f" {_ASSUMED}" if row.assumed else ""
        table.add_row(_clause_cell(row.label, row.clause), f"{row.shown}{marker}")
    console.print(table)
    for section in ("pricing", "guarantee", "service_score", "fatigue", "combining", "eta"):
        source = getattr(book, section).source
        if source:
            console.print(f"[bold]{section}[/bold]: {source}")
    console.print(f"[dim]{_FOOTNOTE}[/dim]")


@rules_app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="First rulebook (name or file).")],
    b: Annotated[str, typer.Argument(help="Second rulebook (name or file).")],
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="Only the clauses that differ.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Compare two rulebooks clause by clause."""
    from gigcity.rules import diff_rulebooks

    left, right = _load(a), _load(b)
    rows = diff_rulebooks(left, right)
    changed = sum(row.changed for row in rows)
    shown = [row for row in rows if row.changed or not changed_only]
    console = _console()
    if as_json:
        payload = {
            "a": left.ref,
            "b": right.ref,
            "changed": changed,
            "clauses": [row.model_dump() for row in shown],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(
        Column("clause", ratio=3, overflow="fold"),
        Column(left.ref, ratio=2),
        Column(right.ref, ratio=2),
        Column("", width=1),
    )
    section = ""
    for row in shown:
        if row.section != section:
            section = row.section
            table.add_section()
            table.add_row(f"[bold]{section}[/bold]", "", "", "")
        style = "bold" if row.changed else "dim"
        table.add_row(
            _clause_cell(row.label, row.clause),
            row.a + (f" {_ASSUMED}" if row.a_assumed else ""),
            row.b + (f" {_ASSUMED}" if row.b_assumed else ""),
            "≠" if row.changed else "=",
            style=style,
        )
    console.print(table)
    console.print(f"{changed} of {len(rows)} clauses differ.  [dim]{_FOOTNOTE}[/dim]")


@rules_app.command("quote")
def quote(
    name: Annotated[str, typer.Argument(help="A shipped rulebook's name, or a YAML file.")],
    distance_m: Annotated[int, typer.Option(min=0, help="Trip from pickup to drop-off.")],
    weight_g: Annotated[int, typer.Option(min=0)] = 0,
    floor: Annotated[int, typer.Option(min=1, help="Storey of the drop-off.")] = 1,
    no_lift: Annotated[bool, typer.Option("--no-lift", help="A walk-up building.")] = False,
    bulky: Annotated[bool, typer.Option("--bulky")] = False,
    old_estate: Annotated[bool, typer.Option("--old-estate")] = False,
    weather_alert: Annotated[bool, typer.Option("--weather-alert")] = False,
    at: Annotated[str, typer.Option(help="Local time it is priced, HH:MM.")] = "12:00",
    detour_m: Annotated[int, typer.Option(min=0, help="Extra metres a closure forced.")] = 0,
    detour_min: Annotated[int, typer.Option(min=0, help="Extra minutes a closure forced.")] = 0,
) -> None:
    """Price one order under a rulebook, line by line."""
    from gigcity.rules import OrderFacts, quote_order
    from gigcity.rules.display import yuan

    book = _load(name)
    hours, _, mins = at.partition(":")
    if not (hours.isdigit() and mins.isdigit()):
        raise typer.BadParameter(f"write the time as HH:MM (got {at!r})", param_hint="--at")
    order = OrderFacts(
        distance_m=distance_m,
        weight_g=weight_g,
        floor=floor,
        has_lift=not no_lift,
        bulky=bulky,
        old_estate=old_estate,
        weather_alert=weather_alert,
        at_s=int(hours) * 3600 + int(mins) * 60,
        traffic_control_detour_m=detour_m,
        traffic_control_detour_s=detour_min * 60,
    )
    result = quote_order(book, order)
    table = Table("clause", "line", "amount", title=f"Quote under {book.ref}")
    for line in result.lines:
        table.add_row(line.clause, line.text, yuan(line.amount_fen))
    table.add_row("", "[bold]total[/bold]", f"[bold]{yuan(result.total_fen)}[/bold]")
    _console().print(table)
