"""The background job queue for district admins: recent jobs, one job's history, counts.

A job's arguments are never shown (they may name a person): only their names, and the id
of the request that queued the job, so its log lines can be found.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from gigcity.http.deps import Admin, PlatformDep
from gigcity.services.jobs import (
    MAX_LIMIT,
    JobDetail,
    JobPage,
    JobStatus,
    get_job,
    job_query,
    list_jobs,
)
from gigcity.services.jobs.stats import MAX_JOB_ID
from gigcity.services.platform import JOBS

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

JobId = Annotated[int, Path(ge=1, le=MAX_JOB_ID, description="Job id")]
_STATUSES = ", ".join(s.value for s in JobStatus)


@router.get(
    "",
    response_model=JobPage,
    summary="Recent background jobs, newest first",
    responses={422: {"description": "A filter is invalid; `field` names it"}},
)
def jobs(
    platform: PlatformDep,
    _: Admin,
    queue: Annotated[
        str | None, Query(max_length=128, description="Only this queue (workbench, default)")
    ] = None,
    status: Annotated[
        str | None, Query(max_length=32, description=f"Only this status ({_STATUSES})")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Jobs per page")] = 50,
    before: Annotated[
        int | None,
        Query(ge=1, le=MAX_JOB_ID, description="Only older jobs: the `next_before` of a page"),
    ] = None,
) -> JobPage:
    """Each job's task, queue, status, attempts and times, the id of the request that queued
    it and the names of its arguments (never their values); with every queue's counts per
    status. On PostgreSQL these are every worker's jobs; with SQLite, this server's own
    (kept in memory: the last 1,000 finished)."""
    query = job_query(JOBS, queue=queue, status=status, limit=limit, before=before)
    return list_jobs(platform.jobs, query)


@router.get("/{job_id}", response_model=JobDetail, summary="One background job and its events")
def job(platform: PlatformDep, _: Admin, job_id: JobId) -> JobDetail:
    """The job as listed, with what happened to it (queued, started, retried, finished)."""
    return get_job(platform.jobs, job_id)
