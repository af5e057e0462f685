"""Retention of photos: those of reports closed or rejected longer ago than the period are
deleted, files and rows; those of open reports, of reports finished recently, and of a
duplicate merged into a report still open are kept. A report without its photos still
reads as before, over the API and Open311. A file the store cannot delete keeps its row for
the next run, which then removes both."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gigcity.db.models import ReportPhoto, utcnow
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    DispatchIn,
    NoteIn,
    PhotoStore,
    RejectIn,
    ResolveIn,
)
from gigcity.services.reports.photos import thumb_name
from gigcity.services.storage import FileStore, StorageUnavailable
from services.reports.reports_support import ADMIN, jpeg, new_report, scene
from support import World, principal, token

KEEP = timedelta(days=365)
NOW = utcnow()
LONG_AGO = NOW - timedelta(days=400)
RECENTLY = NOW - timedelta(days=10)


def _at(platform: Platform, when: datetime) -> None:
    platform.reports.clock = lambda: when


def _report_with_photo(platform: Platform, seed: int) -> tuple[int, str]:
    photo = platform.reports.stage_photo(principal(platform, "rider"), jpeg(scene(seed=seed)))
    return new_report(platform, photo_ids=[photo.id]), photo.url.rsplit("/", 1)[1]


def _close(platform: Platform, report_id: int, seed: int) -> str:
    """Take a report all the way to closed, with an after photo; the after photo's name."""
    officer = principal(platform, "officer")
    reports = platform.reports
    reports.accept(officer, report_id, NoteIn())
    reports.dispatch(officer, report_id, DispatchIn(to="the estate's manager"))
    reports.start(officer, report_id, NoteIn())
    after = reports.stage_photo(officer, jpeg(scene(seed=seed)))
    reports.resolve(officer, report_id, ResolveIn(photo_ids=[after.id]))
    reports.close(officer, report_id, NoteIn())
    return after.url.rsplit("/", 1)[1]


def _stored(platform: Platform, name: str) -> bool:
    with platform.factory() as session:
        row = session.scalar(select(ReportPhoto.id).where(ReportPhoto.name == name))
    files = [platform.reports.photo_file(n) for n in (name, thumb_name(name))]
    assert (row is None) == (files == [None, None]), "a row and its files go together"
    return row is not None


@pytest.fixture
def history(platform: Platform, ready: World) -> dict[str, tuple[int, list[str]]]:
    """Reports of each kind, by what should happen to their photos."""
    officer = principal(platform, "officer")
    _at(platform, LONG_AGO)
    closed, closed_photo = _report_with_photo(platform, 1)
    closed_after = _close(platform, closed, 2)
    rejected, rejected_photo = _report_with_photo(platform, 3)
    platform.reports.reject(officer, rejected, RejectIn(reason="invalid"))
    still_open, open_photo = _report_with_photo(platform, 1)  # near-identical to `closed`'s
    merged, merged_photo = _report_with_photo(platform, 4)
    platform.reports.reject(officer, merged, RejectIn(reason="duplicate", duplicate_of=still_open))
    late, late_photo = _report_with_photo(platform, 5)
    _at(platform, RECENTLY)
    late_after = _close(platform, late, 6)
    _at(platform, NOW)
    return {
        "closed long ago": (closed, [closed_photo, closed_after]),
        "rejected long ago": (rejected, [rejected_photo]),
        "open": (still_open, [open_photo]),
        "merged into an open report": (merged, [merged_photo]),
        "closed recently": (late, [late_photo, late_after]),
    }


def test_only_photos_of_reports_finished_before_the_cutoff_go(
    platform: Platform, history: dict[str, tuple[int, list[str]]]
) -> None:
    open_id, closed_id = history["open"][0], history["closed long ago"][0]
    before = platform.reports.get(ADMIN, open_id)
    assert closed_id in [p.near_report_id for p in before.photos]  # near-identical photos
    assert platform.reports.purge_resolved_photos(KEEP, batch=2) == 3
    gone = {"closed long ago", "rejected long ago"}
    for kind, (_, names) in history.items():
        for name in names:
            assert _stored(platform, name) == (kind not in gone), kind
    assert platform.reports.purge_resolved_photos(KEEP) == 0  # nothing left to do
    # The open report still shows its own photo and the merged duplicate's; the link to the
    # closed report's near-identical photo is gone with that photo.
    after = platform.reports.get(ADMIN, open_id)
    shown = [p.url.rsplit("/", 1)[1] for p in after.photos]
    assert shown == history["open"][1] + history["merged into an open report"][1]
    assert [p.near_report_id for p in after.photos] == [None, None]


def test_the_period_comes_from_the_settings_by_default(
    platform: Platform, history: dict[str, tuple[int, list[str]]]
) -> None:
    platform.reports.resolved_photo_retention = timedelta(days=5)
    assert platform.reports.purge_resolved_photos() == 5
    assert not _stored(platform, history["closed recently"][1][0])


def test_a_report_whose_photos_went_still_reads(
    platform: Platform, history: dict[str, tuple[int, list[str]]], client: TestClient
) -> None:
    report_id, names = history["closed long ago"]
    platform.reports.purge_resolved_photos(KEEP)
    view = platform.reports.get(ADMIN, report_id)
    assert (view.status, view.photos, view.after_photos) == ("closed", [], [])
    rider = token(client, "rider")
    mine = client.get(f"/api/reports/{report_id}", headers=rider)
    assert mine.status_code == 200
    assert mine.json()["photos"] == []
    assert client.get(f"/api/reports/photos/{names[0]}").status_code == 404
    public = client.get(f"/open311/v2/requests/{report_id}.json")
    assert public.status_code == 200
    assert public.json()[0].get("media_url") is None
    assert client.get("/api/reports/mine", headers=rider).status_code == 200


class RefusesToDelete:
    """A store that cannot delete one photo's files (say, a permission it lacks)."""

    def __init__(self, inner: FileStore, name: str) -> None:
        self.inner = inner
        self.name = name.removesuffix(".jpg")

    def put(self, key: str, data: bytes, content_type: str = "") -> None:
        self.inner.put(key, data, content_type)

    def get(self, key: str) -> bytes | None:
        return self.inner.get(key)

    def delete(self, key: str) -> None:
        if self.name in key:
            raise StorageUnavailable()
        self.inner.delete(key)


def test_a_photo_whose_files_cannot_be_deleted_waits_for_the_next_run(
    platform: Platform, history: dict[str, tuple[int, list[str]]]
) -> None:
    stuck = history["rejected long ago"][1][0]
    healthy = platform.reports.photos
    platform.reports.photos = PhotoStore(RefusesToDelete(healthy.files, stuck), healthy.prefix)
    assert platform.reports.purge_resolved_photos(KEEP, batch=1) == 2
    platform.reports.photos = healthy
    assert _stored(platform, stuck)  # the row is still there to find the file by
    assert platform.reports.purge_resolved_photos(KEEP) == 1
    assert not _stored(platform, stuck)
