"""`gigcity jobs list` and `gigcity jobs show`: the background job queue, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from gigcity.cli.root import app

if TYPE_CHECKING:
    from gigcity.services.jobs import JobCount, JobQueue
    from gigcity.services.platform import Platform

jobs_app = typer.Typer(
    help="Background jobs: what waits, runs, succeeded or failed.", no_args_is_help=True
)
app.add_typer(jobs_app, name="jobs")


def _out() -> Console:
    return Console(highlight=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False)


# With SQLite the jobs run inside `gigcity serve` and are kept in its memory: another process
# (this command) cannot see them.
IN_PROCESS_NOTE = (
    "With SQLite (or GIGCITY_JOB_QUEUE=in-process) jobs run inside `gigcity serve` and are "
    "kept in its memory only: ask the running server (GET /api/jobs as a district admin)."
)


def _open() -> Platform:
    from gigcity.cli.platform import _settings, require_current_schema
    from gigcity.services.platform import Platform

    platform = Platform.from_settings(_settings())
    if platform.jobs.durable:
        try:
            require_current_schema(platform, "the job tables are made by the migrations")
        except typer.Exit:
            platform.close()
            raise
    return platform


def _when(value: datetime | None, zone: ZoneInfo, short: bool = False) -> str:
    """A time in the district's zone (`short`: without the year, for the list's columns)."""
    pattern = "%m-%d %H:%M:%S" if short else "%Y-%m-%d %H:%M:%S"
    return value.astimezone(zone).strftime(pattern) if value else "-"


def _counts_line(counts: list[JobCount]) -> str:
    queues: dict[str, list[str]] = {}
    for c in counts:
        queues.setdefault(c.queue, []).append(f"{c.status.value} {c.count}")
    return "; ".join(f"{q}: {', '.join(parts)}" for q, parts in queues.items()) or "no jobs"


def _in_process(jobs: JobQueue) -> bool:
    if jobs.durable:
        return False
    _err().print(f"[yellow]{IN_PROCESS_NOTE}[/yellow]", soft_wrap=True)
    return True


@jobs_app.command("list")
def list_command(
    queue: Annotated[
        str | None, typer.Option("--queue", help="Only this queue (workbench, default).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only this status: todo, doing, succeeded, failed, cancelled, aborted."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="How many.")] = 50,
    before: Annotated[
        int | None, typer.Option("--before", min=1, help="Only jobs older than this id.")
    ] = None,
) -> None:
    """Recent jobs, newest first: task, queue, status, attempts, when queued and finished
    (in GIGCITY_TIMEZONE), the request that queued each, and its arguments' names (never
    their values). `gigcity jobs show ID` has a job's every time and event."""
    from gigcity.services.errors import InvalidInput
    from gigcity.services.jobs import job_query, list_jobs
    from gigcity.services.platform import JOBS

    try:
        query = job_query(JOBS, queue=queue, status=status, limit=limit, before=before)
    except InvalidInput as error:
        _err().print(f"[red]--{error.field}: {error}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    platform = _open()
    try:
        if _in_process(platform.jobs):
            return
        page = list_jobs(platform.jobs, query)
        zone = ZoneInfo(platform.settings.timezone)
    finally:
        platform.close()
    table = Table(title=f"jobs (times in {zone.key})")
    table.add_column("id", justify="right", no_wrap=True, min_width=2)
    table.add_column("task", overflow="fold")
    table.add_column("queue", overflow="fold")
    table.add_column("status", no_wrap=True, min_width=6)
    table.add_column("tries", justify="right", no_wrap=True)
    table.add_column("queued", min_width=8)  # "12-03 13:21:22" wraps at the space
    table.add_column("finished", min_width=8)
    table.add_column("request id", overflow="fold")
    table.add_column("args", overflow="fold")
    for job in page.jobs:
        table.add_row(
            str(job.id),
            job.task,
            job.queue,
            job.status.value,
            str(job.attempts),
            _when(job.queued_at, zone, short=True),
            _when(job.finished_at, zone, short=True),
            job.request_id or "-",
            ", ".join(job.arg_keys) or "-",
        )
    out = _out()
    out.print(table)
    out.print(f"held now: {_counts_line(page.counts)}", soft_wrap=True)
    if page.next_before is not None:
        out.print(f"older: gigcity jobs list --before {page.next_before}")


@jobs_app.command("show")
def show_command(job_id: Annotated[int, typer.Argument(min=1, help="The job's id.")]) -> None:
    """One job: its status, times, request id, arguments' names and what happened to it."""
    from gigcity.services.errors import NotFound
    from gigcity.services.jobs import get_job

    platform = _open()
    try:
        if _in_process(platform.jobs):
            raise typer.Exit(1)
        try:
            job = get_job(platform.jobs, job_id)
        except NotFound as error:
            _err().print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
        zone = ZoneInfo(platform.settings.timezone)
    finally:
        platform.close()
    table = Table(title=f"job {job.id} (times in {zone.key})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in (
        ("task", job.task),
        ("queue", job.queue),
        ("status", job.status.value),
        ("attempts", str(job.attempts)),
        ("queued", _when(job.queued_at, zone)),
        ("scheduled", _when(job.scheduled_at, zone)),
        ("started", _when(job.started_at, zone)),
        ("finished", _when(job.finished_at, zone)),
        ("request id", job.request_id or "-"),
        ("arguments", ", ".join(job.arg_keys) or "-"),
    ):
        table.add_row(name, value)
    out = _out()
    out.print(table)
    events = Table(title="events")
    events.add_column("at")
    events.add_column("event")
    for event in job.events:
        events.add_row(_when(event.at, zone), event.type)
    out.print(events)
