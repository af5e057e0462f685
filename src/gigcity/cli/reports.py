"""Snap-and-report maintenance: unused photos, the dashboard's daily counts, the bonus pool."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from gigcity.cli.platform import _platform
from gigcity.cli.root import app
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import ServiceError

console = Console()
reports_app = typer.Typer(
    help="Snap-and-report: photos, daily counts, bonus pool.", no_args_is_help=True
)
app.add_typer(reports_app, name="reports")
CLI_ADMIN = Principal(role=Role.admin, label="cli")


def _yuan(fen: int) -> str:
    return f"¥{fen / 100:,.2f}"


@reports_app.command("purge-photos")
def purge_photos(
    hours: Annotated[int, typer.Option(min=0, help="Unused for at least this long.")] = 24,
) -> None:
    """Delete photos uploaded but never used in a report (run daily, e.g. from cron)."""
    from datetime import timedelta

    removed = _platform().reports.purge_staged_photos(timedelta(hours=hours))
    console.print(f"removed {removed} unused photos")


@reports_app.command("recount")
def recount() -> None:
    """Rebuild the dashboard's daily counts from the reports (after a bulk load or restore)."""
    rows = _platform().reports.recount()
    console.print(f"daily counts rebuilt: {rows} rows")


@reports_app.command("pool")
def pool() -> None:
    """The bonus pool: budget, balance, paid, and rewards waiting for money."""
    out = _platform().reports.rewards.pool(CLI_ADMIN)
    console.print(
        f"budget {_yuan(out.budget_fen)} · balance {_yuan(out.balance_fen)} · paid "
        f"{_yuan(out.paid_fen)} in {out.payouts} rewards · {out.pending} waiting · ledger sum "
        f"{_yuan(out.ledger_sum_fen)}"
    )


@reports_app.command("top-up")
def top_up(
    yuan: Annotated[float, typer.Argument(min=0.01, help="Amount in yuan.")],
    key: Annotated[str, typer.Option(help="Unique per top-up; repeating it changes nothing.")],
    note: Annotated[str | None, typer.Option(help="Why (shown in the ledger).")] = None,
) -> None:
    """Put money into the bonus pool; rewards waiting for it are paid at once."""
    try:
        out = _platform().reports.rewards.top_up(CLI_ADMIN, round(yuan * 100), key, note)
    except ServiceError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"balance {_yuan(out.balance_fen)} (budget {_yuan(out.budget_fen)})")
