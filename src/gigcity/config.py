"""Settings from the environment (GIGCITY_*), validated once into a typed object."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in docs or were shipped as examples: never accepted in production
# (the last one signed every dev and demo token before each database made its own key;
# it stays in the source's history).
FERNET_KEY = re.compile(r"[A-Za-z0-9_-]{43}=")
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

# A Tianditu key (tk) goes into every tile URL: letters and digits only (they are 32 hex).
TIANDITU_KEY = re.compile(r"[0-9A-Za-z]{8,64}")
TILE_SUBDOMAINS = re.compile(r"[0-9A-Za-z]{1,16}")
_TILE_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TILE_NEEDED = ("z", "x", "y")
_TILE_KNOWN = frozenset({"z", "x", "y", "s", "r"})


def tile_template_problem(url: str) -> str | None:
    """What is wrong with a tile URL template (None if nothing): an absolute http(s) URL
    with {z}, {x} and {y}, and no placeholder Leaflet does not fill."""
    parts = urlsplit(url.strip())
    if not url.strip():
        return "is empty: set it to a tile URL like https://tiles.example.org/{z}/{x}/{y}.png"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an absolute http(s) URL, got {url!r}"
    if any(c in url for c in " \"'<>"):
        return f"must not contain spaces, quotes or angle brackets, got {url!r}"
    names = _TILE_PLACEHOLDER.findall(url)
    unknown = sorted(set(names) - _TILE_KNOWN)
    if unknown:
        return f"has unknown placeholders {', '.join('{' + n + '}' for n in unknown)} in {url!r}"
    missing = [n for n in _TILE_NEEDED if n not in names]
    if missing:
        return f"must contain {', '.join('{' + n + '}' for n in missing)}, got {url!r}"
    host = parts.netloc.replace("{s}", "a")
    if "{" in host or "}" in host or "{" in parts.scheme:
        return f"may have only {{s}} in its host name, got {url!r}"
    return None


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
    # -- map tiles that work in mainland China (web/tiles.py, docs/friendly-map.md) ---------
    map_tiles: Literal["osm", "amap", "tianditu", "custom"] = Field(
        default="osm",
        description="osm (tile_url, WGS-84), amap (Amap's raster tiles, GCJ-02), tianditu "
        "(vector and annotation layers, WGS-84, needs tianditu_key) or custom (map_tile_url).",
    )
    tianditu_key: str = Field(
        default="", description="Tianditu's browser key (tk), needed by map_tiles=tianditu."
    )
    map_tile_url: str = Field(
        default="",
        description="map_tiles=custom: an http(s) URL template with {z}, {x} and {y} "
        "(and {s} for the subdomains).",
    )
    map_tile_subdomains: str = Field(
        default="abc", description="map_tiles=custom: the letters or digits {s} stands for."
    )
    map_tile_attribution: str = Field(
        default="", description="map_tiles=custom: the tiles' credit shown on the map."
    )
    map_tile_datum: Literal["wgs84", "gcj02"] = Field(
        default="wgs84", description="map_tiles=custom: the datum the tiles are drawn in."
    )
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
    # -- relay delivery (services.relay) ----------------------------------------------------
    relay_pay_per_item_fen: int = Field(
        default=300,
        ge=0,
        le=100_000,
        description="A community courier's pay for one item carried to the door (fen).",
    )
    # -- notifications (services.notify) ----------------------------------------------------
    vapid_private_key: str | None = Field(
        default=None,
        min_length=40,
        max_length=60,
        pattern=r"^[A-Za-z0-9_\-]+=*$",
        description="The Web Push (VAPID) private key, raw P-256 base64url; empty: a key the "
        "installation makes on first use and keeps in its database.",
    )
    vapid_subject: str = Field(
        default="mailto:admin@localhost",
        pattern=r"^(mailto:|https://)\S+$",
        description="Whom push services contact about this installation's notices "
        "(mailto: or https: URL).",
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
    retention_relay_addresses_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="The unit and room of a relay item, and the webhook calls that named them, "
        "are forgotten this many days after the item was delivered, collected or cancelled.",
    )
    retention_station_visits_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Truck-driver station visits (the driver or plate) are rolled into daily "
        "counts and deleted, and queue tickets forget who held them, this many days after.",
    )
    retention_stays_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Bed bookings that ended (checked out, cancelled, no-show, lapsed) and "
        "waiting-list entries are deleted this many days after their night.",
    )
    retention_legal_case_days: int = Field(
        default=1095,
        ge=30,
        le=36500,
        description="Case notes of a legal-aid slot, and who booked it for what, are deleted "
        "this many days after the slot.",
    )
    # PIPL Art. 56: records of processing personal information are kept at least 3 years.
    retention_eldercare_reads_days: int = Field(
        default=1095,
        ge=1095,
        le=36500,
        description="Lines of the read log of older people's personal information (who read "
        "what, when, why) are deleted this many days after the read; at least 1095 (3 years, "
        "PIPL Art. 56).",
    )
    retention_member_reads_days: int = Field(
        default=1095,
        ge=1095,
        le=36500,
        description="Lines of the read log of memberships (who read whose membership, when, "
        "through which page) are deleted this many days after the read; at least 1095 (3 "
        "years, PIPL Art. 56).",
    )
    # -- meals for the elderly -------------------------------------------------------------
    eldercare_keys: str = Field(
        default="",
        repr=False,
        description="Keys that encrypt older people's names, doors, health and contacts: "
        "comma-separated Fernet keys (`gigcity eldercare new-key`), the first encrypts, all "
        "decrypt (list a new key first to rotate). Empty: a key derived from "
        "GIGCITY_SECRET_KEY (dev and demo: from the database's own random key).",
    )
    eldercare_funding_file: Path | None = Field(
        default=None,
        description="The funding rule that splits each meal's price (YAML); empty: the "
        "example rule shipped with gigcity.",
    )
    # -- rest and care: psychological support ------------------------------------------------
    care_hotline: str = Field(
        default="021-962525",
        min_length=3,
        max_length=32,
        pattern=r"^[0-9+][0-9 -]*[0-9]$",
        description="The 24-hour psychological assistance hotline on every page's menu "
        "(default: Shanghai's 上海市心理援助热线).",
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

    @model_validator(mode="after")
    def _map_tiles_complete(self) -> Settings:
        if self.map_tiles == "tianditu" and not TIANDITU_KEY.fullmatch(self.tianditu_key):
            raise SettingsError(
                "GIGCITY_MAP_TILES=tianditu needs GIGCITY_TIANDITU_KEY: the key (tk) of a "
                "Tianditu application of the browser kind, from https://console.tianditu.gov.cn"
                + (" (the one given is not letters and digits)" if self.tianditu_key else "")
            )
        if self.map_tiles == "custom":
            problem = tile_template_problem(self.map_tile_url)
            if problem:
                raise SettingsError(f"GIGCITY_MAP_TILE_URL {problem}")
            if "{s}" in self.map_tile_url and not TILE_SUBDOMAINS.fullmatch(
                self.map_tile_subdomains
            ):
                raise SettingsError(
                    "GIGCITY_MAP_TILE_SUBDOMAINS must be the letters or digits {s} stands for "
                    f"(like abc or 1234), got {self.map_tile_subdomains!r}"
                )
            if not self.map_tile_attribution.strip():
                raise SettingsError(
                    "GIGCITY_MAP_TILE_ATTRIBUTION must credit the tiles of GIGCITY_MAP_TILE_URL "
                    "(their provider's terms ask for it)"
                )
        return self

    @field_validator("eldercare_keys")
    @classmethod
    def _fernet_keys(cls, value: str) -> str:
        for number, key in enumerate(value.split(",") if value.strip() else [], start=1):
            if not FERNET_KEY.fullmatch(key.strip()):
                raise ValueError(
                    f"GIGCITY_ELDERCARE_KEYS: key {number} is not a Fernet key (44 characters "
                    "of URL-safe base64 ending in '='); make one with `gigcity eldercare new-key`"
                )
        return value

    @property
    def signing_key(self) -> str:
        """GIGCITY_SECRET_KEY; empty in dev and demo mode without one, where the platform
        signs with a random key made for its database (`services.instance_secrets`)."""
        return self.secret_key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
