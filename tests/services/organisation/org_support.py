"""What the organisation services' tests share: the district's clock stopped where a test
puts it, and a platform committee with members under it."""

from __future__ import annotations

from datetime import date, datetime

from gigcity.services.day_clock import DayClock
from gigcity.services.organisation.schemas import CheckinPointIn, OrganisationIn, OrgKind, Sector
from gigcity.services.platform import Platform
from support import ADMIN, World, principal


class StoppedClock(DayClock):
    """The district's clock, stopped at `at` (moved by tests)."""

    def __init__(self, at: datetime) -> None:
        super().__init__("Asia/Shanghai")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.local(self.at).date()


def make_org(platform: Platform, name: str, kind: OrgKind, parent: int | None = None) -> int:
    body = OrganisationIn(name=name, kind=kind, sector=Sector.instant_retail, parent_id=parent)
    return platform.organisation.create_organisation(ADMIN, body).id


def committee_tree(platform: Platform, world: World) -> tuple[int, int]:
    """A platform committee with a station group under it whose check-in point (the world's
    station) holds rider's and rider2's memberships; the grid officer is the committee's
    officer. (committee, group)."""
    org = platform.organisation
    committee = make_org(platform, "某即时零售平台上海区域党委", OrgKind.platform_committee)
    group = make_org(platform, "万里驿站骑手联合党支部", OrgKind.station_group, committee)
    point = CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=group)
    point_id = org.set_checkin_point(ADMIN, point).id
    for name in ("rider", "rider2"):
        org.register(principal(platform, name), point_id)
    org.add_officer(ADMIN, committee, world.ids["officer"])
    return committee, group
