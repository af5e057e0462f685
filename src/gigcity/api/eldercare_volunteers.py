"""Volunteers for the elderly: the register of tasks for older people (carrying a large item,
visits, repairs) that staff post and riders and drivers take."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from gigcity.api.eldercare import Manager
from gigcity.http.deps import Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.eldercare.volunteers import (
    DoneIn,
    TaskIn,
    TaskKind,
    TaskRecordOut,
    TaskState,
    VolunteerTaskOut,
    VolunteerTasks,
)

router = APIRouter(prefix="/api/eldercare/volunteer-tasks", tags=["eldercare"])

Volunteer = Annotated[
    Principal,
    Depends(Allow(Role.rider, note="riders and drivers of every kind (truck drivers too)")),
]
Subdistrict = Annotated[str | None, Query(min_length=1, max_length=64)]
TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"description": "Another volunteer has the task, or it is done"}
}


def _tasks(platform: PlatformDep) -> VolunteerTasks:
    return platform.eldercare.volunteers


Tasks = Annotated[VolunteerTasks, Depends(_tasks)]


@router.post("", response_model=TaskRecordOut, status_code=201, summary="Post a volunteer task")
def post_task(tasks: Tasks, caller: Manager, body: TaskIn, request: Request) -> TaskRecordOut:
    """A task for an older person of your sub-district (carry a large item, a visit, a
    repair), for a day from today, optionally meant for a team."""
    return tasks.post(caller, body, locale=locale_of(request))


@router.get("", response_model=list[TaskRecordOut], summary="The register of volunteer tasks")
def register(
    tasks: Tasks,
    caller: Manager,
    request: Request,
    subdistrict: Subdistrict = None,
    state: TaskState | None = None,
    first: Annotated[date | None, Query(description="From this day")] = None,
    last: Annotated[date | None, Query(description="To this day")] = None,
) -> list[TaskRecordOut]:
    """Latest day first: what, for whom (first name and building), which day, and who did
    it with their note. Each listing is logged as a read."""
    return tasks.register(
        caller, subdistrict=subdistrict, state=state, first=first, last=last,
        locale=locale_of(request),
    )  # fmt: skip


@router.get("/open", response_model=list[VolunteerTaskOut], summary="Open tasks near you")
def open_tasks(
    tasks: Tasks,
    caller: Volunteer,
    request: Request,
    subdistrict: Subdistrict = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    kind: TaskKind | None = None,
    team: Annotated[str | None, Query(min_length=1, max_length=120)] = None,
) -> list[VolunteerTaskOut]:
    """The open tasks of a sub-district (named, else where you are by lon and lat, else
    your account's), soonest first, with the older person's first name and building only."""
    area = tasks.area(caller, subdistrict, lon, lat)
    return tasks.open_tasks(caller, area, kind=kind, team=team, locale=locale_of(request))


@router.get("/mine", response_model=list[VolunteerTaskOut], summary="Your volunteer tasks")
def my_tasks(tasks: Tasks, caller: Volunteer, request: Request) -> list[VolunteerTaskOut]:
    """The tasks you hold (with the door) and those you have done."""
    return tasks.my_tasks(caller, locale=locale_of(request))


@router.post(
    "/{task_id}/take", response_model=VolunteerTaskOut, summary="Take a task", responses=TAKEN
)
def take(tasks: Tasks, caller: Volunteer, task_id: RowId, request: Request) -> VolunteerTaskOut:
    """Of volunteers taking the same task at once exactly one gets it; the others get 409.
    Taking a task you hold again changes nothing."""
    return tasks.take(caller, task_id, locale=locale_of(request))


@router.post(
    "/{task_id}/give-back",
    response_model=VolunteerTaskOut,
    summary="Give a task back",
    responses=TAKEN,
)
def give_back(
    tasks: Tasks, caller: Volunteer, task_id: RowId, request: Request
) -> VolunteerTaskOut:
    """The task is open again for others."""
    return tasks.give_back(caller, task_id, locale=locale_of(request))


@router.post(
    "/{task_id}/done", response_model=VolunteerTaskOut, summary="Mark a task done", responses=TAKEN
)
def done(
    tasks: Tasks, caller: Volunteer, task_id: RowId, body: DoneIn, request: Request
) -> VolunteerTaskOut:
    """With a note of what was done; staff see it in the register."""
    return tasks.finish(caller, task_id, body, locale=locale_of(request))
