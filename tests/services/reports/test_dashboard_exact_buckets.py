"""The dashboard's median and p90 stay exact when many resolutions share one rollup bucket,
and resolutions count on the local day they happened (Asia/Shanghai, UTC+8)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gigcity.db.rollups import resolution_bucket
from gigcity.services.platform import Platform
from services.reports.reports_support import ADMIN, new_report
from services.reports.test_dashboard import at, resolve_after
from support import World

# Filed at 22:00 local on 3 May; resolved in 1 h 55 min to 2 h 0 min 30 s, the last just
# after local midnight (4 May). All seven times fall in one bucket of the rollup.
FILED = datetime(2025, 5, 3, 14, 0, tzinfo=UTC)
SECONDS = [7120, 6960, 7040, 6980, 7080, 7000, 7230]


def test_ranks_inside_one_bucket_and_local_midnight(platform: Platform, ready: World) -> None:
    assert len({resolution_bucket(s) for s in SECONDS}) == 1
    for s in SECONDS:
        at(platform, FILED)
        resolve_after(platform, new_report(platform, category="road_hazard"), FILED, s / 3600)
    at(platform, datetime(2025, 6, 2, tzinfo=UTC))
    dash = platform.reports.dashboard

    before_midnight = dash.summary(ADMIN, dash.window(date(2025, 5, 1), date(2025, 5, 3)))
    res = before_midnight.resolution
    assert res.resolved == 6  # 6960 ... 7120 s; 7230 s ends at 00:00:30 on 4 May
    assert res.median_hours == pytest.approx(round(7020 / 3600, 2))  # (7000 + 7040) / 2
    assert res.p90_hours == pytest.approx(round(7100 / 3600, 2))  # 7080 + 0.5 * 40

    after_midnight = dash.summary(ADMIN, dash.window(date(2025, 5, 4), date(2025, 5, 4)))
    assert after_midnight.resolution.resolved == 1
    assert after_midnight.resolution.median_hours == pytest.approx(round(7230 / 3600, 2))

    for since, until in [
        (date(2025, 5, 1), date(2025, 5, 31)),
        (date(2025, 4, 20), date(2025, 5, 3)),
    ]:
        window = dash.window(since, until)
        with platform.factory() as session:
            expected = dash.resolution_from_reports(session, window)
        assert dash.summary(ADMIN, window).resolution == expected
    whole_may = dash.summary(ADMIN, dash.window(date(2025, 5, 1), date(2025, 5, 31)))
    assert whole_may.resolution.median_hours == pytest.approx(round(7040 / 3600, 2))
