"""Organisations on both databases: who may read an organisation's members (its officers and
admins only) and that every read is logged with the reader; registering is idempotent (one
membership per rider, even registering twice); a transfer moves a member only when asked;
a station's roster and plan are edited by its own staff only, phones hidden from the public."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from gigcity.db.models import MemberRead, Membership, utcnow
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Conflict, Forbidden, InvalidInput
from gigcity.services.organisation.schemas import (
    ActionIn,
    CheckinPointIn,
    OrganisationIn,
    OrgKind,
    Position,
    Sector,
    SectorKind,
    TeamMemberIn,
    TransferStatus,
)
from gigcity.services.platform import Platform
from gigcity.services.retention import apply_retention, retention_rules
from support import ADMIN, World, principal


def _org(platform: Platform, name: str = "万里站点党支部") -> int:
    body = OrganisationIn(name=name, kind=OrgKind.station_group, sector=Sector.instant_retail)
    return platform.organisation.create_organisation(ADMIN, body).id


def _point(platform: Platform, world: World, org_id: int | None) -> int:
    body = CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=org_id)
    return platform.organisation.set_checkin_point(ADMIN, body).id


def _reads(platform: Platform) -> list[tuple[int, int | None, str]]:
    """The read log's (member, reader, purpose), the member opened from its token."""
    seal = platform.organisation.seal
    with platform.factory() as session:
        rows = session.execute(
            select(MemberRead.member_enc, MemberRead.reader_id, MemberRead.purpose).order_by(
                MemberRead.id
            )
        )
        return [(seal.open(enc), reader, purpose) for enc, reader, purpose in rows]


def test_members_are_read_by_officers_and_admins_only_and_every_read_is_logged(
    platform: Platform, world: World
) -> None:
    org = platform.organisation
    org_id, other_id = _org(platform), _org(platform, "长征党支部")
    point = _point(platform, world, org_id)
    rider, rider2 = principal(platform, "rider"), principal(platform, "rider2")
    org.register(rider, point)
    org.register(rider2, point)
    before = len(_reads(platform))

    officer = principal(platform, "officer")  # a grid officer: no business here ...
    with pytest.raises(Forbidden):
        org.members(officer, org_id, "test")
    org.add_officer(ADMIN, org_id, world.ids["officer"])  # ... until made this one's officer
    org.add_officer(ADMIN, org_id, world.ids["officer"])  # (twice is once)
    names = [m.display_name for m in org.members(officer, org_id, "test")]
    assert names == ["Wang", "Li"]
    with pytest.raises(Forbidden):  # not another organisation's
        org.members(officer, other_id, "test")
    with pytest.raises(Forbidden):
        org.members(principal(platform, "staff"), org_id, "test")
    assert [o.id for o in org.list_organisations(officer)] == [org_id]

    logged = _reads(platform)[before:]
    ids = [world.ids["rider"], world.ids["rider2"]]
    assert logged == [(m, world.ids["officer"], "test") for m in ids]
    assert [r.member_id for r in org.reads(ADMIN)][:2] == ids[::-1]
    with pytest.raises(Forbidden):
        org.reads(officer)


def test_registering_twice_is_one_membership_and_only_a_rider_registers(
    platform: Platform, world: World
) -> None:
    org = platform.organisation
    org_id = _org(platform)
    point = _point(platform, world, org_id)
    rider = principal(platform, "rider")
    first = org.register(rider, point)
    again = org.register(rider, point)
    assert again.id == first.id
    assert again.checked_in_at == first.checked_in_at
    assert first.organisation_id == org_id
    assert first.transfer_status == TransferStatus.none
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(Membership)) == 1
    assert org.my_membership(rider).id == first.id
    # The member's own reads are logged too.
    assert _reads(platform) == [(world.ids["rider"], world.ids["rider"], "own")] * 3
    with pytest.raises(Forbidden):
        org.register(principal(platform, "staff"), point)
    with pytest.raises(InvalidInput) as bad:
        org.set_checkin_point(ADMIN, CheckinPointIn(subdistrict="atlantis", place_id=1))
    assert bad.value.field == "subdistrict"


def test_a_transfer_moves_a_member_once_asked_and_taken_in(
    platform: Platform, world: World
) -> None:
    org = platform.organisation
    from_id, to_id = _org(platform), _org(platform, "桃浦某汽车租赁公司党支部")
    point = _point(platform, world, from_id)
    rider = principal(platform, "rider")
    member = org.register(rider, point)
    with pytest.raises(Conflict):  # nothing asked yet
        org.accept_transfer(ADMIN, to_id, member.id, "test")
    asked = org.request_transfer(rider, to_id)
    assert asked.transfer_status == TransferStatus.transfer_out_requested
    with pytest.raises(Conflict):
        org.request_transfer(rider, to_id)
    moved = org.accept_transfer(ADMIN, to_id, member.id, "test")
    assert moved.organisation_id == to_id
    assert moved.transfer_status == TransferStatus.transferred_in
    assert moved.transferred_at is not None
    assert [m.account_id for m in org.members(ADMIN, from_id, "test")] == []


def test_a_station_team_and_plan_are_edited_by_its_own_staff_only(
    platform: Platform, world: World
) -> None:
    org = platform.organisation
    staff = principal(platform, "staff")  # staff of world.station_id
    master = TeamMemberIn(
        position=Position.master, name="张站长", phone="13900000000", duty_hours="每天 9-21 时"
    )
    police = TeamMemberIn(
        position=Position.sector, sector_kind=SectorKind.police_safety, name="李警官",
        phone="110", duty_hours="周二、周四下午",
    )  # fmt: skip
    org.add_team_member(staff, world.station_id, police)
    org.add_team_member(staff, world.station_id, master)
    with pytest.raises(InvalidInput) as bad:
        org.add_team_member(
            staff, world.station_id, master.model_copy(update={"sector_kind": "other"})
        )
    assert bad.value.field == "sector_kind"
    org.set_goals(staff, world.station_id, "每月主题党日全员参加")
    first = org.add_action(
        staff, world.station_id, ActionIn(title="安全培训", due=date(2026, 12, 17))
    )
    org.add_action(staff, world.station_id, ActionIn(title="走访长者食堂", due=date(2026, 12, 20)))
    assert org.set_action_done(staff, world.station_id, first.id, True).done

    public = org.station_team(None, world.station_id)
    assert [t.name for t in public.team] == ["张站长", "李警官"]  # master first
    assert all(t.phone is None for t in public.team)
    assert public.progress == 0.5
    assert public.goals == "每月主题党日全员参加"
    signed_in = org.station_team(principal(platform, "rider"), world.station_id)
    assert [t.phone for t in signed_in.team] == ["13900000000", "110"]

    rider = principal(platform, "rider")
    with pytest.raises(Forbidden):
        org.add_action(rider, world.station_id, ActionIn(title="x", due=date(2026, 12, 1)))
    other_staff = Principal(role=Role.staff, account_id=staff.account_id, station_id=999)
    with pytest.raises(Forbidden):
        org.set_action_done(other_staff, world.station_id, first.id, False)
    org.set_action_done(ADMIN, world.station_id, first.id, False)
    assert org.station_team(None, world.station_id).progress == 0.0


def test_registering_at_once_from_several_workers_is_one_membership(
    platform: Platform, world: World
) -> None:
    point = _point(platform, world, _org(platform))
    rider = principal(platform, "rider")
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: platform.organisation.register(rider, point), range(4)))
    assert len({a.id for a in answers}) == 1
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(Membership)) == 1


def test_the_read_log_is_kept_three_years_by_the_retention_job(
    platform: Platform, world: World
) -> None:
    org_id = _org(platform)
    point = _point(platform, world, org_id)
    platform.organisation.register(principal(platform, "rider"), point)  # logged as `own`
    with transaction(platform.factory) as session:
        old = session.scalars(select(MemberRead)).one()
        old.at = utcnow() - timedelta(days=1096)
    platform.organisation.register(principal(platform, "rider"), point)  # a fresh read
    rules = retention_rules(platform.settings, platform.reports, organisation=platform.organisation)
    (rule,) = [r for r in rules if r.kind == "read log of memberships"]
    assert rule.kept == timedelta(days=1095)
    assert apply_retention([rule]) == {"read log of memberships": 1}
    assert len(_reads(platform)) == 1  # the fresh one stays
