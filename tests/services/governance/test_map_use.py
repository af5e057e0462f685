"""The friendly map's use per sub-district and day: counted in each worker's memory, added
to the shared table with one UPSERT a batch (two workers' counts add up, neither overwrites
the other), nothing kept but the counts, and shown on the overview by the usual rule — an
officer their own sub-district only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select

from gigcity.db.models import GovMapUse
from gigcity.services.accounts import Principal, Role
from gigcity.services.governance.map_use import MapUseCounter
from gigcity.services.platform import Platform
from support import add_account

NOW = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)  # 1 April in Shanghai
ADMIN = Principal(role=Role.admin, label="map-admin")


def test_two_workers_counts_add_up_in_the_table_by_local_day(platform: Platform) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    one = MapUseCounter(platform.factory, tz, lambda: NOW, flush_seconds=0)
    two = MapUseCounter(platform.factory, tz, lambda: NOW, flush_seconds=0)
    for _ in range(3):
        one.count("nearby", "wanli")
    two.count("nearby", "wanli")
    two.count("details", "changzheng")
    assert one.flush() == 3
    assert two.flush() == 2
    one.count("nearby", "wanli")
    assert one.flush() == 1
    assert one.flush() == 0  # nothing pending: no statement
    with platform.factory() as session:
        rows = {(r.day, r.subdistrict, r.kind): r.count for r in session.scalars(select(GovMapUse))}
        columns = {c.key for c in inspect(GovMapUse).columns}
    assert rows == {
        (date(2026, 4, 1), "wanli", "nearby"): 5,
        (date(2026, 4, 1), "changzheng", "details"): 1,
    }
    assert columns == {"id", "day", "subdistrict", "kind", "count"}  # no one, nowhere exact


def test_the_overview_shows_map_use_by_the_rule_of_who_sees_what(platform: Platform) -> None:
    platform.governance.clock = lambda: NOW
    gov = platform.governance
    wanli = platform.district.get("wanli")
    assert wanli is not None
    gov.count_map_use("nearby", lon=wanli.lon, lat=wanli.lat)
    gov.count_map_use("nearby", lon=wanli.lon, lat=wanli.lat)
    gov.count_map_use("details", subdistrict="changzheng")
    gov.count_map_use("nearby", lon=116.4, lat=39.9)  # Beijing: outside, not counted
    gov.count_map_use("details", subdistrict=None)  # a point in no sub-district
    officer = add_account(platform, "map-officer", Role.officer, subdistrict="wanli")
    window = (date(2026, 4, 1), date(2026, 4, 1))
    mine = gov.district_overview(officer, *window)  # flushes this process's counts first
    assert [s.code for s in mine.subdistricts] == ["wanli"]
    assert (mine.total.total.map_nearby, mine.total.total.map_details) == (2, 0)
    everyone = gov.district_overview(ADMIN, *window)
    assert (everyone.total.total.map_nearby, everyone.total.total.map_details) == (2, 1)
    by_code = {s.code: s.total for s in everyone.subdistricts}
    assert by_code["changzheng"].map_details == 1
    gov.count_map_use("nearby", subdistrict="wanli")
    gov.close()  # the platform closing writes the last counts
    with platform.factory() as session:
        assert (
            session.scalar(
                select(GovMapUse.count).where(
                    GovMapUse.subdistrict == "wanli", GovMapUse.kind == "nearby"
                )
            )
            == 3
        )
