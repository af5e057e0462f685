"""The algorithm audit over HTTP: a platform's decision log uploaded (district admins) or
pushed (a platform's API key with the `audit` scope), audited in the background against the
rulebook in force, and its report as JSON, HTML, PDF and the findings as CSV.

`POST /api/audit/runs` answers 202 at once with the queued run; `GET /api/audit/runs/{id}`
tells its progress; the report and findings are served once it is done (409 before).
Grid officers read every run's report (riders pseudonymised); a platform key reads only the
runs it pushed. The log's format is public: `GET /api/audit/schema` and `/sample`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from gigcity.api.openapi import media_response
from gigcity.api.uploads import read_upload
from gigcity.http.deps import Allow, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.audit.logformat import json_schema
from gigcity.services.audit.report_model import AuditComparison, AuditReport
from gigcity.services.audit.run_schemas import AuditOptions, RiderFindings, RunOut
from gigcity.services.audit.sample import sample_log
from gigcity.services.audit.service import MAX_FILE_BYTES

router = APIRouter(prefix="/api/audit", tags=["audit"])

MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # the service checks the same

Uploader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.admin,
            Role.platform,
            scope=Scope.audit,
            note="the district uploads logs; a platform pushes its own",
        )
    ),
]
Reader = Annotated[
    Principal,
    Depends(
        Allow(
            Role.officer,
            Role.admin,
            Role.platform,
            scope=Scope.audit,
            note="a platform key only the runs it pushed; riders are pseudonymised",
        )
    ),
]
Admin = Annotated[Principal, Depends(Allow(Role.admin))]
NOT_DONE: dict[int | str, dict[str, Any]] = {
    409: {"description": "The run is not done (queued, running or failed)"}
}
# The report is a self-contained page of our own: inline styles and SVG, nothing else.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def _file(body: bytes | str, media_type: str, filename: str, inline: bool) -> Response:
    how = "inline" if inline else "attachment"
    response = Response(body, media_type=media_type)
    response.headers["Content-Disposition"] = f'{how}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- the format ----------------------------------------------------------------------------


@router.get(
    "/schema",
    summary="The JSON Schema of a decision log's line",
    responses=media_response(
        "application/schema+json", "JSON Schema (draft 2020-12)", schema={"type": "object"}
    ),
)
def schema(_: PublicCaller) -> Response:
    """One line of a JSON Lines decision log (`gigcity-decision-log/1`); CSV and Parquet
    logs have the same columns."""
    return Response(
        json.dumps(json_schema(), ensure_ascii=False, indent=2),
        media_type="application/schema+json",
    )


@router.get(
    "/sample",
    summary="A small decision log (two riders, one day)",
    responses=media_response("application/x-ndjson", "A decision log as JSON Lines"),
)
async def sample(_: PublicCaller) -> Response:
    data: bytes = await run_in_threadpool(sample_log)
    return _file(data, "application/x-ndjson", "decision-log-sample.jsonl", inline=False)


@router.get("/options", response_model=AuditOptions, summary="What an upload may choose")
def options(platform: PlatformDep, caller: Reader, request: Request) -> AuditOptions:
    """The rulebooks to audit against (id@version with its title), the file size limit and
    suffixes, the default tolerance and whether the caller may upload."""
    return platform.audit.options(caller, locale_of(request))


# -- runs ------------------------------------------------------------------------------------


@router.post(
    "/runs",
    response_model=RunOut,
    status_code=202,
    summary="Audit a decision log",
    responses={422: {"description": "A field is invalid; `field` names it"}},
)
async def upload_log(
    request: Request,
    response: Response,
    platform: PlatformDep,
    caller: Uploader,
    file: Annotated[
        UploadFile,
        File(description="The log: .jsonl, .jsonl.gz, .csv, .csv.gz or .parquet"),
    ],
    rules: Annotated[
        str | None,
        Form(max_length=80, description="The rulebook (id or id@version); default: in force"),
    ] = None,
    eta_tolerance_s: Annotated[
        float | None,
        Form(ge=0, le=3600, description="Seconds a promise may be short (default 120)"),
    ] = None,
) -> RunOut:
    """The file is kept (its SHA-256 recorded) and audited by a background job against the
    rulebook asked, or the one in force on the log's first day. Follow `status_url`; once
    done, `files` names the report and the findings."""
    raw = await read_upload(file, MAX_UPLOAD_BYTES)
    run: RunOut = await run_in_threadpool(
        lambda: platform.audit.start_run(
            caller, file.filename or "", raw, rules=rules, eta_tolerance_s=eta_tolerance_s
        )
    )
    response.headers["Location"] = run.status_url
    return platform.audit.get_run(caller, run.id, locale_of(request))


@router.get("/runs", response_model=list[RunOut], summary="Audit runs, newest first")
def list_runs(
    request: Request,
    platform: PlatformDep,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[RunOut]:
    return platform.audit.list_runs(caller, locale_of(request), limit=limit, offset=offset)


@router.get("/runs/{run_id}", response_model=RunOut, summary="One run and its progress")
def get_run(request: Request, platform: PlatformDep, caller: Reader, run_id: RowId) -> RunOut:
    """Status (queued, running, done, failed), progress from 0 to 1, the rulebook checked,
    the counts and each check's verdict once done, and why a failed run failed."""
    return platform.audit.get_run(caller, run_id, locale_of(request))


@router.delete("/runs/{run_id}", status_code=204, summary="Delete a run and its files")
def delete_run(platform: PlatformDep, caller: Admin, run_id: RowId) -> Response:
    platform.audit.delete_run(caller, run_id)
    return Response(status_code=204)


@router.get(
    "/runs/{run_id}/report.json",
    response_model=AuditReport,
    summary="A finished run's report",
    responses=NOT_DONE,
)
def report_json(platform: PlatformDep, caller: Reader, run_id: RowId) -> AuditReport:
    """Per check: pass or fail, rates and counts by day, the worst findings with their
    evidence; the log's SHA-256 and the rulebook version checked."""
    return platform.audit.report(caller, run_id)


@router.get(
    "/runs/{run_id}/report.html",
    response_class=HTMLResponse,
    summary="A finished run's report as a page",
    responses=NOT_DONE,
)
async def report_html(
    request: Request, platform: PlatformDep, caller: Reader, run_id: RowId
) -> HTMLResponse:
    html: str = await run_in_threadpool(
        platform.audit.report_html, caller, run_id, locale_of(request)
    )
    response = HTMLResponse(html)
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = f'inline; filename="audit-{run_id}.html"'
    return response


@router.get(
    "/runs/{run_id}/report.pdf",
    response_class=Response,
    summary="A finished run's report to print",
    responses={**media_response("application/pdf", "The report for the meeting"), **NOT_DONE},
)
async def report_pdf(
    request: Request, platform: PlatformDep, caller: Reader, run_id: RowId
) -> Response:
    pdf: bytes = await run_in_threadpool(
        platform.audit.report_pdf, caller, run_id, locale_of(request)
    )
    return _file(pdf, "application/pdf", f"audit-{run_id}.pdf", inline=True)


@router.get(
    "/runs/{run_id}/findings.csv",
    response_class=Response,
    summary="Every finding of a finished run, as CSV",
    responses={**media_response("text/csv", "One finding a row, riders pseudonymised"), **NOT_DONE},
)
def findings_csv(platform: PlatformDep, caller: Reader, run_id: RowId) -> Response:
    data = platform.audit.findings_csv(caller, run_id)
    return _file(data, "text/csv; charset=utf-8", f"audit-{run_id}-findings.csv", inline=False)


@router.get(
    "/runs/{run_id}/riders/{rider_id}/findings",
    response_model=RiderFindings,
    summary="One rider's findings, by the platform's rider id",
    responses=NOT_DONE,
)
def rider_findings(
    request: Request,
    platform: PlatformDep,
    caller: Reader,
    run_id: RowId,
    rider_id: Annotated[str, Path(min_length=1, max_length=200, description="The platform's id")],
) -> RiderFindings:
    """The id is hashed with the platform's key into the rider's pseudonym, whose findings
    are answered; the id itself is neither stored nor written to the log."""
    return platform.audit.rider_findings(caller, run_id, rider_id, locale_of(request))


@router.get(
    "/compare",
    response_model=AuditComparison,
    summary="What changed between two finished runs",
    responses=NOT_DONE,
)
def compare(
    platform: PlatformDep,
    caller: Reader,
    before: Annotated[int, Query(ge=1, le=2_147_483_647, description="The earlier run")],
    after: Annotated[int, Query(ge=1, le=2_147_483_647, description="The later run")],
) -> AuditComparison:
    return platform.audit.compare(caller, before, after)


@router.get(
    "/compare.html",
    response_class=HTMLResponse,
    summary="What changed between two finished runs, as a page",
    responses=NOT_DONE,
)
async def compare_html(
    request: Request,
    platform: PlatformDep,
    caller: Reader,
    before: Annotated[int, Query(ge=1, le=2_147_483_647, description="The earlier run")],
    after: Annotated[int, Query(ge=1, le=2_147_483_647, description="The later run")],
) -> HTMLResponse:
    html: str = await run_in_threadpool(
        platform.audit.comparison_html, caller, before, after, locale_of(request)
    )
    response = HTMLResponse(html)
    response.headers["Content-Security-Policy"] = REPORT_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
