"""`gigcity organisation reindex`: memberships sealed again under the current keys, after
GIGCITY_SECRET_KEY (or GIGCITY_ELDERCARE_KEYS) changed."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from gigcity.cli.root import app

# Only light modules above: the command imports the platform when it runs.

organisation_app = typer.Typer(
    help="Organisation and volunteers: the sealed memberships.", no_args_is_help=True
)
app.add_typer(organisation_app, name="organisation")

console = Console(highlight=False)


@organisation_app.command("reindex")
def reindex_command(
    previous_secret_env: Annotated[
        str,
        typer.Option(
            help="The environment variable holding the GIGCITY_SECRET_KEY used before the "
            "change (needed when GIGCITY_ELDERCARE_KEYS is not set: the old tokens were "
            "under a key derived from it). Read from the environment, never the command line."
        ),
    ] = "GIGCITY_PREVIOUS_SECRET_KEY",
) -> None:
    """Write every membership's blind index and encrypted account again under the current
    keys (run it right after changing GIGCITY_SECRET_KEY, before riders register again);
    one transaction: all or nothing."""
    from gigcity.cli.platform import _platform
    from gigcity.services.cipher import FieldDecryptError

    platform = _platform()
    try:
        done = platform.organisation.reseal(os.environ.get(previous_secret_env, ""))
    except FieldDecryptError as error:
        console.print(
            f"[red]{error}[/red]: set {previous_secret_env} to the secret key used before, "
            "or list the old field key in GIGCITY_ELDERCARE_KEYS; nothing was changed."
        )
        raise typer.Exit(1) from error
    finally:
        platform.close()
    console.print(
        f"{done.memberships} memberships, {done.reads} read-log lines and {done.receipts} "
        f"letter receipts sealed under the current keys"
        + (f"; {done.duplicates} duplicate memberships dropped." if done.duplicates else ".")
    )
