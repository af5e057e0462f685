"""Concerns raised with platforms over HTTP (周二见, issue 20): the board, riders' concerns
and "me too", the committees' Tuesday meetings, officers' changes, the platform's answer,
and a concern turned into a proposal on the negotiation workbench.

Every signed-in account and platforms' API keys (with the `workbench` scope, the
negotiation's) read the board, which never names who raised a concern. Riders raise
concerns and say "me too"; the committee's officers and district admins change concerns
and meetings; platforms may also record their answer; admins and platforms start the
workbench run of a proposal, as on the workbench itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from gigcity.http.deps import ACCOUNT_ROLES, Allow, PlatformDep, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role, Scope
from gigcity.services.organisation.concerns_schemas import (
    AnswerIn,
    CommitteeOut,
    ConcernChange,
    ConcernIn,
    ConcernOut,
    ConcernStatus,
    MeetingChange,
    MeetingIn,
    MeetingOut,
    ProposalIn,
    Topic,
)

router = APIRouter(prefix="/api/organisation", tags=["organisation"])

Reader = Annotated[
    Principal,
    Depends(
        Allow.accounts_and_platform(
            Scope.workbench, note="nobody is told who raised a concern, only how many share it"
        )
    ),
]
Rider = Annotated[Principal, Depends(Allow(Role.rider, note="for themselves"))]
Officer = Annotated[
    Principal,
    Depends(Allow(*ACCOUNT_ROLES, note="the committee's officers and district admins; others 403")),
]
Answerer = Annotated[
    Principal,
    Depends(
        Allow.accounts_and_platform(
            Scope.workbench,
            note="the committee's officers, district admins and the platforms themselves",
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
            note="who starts workbench runs: the district and the platform",
        )
    ),
]
OrgFilter = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


@router.get("/committees", response_model=list[CommitteeOut], summary="Platform committees")
def committees(platform: PlatformDep, caller: Reader) -> list[CommitteeOut]:
    """The platform committees a concern is raised with, and which the caller manages."""
    return platform.concerns.committees(caller)


@router.get("/concerns", response_model=list[ConcernOut], summary="The concerns board")
def concerns(
    platform: PlatformDep,
    caller: Reader,
    status: ConcernStatus | None = None,
    topic: Topic | None = None,
    organisation_id: OrgFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
) -> list[ConcernOut]:
    """Newest first; `overdue` marks those past their due date without an answer."""
    return platform.concerns.concerns(
        caller, status=status, topic=topic, organisation_id=organisation_id, limit=limit
    )


@router.post("/concerns", status_code=201, response_model=ConcernOut, summary="Raise a concern")
def raise_concern(platform: PlatformDep, caller: Rider, body: ConcernIn) -> ConcernOut:
    """With the committee named, or (none) the one above the rider's own organisation."""
    return platform.concerns.raise_concern(caller, body)


@router.get("/concerns/{concern_id}", response_model=ConcernOut, summary="One concern")
def concern(platform: PlatformDep, caller: Reader, concern_id: RowId) -> ConcernOut:
    return platform.concerns.concern(caller, concern_id)


@router.patch("/concerns/{concern_id}", response_model=ConcernOut, summary="Change a concern")
def change_concern(
    platform: PlatformDep, caller: Officer, concern_id: RowId, body: ConcernChange
) -> ConcernOut:
    """Status (open → on_agenda → answered → closed, or declined), meeting, owner, due date
    and answer; only the fields sent change. 409 if the concern changed since `updated_at`
    or the status may not follow."""
    return platform.concerns.change(caller, concern_id, body)


@router.post(
    "/concerns/{concern_id}/answer", response_model=ConcernOut, summary="The platform's answer"
)
def answer_concern(
    platform: PlatformDep, caller: Answerer, concern_id: RowId, body: AnswerIn
) -> ConcernOut:
    return platform.concerns.answer(caller, concern_id, body)


@router.put("/concerns/{concern_id}/support", response_model=ConcernOut, summary='Say "me too"')
def support(platform: PlatformDep, caller: Rider, concern_id: RowId) -> ConcernOut:
    """Once per rider: saying it again changes nothing."""
    return platform.concerns.support(caller, concern_id, on=True)


@router.delete(
    "/concerns/{concern_id}/support", response_model=ConcernOut, summary='Take "me too" back'
)
def withdraw_support(platform: PlatformDep, caller: Rider, concern_id: RowId) -> ConcernOut:
    return platform.concerns.support(caller, concern_id, on=False)


@router.post(
    "/concerns/{concern_id}/proposal",
    status_code=202,
    response_model=ConcernOut,
    summary="Price a concern on the negotiation workbench",
)
def propose(
    platform: PlatformDep, caller: Starter, concern_id: RowId, body: ProposalIn, request: Request
) -> ConcernOut:
    """Starts a workbench run (rulebook A now, B proposed, on a Putuo day) and links it to
    the concern, only if none is linked yet (409 otherwise). Follow the run in `run`."""
    return platform.concerns.propose(caller, concern_id, body, locale_of(request))


@router.get("/meetings", response_model=list[MeetingOut], summary="The Tuesday meetings")
def meetings(
    platform: PlatformDep, caller: Reader, organisation_id: OrgFilter = None
) -> list[MeetingOut]:
    """Latest first, each with its agenda, minutes and how many concerns are on it."""
    return platform.concerns.meetings(caller, organisation_id)


@router.post("/meetings", status_code=201, response_model=MeetingOut, summary="Add a meeting")
def create_meeting(platform: PlatformDep, caller: Officer, body: MeetingIn) -> MeetingOut:
    """On a Tuesday (422 names `held_on` otherwise); one per committee and day (409)."""
    return platform.concerns.create_meeting(caller, body)


@router.patch("/meetings/{meeting_id}", response_model=MeetingOut, summary="Agenda and minutes")
def change_meeting(
    platform: PlatformDep, caller: Officer, meeting_id: RowId, body: MeetingChange
) -> MeetingOut:
    return platform.concerns.change_meeting(caller, meeting_id, body)
