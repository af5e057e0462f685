"""Files in an S3-compatible bucket (AWS S3, MinIO, Alibaba OSS) through boto3, which is
imported only when such a store is built: the embedded default does not pay for it.

The client is set for stores other than AWS's own: request checksums only where the
operation requires them (boto3 1.36 added them to every upload, and some S3-compatible
stores refuse the headers or the chunked bodies they need), bounded timeouts and a few
retries with backoff, so a store that is down answers a request within seconds, as
StorageUnavailable. boto3 clients are safe to share between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from gigcity.services.storage.errors import unavailable
from gigcity.services.storage.keys import check_key, join_key
from gigcity.services.storage.store import DEFAULT_CONTENT_TYPE

AddressingStyle = Literal["auto", "path", "virtual"]
CONNECT_TIMEOUT_S = 3.0
READ_TIMEOUT_S = 20.0
MAX_ATTEMPTS = 3  # the first try and two retries
# What S3-compatible stores answer for "no such object" (OSS and MinIO as AWS does).
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


@dataclass(frozen=True, slots=True)
class S3Location:
    """Where the files are and how to reach them. Empty strings mean "boto3's default":
    AWS's endpoint, the region and the credentials of the usual AWS_* variables, files and
    instance roles. `addressing_style` auto is virtual-hosted on AWS and path-style on any
    other endpoint (what MinIO and moto need); Alibaba OSS needs virtual."""

    bucket: str
    prefix: str = ""
    endpoint_url: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    addressing_style: AddressingStyle = "auto"


def _client(location: S3Location) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
        s3={"addressing_style": location.addressing_style},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    # A session of its own: boto3's default session is module state, not safe across threads.
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=location.endpoint_url or None,
        region_name=location.region or None,
        aws_access_key_id=location.access_key_id or None,
        aws_secret_access_key=location.secret_access_key or None,
        config=config,
    )


class S3FileStore:
    """Files as objects of one bucket, under `prefix`. S3 writes whole objects, so a reader
    never sees half of one."""

    def __init__(self, location: S3Location) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        self.location = location
        self.bucket = location.bucket
        self.prefix = location.prefix.strip("/")
        if self.prefix:
            check_key(self.prefix)
        self._client = _client(location)
        self._client_error: type[Exception] = ClientError
        self._failures: tuple[type[Exception], ...] = (BotoCoreError, ClientError)

    def _key(self, key: str) -> str:
        return join_key(self.prefix, check_key(key))

    def put(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        full = self._key(key)
        try:
            self._client.put_object(
                Bucket=self.bucket, Key=full, Body=data, ContentType=content_type
            )
        except self._failures as exc:
            raise unavailable("put", self._where(full), exc) from exc

    def get(self, key: str) -> bytes | None:
        full = self._key(key)
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=full)
            return bytes(answer["Body"].read())
        except self._failures as exc:
            if isinstance(exc, self._client_error) and _code(exc) in _MISSING:
                return None
            raise unavailable("get", self._where(full), exc) from exc

    def delete(self, key: str) -> None:
        full = self._key(key)
        try:  # S3 answers 204 whether or not the object was there
            self._client.delete_object(Bucket=self.bucket, Key=full)
        except self._failures as exc:
            raise unavailable("delete", self._where(full), exc) from exc

    def check(self) -> None:
        try:  # one HEAD request: the bucket exists and these credentials may use it
            self._client.head_bucket(Bucket=self.bucket)
        except self._failures as exc:
            raise unavailable("check", f"s3://{self.bucket}", exc) from exc

    def _where(self, full: str) -> str:
        return f"s3://{self.bucket}/{full}"

    def __repr__(self) -> str:
        where = self.location.endpoint_url or "AWS"
        return f"S3FileStore(s3://{self.bucket}/{self.prefix} at {where})"


def _code(error: Exception) -> str:
    response: dict[str, Any] = getattr(error, "response", {}) or {}
    return str(response.get("Error", {}).get("Code", ""))
