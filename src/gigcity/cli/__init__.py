"""The `gigcity` command line: one Typer app, one module per command group."""

from __future__ import annotations

from gigcity.cli.root import app


def _register() -> None:
    # Each command group lives in its own module and adds itself to `app`.
    from gigcity.cli import (
        audit,  # noqa: F401  (audit LOG; audit-log schema/generate)
        eldercare,  # noqa: F401  (eldercare new-key/rotate-keys/generate)
        estates,  # noqa: F401  (estates import/export/guide-pdf/list)
        jobs,  # noqa: F401  (jobs list/show: the background job queue)
        organisation,  # noqa: F401  (organisation reindex: memberships sealed again)
        platform,  # noqa: F401  (serve, seed, db, places)
        reports,  # noqa: F401  (reports purge-photos/recount/pool/top-up)
        rules,  # noqa: F401  (rules validate/show/diff/quote)
        sim,  # noqa: F401  (validate, simulate, bench mdrp)
        streets,  # noqa: F401  (streets import/list/route/closures)
        workbench,  # noqa: F401  (scenario generate, compare, sweep)
        worker,  # noqa: F401  (worker: background jobs)
    )


_register()


def main() -> None:
    app()


__all__ = ["app", "main"]
