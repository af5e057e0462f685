"""The demo's volunteer teams: two teams, the demo rider a member of 新杨's with hours
confirmed and waiting and a patrol under way; seeding again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from gigcity.db.models import VolunteerTeam
from gigcity.db.session import transaction
from gigcity.services.demo.volunteers import XINYANG, seed_volunteers
from gigcity.services.platform import Platform
from gigcity.services.volunteers.schemas import MemberRole
from support import World, principal


def test_the_demo_teams_are_seeded_once(platform: Platform, world: World) -> None:
    for _ in range(2):
        with transaction(platform.factory) as session:
            seed_volunteers(session)
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(VolunteerTeam)) == 2
    mine = platform.volunteers.me(principal(platform, "rider"))
    assert [(t.name, t.my_role) for t in mine.teams] == [(XINYANG, MemberRole.member)]
    assert (mine.hours.confirmed_minutes, mine.hours.waiting_minutes) == (120, 90)
    assert any(a.i_signed_up and a.kind == "patrol" for a in mine.activities)
