"""The negotiation workbench over HTTP: start a comparison, follow its progress, read it.

Answers keep stable keys (rulebook and scenario ids, measure keys, clause paths, stage ids)
and add words for people in the request's language (`?lang=`, the `lang` cookie, then
Accept-Language): titles, labels, the stage, plots drawn in that language.

Runs are background jobs: `POST /api/workbench/runs` answers 202 at once with the queued
run; `GET /api/workbench/runs/{id}` reports its progress; the result (JSON with the plots
as SVG) and the self-contained HTML report are served once it is done. A run is of a
`kind`: `compare` (the same day and riders under both rulebooks) or `equal_service` (the
fewest riders each rulebook needs for the same service, and with `who_gains` who earns
less by reason); both go through the same endpoints.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.workbench import RunCreate, RunOut, RunResult, WorkbenchOptions

router = APIRouter(prefix="/api/workbench", tags=["workbench"])

Viewer = Annotated[
    Principal,
    Depends(
        Allow.accounts_and_platform(
            Scope.workbench,
            note="every party to the negotiation reads the runs and their reports",
        )
    ),
]
Starter = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.platform,
            scope=Scope.workbench,
            note="the district and the platform start runs; rider representatives read them",
        )
    ),
]
# The report is a self-contained page of our own: inline styles and SVG, nothing else.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@router.get("/options", response_model=WorkbenchOptions, summary="Rulebooks, scenarios, limits")
def options(platform: PlatformDep, caller: Viewer, request: Request) -> WorkbenchOptions:
    """What a run may be made of (ids with titles in the reader's language), and whether the
    caller may start one."""
    return platform.workbench.options(caller, locale_of(request))


@router.post(
    "/runs",
    response_model=RunOut,
    status_code=202,
    summary="Start a comparison run",
    responses={422: {"description": "A field is invalid; `errors` names it"}},
)
async def start_run(
    platform: PlatformDep, caller: Starter, body: RunCreate, request: Request, response: Response
) -> RunOut:
    """Queue the identical day under rulebooks A and B (and, with `attribution`, A with each
    changed clause of B); or, with `kind` `equal_service`, the search for the fewest riders
    each rulebook needs for the same service on `seeds` days (targets optional: A's own
    service by default; `who_gains` compares every rider). Answers at once; follow
    `GET /api/workbench/runs/{id}`."""
    run = await run_in_threadpool(platform.workbench.start, caller, body, locale_of(request))
    response.headers["Location"] = f"/api/workbench/runs/{run.id}"
    return run


@router.get("/runs", response_model=list[RunOut], summary="Recent runs, newest first")
def list_runs(
    platform: PlatformDep,
    _: Viewer,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[RunOut]:
    return platform.workbench.recent(limit, locale_of(request))


@router.get("/runs/{run_id}", response_model=RunOut, summary="One run and its progress")
def get_run(platform: PlatformDep, _: Viewer, run_id: RowId, request: Request) -> RunOut:
    """Status (queued, running, done, failed, interrupted), progress from 0 to 1, the stage
    (an id, and in words), and the links to the result once done."""
    return platform.workbench.get(run_id, locale_of(request))


@router.get(
    "/runs/{run_id}/result",
    response_model=RunResult,
    summary="A finished run: tables, attribution, plots",
    responses={409: {"description": "The run is not done"}},
)
def get_result(platform: PlatformDep, _: Viewer, run_id: RowId, request: Request) -> RunResult:
    return platform.workbench.result(run_id, locale_of(request))


@router.get(
    "/runs/{run_id}/report",
    response_class=HTMLResponse,
    summary="A finished run's HTML report",
    responses={409: {"description": "The run is not done"}},
)
def get_report(platform: PlatformDep, _: Viewer, run_id: RowId) -> HTMLResponse:
    """The self-contained report (inline SVG plots, no scripts): in Chinese and in English,
    one section each (runs stored before reports had languages: English)."""
    response = HTMLResponse(platform.workbench.report(run_id))
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="workbench-run-{run_id}.html"'
    return response
