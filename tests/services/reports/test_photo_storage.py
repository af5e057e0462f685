"""Report photos in the platform's file store: stored through one worker and served by any
other (an S3-compatible bucket shared by both, on SQLite and PostgreSQL), found where
existing installations kept them (data_dir/reports/photos), and a store that is down is a
503 with nothing half-written, neither a row nor a stray file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gigcity.app import create_app
from gigcity.config import Settings
from gigcity.db.models import ReportPhoto
from gigcity.services.accounts import Principal
from gigcity.services.platform import Platform
from gigcity.services.reports import PhotoStore
from gigcity.services.storage import FileStore, LocalFileStore, StorageUnavailable
from services.reports.reports_support import WANLI, jpeg, scene, setup_district
from services.s3_support import S3Server
from support import make_world, principal, token

PHOTO = "0f" + "1" * 30 + ".jpg"


def _platform(settings: Settings) -> Platform:
    platform = Platform.from_settings(settings)
    platform.upgrade_database()
    return platform


@pytest.fixture
def workers(
    database_url: str, tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two workers (platforms and apps) built from the same settings: one database, one
    bucket, and separate data directories, as on two hosts."""
    clients = []
    platforms = []
    for host in ("host-a", "host-b"):
        settings = Settings(
            mode="dev",
            database_url=database_url,
            secret_key="",
            data_dir=tmp_path / host,
            **s3_server.settings(s3_bucket, "gigcity"),
        )
        platforms.append(_platform(settings))
        clients.append(TestClient(create_app(settings, platforms[-1])))
    setup_district(platforms[0], make_world(platforms[0]))
    with clients[0] as first, clients[1] as second:
        yield first, second
    for platform in platforms:
        platform.close()


def _upload(client: TestClient, who: dict[str, str], seed: int = 1) -> Any:
    return client.post(
        "/api/reports/photos",
        headers=who,
        files={"file": ("photo.jpg", jpeg(scene(seed=seed)), "image/jpeg")},
    )


def test_a_photo_stored_by_one_worker_is_served_by_another(
    workers: tuple[TestClient, TestClient], s3_server: S3Server, s3_bucket: str, tmp_path: Path
) -> None:
    first, second = workers
    rider = token(first, "rider")
    uploaded = _upload(first, rider)
    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()
    name = photo["url"].rsplit("/", 1)[1]
    stored = s3_server.client().get_object(
        Bucket=s3_bucket, Key=f"gigcity/reports/photos/{name[:2]}/{name}"
    )
    served = second.get(photo["url"], headers=rider)
    assert served.status_code == 200
    assert served.content == stored["Body"].read()
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, max-age=3600"
    assert second.get(photo["thumb_url"], headers=rider).content[:3] == b"\xff\xd8\xff"
    # Filed through the second worker, the report shows the photo from the first.
    body = {"category": "fire_passage_blocked", "lon": WANLI[0], "lat": WANLI[1]}
    report = second.post("/api/reports", headers=rider, json=body | {"photo_ids": [photo["id"]]})
    assert report.status_code == 201, report.text
    assert report.json()["photos"][0]["url"] == photo["url"]
    assert not list(tmp_path.rglob("*.jpg"))  # nothing on either host's disk


def test_photos_of_an_existing_installation_are_found_where_they_were(
    database_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    old_place = data_dir / "reports" / "photos" / PHOTO[:2] / PHOTO
    old_place.parent.mkdir(parents=True)
    old_place.write_bytes(jpeg())
    settings = Settings(mode="dev", database_url=database_url, secret_key="", data_dir=data_dir)
    platform = _platform(settings)
    try:
        make_world(platform)
        _photo_row(platform, PHOTO, principal(platform, "rider"))
        with TestClient(create_app(settings, platform)) as client:
            served = client.get(f"/api/reports/photos/{PHOTO}", headers=token(client, "rider"))
    finally:
        platform.close()
    assert served.status_code == 200
    assert served.content == old_place.read_bytes()


@pytest.fixture
def store_down(
    database_url: str, tmp_path: Path, s3_server: S3Server, closed_port_url: str
) -> Iterator[tuple[Platform, TestClient]]:
    fields = s3_server.settings("photos") | {"s3_endpoint_url": closed_port_url}
    settings = Settings(
        mode="dev", database_url=database_url, secret_key="", data_dir=tmp_path, **fields
    )
    platform = _platform(settings)
    make_world(platform)
    with TestClient(create_app(settings, platform)) as client:
        yield platform, client
    platform.close()


def _photo_row(platform: Platform, name: str, uploader: Principal) -> None:
    """The database's record of a photo `uploader` sent (the file is wherever it is)."""
    with platform.factory.begin() as session:
        session.add(
            ReportPhoto(
                kind="report",
                name=name,
                width=320,
                height=200,
                bytes=1,
                sha256="0" * 64,
                dhash=0,
                band0=0,
                band1=0,
                band2=0,
                band3=0,
                uploaded_by=uploader.account_id,
            )
        )


def _photo_rows(platform: Platform) -> int:
    with platform.factory() as session:
        return int(session.scalar(select(func.count()).select_from(ReportPhoto)) or 0)


def test_a_store_that_is_down_is_a_503_and_nothing_is_written(
    store_down: tuple[Platform, TestClient],
) -> None:
    platform, client = store_down
    refused = _upload(client, token(client, "rider"))
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("storage-unavailable")
    assert _photo_rows(platform) == 0
    _photo_row(platform, PHOTO, principal(platform, "rider"))
    read = client.get(f"/api/reports/photos/{PHOTO}", headers=token(client, "rider"))
    assert read.status_code == 503  # not "there is no such photo": it may well exist


class FailingSecondWrite:
    """A store whose second write fails: the photo is stored, its thumbnail is not."""

    def __init__(self, inner: FileStore) -> None:
        self.inner = inner
        self.puts = 0

    def put(self, key: str, data: bytes, content_type: str = "") -> None:
        self.puts += 1
        if self.puts == 2:
            raise StorageUnavailable()
        self.inner.put(key, data, content_type)

    def get(self, key: str) -> bytes | None:
        return self.inner.get(key)

    def delete(self, key: str) -> None:
        self.inner.delete(key)

    def check(self) -> None:
        self.inner.check()


def test_a_photo_half_stored_is_taken_back(platform: Platform, tmp_path: Path) -> None:
    make_world(platform)
    platform.reports.photos = PhotoStore(FailingSecondWrite(LocalFileStore(tmp_path / "files")))
    rider: Principal = principal(platform, "rider")
    with pytest.raises(StorageUnavailable):
        platform.reports.stage_photo(rider, jpeg())
    assert _photo_rows(platform) == 0
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
