"""Files behind one interface, so that any worker on any host reads what another stored: a
directory (the embedded default, or a share every host mounts) or an S3-compatible bucket
(MinIO, Alibaba OSS, AWS S3; the `s3` extra). See docs/storage.md."""

from gigcity.services.storage.errors import StorageConfigError, StorageUnavailable
from gigcity.services.storage.from_settings import file_store_from_settings
from gigcity.services.storage.keys import BadKey, check_key, join_key
from gigcity.services.storage.local import LocalFileStore
from gigcity.services.storage.s3 import S3FileStore, S3Location
from gigcity.services.storage.store import FileStore

__all__ = [
    "BadKey",
    "FileStore",
    "LocalFileStore",
    "S3FileStore",
    "S3Location",
    "StorageConfigError",
    "StorageUnavailable",
    "check_key",
    "file_store_from_settings",
    "join_key",
]
