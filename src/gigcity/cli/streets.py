"""`gigcity streets`: import OpenStreetMap extracts, try routes, manage closures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

if TYPE_CHECKING:
    from pydantic import ValidationError

    from gigcity.services.accounts import Principal
    from gigcity.services.streets import StreetsService
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from gigcity.cli.root import app

streets_app = typer.Typer(
    help="Street graphs for e-bike routing: import OSM data, try routes, closures.",
    no_args_is_help=True,
)
closures_app = typer.Typer(
    help="Temporary traffic control on a street graph.", no_args_is_help=True
)
app.add_typer(streets_app, name="streets")
streets_app.add_typer(closures_app, name="closures")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
T = TypeVar("T")


def _streets_env() -> tuple[Path, str]:
    """The data directory and street graph from the environment: just the settings these
    commands need (no secret key required to import a map)."""
    from pydantic_settings import BaseSettings, SettingsConfigDict

    from gigcity.config import Settings

    class StreetsEnv(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="GIGCITY_", extra="ignore")
        data_dir: Path = Settings.model_fields["data_dir"].default
        streets: str = Settings.model_fields["streets"].default

    env = StreetsEnv()
    return env.data_dir, env.streets


DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default $GIGCITY_DATA_DIR or ./var)."),
]
NameOption = Annotated[
    str | None,
    typer.Option("--name", "-n", help="Street graph (default $GIGCITY_STREETS or the sample)."),
]


def _data_dir(option: Path | None) -> Path:
    return option if option is not None else _streets_env()[0]


def _name(option: str | None) -> str:
    return option if option is not None else _streets_env()[1]


def _fail(message: str) -> typer.Exit:
    err.print(message, markup=False, soft_wrap=True)
    return typer.Exit(1)


@streets_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help=".osm, .osm.gz, .osm.bz2 or .osm.pbf extract")],
    name: Annotated[str, typer.Option("--name", "-n", help="Name to save the graph under.")],
    data_dir: DataDirOption = None,
) -> None:
    """Import an OpenStreetMap extract as an e-bike street graph and prepare it for routing."""
    from gigcity.geo.streets import (
        GraphBuildError,
        OsmReadError,
        cch_available,
        graph_dir,
        import_streets,
    )
    from gigcity.geo.streets.routers import prepare_topology

    directory = _data_dir(data_dir)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(f"reading {file.name}", total=1.0)
        try:
            graph = import_streets(
                file,
                name,
                directory,
                progress=lambda done: progress.update(task, completed=done),
                step=lambda label: progress.update(task, description=label),
            )
        except (OsmReadError, GraphBuildError, ValueError) as exc:
            raise _fail(f"cannot import: {exc}") from None
        if cch_available():
            progress.update(task, description="preparing fast queries (CCH)")
            prepare_topology(graph, graph_dir(directory, name))
    meta = graph.meta
    out.print(
        f"imported {name!r} from {file.name}: kept {meta['nodes']} nodes, {meta['ways']} ways, "
        f"{meta['signals']} of {meta['signals_in_file']} signals "
        f"({meta['junctions']} signalised junctions), {meta['crossings']} crossings; "
        f"{meta['arcs']} directed arcs"
    )
    out.print(
        f"dropped {meta['nodes_dropped_unreachable']} nodes not reachable both ways from the "
        f"main network; saved to {graph_dir(directory, name)}"
    )
    out.print(f"data {meta['attribution']}")
    out.print(f"use it: GIGCITY_STREETS={name}")


@streets_app.command("list")
def list_command(data_dir: DataDirOption = None) -> None:
    """List imported street graphs (and the shipped sample)."""
    from gigcity.geo.streets import SAMPLE_NAME, graph_dir, imported_names, load_streets
    from gigcity.geo.streets.storage import load_graph

    directory = _data_dir(data_dir)
    table = Table("name", "nodes", "ways", "signals", "junctions", "source")
    names = imported_names(directory)
    for name in names:
        meta = load_graph(graph_dir(directory, name)).meta
        table.add_row(
            name, *(str(meta[k]) for k in ("nodes", "ways", "signals", "junctions", "source"))
        )
    if SAMPLE_NAME not in names:
        meta = load_streets(SAMPLE_NAME).meta
        table.add_row(
            f"{SAMPLE_NAME} (shipped)",
            *(str(meta[k]) for k in ("nodes", "ways", "signals", "junctions", "source")),
        )
    out.print(table)


@streets_app.command("route")
def route_command(
    origin: Annotated[str, typer.Argument(help="lon,lat (WGS-84)")],
    destination: Annotated[str, typer.Argument(help="lon,lat (WGS-84)")],
    at: Annotated[str | None, typer.Option(help="departure, ISO 8601 with zone")] = None,
    name: NameOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Route an e-bike between two points and show the ETA breakdown, as riders get it: with
    the closures and live signal phases stored in the platform's database."""
    from gigcity.geo.streets import StreetsNotFoundError
    from gigcity.geo.streets.route import parse_lon_lat

    try:
        start, end = parse_lon_lat(origin), parse_lon_lat(destination)
        depart = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    try:
        with _streets(name, data_dir) as streets:
            answer = _or_fail(lambda: streets.route(start, end, depart))
    except StreetsNotFoundError as exc:
        raise _fail(str(exc)) from None
    b = answer.breakdown
    out.print(
        f"{answer.distance_m:.0f} m, ETA {answer.eta_s / 60:.1f} min "
        f"(riding {b.moving_s:.0f} s + {b.signals_passed} signals {b.signal_wait_s:.0f} s, "
        f"{b.signals_exact} exact); arrive {answer.arrive_at.isoformat(timespec='seconds')}"
    )
    if b.closures:
        out.print(
            f"closures {', '.join(b.closures)} add {b.closure_extra_s:.0f} s "
            f"and {b.closure_extra_m:.0f} m"
        )
    out.print(f"[dim]{answer.attribution}[/dim]")


@closures_app.command("add")
def closures_add(
    start: Annotated[str, typer.Option("--start", help="ISO 8601 with zone")],
    end: Annotated[str, typer.Option("--end", help="ISO 8601 with zone")],
    polygon: Annotated[
        str | None, typer.Option(help="'lon,lat;lon,lat;lon,lat;...' ring (WGS-84)")
    ] = None,
    ways: Annotated[str | None, typer.Option(help="comma-separated OSM way ids")] = None,
    reason: Annotated[str, typer.Option(help="what the closure is for")] = "",
    name: NameOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Close an area (--polygon) or ways (--ways) from --start to --end."""
    from pydantic import ValidationError

    from gigcity.geo.streets.closures import ClosureSpec

    try:
        spec = ClosureSpec.model_validate(
            {
                "starts_at": start,
                "ends_at": end,
                "polygon": _ring(polygon) if polygon else None,
                "way_ids": [int(w) for w in ways.split(",")] if ways else None,
                "reason": reason,
            }
        )
    except ValidationError as exc:
        raise _fail(_field_errors(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    with _streets(name, data_dir) as streets:
        closure = _or_fail(lambda: streets.add_closure(_admin(), spec))
        out.print(f"added closure {closure.id} on {streets.name!r}")


def _ring(text: str) -> list[tuple[float, float]]:
    from gigcity.geo.streets.route import parse_lon_lat

    return [parse_lon_lat(point) for point in text.split(";") if point.strip()]


def _field_errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'closure'}: {e['msg']}" for e in exc.errors()
    )


@closures_app.command("list")
def closures_list(name: NameOption = None, data_dir: DataDirOption = None) -> None:
    """List the closures in force now or still to come on a street graph."""
    with _streets(name, data_dir) as streets:
        closures = _or_fail(streets.closures)
        table = Table("id", "from", "until", "closes", "active now", "reason")
        for c in closures:
            what = f"{len(c.polygon)}-point area" if c.polygon else f"ways {c.way_ids}"
            table.add_row(
                c.id,
                c.starts_at.isoformat(),
                c.ends_at.isoformat(),
                what,
                "yes" if c.in_force else "no",
                c.reason,
            )
        out.print(table if closures else f"no closures on {streets.name!r}")


@closures_app.command("remove")
def closures_remove(
    closure_id: Annotated[str, typer.Argument(help="closure id, e.g. c1")],
    name: NameOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Lift a closure."""
    from gigcity.services.errors import NotFound

    with _streets(name, data_dir) as streets:
        try:
            streets.remove_closure(_admin(), closure_id)
        except NotFound:
            raise _fail(f"no closure {closure_id!r} on {streets.name!r}") from None
        out.print(f"removed closure {closure_id}")


@closures_app.command("import")
def closures_import(
    file: Annotated[Path, typer.Argument(help="closures file (JSON), e.g. an old closures.json")],
    name: NameOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Store the closures of a closures file that have not ended; importing twice stores
    them once. Upgrading: import the closures.json beside a street graph."""
    from gigcity.geo.streets.closure_file import read_closures

    if not file.is_file():
        raise _fail(f"no file {file}")
    try:
        closures = read_closures(file)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    with _streets(name, data_dir) as streets:
        report = _or_fail(lambda: streets.import_closures(_admin(), closures))
        renumbered = [f"{old} as {new}" for old, new in report.renumbered.items()]
        out.print(
            f"imported {len(report.added) + len(report.renumbered)} closures into "
            f"{streets.name!r}: {', '.join(report.added + renumbered) or 'none'}"
        )
        if report.renumbered:
            out.print(f"ids in use already, so stored under new ids: {', '.join(renumbered)}")
        if report.unchanged:
            out.print(f"stored already, left as they are: {', '.join(report.unchanged)}")
        if report.ended:
            out.print(f"ended, not imported: {', '.join(report.ended)}")


@closures_app.command("export")
def closures_export(
    file: Annotated[
        Path | None, typer.Argument(help="where to write (JSON); default: standard output")
    ] = None,
    name: NameOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write every closure stored for a street graph, ended ones too, as a closures file."""
    import json

    from gigcity.geo.streets.closure_file import write_closures

    with _streets(name, data_dir) as streets:
        closures = _or_fail(streets.stored_closures)
    if file is None:
        data = [c.model_dump(mode="json") for c in closures]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    write_closures(file, closures)
    out.print(f"wrote {len(closures)} closures to {file}")


@contextmanager
def _streets(name: str | None, data_dir: Path | None) -> Iterator[StreetsService]:
    """The platform's streets service on the configured database (GIGCITY_DATABASE_URL),
    for the graph `name` under `data_dir` (defaults from the settings)."""
    from gigcity.cli.platform import _settings
    from gigcity.services.platform import Platform

    settings = _settings()
    changes: dict[str, object] = {}
    if name is not None:
        changes["streets"] = name
    if data_dir is not None:
        changes["data_dir"] = data_dir
    platform = Platform.from_settings(settings.model_copy(update=changes))
    try:
        platform.upgrade_database()
        yield platform.streets
    finally:
        platform.close()


def _or_fail(call: Callable[[], T]) -> T:
    """`call()`, or the service's refusal printed and exit status 1."""
    from gigcity.services.errors import ServiceError

    try:
        return call()
    except ServiceError as exc:
        raise _fail(str(exc)) from None


def _admin() -> Principal:
    """The operator at the console acts as a district admin."""
    from gigcity.cli.platform import CLI_ADMIN

    return CLI_ADMIN
