"""The file store contract, run against both stores: a directory of this host and an
S3-compatible bucket (moto's server). What goes in comes out, a write replaces the whole
file at once, deleting is idempotent, keys cannot reach outside the store, and a store that
cannot be reached is StorageUnavailable (a 503), never a crash or a missing file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gigcity.services.storage import (
    BadKey,
    FileStore,
    LocalFileStore,
    S3FileStore,
    S3Location,
    StorageUnavailable,
)
from services.s3_support import S3Server

EVIL_KEYS = [
    "",
    "../outside",
    "a/../../outside",
    "/etc/passwd",
    "a\\..\\outside",
    "a\x00b",
    "a//b",
    "./a",
    "a/.",
    "a/",
    "x" * 1025,
]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    server: S3Server = request.getfixturevalue("s3_server")
    return S3FileStore(server.location(request.getfixturevalue("s3_bucket"), "some/prefix"))


def test_a_store_that_works_passes_its_readiness_check_without_writing(
    store: FileStore, tmp_path: Path
) -> None:
    store.check()  # the local root does not exist yet: it will be made on the first put
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    store.put("a.jpg", b"x")
    store.check()


def test_what_goes_in_comes_out(store: FileStore) -> None:
    data = bytes(range(256)) * 64
    store.put("reports/photos/ab/ab12.jpg", data, "image/jpeg")
    store.put("top-level.bin", b"")
    assert store.get("reports/photos/ab/ab12.jpg") == data
    assert store.get("top-level.bin") == b""


def test_a_missing_file_is_none_and_deleting_it_is_no_error(store: FileStore) -> None:
    assert store.get("never/stored.jpg") is None
    store.delete("never/stored.jpg")
    store.put("once.txt", b"x")
    store.delete("once.txt")
    store.delete("once.txt")  # a retried delete
    assert store.get("once.txt") is None


def test_a_directory_of_other_files_is_not_a_file(store: FileStore) -> None:
    store.put("dir/inner.txt", b"x")
    assert store.get("dir") is None
    store.delete("dir")
    assert store.get("dir/inner.txt") == b"x"


def test_an_overwrite_is_seen_whole_or_not_at_all(store: FileStore) -> None:
    old, new = b"a" * 400_000, b"b" * 300_000
    store.put("photo.jpg", old)
    seen: list[bytes | None] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(store.get("photo.jpg"))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(12):
            store.put("photo.jpg", new if i % 2 == 0 else old)
    finally:
        stop.set()
        reader.join()
    assert seen
    assert set(seen) <= {old, new}
    store.put("photo.jpg", new)
    assert store.get("photo.jpg") == new


@pytest.mark.parametrize("key", EVIL_KEYS)
def test_keys_that_could_escape_are_refused(store: FileStore, tmp_path: Path, key: str) -> None:
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(BadKey):
        store.put(key, b"evil")
    with pytest.raises(BadKey):
        store.get(key)
    with pytest.raises(BadKey):
        store.delete(key)
    assert sorted(tmp_path.rglob("*")) == before


def test_the_local_store_writes_under_its_root_only_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    store = LocalFileStore(tmp_path / "root")
    store.put("reports/photos/ab/name.jpg", b"one")
    store.put("reports/photos/ab/name.jpg", b"two")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [tmp_path / "root" / "reports" / "photos" / "ab" / "name.jpg"]
    assert files[0].read_bytes() == b"two"


def test_s3_keeps_files_under_the_prefix_with_their_content_type(
    s3_server: S3Server, s3_bucket: str
) -> None:
    store = S3FileStore(s3_server.location(s3_bucket, "/city/files/"))
    store.put("reports/photos/ab/name.jpg", b"jpeg", "image/jpeg")
    client = s3_server.client()
    listed = client.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [o["Key"] for o in listed] == ["city/files/reports/photos/ab/name.jpg"]
    head = client.head_object(Bucket=s3_bucket, Key="city/files/reports/photos/ab/name.jpg")
    assert head["ContentType"] == "image/jpeg"


def _s3_down(closed_port_url: str) -> S3FileStore:
    return S3FileStore(
        S3Location(
            bucket="photos",
            endpoint_url=closed_port_url,
            region="us-east-1",
            access_key_id="x",
            secret_access_key="y",
        )
    )


def test_a_store_that_cannot_be_reached_is_unavailable(closed_port_url: str) -> None:
    store = _s3_down(closed_port_url)
    for attempt in (
        lambda: store.put("a.jpg", b"x"),
        lambda: store.get("a.jpg"),
        lambda: store.delete("a.jpg"),
    ):
        with pytest.raises(StorageUnavailable) as caught:
            attempt()
        assert caught.value.status == 503
    with pytest.raises(StorageUnavailable):
        store.check()


def test_a_missing_bucket_is_unavailable_not_a_missing_file(s3_server: S3Server) -> None:
    store = S3FileStore(s3_server.location("no-such-bucket-here"))
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.get("a.jpg")
    with pytest.raises(StorageUnavailable):
        store.put("a.jpg", b"x")


def test_a_local_root_that_cannot_be_written_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    store = LocalFileStore(blocker)
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.put("a.jpg", b"x")
    assert store.get("a.jpg") is None
