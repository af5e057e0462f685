"""Platform commands: serve, seed, db, places import/export, accounts and API keys."""

from __future__ import annotations

import ipaddress
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from gigcity.cli.root import app
from gigcity.services.accounts import PLATFORM_SCOPES, Principal, Role, Scope, WorkerType
from gigcity.services.errors import ServiceError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from gigcity.config import Settings
    from gigcity.services.demo import DemoLogin
    from gigcity.services.platform import Platform

# Only light modules above: `gigcity --help` imports every command module, so each command
# imports the platform, the engine and their libraries when it runs.

console = Console()
err = Console(stderr=True)

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
places_app = typer.Typer(help="Service points of the friendly map.", no_args_is_help=True)
accounts_app = typer.Typer(help="Accounts and platform API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(places_app, name="places")
app.add_typer(accounts_app, name="accounts")


def _settings(mode: str | None = None) -> Settings:
    from pydantic import ValidationError

    from gigcity.config import get_settings

    if mode:
        os.environ["GIGCITY_MODE"] = mode
        get_settings.cache_clear()
    try:
        return get_settings()
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]configuration error:[/red] {e['msg']}")
        raise typer.Exit(2) from exc


def _platform(mode: str | None = None) -> Platform:
    from gigcity.services.platform import Platform
    from gigcity.sim.scenarios import ScenarioWorkbench

    platform = Platform.from_settings(_settings(mode), workbench_engine=ScenarioWorkbench())
    platform.upgrade_database()
    return platform


# Commands run by the operator at the console act as a district admin.
CLI_ADMIN = Principal(role=Role.admin, label="cli")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database (GIGCITY_DATABASE_URL) to the newest schema."""
    from gigcity.services.platform import Platform

    platform = Platform.from_settings(_settings())
    platform.upgrade_database()
    console.print(
        f"database is up to date: {platform.engine.url.render_as_string(hide_password=True)}"
    )


@app.command()
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Demo points and one account per role.")
    ] = True,
    count: Annotated[int, typer.Option(min=1, max=200_000, help="How many service points.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data.")] = 2025,
) -> None:
    """Fill an empty database with deterministic demo data (skipped where data exists)."""
    from gigcity.services.demo import seed_platform

    platform = _platform("demo" if demo else None)
    logins = seed_platform(platform, count=count, seed=seed, deliveries=demo)
    console.print(f"{platform.places.count()} service points")
    _print_logins(logins)


def _print_logins(logins: list[DemoLogin]) -> None:
    table = Table(title="demo accounts (password for all: shown)")
    for column in ("username", "password", "role", "who"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, login.role.value, login.note)
    console.print(table)


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another name, or 0.0.0.0 / :: (every interface)


def _check_remote_demo(mode: str, host: str, allow: bool) -> None:
    """Dev and demo mode publish their logins (and accept weak data): on loopback only,
    unless the operator says otherwise, and then with a warning."""
    if mode == "production" or is_loopback(host):
        return
    if not allow:
        err.print(
            f"[bold red]refusing to listen on {host} in {mode} mode:[/bold red] its logins "
            "and API key are printed for anyone to use. Listen on 127.0.0.1, run in "
            "production mode (GIGCITY_MODE=production with GIGCITY_SECRET_KEY), or pass "
            "--allow-remote-demo if every machine that can reach this one may sign in "
            "as the demo admin."
        )
        raise typer.Exit(2)
    err.print(
        f"[bold red]warning: {mode} mode listening on {host}: anyone who can reach this "
        "machine can sign in with the printed demo logins and API key.[/bold red]"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed demo data, print logins and an API key.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
    allow_remote_demo: Annotated[
        bool,
        typer.Option(
            "--allow-remote-demo",
            help="In demo or dev mode, listen on a host other than loopback anyway.",
        ),
    ] = False,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Take the client's address from X-Forwarded-For when the request comes from "
            "a trusted proxy (per-address limits then see the client, not the proxy).",
        ),
    ] = True,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated addresses (or *) of the proxies trusted to set those headers.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Run the platform (API at /api, docs at /docs, pages at /). Demo and dev mode listen
    on loopback only unless --allow-remote-demo is given. With several workers in production
    the database must be upgraded first (`gigcity db upgrade`)."""
    import uvicorn

    from gigcity.app import create_app
    from gigcity.logs import configure_logging
    from gigcity.services.demo import demo_gate_controller_key, start_demo

    configure_logging(_settings("demo" if demo else None))
    _fresh_metrics_dir()
    mode = _settings().mode
    _check_remote_demo(mode, host, allow_remote_demo)
    if workers > 1 and mode == "production":
        # Several workers would each migrate at start; a deploy upgrades once, on purpose.
        from gigcity.services.platform import Platform

        bare = Platform.from_settings(_settings())
        try:
            require_current_schema(bare, "several workers do not migrate at start")
        finally:
            bare.close()
    platform = _platform("demo" if demo else None)
    if demo:
        logins, key = start_demo(platform)
        _print_logins(logins)
        console.print(
            f"platform api_key: {key}  (send as X-API-Key; scopes: "
            f"{', '.join(s.value for s in Scope if s in PLATFORM_SCOPES)})",
            soft_wrap=True,
        )
        gate_key = demo_gate_controller_key(platform)
        if gate_key is not None:
            console.print(
                f"gate controller api_key: {gate_key}  (the sample estate's gates: "
                "POST /api/gates/check)",
                soft_wrap=True,
            )
    console.print(f"gigcity on http://{host}:{port}/  ·  API docs http://{host}:{port}/docs")
    # No `server: uvicorn` header: it tells a scanner which server (and which bugs) to try.
    options: dict[str, object] = {
        "host": host,
        "port": port,
        "server_header": False,
        "proxy_headers": proxy_headers,
        "forwarded_allow_ips": forwarded_allow_ips,
        # Our logging, not uvicorn's: its access line carries the query string, ours the
        # route template and the request id (gigcity.api.request_id).
        "log_config": None,
        "access_log": False,
    }
    try:
        if workers > 1:  # each worker process builds its own platform (server_worker_app)
            platform.close()
            uvicorn.run(f"{__name__}:server_worker_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]
        else:
            uvicorn.run(create_app(platform.settings, platform), **options)  # type: ignore[arg-type]
    finally:
        platform.close()


def require_current_schema(platform: Platform, why: str) -> None:
    """Exit (2) naming both revisions when the database is behind this gigcity."""
    behind = platform.schema_behind()
    if behind is not None:
        at, head = behind
        err.print(
            f"[red]The database is {f'at revision {at}' if at else 'empty'}, and this gigcity "
            f"needs {head}: run `gigcity db upgrade` first ({why}).[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(2)


def server_worker_app() -> FastAPI:
    """The app of one of several server workers: each is a process of its own, started
    afresh, so it sets up its logging itself."""
    from gigcity.app import create_app
    from gigcity.config import get_settings
    from gigcity.logs import configure_logging

    configure_logging(get_settings())
    return create_app()


# prometheus_client's files in PROMETHEUS_MULTIPROC_DIR (`counter_1234.db`, ...).
_METRICS_FILE = re.compile(r"(counter|histogram|summary|gauge_[a-z]+)_\d+\.db")


def _fresh_metrics_dir() -> None:
    """Metrics in multiprocess mode start from zero: a previous run's counts would be
    added to this one's. Only prometheus_client's own files are removed."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory or not Path(directory).is_dir():
        return
    for path in Path(directory).iterdir():
        if _METRICS_FILE.fullmatch(path.name):
            path.unlink(missing_ok=True)


@places_app.command("import")
def places_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".csv or .geojson")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only, store nothing.")] = False,
    outside_district: Annotated[
        bool,
        typer.Option("--outside-district", help="Accept points far outside the district's bounds."),
    ] = False,
) -> None:
    """Import service points; bad rows are listed, good rows are stored in one transaction."""
    from gigcity.services.places import import_csv, import_geojson

    platform = _platform()
    text = file.read_text(encoding="utf-8-sig")
    try:
        if file.suffix.lower() == ".csv":
            report = import_csv(
                platform.places, CLI_ADMIN, text, dry_run=dry_run, outside_district=outside_district
            )
        else:
            report = import_geojson(
                platform.places,
                CLI_ADMIN,
                json.loads(text),
                dry_run=dry_run,
                outside_district=outside_district,
            )
    except (ServiceError, json.JSONDecodeError) as exc:
        err.print(f"[red]{file}: {exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.rejected)}{' (dry run: nothing stored)' if dry_run else ''}"
    )
    for row in report.rejected:
        # One line per fault, never wrapped: editors and scripts read these.
        typer.echo(f"{file}:{row.line}: {row.reason}", err=True)
    if report.rejected:
        raise typer.Exit(1)


@places_app.command("export")
def places_export(
    out: Annotated[Path, typer.Argument(dir_okay=False, help="GeoJSON file to write.")],
) -> None:
    """Export every service point as GeoJSON (RFC 7946)."""
    from gigcity.services.places import export_geojson

    data = export_geojson(_platform().places)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    console.print(f"wrote {len(data['features'])} points to {out}")


@accounts_app.command("create")
def accounts_create(
    username: str,
    role: Annotated[
        Role,
        typer.Option(
            help="rider, staff, officer, admin, property, courier, family, committee, canteen, "
            "counsellor or lawyer"
        ),
    ],
    display_name: Annotated[str, typer.Option(help="Name shown to others.")] = "",
    worker_type: Annotated[WorkerType | None, typer.Option()] = None,
    station_id: Annotated[int | None, typer.Option(help="Station of station staff.")] = None,
    subdistrict: Annotated[
        str | None,
        typer.Option(help="Sub-district code of a grid officer or neighbourhood-committee staff."),
    ] = None,
    estate_id: Annotated[
        int | None,
        typer.Option("--estate", help="Estate of property staff or a community courier."),
    ] = None,
    canteen_id: Annotated[
        int | None,
        typer.Option("--canteen", help="Canteen for the elderly of canteen staff."),
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an account (e.g. the first district admin)."""
    from pydantic import ValidationError

    from gigcity.services.accounts import AccountCreate

    platform = _platform()
    try:
        data = AccountCreate(
            username=username,
            password=password,
            display_name=display_name or username,
            role=role,
            worker_type=worker_type,
            station_id=station_id,
            subdistrict=subdistrict,
            estate_id=estate_id,
            canteen_id=canteen_id,
        )
        account = platform.accounts.create_by_operator(data)
        console.print(f"created account {account.id} ({account.username}, {account.role})")
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]{'.'.join(str(p) for p in e['loc'])}: {e['msg']}[/red]")
        raise typer.Exit(2) from exc
    except ServiceError as exc:
        err.print(f"[red]{exc.field or 'error'}: {exc}[/red]")
        raise typer.Exit(2) from exc


@accounts_app.command("api-key")
def accounts_api_key(
    name: Annotated[str, typer.Argument(help="Who the key is for.")],
    scope: Annotated[
        list[Scope],
        typer.Option(
            "--scope",
            help="What the key may do; repeat for several: open311 (file Open311 requests), "
            "deliveries (report deliveries and activity, quote orders), signals (post live "
            "signal phases), workbench (start and read workbench runs), gates (an estate's "
            "gate controller; needs --estate).",
        ),
    ],
    estate: Annotated[
        int | None,
        typer.Option("--estate", help="The estate whose gates a `gates` key answers for."),
    ] = None,
) -> None:
    """Issue a platform API key (shown once) that may do only what its scopes name."""
    platform = _platform()
    try:
        out = platform.accounts.create_api_key_by_operator(name, scopes=scope, estate_id=estate)
    except ServiceError as exc:
        err.print(f"[red]{exc.field or 'error'}: {exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"api_key: {out.key}  (scopes: {', '.join(out.scopes)})", soft_wrap=True)
