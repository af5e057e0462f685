"""`gigcity worker`: executes the platform's background jobs (PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from gigcity.cli.root import app

err = Console(stderr=True)


@app.command()
def worker(
    queue: Annotated[
        list[str] | None,
        typer.Option("--queue", help="Only this queue (repeat for several); default all."),
    ] = None,
) -> None:
    """Execute background jobs (workbench runs, daily retention) until stopped (SIGTERM lets
    running jobs finish). Needs PostgreSQL; with SQLite `gigcity serve` runs jobs itself.
    Run as many as you like, on any host: each queue runs at most GIGCITY_WORKBENCH_CONCURRENCY
    (workbench) or GIGCITY_JOBS_CONCURRENCY (the rest) jobs at once per worker."""
    from gigcity.cli.platform import _settings, require_current_schema
    from gigcity.logs import configure_logging
    from gigcity.services.jobs import PostgresQueue, queue_names
    from gigcity.services.jobs.worker import run_worker
    from gigcity.services.platform import JOBS, Platform, queue_caps
    from gigcity.sim.scenarios import ScenarioWorkbench

    settings = _settings()
    configure_logging(settings)
    platform = Platform.from_settings(
        settings, workbench_engine=ScenarioWorkbench(ray_address=settings.ray_address or None)
    )
    try:
        if not isinstance(platform.jobs, PostgresQueue):
            err.print(
                "[red]gigcity worker needs the PostgreSQL job queue (GIGCITY_DATABASE_URL on "
                "PostgreSQL, GIGCITY_JOB_QUEUE auto or procrastinate); with SQLite, "
                "`gigcity serve` runs the jobs itself.[/red]",
                soft_wrap=True,
            )
            raise typer.Exit(2)
        require_current_schema(platform, "a job worker does not migrate")
        known = queue_names(JOBS)
        unknown = sorted(set(queue or []) - set(known))
        if unknown:
            err.print(f"[red]No queue {', '.join(unknown)} (known: {', '.join(known)}).[/red]")
            raise typer.Exit(2)
        run_worker(
            settings.database_url,
            JOBS,
            platform.run_job,
            queue_caps(settings),
            queues=queue or None,
            stalled_after_s=settings.job_stalled_after_s,
        )
    finally:
        platform.close()
