"""A local S3-compatible server for the tests (moto's), and what a test needs to use it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from gigcity.services.storage import S3Location

REGION = "us-east-1"
KEY_ID = "gigcity-test"
SECRET = "gigcity-test-secret"  # moto accepts any credentials


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def new_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def location(self, bucket: str, prefix: str = "") -> S3Location:
        return S3Location(
            bucket=bucket,
            prefix=prefix,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=KEY_ID,
            secret_access_key=SECRET,
        )

    def settings(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The platform's settings for this server's `bucket` (path-style, as MinIO)."""
        return {
            "storage_url": f"s3://{bucket}/{prefix}?addressing_style=path",
            "s3_endpoint_url": self.endpoint_url,
            "s3_region": REGION,
            "s3_access_key_id": KEY_ID,
            "s3_secret_access_key": SECRET,
        }
