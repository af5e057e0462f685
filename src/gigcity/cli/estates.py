"""`gigcity estates import|export|guide-pdf|list`: estates for the last hundred metres."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from gigcity.cli.root import app
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import ServiceError

if TYPE_CHECKING:
    from gigcity.services.platform import Platform

# Only light modules above: each command imports the platform when it runs.

estates_app = typer.Typer(
    help="Estates: gates, buildings, walkways and the seven-colour guide.", no_args_is_help=True
)
app.add_typer(estates_app, name="estates")

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class PosterLanguage(StrEnum):
    zh_CN = "zh_CN"  # noqa: N815 (the locale's own name)
    en = "en"


# Commands run by the operator at the console act as a district admin.
CLI_ADMIN = Principal(role=Role.admin, label="cli")


def _platform() -> Platform:
    from gigcity.cli.platform import _platform as platform

    return platform()


def _fail(exc: ServiceError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", soft_wrap=True)
    return typer.Exit(1)


@estates_app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help=".osm, .osm.gz, .osm.bz2, .osm.pbf or .geojson"
        ),
    ],
    subdistrict: Annotated[
        str | None,
        typer.Option(help="Sub-district code for estates the file places in none."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only, store nothing.")] = False,
) -> None:
    """Import estates from OpenStreetMap or GeoJSON; an estate whose external id is stored
    already is updated. Each estate is reported; skipped ones with the reason."""
    from gigcity.services.estates import import_estates

    platform = _platform()
    try:
        report = import_estates(
            platform.estates,
            CLI_ADMIN,
            file.read_bytes(),
            file.name,
            subdistrict=subdistrict,
            dry_run=dry_run,
            locale="en",
        )
    except ServiceError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    for label, items in (
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ):
        for item in items:
            typer.echo(f"{label}: {item.id} {item.name}")
    for item in report.skipped:
        # One line per estate skipped, never wrapped: scripts read these.
        typer.echo(f"{file}: estate {item.index} ({item.name}): {item.reason}", err=True)
    console.print(
        f"created {len(report.created)}, updated {len(report.updated)}, unchanged "
        f"{len(report.unchanged)}, skipped {len(report.skipped)}"
        f"{' (dry run: nothing stored)' if dry_run else ''}"
    )
    if report.skipped:
        raise typer.Exit(1)


@estates_app.command("export")
def export_command(
    estate_id: Annotated[int, typer.Argument(min=1, help="The estate's id.")],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", dir_okay=False, help="File (default: stdout).")
    ] = None,
) -> None:
    """Export one estate as GeoJSON (RFC 7946), importable again."""
    from gigcity.services.estates import export_geojson

    platform = _platform()
    try:
        data = export_geojson(platform.estates, estate_id)
    except ServiceError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote estate {estate_id} to {out}")


@estates_app.command("guide-pdf")
def guide_pdf_command(
    estate_id: Annotated[int, typer.Argument(min=1, help="The estate's id.")],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", dir_okay=False, help="File (default: estate-ID-poster.pdf)."),
    ] = None,
    lang: Annotated[PosterLanguage, typer.Option("--lang", help="The poster's language.")] = (
        PosterLanguage.zh_CN
    ),
    url_base: Annotated[
        str,
        typer.Option(
            "--url-base", help="The platform's public address, for the QR code to the guide."
        ),
    ] = "http://127.0.0.1:8000",
) -> None:
    """The printable gate poster (PDF): the zones, numbers, gates, hand-off point and a QR
    code to the guide page."""
    if not url_base.startswith(("https://", "http://")):
        err.print("[red]--url-base must start with https:// or http://[/red]")
        raise typer.Exit(2)
    platform = _platform()
    guide_url = f"{url_base.rstrip('/')}/estates/{estate_id}/guide"
    try:
        pdf = platform.estates.poster_pdf(estate_id, guide_url=guide_url, locale=lang.value)
    except ServiceError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    target = out or Path(f"estate-{estate_id}-poster.pdf")
    target.write_bytes(pdf)
    console.print(f"wrote the poster of estate {estate_id} to {target} (QR code: {guide_url})")


@estates_app.command("list")
def list_command(
    subdistrict: Annotated[str | None, typer.Option(help="Only this sub-district (code).")] = None,
) -> None:
    """The estates: id, name, sub-district, buildings and gates."""
    platform = _platform()
    try:
        estates = platform.estates.list(subdistrict=subdistrict, limit=1000)
    except ServiceError as exc:
        raise _fail(exc) from exc
    finally:
        platform.close()
    table = Table(title=f"{len(estates)} estates")
    for column in ("id", "name", "sub-district", "buildings", "gates", "synthetic"):
        table.add_column(column)
    for e in estates:
        table.add_row(
            str(e.id),
            e.name,
            e.subdistrict or "-",
            str(e.buildings),
            str(e.gates),
            "yes" if e.synthetic else "",
        )
    console.print(table)
