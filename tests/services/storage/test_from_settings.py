"""Choosing the store from the settings: the default keeps files under data_dir, a file URL
names a directory, an s3 URL a bucket; a URL that cannot work stops the platform at start
with a message naming the setting. boto3 is imported only when a bucket is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gigcity.config import Settings
from gigcity.services.storage import (
    LocalFileStore,
    S3FileStore,
    StorageConfigError,
    file_store_from_settings,
)


def _settings(tmp_path: Path, **fields: Any) -> Settings:
    return Settings(mode="dev", data_dir=tmp_path / "data", secret_key="", **fields)


def test_by_default_files_live_under_data_dir(tmp_path: Path) -> None:
    store = file_store_from_settings(_settings(tmp_path))
    assert isinstance(store, LocalFileStore)
    assert store.root == tmp_path / "data"


def test_a_file_url_names_a_directory(tmp_path: Path) -> None:
    shared = tmp_path / "shared files"
    store = file_store_from_settings(_settings(tmp_path, storage_url=shared.as_uri()))
    assert isinstance(store, LocalFileStore)
    assert store.root == shared
    store.put("a/b.txt", b"x")
    assert (shared / "a" / "b.txt").read_bytes() == b"x"


def test_an_s3_url_names_a_bucket_and_a_prefix(tmp_path: Path) -> None:
    store = file_store_from_settings(
        _settings(
            tmp_path,
            storage_url="s3://city-files/gigcity/prod/?addressing_style=virtual",
            s3_endpoint_url="https://s3.oss-cn-shanghai.aliyuncs.com",
            s3_region="cn-shanghai",
            s3_access_key_id="id",
            s3_secret_access_key="secret",
        )
    )
    assert isinstance(store, S3FileStore)
    assert (store.bucket, store.prefix) == ("city-files", "gigcity/prod")
    assert store.location.addressing_style == "virtual"
    assert store.location.endpoint_url == "https://s3.oss-cn-shanghai.aliyuncs.com"


@pytest.mark.parametrize(
    ("fields", "setting", "says"),
    [
        ({"storage_url": "ftp://files"}, "GIGCITY_STORAGE_URL", "scheme 'ftp'"),
        ({"storage_url": "var/files"}, "GIGCITY_STORAGE_URL", "no scheme"),
        ({"storage_url": "file://var/files"}, "GIGCITY_STORAGE_URL", "file:///path"),
        ({"storage_url": "s3://"}, "GIGCITY_STORAGE_URL", "names no bucket"),
        ({"storage_url": "s3:///photos"}, "GIGCITY_STORAGE_URL", "names no bucket"),
        ({"storage_url": "s3://My_Bucket"}, "GIGCITY_STORAGE_URL", "not a bucket name"),
        ({"storage_url": "s3://minio:9000/files"}, "GIGCITY_STORAGE_URL", "s3_endpoint_url"),
        ({"storage_url": "s3://files/a/../b"}, "GIGCITY_STORAGE_URL", "prefix"),
        ({"storage_url": "s3://files?region=x"}, "GIGCITY_STORAGE_URL", "addressing_style"),
        (
            {"storage_url": "s3://files?addressing_style=sideways"},
            "GIGCITY_STORAGE_URL",
            "auto, path, virtual",
        ),
        (
            {"storage_url": "s3://files", "s3_endpoint_url": "minio:9000"},
            "GIGCITY_S3_ENDPOINT_URL",
            "http",
        ),
        (
            {"storage_url": "s3://files", "s3_access_key_id": "id"},
            "GIGCITY_S3_SECRET_ACCESS_KEY",
            "set both",
        ),
    ],
)
def test_a_url_that_cannot_work_is_refused_naming_the_setting(
    tmp_path: Path, fields: dict[str, str], setting: str, says: str
) -> None:
    with pytest.raises(StorageConfigError) as caught:
        file_store_from_settings(_settings(tmp_path, **fields))
    assert str(caught.value).startswith(setting)
    assert says in str(caught.value)


def test_credentials_in_the_url_are_refused_without_repeating_them(tmp_path: Path) -> None:
    with pytest.raises(StorageConfigError) as caught:
        file_store_from_settings(_settings(tmp_path, storage_url="s3://AKID:s3cr3t@files"))
    assert "s3_access_key_id" in str(caught.value)
    assert "s3cr3t" not in str(caught.value)


def test_the_default_store_does_not_import_boto3() -> None:
    probe = (
        "import sys\n"
        "from gigcity.config import Settings\n"
        "from gigcity.services.reports import ReportsService\n"
        "from gigcity.services.storage import file_store_from_settings\n"
        "file_store_from_settings(Settings(mode='dev'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
