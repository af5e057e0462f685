"""Settings from the environment (GIGCITY_*), validated once into a typed object."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in docs or were shipped as examples: never accepted in production
# (the last one signed every dev and demo token before each database made its own key;
# it stays in the source's history).
KNOWN_DEFAULT_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "gigcity", "demo-secret-key"}
    | {"gigcity-demo-and-dev-only-signing-key-do-not-use-in-production"}
)
SECRET_MIN_LENGTH = 32
SECRET_MIN_BITS = 128


def estimated_secret_bits(secret: str) -> float:
    """A cautious guess at a secret's entropy in bits: the length of its shortest repeating
    unit ("x9" * 24 counts as "x9") times the Shannon entropy of that unit's characters, or
    of its steps from one character to the next if lower (so "abcdefgh..." and "0123..."
    count as a single step). "a" * 32 scores 0; 43+ characters from
    `secrets.token_urlsafe` score well over 128; 32 hex digits (~115) fall short."""
    unit = secret[: _period(secret)]
    steps = [ord(b) - ord(a) for a, b in pairwise(unit)]
    return len(unit) * min(_shannon(list(unit)), _shannon(steps))


def _shannon(symbols: Sequence[object]) -> float:
    """Bits per symbol of the symbols' own frequencies (0 for none)."""
    n = len(symbols)
    return max(0.0, -sum(c / n * math.log2(c / n) for c in Counter(symbols).values()))


def _period(text: str) -> int:
    """The length of the shortest prefix that `text` repeats (its own length if none)."""
    for p in range(1, len(text)):
        if all(text[i] == text[i - p] for i in range(p, len(text))):
            return p
    return len(text)


Mode = Literal["production", "dev", "demo"]

# Threads a server worker runs blocking work (sync endpoints, database calls) on; the
# database pool keeps as many connections open.
WORKER_THREADS = 16


class SettingsError(ValueError):
    """The environment does not describe a usable configuration."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GIGCITY_", extra="ignore")

    mode: Mode = Field(
        default="production",
        description="production (secret key required), dev, or demo (seeded data, printed logins).",
    )
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'gigcity.db'}",
        description="SQLAlchemy URL; default a SQLite file in the working directory.",
    )
    secret_key: str = Field(default="", description="Signs bearer tokens. Required in production.")
    token_ttl_minutes: int = Field(default=12 * 60, ge=1, le=60 * 24 * 30)
    district_file: str | None = Field(
        default=None,
        description="JSON file of the district and its sub-districts; default the shipped Putuo data.",
    )
    timezone: str = Field(default="Asia/Shanghai", description="Local time of opening hours.")
    default_locale: str = Field(default="zh_CN")
    tile_url: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        description="Map tiles for the web pages (WGS-84 web mercator).",
    )
    tile_attribution: str = Field(default="© OpenStreetMap contributors")
    data_dir: Path = Field(
        default=Path("var"), description="Imported data (street graphs, closures) lives here."
    )
    streets: str = Field(
        default="shanghai-central-sample",
        description="Street graph to route on: a name imported with `gigcity streets import`.",
    )
    # -- snap-and-report: photos, rate limits (0 = no limit), Open311 ------------------------
    report_photo_max_bytes: int = Field(default=12 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    # 30 MP: phones save 12-12.5 MP by default, the largest default is 24.5 MP (iPhone 15
    # Pro and later, 5712x4284); 48-200 MP full-sensor modes must be chosen by hand. A
    # decode needs up to ~7 bytes a pixel (progressive 4:4:4 JPEG coefficients): ~200 MB
    # at 30 MP, ~330 MB at the old 50 MP. WebP photos get a third (photos.WEBP_SHARE).
    report_photo_max_pixels: int = Field(
        default=30_000_000,
        ge=10_000,
        description="Larger images are refused (decompression bombs).",
    )
    report_photo_max_side: int = Field(
        default=2048, ge=256, le=8192, description="Stored photos are scaled to this long side."
    )
    report_rate_account_per_hour: int = Field(default=30, ge=0, description="New reports.")
    report_rate_ip_per_hour: int = Field(default=600, ge=0, description="New reports.")
    report_photo_rate_account_per_hour: int = Field(default=120, ge=0)
    open311_rate_ip_per_minute: int = Field(default=120, ge=0, description="Open311 reads.")
    # -- sign-in: failed attempts (wrong passwords) allowed before 429 ------------------------
    signin_failures_ip_per_minute: int = Field(
        default=10, ge=0, description="Failed sign-ins from one address (the first limit)."
    )
    signin_failures_ip_per_hour: int = Field(
        default=100, ge=0, description="Failed sign-ins from one address: the delay grows."
    )
    signin_failures_account_per_minute: int = Field(
        default=20,
        ge=0,
        description="Failed sign-ins to one username from anywhere; short, so an attacker "
        "cannot lock a rider out for long.",
    )
    rate_limit_store: Literal["auto", "memory", "database"] = Field(
        default="auto",
        description="Where rate-limit buckets live: memory (each worker its own), database "
        "(shared by all workers), auto (database on PostgreSQL, memory on SQLite).",
    )
    open311_jurisdiction_id: str = Field(
        default="gigcity", description="The jurisdiction_id Open311 clients may send."
    )
    open311_contact: str = Field(default="", description="Contact shown in Open311 discovery.")
    # -- files: the storage interface (services.storage) ------------------------------------
    storage_url: str = Field(
        default="",
        description="Where files (report photos) live: empty = under `data_dir` on this host "
        "(photos in `data_dir`/reports/photos); `file:///path` = a local or mounted directory; "
        "`s3://bucket/prefix` = an S3-compatible store (MinIO, Alibaba OSS, AWS S3; the `s3` "
        "extra), optionally `?addressing_style=path|virtual`. See docs/storage.md.",
    )
    s3_endpoint_url: str = Field(
        default="", description="The S3-compatible endpoint (empty = AWS's own)."
    )
    s3_region: str = Field(
        default="", description="The bucket's region, where the store needs one."
    )
    s3_access_key_id: str = Field(default="", description="Empty = the usual AWS_* variables.")
    s3_secret_access_key: str = Field(
        default="", description="Set with s3_access_key_id, or leave both empty."
    )
    # -- background jobs (services.jobs) ----------------------------------------------------
    job_queue: Literal["auto", "procrastinate", "in-process"] = Field(
        default="auto",
        description="procrastinate (PostgreSQL; jobs run by `gigcity worker`), in-process "
        "(the server runs them itself: single-machine mode), auto (procrastinate on "
        "PostgreSQL, in-process on SQLite).",
    )
    workbench_concurrency: int = Field(
        default=2, ge=1, le=64, description="Workbench runs one job worker executes at once."
    )
    jobs_concurrency: int = Field(
        default=4, ge=1, le=64, description="Other jobs one job worker executes at once."
    )
    job_stalled_after_s: float = Field(
        default=30.0,
        ge=5.0,
        le=3600.0,
        description="A job worker silent this long is taken for dead; its jobs run again.",
    )
    ray_address: str = Field(
        default="", description="A Ray cluster for a workbench run's simulated days (optional)."
    )
    workbench_max_active: int = Field(
        default=6, ge=1, description="Workbench runs waiting or running at once, in all."
    )
    workbench_max_active_per_caller: int = Field(
        default=2, ge=1, description="Workbench runs waiting or running at once, per caller."
    )
    # -- retention of personal data (days; applied daily by the retention job) --------------
    retention_resolved_report_photos_days: int = Field(
        default=365,
        ge=1,
        description="Photos of reports closed (fixed) or rejected this many days ago are deleted.",
    )
    retention_succeeded_jobs_days: int = Field(
        default=7, ge=1, le=3650, description="Background jobs that succeeded are kept this long."
    )
    retention_failed_jobs_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Background jobs that failed or were cancelled are kept this long.",
    )
    # -- operations: logs and metrics -------------------------------------------------------
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: JSON in production, readable lines in dev and demo."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    metrics_token: str = Field(
        default="", description="If set, /metrics needs `Authorization: Bearer <token>`."
    )

    @model_validator(mode="after")
    def _secret_key_required_in_production(self) -> Settings:
        if self.mode == "production" and self.secret_key.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise SettingsError(
                "GIGCITY_SECRET_KEY must be set to a long random value in production "
                "(it is empty or a known default). Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, "
                "or set GIGCITY_MODE=dev for local development."
            )
        if self.mode == "production" and len(self.secret_key) < SECRET_MIN_LENGTH:
            raise SettingsError(
                f"GIGCITY_SECRET_KEY must be at least {SECRET_MIN_LENGTH} characters long."
            )
        bits = estimated_secret_bits(self.secret_key)
        if self.mode == "production" and bits < SECRET_MIN_BITS:
            raise SettingsError(
                f"GIGCITY_SECRET_KEY is too predictable: about {bits:.0f} bits of entropy, "
                f"at least {SECRET_MIN_BITS} are needed (too few different characters, or "
                "repeated ones). Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        return self

    @property
    def signing_key(self) -> str:
        """GIGCITY_SECRET_KEY; empty in dev and demo mode without one, where the platform
        signs with a random key made for its database (`services.instance_secrets`)."""
        return self.secret_key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
