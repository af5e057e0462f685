"""The root Typer app; each command group's module adds its commands to it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="gigcity",
    help="gigcity: the district platform for delivery riders and drivers, and its dispatch engine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
