"""Which store the settings name: `storage_url` empty = `data_dir` on this host, `file:///path`
= a directory (local or mounted), `s3://bucket/prefix` = an S3-compatible bucket reached with
the `s3_*` settings. A URL that cannot work stops the platform at start, naming the setting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from gigcity.config import Settings
from gigcity.services.storage.errors import StorageConfigError
from gigcity.services.storage.keys import BadKey, check_key
from gigcity.services.storage.local import LocalFileStore
from gigcity.services.storage.s3 import AddressingStyle, S3FileStore, S3Location
from gigcity.services.storage.store import FileStore

# S3's rules for bucket names (OSS's are the same, less the dots).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_EXAMPLES = "use file:///path/to/files or s3://bucket/prefix"


def _bad(setting: str, problem: str) -> StorageConfigError:
    return StorageConfigError(f"GIGCITY_{setting.upper()} ({setting}): {problem}")


def file_store_from_settings(settings: Settings) -> FileStore:
    """The store `settings.storage_url` names; StorageConfigError when it cannot work."""
    url = settings.storage_url.strip()
    if not url:
        return LocalFileStore(settings.data_dir)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return LocalFileStore(_directory(parts, url))
    if scheme == "s3":
        return S3FileStore(_s3_location(parts, url, settings))
    if not scheme:
        raise _bad("storage_url", f"{url!r} has no scheme; {_EXAMPLES}")
    raise _bad("storage_url", f"the scheme {scheme!r} of {url!r} is not known; {_EXAMPLES}")


def _directory(parts: SplitResult, url: str) -> Path:
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        raise _bad(
            "storage_url", f"{url!r} is not an absolute file URL; write file:///path/to/files"
        )
    if parts.query or parts.fragment:
        raise _bad("storage_url", f"{url!r}: a file URL takes no ?query or #fragment")
    return Path(unquote(parts.path))


def _s3_location(parts: SplitResult, url: str, settings: Settings) -> S3Location:
    if parts.username or parts.password:  # not echoed: it holds a secret
        raise _bad(
            "storage_url",
            "an s3:// URL holds no credentials; set s3_access_key_id and s3_secret_access_key",
        )
    bucket = parts.netloc  # as written: hostname would lower-case it
    if not bucket:
        raise _bad("storage_url", f"{url!r} names no bucket; write s3://bucket/prefix")
    if not _BUCKET.match(bucket):
        raise _bad(
            "storage_url",
            f"{bucket!r} is not a bucket name (3-63 lower-case letters, digits, dots "
            "and hyphens); the store's address goes in s3_endpoint_url",
        )
    prefix = unquote(parts.path).strip("/")
    if prefix:
        try:
            check_key(prefix)
        except BadKey as exc:
            raise _bad("storage_url", f"the prefix of {url!r} cannot be used: {exc}") from exc
    return S3Location(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=_endpoint(settings.s3_endpoint_url.strip()),
        region=settings.s3_region.strip(),
        **_credentials(settings),
        addressing_style=_addressing_style(parts, url),
    )


def _addressing_style(parts: SplitResult, url: str) -> AddressingStyle:
    """`?addressing_style=auto|path|virtual`: the one thing no single choice gets right for
    every store (see S3Location), so the URL may say it."""
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"addressing_style"})
    if unknown or parts.fragment:
        raise _bad(
            "storage_url",
            f"{url!r}: the only option of an s3:// URL is ?addressing_style=auto|path|virtual",
        )
    values = query.get("addressing_style", ["auto"])
    allowed: tuple[AddressingStyle, ...] = get_args(AddressingStyle)
    for style in allowed:
        if values == [style]:
            return style
    raise _bad(
        "storage_url",
        f"addressing_style={','.join(values)!r} in {url!r}; choose one of auto, path, virtual",
    )


def _endpoint(endpoint: str) -> str:
    if not endpoint:
        return ""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad(
            "s3_endpoint_url",
            f"{endpoint!r} is not an http(s) URL; write e.g. http://minio:9000 or "
            "https://s3.oss-cn-shanghai.aliyuncs.com",
        )
    return endpoint


def _credentials(settings: Settings) -> dict[str, str]:
    key_id = settings.s3_access_key_id.strip()
    secret = settings.s3_secret_access_key.strip()
    if bool(key_id) != bool(secret):
        missing = "s3_secret_access_key" if key_id else "s3_access_key_id"
        raise _bad(missing, "is empty while its pair is set; set both, or neither (AWS_* chain)")
    return {"access_key_id": key_id, "secret_access_key": secret}
