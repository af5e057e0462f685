"""The dashboard: counts by category, status and sub-district over time (local days), the
median time to resolution, overdue reports, the heatmap and the CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from gigcity.db.migrate import downgrade, upgrade
from gigcity.db.models import ReportHeatCount, ReportResolutionCount
from gigcity.db.session import transaction
from gigcity.services.errors import Forbidden, InvalidInput
from gigcity.services.platform import Platform
from gigcity.services.reports import Category, DispatchIn, NoteIn, ResolveIn, stats
from services.reports.reports_support import ADMIN, CHANGZHENG, WANLI, jpeg, new_report, scene
from support import World, principal

# 2025-05-01 00:30 in Shanghai is still 30 April in UTC: days are counted in district time.
MAY_FIRST_EARLY = datetime(2025, 4, 30, 16, 30, tzinfo=UTC)


def at(platform: Platform, when: datetime) -> None:
    platform.reports.clock = lambda: when


def resolve_after(
    platform: Platform, report: int, start: datetime, hours: float, officer_name: str = "officer"
) -> None:
    officer = principal(platform, officer_name)
    at(platform, start + timedelta(minutes=1))
    platform.reports.accept(officer, report, NoteIn())
    platform.reports.dispatch(officer, report, DispatchIn(to="team"))
    platform.reports.start(officer, report, NoteIn())
    photo = platform.reports.stage_photo(officer, jpeg(scene(seed=report)))
    at(platform, start + timedelta(hours=hours))
    platform.reports.resolve(officer, report, ResolveIn(photo_ids=[photo.id]))


def test_counts_over_local_days_by_status_category_and_subdistrict(
    platform: Platform, ready: World
) -> None:
    at(platform, MAY_FIRST_EARLY)
    a = new_report(platform, category="fire_hazard")
    new_report(platform, category="road_hazard", at=CHANGZHENG)
    at(platform, MAY_FIRST_EARLY + timedelta(days=2))
    new_report(platform, category="road_hazard")
    platform.reports.accept(principal(platform, "officer"), a, NoteIn())
    dash = platform.reports.dashboard
    window = dash.window(date(2025, 5, 1), date(2025, 5, 7))
    summary = dash.summary(ADMIN, window)
    assert summary.total == 3
    assert summary.by_status["submitted"] == 2
    assert summary.by_status["accepted"] == 1
    assert summary.by_category["road_hazard"] == 2
    assert summary.by_category["other"] == 0
    subs = {s.code: s.count for s in summary.by_subdistrict}
    assert subs["wanli"] == 2
    assert subs["changzheng"] == 1
    assert len(subs) == 10
    assert [(p.period, p.total) for p in summary.series] == [
        (date(2025, 5, 1), 2),
        (date(2025, 5, 3), 1),
    ]
    assert summary.series[0].by_status == {"accepted": 1, "submitted": 1}
    weekly = dash.summary(ADMIN, window, "week")
    assert [(p.period, p.total) for p in weekly.series] == [(date(2025, 4, 28), 3)]
    only = dash.summary(ADMIN, dash.window(date(2025, 5, 1), date(2025, 5, 7), "changzheng"))
    assert only.total == 1
    fire = dash.summary(
        ADMIN, dash.window(date(2025, 5, 1), date(2025, 5, 1), category="fire_hazard")
    )  # type: ignore[arg-type]
    assert fire.total == 1
    april = dash.summary(ADMIN, dash.window(date(2025, 4, 1), date(2025, 4, 30)))
    assert april.total == 0  # 30 April in UTC, 1 May in Shanghai


def test_median_and_p90_time_to_resolution_and_the_sla_share(
    platform: Platform, ready: World
) -> None:
    start = MAY_FIRST_EARLY + timedelta(hours=2)
    hours = [1, 2, 3, 10, 30]  # road hazards: 24 h SLA, so 4 of 5 within it
    for h in hours:
        at(platform, start)
        resolve_after(platform, new_report(platform, category="road_hazard"), start, h)
    at(platform, start + timedelta(days=3))
    window = platform.reports.dashboard.window(date(2025, 5, 1), date(2025, 5, 3))
    resolution = platform.reports.dashboard.summary(ADMIN, window).resolution
    assert resolution.resolved == 5
    assert resolution.median_hours == pytest.approx(3.0)
    assert resolution.p90_hours == pytest.approx(22.0)  # 10 h + 0.6 of the way to 30 h
    assert resolution.within_sla_share == pytest.approx(0.8)
    # An even count takes the mean of the middle two.
    at(platform, start)
    resolve_after(platform, new_report(platform, category="road_hazard"), start, 5)
    at(platform, start + timedelta(days=3))
    assert platform.reports.dashboard.summary(
        ADMIN, window
    ).resolution.median_hours == pytest.approx(4.0)


def test_overdue_reports_are_listed_most_overdue_first(platform: Platform, ready: World) -> None:
    start = MAY_FIRST_EARLY
    at(platform, start)
    elder = new_report(platform, category="elder_needs_help")  # 2 h
    fire = new_report(platform, category="fire_hazard")  # 12 h
    new_report(platform, category="other")  # 120 h
    at(platform, start + timedelta(hours=13))
    summary = platform.reports.dashboard.summary(
        ADMIN, platform.reports.dashboard.window(None, None)
    )
    assert summary.overdue_total == 2
    assert [o.id for o in summary.overdue] == [elder, fire]


def test_the_heatmap_counts_reports_per_cell(platform: Platform, ready: World) -> None:
    at(platform, MAY_FIRST_EARLY)
    for _ in range(3):
        new_report(platform, category="other")
    new_report(platform, category="other", at=(WANLI[0] + 0.0001, WANLI[1] + 0.0001))
    new_report(platform, category="other", at=CHANGZHENG)
    heat = platform.reports.dashboard.heatmap(
        ADMIN, platform.reports.dashboard.window(date(2025, 5, 1), date(2025, 5, 1))
    )
    assert heat.max == 4
    assert sum(c[2] for c in heat.cells) == 5
    assert len(heat.cells) == 2
    busiest = next(c for c in heat.cells if c[2] == 4)
    assert abs(busiest[0] - WANLI[0]) <= heat.cell_deg
    assert abs(busiest[1] - WANLI[1]) <= heat.cell_deg


def test_csv_exports_have_no_reporters_and_no_formulas(platform: Platform, ready: World) -> None:
    at(platform, MAY_FIRST_EARLY)
    new_report(platform, description='=HYPERLINK("http://evil","click")')
    new_report(platform, category="food_safety", reference="+老王面馆", at=CHANGZHENG)
    window = platform.reports.dashboard.window(date(2025, 5, 1), date(2025, 5, 1))
    text = "".join(platform.reports.dashboard.reports_csv(ADMIN, window))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[0]["description"].startswith("'=")
    assert rows[1]["reference"] == "'+老王面馆"
    assert rows[0]["created_at"] == "2025-05-01T00:30:00+08:00"
    assert "Wang" not in text
    assert "rider" not in text
    counts = list(csv.reader(io.StringIO(platform.reports.dashboard.counts_csv(ADMIN, window))))
    assert counts[0] == ["day", "subdistrict", "category", "status", "count"]
    assert sorted(counts[1:]) == [
        ["2025-05-01", "changzheng", "food_safety", "submitted", "1"],
        ["2025-05-01", "wanli", "fire_passage_blocked", "submitted", "1"],
    ]


def test_windows_are_checked_and_riders_are_kept_out(platform: Platform, ready: World) -> None:
    dash = platform.reports.dashboard
    with pytest.raises(InvalidInput, match="366"):
        dash.window(date(2024, 1, 1), date(2025, 5, 1))
    with pytest.raises(InvalidInput):
        dash.window(date(2025, 5, 2), date(2025, 5, 1))
    with pytest.raises(InvalidInput):
        dash.window(None, None, subdistrict="atlantis")
    with pytest.raises(Forbidden):
        dash.summary(principal(platform, "rider"), dash.window(None, None))
    assert dash.summary(principal(platform, "officer"), dash.window(None, None)).total == 0


def test_long_windows_answered_from_the_rollups_agree_with_the_reports(
    platform: Platform, ready: World
) -> None:
    # Filed from 20 March to mid-May, resolved after 10 minutes to 3 days: a window from
    # 25 March to 10 May reads April from month rows and the ends from day rows.
    first = datetime(2025, 3, 20, 4, 0, tzinfo=UTC)
    plan = [(0, 0.2), (6, 1.5), (8, 30), (12, 70), (20, 0), (27, 5), (33, 2), (40, 9),
            (41, 0.5), (44, 48), (48, 3), (52, 0)]  # fmt: skip
    for n, (day, hours) in enumerate(plan):
        start = first + timedelta(days=day)
        at(platform, start)
        place = CHANGZHENG if n % 3 == 0 else WANLI
        report = new_report(platform, category="road_hazard", at=place)
        if hours:
            resolve_after(
                platform, report, start, hours, "officer2" if place == CHANGZHENG else "officer"
            )
    at(platform, datetime(2025, 6, 1, tzinfo=UTC))
    dash = platform.reports.dashboard
    for since, until, sub, category in [
        (date(2025, 3, 25), date(2025, 5, 10), None, None),
        (date(2025, 4, 1), date(2025, 4, 30), None, None),
        (date(2025, 3, 25), date(2025, 5, 10), "changzheng", None),
        (date(2025, 3, 25), date(2025, 5, 10), "changzheng", Category.road_hazard),
        (date(2025, 3, 25), date(2025, 5, 10), None, Category.road_hazard),
        (date(2025, 3, 25), date(2025, 5, 10), None, Category.fire_hazard),
        (date(2025, 3, 1), date(2025, 5, 31), None, None),
    ]:
        window = dash.window(since, until, sub, category)
        summary = dash.summary(ADMIN, window)
        with platform.factory() as session:
            assert summary.resolution == dash.resolution_from_reports(session, window)
        heat = dash.heatmap(ADMIN, window)
        assert sum(c[2] for c in heat.cells) == summary.total
    whole = dash.summary(ADMIN, dash.window(date(2025, 3, 1), date(2025, 5, 31)))
    assert whole.total == len(plan)
    assert whole.resolution.resolved == sum(1 for _, h in plan if h)
    tz = ZoneInfo(platform.settings.timezone)
    with platform.factory() as session:
        heat_rows, resolution_rows = stats.dashboard_rollups(session, tz)
        for table, expected in (
            (ReportHeatCount, heat_rows),
            (ReportResolutionCount, resolution_rows),
        ):
            stored = [
                {c.name: getattr(row, c.name) for c in table.__table__.columns}
                for row in session.scalars(select(table))
            ]
            key = sorted(expected[0])
            assert sorted(tuple(r[k] for k in key) for r in stored) == sorted(
                tuple(r[k] for k in key) for r in expected
            )


def _rollup_rows(platform: Platform) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    with platform.factory() as session:
        heat = {
            (r.grain, r.period, r.subdistrict, r.category, r.cx, r.cy, r.count)
            for r in session.scalars(select(ReportHeatCount))
        }
        resolution = {
            (r.grain, r.period, r.subdistrict, r.category, r.bucket, r.count, r.within_sla)
            for r in session.scalars(select(ReportResolutionCount))
        }
    return heat, resolution


def test_the_migration_counts_the_reports_stored_before_it(
    platform: Platform, ready: World
) -> None:
    start = MAY_FIRST_EARLY
    for n, hours in enumerate([2, 30, 0]):
        at(platform, start + timedelta(days=n))
        report = new_report(platform, category="road_hazard")
        if hours:
            resolve_after(platform, report, start + timedelta(days=n), hours)
    kept = _rollup_rows(platform)
    assert all(kept)
    downgrade(platform.engine, "0004")  # as before the rollups existed
    upgrade(platform.engine)
    assert _rollup_rows(platform) == kept
    with transaction(platform.factory) as session:  # lost, as after a bulk load
        session.execute(delete(ReportHeatCount))
        session.execute(delete(ReportResolutionCount))
    platform.reports.recount()
    assert _rollup_rows(platform) == kept
