"""Settings from the environment (GIGCITY_*), validated once into a typed object."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in docs or were shipped as examples: never accepted in production.
KNOWN_DEFAULT_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "dev", "development", "gigcity", "demo-secret-key"}
    | {"gigcity-demo-and-dev-only-signing-key-do-not-use-in-production"}
)
DEMO_SECRET_KEY = "gigcity-demo-and-dev-only-signing-key-do-not-use-in-production"

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
    report_photo_max_pixels: int = Field(
        default=50_000_000,
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
    rate_limit_store: Literal["auto", "memory", "database"] = Field(
        default="auto",
        description="Where rate-limit buckets live: memory (each worker its own), database "
        "(shared by all workers), auto (database on PostgreSQL, memory on SQLite).",
    )
    open311_jurisdiction_id: str = Field(
        default="gigcity", description="The jurisdiction_id Open311 clients may send."
    )
    open311_contact: str = Field(default="", description="Contact shown in Open311 discovery.")

    @model_validator(mode="after")
    def _secret_key_required_in_production(self) -> Settings:
        if self.mode == "production" and self.secret_key.strip().lower() in KNOWN_DEFAULT_SECRETS:
            raise SettingsError(
                "GIGCITY_SECRET_KEY must be set to a long random value in production "
                "(it is empty or a known default). Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, "
                "or set GIGCITY_MODE=dev for local development."
            )
        if self.mode == "production" and len(self.secret_key) < 32:
            raise SettingsError("GIGCITY_SECRET_KEY must be at least 32 characters long.")
        return self

    @property
    def signing_key(self) -> str:
        """The key tokens are signed with; demo and dev fall back to a fixed local key."""
        return self.secret_key or DEMO_SECRET_KEY


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
