"""Liveness and readiness, for load balancers and orchestrators (no credentials, nothing
personal): `/healthz` says the process answers, `/readyz` that it can serve requests."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gigcity.http.deps import PlatformDep, PublicCaller

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    ready: bool = Field(description="Every check passed.")
    checks: dict[str, str] = Field(
        description='Each check and its state ("ok", or what is wrong): `database` answers, '
        "`schema` is the newest this version ships, `storage` can keep files, `listener` "
        "(PostgreSQL) receives the closures and signal phases other workers store."
    )


@router.get("/healthz", response_model=Health, summary="The process answers")
async def healthz(_: PublicCaller) -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Ready to serve requests",
    responses={503: {"model": Readiness, "description": "A check failed; see `checks`."}},
)
async def readyz(platform: PlatformDep, _: PublicCaller, response: Response) -> Readiness:
    checks = await run_in_threadpool(platform.readiness)
    ready = all(state == "ok" for state in checks.values())
    if not ready:
        response.status_code = 503
    return Readiness(ready=ready, checks=checks)
