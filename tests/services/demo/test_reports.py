"""The demo's reports show the product: the dashboard's heatmap has cells, the reports have
photos stored as uploads are, and the demo accounts are labelled with sub-district names
(桃浦镇), never codes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from gigcity.config import Settings
from gigcity.db.models import Report, ReportHeatCount, ReportPhoto, ReportResolutionCount
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.demo import seed_demo, seed_platform
from gigcity.services.demo.accounts import demo_logins, subdistrict_label
from gigcity.services.demo.photos import SCENES, demo_picture
from gigcity.services.platform import Platform
from gigcity.services.reports import stats

ADMIN = Principal(role=Role.admin, label="test-admin")


@pytest.fixture
def demo_platform(database_url: str, tmp_path: Path) -> Iterator[Platform]:
    """A platform whose files (the photos) live under this test's directory."""
    settings = Settings(
        mode="dev", database_url=database_url, secret_key="", data_dir=tmp_path / "data"
    )
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    yield platform
    platform.close()


def test_the_demo_fills_the_dashboard_heatmap_as_intake_does(demo_platform: Platform) -> None:
    seed_platform(demo_platform, count=60, deliveries=False)
    dashboard = demo_platform.reports.dashboard
    heatmap = dashboard.heatmap(ADMIN, dashboard.window(None, None))
    assert heatmap.cells, "the demo's dashboard heatmap is empty"
    assert heatmap.max >= 1
    with demo_platform.factory() as session:
        filed = session.scalar(select(func.count()).select_from(Report))
        stored = {
            (r.grain, r.period, r.subdistrict, r.category, r.cx, r.cy): r.count
            for r in session.scalars(select(ReportHeatCount))
        }
        resolved = {
            (r.grain, r.period, r.subdistrict, r.category, r.bucket): (r.count, r.within_sla)
            for r in session.scalars(select(ReportResolutionCount))
        }
        # The rollups are what a recount from the reports themselves says they should be.
        heat, resolution = stats.dashboard_rollups(
            session, ZoneInfo(demo_platform.settings.timezone)
        )
    heat_key = ("grain", "period", "subdistrict", "category", "cx", "cy")
    assert stored == {tuple(row[k] for k in heat_key): row["count"] for row in heat}
    resolution_key = ("grain", "period", "subdistrict", "category", "bucket")
    assert resolved == {
        tuple(row[k] for k in resolution_key): (row["count"], row["within_sla"])
        for row in resolution
    }
    # Each report is in one day cell of its sub-district's "every category" row.
    assert sum(n for key, n in stored.items() if key[0] == "d" and key[3] == "*") == filed


def test_demo_reports_have_photos_stored_as_uploads_are(demo_platform: Platform) -> None:
    seed_platform(demo_platform, count=60, deliveries=False)
    with demo_platform.factory() as session:
        reports = session.scalar(select(func.count()).select_from(Report)) or 0
        photos = session.scalars(select(ReportPhoto)).all()
    assert reports > 0
    assert 0.6 * reports <= len(photos) <= reports
    assert {p.kind for p in photos} == {"report"}
    assert all(p.report_id is not None and p.uploaded_by is not None for p in photos)
    for photo in photos[:5]:
        data = demo_platform.reports.photo_file(photo.name)
        assert data is not None, f"photo {photo.name} is not in the file store"
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert (image.width, image.height) == (photo.width, photo.height)


def test_demo_reports_are_the_same_with_or_without_photos(
    demo_platform: Platform, tmp_path: Path
) -> None:
    """Photos draw from their own seed: the reports (and their fates) do not change."""
    seed_platform(demo_platform, count=60, deliveries=False)
    plain = Platform.from_settings(
        Settings(
            mode="dev",
            database_url=f"sqlite:///{tmp_path / 'plain.db'}",
            secret_key="",
            data_dir=tmp_path / "plain",
        )
    )
    plain.upgrade_database()
    try:
        with transaction(plain.factory) as session:
            seed_demo(session, plain.district, count=60)  # no photo store: no photos
        columns = (Report.category, Report.status, Report.description, Report.subdistrict)
        with plain.factory() as session:
            without = session.execute(select(*columns).order_by(Report.id)).all()
            assert session.scalar(select(func.count()).select_from(ReportPhoto)) == 0
    finally:
        plain.close()
    with demo_platform.factory() as session:
        with_photos = session.execute(select(*columns).order_by(Report.id)).all()
    assert without
    assert without == with_photos


def test_demo_pictures_are_deterministic_and_differ() -> None:
    for category in SCENES:
        assert demo_picture(category, 1) == demo_picture(category, 1)
        assert demo_picture(category, 1) != demo_picture(category, 2)


def test_the_demo_officer_is_labelled_with_the_sub_districts_name(
    demo_platform: Platform,
) -> None:
    with transaction(demo_platform.factory) as session:
        logins = seed_demo(session, demo_platform.district, count=60)
    officer = next(login for login in logins if login.username == "officer")
    staff = next(login for login in logins if login.username == "staff")
    assert officer.note == "桃浦镇网格员"
    assert "taopu" not in officer.note.lower()
    assert staff.note == "居高司机之家的站点工作人员"
    with demo_platform.factory() as session:
        english = {
            lg.username: lg.note for lg in demo_logins(session, demo_platform.district, "en")
        }
    assert english["officer"] == "grid officer of Taopu Town"
    assert english["admin"] == "district admin"


def test_sub_district_labels_in_each_language(demo_platform: Platform) -> None:
    district = demo_platform.district
    town = next(s for s in district.subdistricts if s.kind == "town")
    street = next(s for s in district.subdistricts if s.kind != "town")
    assert subdistrict_label(district, town.code, "zh_CN") == town.name
    assert subdistrict_label(district, town.code, "en") == f"{town.pinyin} Town"
    assert subdistrict_label(district, street.code, "en") == f"{street.pinyin} Subdistrict"
    assert subdistrict_label(district, None, "en") == ""
