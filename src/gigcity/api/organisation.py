"""Organisation over HTTP: organisations and their officers, the sub-districts' check-in
points, members' registration (sensitive: each answer carrying a membership is logged as a
read), and stations' 1+1+N rosters and "one station, one plan".

Check-in points and a station's roster and plan are public (the roster's phone numbers only
to signed-in callers); a member registers themselves; an organisation's members are read by
its officers and district admins; a station's team and plan are edited by its staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response

from gigcity.http.deps import ACCOUNT_ROLES, Allow, PlatformDep, PublicCaller, RowId
from gigcity.services.accounts import Principal, Role
from gigcity.services.organisation.schemas import (
    ActionIn,
    ActionOut,
    CheckinPointIn,
    CheckinPointOut,
    DoneIn,
    GoalsIn,
    MemberReadOut,
    MembershipOut,
    OrganisationIn,
    OrganisationOut,
    StationTeamOut,
    TeamMemberIn,
    TeamMemberOut,
    TransferIn,
)

router = APIRouter(prefix="/api/organisation", tags=["organisation"])

Admin = Annotated[Principal, Depends(Allow(Role.admin, note="the district's social-work staff"))]
Rider = Annotated[Principal, Depends(Allow(Role.rider, note="their own membership only"))]
Officer = Annotated[
    Principal,
    Depends(
        Allow(
            *ACCOUNT_ROLES,
            note="district admins, and an organisation's own officers for that organisation",
        )
    ),
]
StationEditor = Annotated[
    Principal, Depends(Allow(Role.staff, Role.admin, note="the station's own staff"))
]
IdBody = Annotated[int, Body(embed=True, ge=1, le=2_147_483_647)]


# -- organisations ----------------------------------------------------------------------


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def create_organisation(
    platform: PlatformDep, caller: Admin, body: OrganisationIn
) -> OrganisationOut:
    return platform.organisation.create_organisation(caller, body)


@router.get(
    "/organisations", response_model=list[OrganisationOut], summary="Organisations (no members)"
)
def list_organisations(platform: PlatformDep, caller: Officer) -> list[OrganisationOut]:
    """Admins see every organisation; anyone else those they are an officer of."""
    return platform.organisation.list_organisations(caller)


@router.post("/organisations/{org_id}/officers", status_code=204)
def add_officer(
    platform: PlatformDep, caller: Admin, org_id: RowId, account_id: IdBody
) -> Response:
    platform.organisation.add_officer(caller, org_id, account_id)
    return Response(status_code=204)


@router.get(
    "/organisations/{org_id}/members",
    response_model=list[MembershipOut],
    summary="An organisation's members (each read is logged)",
)
def members(platform: PlatformDep, caller: Officer, org_id: RowId) -> list[MembershipOut]:
    return platform.organisation.members(caller, org_id, "members")


@router.post(
    "/organisations/{org_id}/members/{membership_id}/accept",
    response_model=MembershipOut,
    summary="Take in a member whose transfer to this organisation waits",
)
def accept_transfer(
    platform: PlatformDep, caller: Officer, org_id: RowId, membership_id: RowId
) -> MembershipOut:
    return platform.organisation.accept_transfer(caller, org_id, membership_id, "accept")


@router.post(
    "/organisations/{org_id}/members/{membership_id}/transfer",
    response_model=MembershipOut,
    summary="Ask a member's transfer to another organisation (the holding one's officers)",
)
def transfer_member(
    platform: PlatformDep, caller: Officer, org_id: RowId, membership_id: RowId, body: TransferIn
) -> MembershipOut:
    return platform.organisation.transfer_member(
        caller, org_id, membership_id, body.to_organisation_id, "transfer"
    )


@router.get("/reads", response_model=list[MemberReadOut], summary="Who read which membership")
def reads(
    platform: PlatformDep,
    caller: Admin,
    member_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> list[MemberReadOut]:
    return platform.organisation.reads(caller, member_id)


# -- check-in points and registration ---------------------------------------------------


@router.get("/checkin-points", response_model=list[CheckinPointOut])
def checkin_points(platform: PlatformDep, caller: PublicCaller) -> list[CheckinPointOut]:
    """Where each sub-district's members register (no member data)."""
    return platform.organisation.checkin_points()


@router.put("/checkin-points", response_model=CheckinPointOut, summary="Set a check-in point")
def set_checkin_point(
    platform: PlatformDep, caller: Admin, body: CheckinPointIn
) -> CheckinPointOut:
    return platform.organisation.set_checkin_point(caller, body)


@router.post(
    "/checkin-points/{point_id}/register",
    response_model=MembershipOut,
    summary="Register yourself at a check-in point (again: the membership held)",
)
def register(platform: PlatformDep, caller: Rider, point_id: RowId) -> MembershipOut:
    return platform.organisation.register(caller, point_id)


@router.get("/me", response_model=MembershipOut, summary="Your own membership")
def my_membership(platform: PlatformDep, caller: Rider) -> MembershipOut:
    return platform.organisation.my_membership(caller)


@router.post("/me/transfer", response_model=MembershipOut, summary="Ask to transfer")
def request_transfer(platform: PlatformDep, caller: Rider, body: TransferIn) -> MembershipOut:
    return platform.organisation.request_transfer(caller, body.to_organisation_id)


@router.delete("/me/transfer", response_model=MembershipOut, summary="Withdraw a transfer asked")
def cancel_transfer(platform: PlatformDep, caller: Rider) -> MembershipOut:
    return platform.organisation.cancel_transfer(caller)


# -- stations' 1+1+N and plans ----------------------------------------------------------


@router.get("/stations/{station_id}/team", response_model=StationTeamOut)
def station_team(platform: PlatformDep, caller: PublicCaller, station_id: RowId) -> StationTeamOut:
    """The roster (names, positions, duty hours; phones to signed-in callers) and the plan."""
    return platform.organisation.station_team(caller, station_id)


@router.post("/stations/{station_id}/team", status_code=201, response_model=TeamMemberOut)
def add_team_member(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, body: TeamMemberIn
) -> TeamMemberOut:
    return platform.organisation.add_team_member(caller, station_id, body)


@router.delete("/stations/{station_id}/team/{member_id}", status_code=204)
def remove_team_member(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, member_id: RowId
) -> Response:
    platform.organisation.remove_team_member(caller, station_id, member_id)
    return Response(status_code=204)


@router.put("/stations/{station_id}/plan/goals", status_code=204)
def set_goals(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, body: GoalsIn
) -> Response:
    platform.organisation.set_goals(caller, station_id, body.goals)
    return Response(status_code=204)


@router.post("/stations/{station_id}/plan/actions", status_code=201, response_model=ActionOut)
def add_action(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, body: ActionIn
) -> ActionOut:
    return platform.organisation.add_action(caller, station_id, body)


@router.put("/stations/{station_id}/plan/actions/{action_id}/done", response_model=ActionOut)
def set_action_done(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, action_id: RowId, body: DoneIn
) -> ActionOut:
    return platform.organisation.set_action_done(caller, station_id, action_id, body.done)


@router.delete("/stations/{station_id}/plan/actions/{action_id}", status_code=204)
def remove_action(
    platform: PlatformDep, caller: StationEditor, station_id: RowId, action_id: RowId
) -> Response:
    platform.organisation.remove_action(caller, station_id, action_id)
    return Response(status_code=204)
