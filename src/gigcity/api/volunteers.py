"""Volunteer teams over HTTP (issue 20): teams, members and leaders, activities and sign-ups,
hours recorded and confirmed by a leader, a volunteer's certificate of hours (PDF) and its
public verification. Answers name people by display name only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from gigcity.api.openapi import media_response
from gigcity.http.deps import ACCOUNT_ROLES, Allow, AnyAccount, PlatformDep, PublicCaller, RowId
from gigcity.http.locale import locale_of
from gigcity.services.accounts import Principal, Role
from gigcity.services.volunteers.schemas import (
    AccountIn,
    ActivityIn,
    ActivityOut,
    HoursState,
    MemberOut,
    MeOut,
    MinutesIn,
    SignupOut,
    TeamDetailOut,
    TeamIn,
    TeamOut,
    VerifiedCertificate,
)

router = APIRouter(prefix="/api/volunteers", tags=["volunteers"])

Admin = Annotated[Principal, Depends(Allow(Role.admin, note="the district's social-work staff"))]
Rider = Annotated[Principal, Depends(Allow(Role.rider, note="riders join teams themselves"))]
Leader = Annotated[
    Principal,
    Depends(Allow(*ACCOUNT_ROLES, note="the team's leaders and district admins")),
]
Volunteer = Annotated[
    Principal, Depends(Allow(*ACCOUNT_ROLES, note="a team's members, for themselves"))
]


# -- teams and members ------------------------------------------------------------------


@router.post("/teams", status_code=201, response_model=TeamOut, summary="Create a team")
def create_team(platform: PlatformDep, caller: Admin, body: TeamIn) -> TeamOut:
    return platform.volunteers.create_team(caller, body)


@router.get("/teams", response_model=list[TeamOut], summary="Volunteer teams")
def teams(platform: PlatformDep, caller: AnyAccount) -> list[TeamOut]:
    """Every team with its member count, leaders and credited hazard reports."""
    return platform.volunteers.teams(caller)


@router.get("/teams/{team_id}", response_model=TeamDetailOut, summary="A team")
def team(platform: PlatformDep, caller: AnyAccount, team_id: RowId) -> TeamDetailOut:
    """Upcoming activities and credited reports; the members to its members and admins."""
    return platform.volunteers.team(caller, team_id)


@router.put("/teams/{team_id}/leaders", response_model=MemberOut, summary="Appoint a leader")
def appoint_leader(
    platform: PlatformDep, caller: Admin, team_id: RowId, body: AccountIn
) -> MemberOut:
    return platform.volunteers.appoint_leader(caller, team_id, body.account_id)


@router.post("/teams/{team_id}/join", response_model=MemberOut, summary="Join a team")
def join(platform: PlatformDep, caller: Rider, team_id: RowId) -> MemberOut:
    """A member at once; joining again answers the same membership."""
    return platform.volunteers.join(caller, team_id)


@router.get("/teams/{team_id}/members", response_model=list[MemberOut], summary="Members")
def members(platform: PlatformDep, caller: Volunteer, team_id: RowId) -> list[MemberOut]:
    return platform.volunteers.members(caller, team_id)


@router.delete("/teams/{team_id}/members/{account_id}", status_code=204, summary="Leave or remove")
def remove_member(
    platform: PlatformDep, caller: Volunteer, team_id: RowId, account_id: RowId
) -> Response:
    """A member leaves; a leader or admin removes a member; only an admin a leader."""
    platform.volunteers.remove_member(caller, team_id, account_id)
    return Response(status_code=204)


# -- activities and sign-ups ------------------------------------------------------------


@router.post(
    "/teams/{team_id}/activities", status_code=201, response_model=ActivityOut, summary="Schedule"
)
def schedule(
    platform: PlatformDep, caller: Leader, team_id: RowId, body: ActivityIn
) -> ActivityOut:
    """A patrol, traffic guidance, a visit or carrying large items: when (a naive time is
    district time; at most 24 hours), where and how many places."""
    return platform.volunteers.schedule(caller, team_id, body)


@router.post("/activities/{activity_id}/cancel", response_model=ActivityOut, summary="Cancel")
def cancel(platform: PlatformDep, caller: Leader, activity_id: RowId) -> ActivityOut:
    return platform.volunteers.cancel(caller, activity_id)


@router.post(
    "/activities/{activity_id}/signup",
    status_code=201,
    response_model=SignupOut,
    summary="Sign up (again: the sign-up held)",
    responses={409: {"description": "Full, started or cancelled"}},
)
def sign_up(platform: PlatformDep, caller: Volunteer, activity_id: RowId) -> SignupOut:
    return platform.volunteers.sign_up(caller, activity_id)


@router.delete("/activities/{activity_id}/signup", status_code=204, summary="Take it back")
def withdraw(platform: PlatformDep, caller: Volunteer, activity_id: RowId) -> Response:
    platform.volunteers.withdraw(caller, activity_id)
    return Response(status_code=204)


@router.get(
    "/activities/{activity_id}/signups", response_model=list[SignupOut], summary="Who signed up"
)
def activity_signups(platform: PlatformDep, caller: Leader, activity_id: RowId) -> list[SignupOut]:
    return platform.volunteers.activity_signups(caller, activity_id)


# -- hours ----------------------------------------------------------------------------------


@router.get("/teams/{team_id}/hours", response_model=list[SignupOut], summary="Hours to confirm")
def team_hours(
    platform: PlatformDep,
    caller: Leader,
    team_id: RowId,
    state: Annotated[HoursState | None, Query()] = None,
) -> list[SignupOut]:
    """Sign-ups of activities begun already: `waiting` for the leader's confirmation,
    `unrecorded`, `confirmed` (all without `state`)."""
    return platform.volunteers.team_hours(caller, team_id, state)


@router.put("/signups/{signup_id}/minutes", response_model=SignupOut, summary="Record hours")
def record(
    platform: PlatformDep, caller: Volunteer, signup_id: RowId, body: MinutesIn
) -> SignupOut:
    """By the volunteer or a leader, once the activity has begun; until confirmed."""
    return platform.volunteers.record(caller, signup_id, body.minutes)


@router.post("/signups/{signup_id}/confirm", response_model=SignupOut, summary="Confirm hours")
def confirm(platform: PlatformDep, caller: Leader, signup_id: RowId) -> SignupOut:
    """A leader of the team or an admin, never for their own hours."""
    return platform.volunteers.confirm(caller, signup_id)


# -- my own -----------------------------------------------------------------------------


@router.get("/me", response_model=MeOut, summary="My teams, activities and hours")
def me(platform: PlatformDep, caller: Volunteer) -> MeOut:
    return platform.volunteers.me(caller)


@router.get(
    "/me/certificate.pdf",
    response_class=Response,
    summary="My certificate of confirmed hours",
    responses=media_response("application/pdf", "One A4 page with a verification code"),
)
async def certificate(
    request: Request,
    platform: PlatformDep,
    caller: Volunteer,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    team_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    """Only confirmed hours count; by default the last 365 days up to today."""
    pdf, code = await run_in_threadpool(
        platform.volunteers.certificate,
        caller,
        first,
        last,
        team_id,
        str(request.base_url),
        locale_of(request),
    )
    response = Response(pdf, media_type="application/pdf")
    name = f"volunteer-hours-{code.replace('-', '')[:8].lower()}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Verification-Code"] = code  # for the page to show beside the file
    return response


@router.get(
    "/certificates/{code}", response_model=VerifiedCertificate, summary="Verify a certificate"
)
def verify(
    platform: PlatformDep,
    caller: PublicCaller,
    code: Annotated[str, Path(min_length=8, max_length=64)],
) -> VerifiedCertificate:
    """Public: the volunteer's name, teams, period and confirmed hours as they stand now."""
    return platform.volunteers.verify(code)
