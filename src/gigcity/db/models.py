"""SQLAlchemy models of the platform's stored data (WGS-84 coordinates, UTC timestamps)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Account(Base):
    """A person who signs in: rider/driver, station staff, grid officer or district admin."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True)
    worker_type: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    subdistrict: Mapped[str | None] = mapped_column(String(64), index=True)
    # Property staff and community couriers work for one estate.
    estate_id: Mapped[int | None] = mapped_column(
        ForeignKey("estates.id", ondelete="SET NULL"), index=True
    )
    # Canteen staff work for one community canteen for the elderly.
    canteen_id: Mapped[int | None] = mapped_column(
        ForeignKey("eldercare_canteens.id", ondelete="SET NULL"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written into every bearer token ("gen") and moved on by deactivation and password
    # changes: tokens issued before no longer match, even after a reactivation.
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiKey(Base):
    """A platform integration's key; only a hash of the secret is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the key may do: comma-separated scope names (services.accounts.Scope), plain text
    # so SQLite and PostgreSQL store and compare it alike; empty grants nothing.
    scopes: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A gate controller's key answers for the gates of one estate only.
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="SET NULL"))


class Place(Base):
    """A service point of the friendly map."""

    __tablename__ = "places"
    __table_args__ = (Index("ix_places_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    amenities: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amenity_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    capacity: Mapped[int | None] = mapped_column(Integer)
    operator: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # Every UPDATE and DELETE of a place says `WHERE version = <the version read>`, and
    # fails (StaleDataError) when another writer moved it on; the service sets the new one.
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it from the class)
        "version_id_col": version,
        "version_id_generator": False,
    }


class PlaceAudit(Base):
    """Who changed a service point, when, and what it was before and after."""

    __tablename__ = "place_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(Integer, index=True)  # survives the place's deletion
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Counter(Base):
    """Monotonic counters, e.g. the places revision that tells search indexes to refresh."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# -- the agreement, persisted: published rulebooks and what a rider's day is paid from ----------


class RulebookVersion(Base):
    """A published rulebook version: its text as published and the day it takes effect."""

    __tablename__ = "rulebook_versions"
    __table_args__ = (UniqueConstraint("rulebook_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rulebook_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    effective_from: Mapped[date] = mapped_column(Date, index=True)  # of this publication
    effective_until: Mapped[date | None] = mapped_column(Date)
    source_text: Mapped[str] = mapped_column(Text)  # YAML or JSON, exactly as published
    source_format: Mapped[str] = mapped_column(String(8))
    content_sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    publisher: Mapped[str] = mapped_column(String(120))
    audit: Mapped[str] = mapped_column(Text, default="")


class PayDay(Base):
    """The rulebook version a rider's day is paid under, fixed when its first fact arrives."""

    __tablename__ = "pay_days"
    __table_args__ = (UniqueConstraint("account_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    day: Mapped[date] = mapped_column(Date)
    rulebook_version_id: Mapped[int] = mapped_column(ForeignKey("rulebook_versions.id"), index=True)
    pinned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeliveryReport(Base):
    """A completed delivery a platform reported; (platform key, order id) is stored once."""

    __tablename__ = "delivery_reports"
    __table_args__ = (
        UniqueConstraint("api_key_id", "order_id"),
        Index("ix_delivery_reports_account_day", "account_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    order_id: Mapped[str] = mapped_column(String(120))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    day: Mapped[date] = mapped_column(Date)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # OrderFacts without its clock time
    ordered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    promised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    late_cause: Mapped[str | None] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(64))  # tells a retry from a contradiction
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActivityReport(Base):
    """A stretch of a rider's day online (waiting or on an order), within one local day."""

    __tablename__ = "activity_reports"
    __table_args__ = (
        UniqueConstraint("api_key_id", "account_id", "start_at", "end_at", "kind"),
        Index("ix_activity_reports_account_day", "account_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    day: Mapped[date] = mapped_column(Date)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- snap-and-report (随手拍): reports, their trail and photos, routing, rewards, rollups -------


class Report(Base):
    """A hazard a rider (or an integrator, over Open311) reported, and where it stands now.

    `is_open` is kept with `status` so queues are one index range; `due_at` is the SLA's
    resolution deadline; `resolution_s` feeds the median time to resolution.
    """

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "client_key"),
        Index("ix_reports_assignee_open_due", "assignee_id", "is_open", "due_at"),
        Index("ix_reports_subdistrict_open_due", "subdistrict", "is_open", "due_at"),
        Index("ix_reports_open_due", "is_open", "due_at"),
        Index("ix_reports_open_category_lat", "is_open", "category", "lat"),
        # Covering the dashboard's ranges, so a year of reports is read from the index alone:
        # the heatmap and exports by filing time, resolution times by resolution time.
        Index("ix_reports_created_cover", "created_at", "category", "subdistrict", "lon", "lat"),
        Index(
            "ix_reports_resolved_cover",
            "resolved_at",
            "category",
            "subdistrict",
            "resolution_s",
            "due_at",
        ),
        # The reports of one resolution-time bucket, for the dashboard's exact quantiles.
        Index(
            "ix_reports_resolution_bucket",
            "resolution_s",
            "resolved_at",
            "category",
            "subdistrict",
            postgresql_where=text("resolution_s IS NOT NULL"),
            sqlite_where=text("resolution_s IS NOT NULL"),
        ),
        # The few held reports, which an officer's dashboard takes off the rollups' counts.
        Index(
            "ix_reports_held",
            "created_at",
            postgresql_where=text("held"),
            sqlite_where=text("held = 1"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)  # Open311 token
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(200))  # merchant or building
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    held: Mapped[bool] = mapped_column(Boolean, default=False)  # waiting for an admin's review
    reject_reason: Mapped[str | None] = mapped_column(String(16))
    reject_text: Mapped[str | None] = mapped_column(String(300))  # the words for "other"
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    status_note: Mapped[str | None] = mapped_column(Text)  # the latest public note
    source: Mapped[str] = mapped_column(String(16))  # app or open311
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    client_key: Mapped[str | None] = mapped_column(String(64))  # the reporter's retry key
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Open311 contact, private
    external_media_url: Mapped[str | None] = mapped_column(String(500))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    dispatched_to: Mapped[str | None] = mapped_column(String(200))
    reward_status: Mapped[str] = mapped_column(String(16), default="none")
    reward_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_s: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportReporter(Base):
    """Everyone credited with a report: who filed it, said "same as this one", or was merged in."""

    __tablename__ = "report_reporters"
    __table_args__ = (
        UniqueConstraint("report_id", "account_id"),
        Index("ix_report_reporters_account_joined", "account_id", "joined_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    how: Mapped[str] = mapped_column(String(16))  # original, same, merged
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportEvent(Base):
    """One step of a report's life: who did what, when, from which status to which."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ReportPhoto(Base):
    """A stored photo (re-encoded, metadata stripped) under a server-chosen name.

    `report_id` is empty while the photo is staged (uploaded, not yet part of a report).
    `band0`..`band3` are the 16-bit quarters of the difference hash, indexed so that
    near-identical photos are found without scanning (multi-index hashing).
    """

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # report or after
    name: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # of the upload as received
    dhash: Mapped[int] = mapped_column(BigInteger)
    band0: Mapped[int] = mapped_column(Integer, index=True)
    band1: Mapped[int] = mapped_column(Integer, index=True)
    band2: Mapped[int] = mapped_column(Integer, index=True)
    band3: Mapped[int] = mapped_column(Integer, index=True)
    near_photo_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_photos.id", ondelete="SET NULL")
    )
    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when an officer publishes an "after" photo: the public sees it (signed URLs).
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportRoute(Base):
    """Which grid officer handles a category in a sub-district ("*": every category)."""

    __tablename__ = "report_routes"
    __table_args__ = (UniqueConstraint("subdistrict", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    officer_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportCategoryRule(Base):
    """A district's own reward, SLA and duplicate radius for a category (else the defaults)."""

    __tablename__ = "report_category_rules"

    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    reward_fen: Mapped[int] = mapped_column(BigInteger)
    sla_hours: Mapped[int] = mapped_column(Integer)
    duplicate_radius_m: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class ReportBan(Base):
    """An account, or an integrator's API key, whose new reports are held for review."""

    __tablename__ = "report_bans"
    __table_args__ = (
        CheckConstraint("(account_id IS NULL) <> (api_key_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class RewardPool(Base):
    """A bonus pool; the database itself refuses a negative balance."""

    __tablename__ = "reward_pools"
    __table_args__ = (CheckConstraint("balance_fen >= 0", name="balance_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    budget_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # everything ever put in
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RewardLedgerEntry(Base):
    """One movement of a pool's money; `key` makes every movement happen at most once."""

    __tablename__ = "reward_ledger"
    __table_args__ = (Index("ix_reward_ledger_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("reward_pools.id"), index=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # top_up or payout
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # + into the pool, - out of it
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportDailyCount(Base):
    """Reports filed on a local day, by sub-district, category and current status.

    Kept in the same transaction as every intake and status change, so the dashboard sums
    a few thousand rows instead of millions of reports.
    """

    __tablename__ = "report_daily_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ReportResolutionCount(Base):
    """Reports resolved in a local day or month (`grain` "d" or "m", `period` its first
    day), by sub-district, category and resolution-time bucket (`gigcity.db.rollups`), and
    how many of them within their SLA. Kept in the transaction of every resolution."""

    __tablename__ = "report_resolution_counts"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    within_sla: Mapped[int] = mapped_column(Integer, default=0)


class ReportHeatCount(Base):
    """Reports filed in a local day or month (`grain` "d" or "m", `period` its first day),
    by sub-district, category and heatmap cell (`gigcity.db.rollups`). Kept with every
    intake."""

    __tablename__ = "report_heat_counts"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class WorkbenchRun(Base):
    """A negotiation-workbench comparison: a background job, its progress and its report."""

    __tablename__ = "workbench_runs"
    __table_args__ = (Index("ix_workbench_runs_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # queued running done failed interrupted
    rules_a: Mapped[str] = mapped_column(String(64))
    rules_b: Mapped[str] = mapped_column(String(64))
    scenario: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(BigInteger)
    orders: Mapped[int] = mapped_column(Integer)
    attribution: Mapped[bool] = mapped_column(Boolean, default=True)
    # compare | equal_service; an equal-service run's seeds, targets and who-gains in params
    kind: Mapped[str] = mapped_column(String(16), default="compare", server_default="compare")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(120))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    owner: Mapped[str] = mapped_column(String(64))  # the server process that queued it
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # the job executing it (PostgreSQL)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plots: Mapped[list[Any] | None] = mapped_column(JSON)
    report_html: Mapped[str | None] = mapped_column(Text)


class RateBucket(Base):
    """A rate limit's bucket shared by every worker (`gigcity.services.ratelimit.database`):
    a token bucket kept as the time it is full again (`tat`, seconds since the epoch; GCRA).
    A row whose `tat` has passed is a full bucket, so old rows are deleted without loss."""

    __tablename__ = "rate_buckets"

    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)
    period_s: Mapped[float] = mapped_column(Float)  # the rate's period: how far `tat` may run ahead


class InstanceSecret(Base):
    """A secret this installation made for itself on first use and keeps with its data: in
    dev and demo mode the key bearer tokens are signed with (so no key is written in the
    source), and the demo platform API key printed at each `serve --demo`."""

    __tablename__ = "instance_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StreetVersion(Base):
    """One street network's shared state version (`gigcity.services.streets.state`): moved on
    in the same transaction as every change of its closures or live phases, and locked first
    by every writer, so writes to one network run one at a time. `closure_serial` is the
    number of the last closure id handed out ("c<N>"); ids are never handed out twice."""

    __tablename__ = "street_versions"

    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    closure_serial: Mapped[int] = mapped_column(Integer, default=0)


class StreetClosure(Base):
    """A temporary closure of a street network (the engine's `Closure`): a polygon or OSM ways,
    from `starts_at` (inclusive) to `ends_at` (exclusive); who added it and when."""

    __tablename__ = "street_closures"

    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    closure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    polygon: Mapped[list[Any] | None] = mapped_column(JSON)  # [[lon, lat], ...] WGS-84
    way_ids: Mapped[list[Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StreetPhase(Base):
    """The newest live signal phase observed at one junction of a street network (by the
    junction's OSM id): the plan with its observed offset, usable for `valid_for_s` around
    `observed_at_s` (UNIX seconds). Expired rows are deleted now and then."""

    __tablename__ = "street_phases"

    network: Mapped[str] = mapped_column(String(64), primary_key=True)
    junction: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    cycle_s: Mapped[float] = mapped_column(Float)
    major_green_s: Mapped[float] = mapped_column(Float)
    lost_s: Mapped[float] = mapped_column(Float)
    offset_s: Mapped[float] = mapped_column(Float)
    observed_at_s: Mapped[float] = mapped_column(Float)
    valid_for_s: Mapped[float] = mapped_column(Float)


# -- estates: the last hundred metres (services/estates) ---------------------------------


class Estate(Base):
    """A residential estate as riders need it: gates, buildings, walkways, hand-off points
    and measures in force, kept as one validated document (`gigcity.geo.estates.Estate`)."""

    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    subdistrict: Mapped[str | None] = mapped_column(String(64), index=True)
    # Centre of the boundary, for the map and "estates near me".
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)  # e.g. osm:way/1
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # As places: every UPDATE and DELETE checks the version read (optimistic concurrency).
    __mapper_args__ = {  # noqa: RUF012 (SQLAlchemy reads it from the class)
        "version_id_col": version,
        "version_id_generator": False,
    }


class EstateAudit(Base):
    """Who changed an estate, when, and what changed (a summary; the document before and
    after for edits)."""

    __tablename__ = "estate_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(Integer, index=True)  # survives the estate's deletion
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# -- gate passes (services/gates): models of migration 0014 go here -------------------------


class RiderCertification(Base):
    """A rider vouched for by a station's staff, a platform (its API key) or an admin: who
    vouched, from when until when, and whether it was withdrawn. A rider with one in force
    may have gate passes; nothing about the rider's face or body is stored anywhere."""

    __tablename__ = "rider_certifications"
    __table_args__ = (
        CheckConstraint(
            "(vouched_by_account_id IS NULL) OR (vouched_by_key_id IS NULL)", name="one_voucher"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rider_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    vouched_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    vouched_by_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    # The station of the staff member who vouched (staff see and revoke their station's).
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    voucher: Mapped[str] = mapped_column(String(120))  # who vouched, as a label
    certified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(300), default="")


class GatePass(Base):
    """A certified rider's pass for one estate. `secret` (RFC 6238) never leaves the server:
    the rider's page fetches the current code; `last_used_step` makes each code single-use;
    `blocked_until` is set when too many wrong codes were tried for this pass."""

    __tablename__ = "gate_passes"
    __table_args__ = (UniqueConstraint("rider_id", "estate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rider_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_step: Mapped[int] = mapped_column(BigInteger, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GateOrderCode(Base):
    """A one-time code a platform issued for one order of one rider at one estate: only a
    keyed hash of the code is kept; `used_at` is set by the check that opened the gate."""

    __tablename__ = "gate_order_codes"
    __table_args__ = (UniqueConstraint("estate_id", "code_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    rider_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    order_ref: Mapped[str] = mapped_column(String(120))
    issued_by_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_gate: Mapped[str | None] = mapped_column(String(40))


class GateDecision(Base):
    """One answer to a gate controller (allow or deny, and why): kept 30 days, then only
    counted (`GateDecisionCount`)."""

    __tablename__ = "gate_decisions"
    __table_args__ = (Index("ix_gate_decisions_estate_at", "estate_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    estate_id: Mapped[int] = mapped_column(Integer)  # survives the estate's deletion
    gate_ref: Mapped[str] = mapped_column(String(40))
    rider_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    pass_id: Mapped[int | None] = mapped_column(Integer)
    order_ref: Mapped[str | None] = mapped_column(String(120))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(32))


class GateDecisionCount(Base):
    """Decisions of a local day at one gate, by answer and reason: what remains of the log
    once its rows are older than the retention period."""

    __tablename__ = "gate_decision_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    estate_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gate_ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    allowed: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# -- relay delivery (services/relay): models of migration 0015 go here ----------------------


class RelayConsent(Base):
    """A resident's agreement that parcels for one address may be left at the estate's
    hand-off point (接力送). Revoking keeps the row (when, by whom) and frees the address for
    a new consent. The resident's name and phone are not stored: the address is enough."""

    __tablename__ = "relay_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"), index=True)
    building: Mapped[str] = mapped_column(String(40))  # the building's ref in the estate
    unit: Mapped[str] = mapped_column(String(40), default="")
    room: Mapped[str] = mapped_column(String(40), default="")
    # "estate:building:unit:room" while in force, NULL once revoked: at most one consent in
    # force per address, enforced by the unique constraint on both databases.
    active_address: Mapped[str | None] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # property_desk or platform
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_account: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    recorded_by_key: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(120))


class RelayItem(Base):
    """A parcel or order carried the last hundred metres: left at a hand-off point by the
    platform's rider, carried to the door by a community courier. Only hashes of its codes
    are kept."""

    __tablename__ = "relay_items"
    __table_args__ = (
        UniqueConstraint("api_key_id", "order_ref", name="uq_relay_items_key_order"),
        Index("ix_relay_items_point_state", "estate_id", "point_ref", "state"),
        # The district dashboard: items delivered in a window of months.
        Index("ix_relay_items_state_finished", "state", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    order_ref: Mapped[str] = mapped_column(String(120))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    point_ref: Mapped[str] = mapped_column(String(40))
    building: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40), default="")
    room: Mapped[str] = mapped_column(String(40), default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    handoff_code_hash: Mapped[str] = mapped_column(String(64))
    confirm_code_hash: Mapped[str] = mapped_column(String(64))
    code_failures: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes, in a row
    courier_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # trips to the door
    announced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dropped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An alert is raised when still unclaimed / undelivered at these times.
    claim_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deliver_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RelayCustody(Base):
    """One step of an item's custody, chained: `hash` covers the step and `prev_hash`, so
    changing or removing a step breaks every later hash."""

    __tablename__ = "relay_custody"
    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_relay_custody_item_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("relay_items.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    event: Mapped[str] = mapped_column(String(32))
    holder: Mapped[str] = mapped_column(String(16))  # who has the item after this step
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(Integer)  # an account's or API key's id
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RelayPay(Base):
    """A community courier's pay for one item; one row per (courier, item, kind), so paying
    again is a no-op."""

    __tablename__ = "relay_pay"
    __table_args__ = (
        UniqueConstraint("courier_id", "item_id", "kind", name="uq_relay_pay_courier_item_kind"),
        Index("ix_relay_pay_courier_day", "courier_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("relay_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # door_delivery
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    day: Mapped[date] = mapped_column(Date)  # district local day
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RelayAlert(Base):
    """An item not claimed, or not delivered, within the hand-off point's limit."""

    __tablename__ = "relay_alerts"
    __table_args__ = (UniqueConstraint("item_id", "kind", name="uq_relay_alerts_item_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("relay_items.id", ondelete="CASCADE"))
    estate_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # not_claimed or not_delivered
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RelayWebhook(Base):
    """Where a platform hears of its items' status changes; the secret signs each call."""

    __tablename__ = "relay_webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RelayWebhookCall(Base):
    """One status change to tell a platform, sent by the job queue with retries."""

    __tablename__ = "relay_webhook_calls"
    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_relay_webhook_calls_item_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("relay_webhooks.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("relay_items.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # the custody step it tells of
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Meals for the elderly (助老送餐). Fields ending in `_enc` hold sensitive personal
# information (health, names, contacts) encrypted at field level (services.cipher):
# the database alone never reveals them.


class Canteen(Base):
    """A community canteen for the elderly (长者食堂) that cooks the meals."""

    __tablename__ = "eldercare_canteens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    lunch_capacity: Mapped[int] = mapped_column(Integer)
    dinner_capacity: Mapped[int] = mapped_column(Integer, default=0)
    # Local times "HH:MM": changes for a day's meal close at its cut-off (that morning);
    # the kitchen hands out hot meals from `*_ready`.
    lunch_cutoff: Mapped[str] = mapped_column(String(5), default="09:00")
    dinner_cutoff: Mapped[str] = mapped_column(String(5), default="14:00")
    lunch_ready: Mapped[str] = mapped_column(String(5), default="10:30")
    dinner_ready: Mapped[str] = mapped_column(String(5), default="16:30")
    price_fen: Mapped[int] = mapped_column(Integer)  # a meal's price unless the menu says
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CanteenMenu(Base):
    """One meal's menu at a canteen on a day: dishes with the diets each suits."""

    __tablename__ = "eldercare_menus"
    __table_args__ = (
        UniqueConstraint("canteen_id", "day", "meal", name="uq_eldercare_menus_canteen_day_meal"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("eldercare_canteens.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(8))  # lunch or dinner
    dishes: Mapped[list[Any]] = mapped_column(JSON)  # [{name, suits: [...], allergens: [...]}]
    price_fen: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Elder(Base):
    """An older person enrolled for meals. Name, door, health and diet are encrypted; what
    planning and statements need (building, position, subsidy category) is not."""

    __tablename__ = "eldercare_elders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    canteen_id: Mapped[int] = mapped_column(
        ForeignKey("eldercare_canteens.id", ondelete="RESTRICT"), index=True
    )
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="SET NULL"))
    building: Mapped[str] = mapped_column(String(40), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    floor: Mapped[int | None] = mapped_column(Integer)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    subsidy_category: Mapped[str] = mapped_column(String(32))
    name_enc: Mapped[str] = mapped_column(Text)  # full name
    first_name_enc: Mapped[str] = mapped_column(Text)  # what today's rider is shown
    door_enc: Mapped[str] = mapped_column(Text)  # address line down to the room
    care_enc: Mapped[str] = mapped_column(Text)  # JSON: mobility, lives alone, diet, allergies
    primary_rider_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    backup_rider_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    # The older person's consent (or a family member's with it): who, how, when.
    consent_by: Mapped[str] = mapped_column(String(16))  # self or family
    consent_note_enc: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    enrolled_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ElderContact(Base):
    """An emergency contact of an older person, in the order they are called."""

    __tablename__ = "eldercare_contacts"
    __table_args__ = (
        UniqueConstraint("elder_id", "position", name="uq_eldercare_contacts_elder_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1 is called first
    relation: Mapped[str] = mapped_column(String(16))  # family, neighbour, committee
    name_enc: Mapped[str] = mapped_column(Text)
    phone_enc: Mapped[str] = mapped_column(Text)


class ElderRead(Base):
    """A person read an older person's sensitive fields: who, when, which, why."""

    __tablename__ = "eldercare_reads"
    __table_args__ = (Index("ix_eldercare_reads_elder_at", "elder_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    fields: Mapped[str] = mapped_column(String(200))  # comma-separated field names
    purpose: Mapped[str] = mapped_column(String(32))  # record, round, alert, ...


class MealSubscription(Base):
    """Which meals an older person has each weekday: bit d (Monday = 0) of each mask."""

    __tablename__ = "eldercare_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(
        ForeignKey("eldercare_elders.id", ondelete="CASCADE"), unique=True
    )
    lunch_days: Mapped[int] = mapped_column(Integer, default=0)
    dinner_days: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MealPause(Base):
    """No meals from `first_day` to `last_day` (hospital, travel); they resume by themselves
    the day after. Cancelling keeps the row."""

    __tablename__ = "eldercare_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(
        ForeignKey("eldercare_elders.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(16))  # hospital, travel, family, other
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MealChange(Base):
    """A one-off change to one day's meal, made before its cut-off: skip it or add it."""

    __tablename__ = "eldercare_changes"
    __table_args__ = (
        UniqueConstraint("elder_id", "day", "meal", name="uq_eldercare_changes_elder_day_meal"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(8))  # skip or add
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ElderMeal(Base):
    """One meal for one older person on one day, generated once (the unique key makes a
    rerun a no-op), with its price split between funders when it was generated."""

    __tablename__ = "eldercare_meals"
    __table_args__ = (
        UniqueConstraint("elder_id", "day", "meal", name="uq_eldercare_meals_elder_day_meal"),
        Index("ix_eldercare_meals_canteen_day", "canteen_id", "day", "meal"),
        Index("ix_eldercare_meals_day_state", "day", "state"),
        # Statements add up a month's meals from the index alone (PostgreSQL INCLUDE).
        Index(
            "ix_eldercare_meals_day_totals",
            "day",
            postgresql_include=[
                "state",
                "subsidy_category",
                "funding_rule",
                "price_fen",
                "subsidy_fen",
                "enterprise_fen",
                "charity_fen",
                "copay_fen",
                "elder_id",
                "canteen_id",
            ],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    canteen_id: Mapped[int] = mapped_column(
        ForeignKey("eldercare_canteens.id", ondelete="RESTRICT")
    )
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(8))
    # ordered -> out (left the kitchen) -> delivered | not_delivered; or cancelled
    state: Mapped[str] = mapped_column(String(16), default="ordered")
    subsidy_category: Mapped[str] = mapped_column(String(32))
    funding_rule: Mapped[str] = mapped_column(String(64))
    price_fen: Mapped[int] = mapped_column(Integer)
    subsidy_fen: Mapped[int] = mapped_column(Integer)
    enterprise_fen: Mapped[int] = mapped_column(Integer)
    charity_fen: Mapped[int] = mapped_column(Integer)
    copay_fen: Mapped[int] = mapped_column(Integer)
    rider_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    # The round plan: which of the rider's trips from the kitchen, when at the door, and
    # why it is not the familiar rider's (an engine message: {"id", "params"}), if so.
    trip: Mapped[int | None] = mapped_column(Integer)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan_note: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    by_primary: Mapped[bool | None] = mapped_column(Boolean)  # known once delivered
    left_kitchen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    door_check: Mapped[str | None] = mapped_column(String(16))  # seen_well, needs_help, ...
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ElderAlert(Base):
    """A door check that was not "seen and well": open until someone records an outcome."""

    __tablename__ = "eldercare_alerts"
    __table_args__ = (Index("ix_eldercare_alerts_open", "closed_at", "opened_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    meal_id: Mapped[int | None] = mapped_column(
        ForeignKey("eldercare_meals.id", ondelete="SET NULL"), unique=True
    )
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    door_check: Mapped[str] = mapped_column(String(16))  # needs_help or no_answer
    tier: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(500), default="")


class ElderAlertStep(Base):
    """One rung of an alert's escalation ladder taken: who, when, what came of it."""

    __tablename__ = "eldercare_alert_steps"
    __table_args__ = (
        UniqueConstraint("alert_id", "seq", name="uq_eldercare_alert_steps_alert_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("eldercare_alerts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    contact_position: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")


class FunderMovement(Base):
    """A funder's ledger line: what it owes for one delivered meal. Idempotent: one line per
    meal and funder."""

    __tablename__ = "eldercare_ledger"
    __table_args__ = (
        UniqueConstraint("meal_id", "funder", name="uq_eldercare_ledger_meal_funder"),
        Index("ix_eldercare_ledger_funder_day", "funder", "day"),
        # A month's lines by funder without reading the year's (about 0.3 s saved a month).
        Index(
            "ix_eldercare_ledger_day_funder",
            "day",
            "funder",
            postgresql_include=["amount_fen", "meal_id"],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meal_id: Mapped[int] = mapped_column(ForeignKey("eldercare_meals.id", ondelete="RESTRICT"))
    funder: Mapped[str] = mapped_column(String(16))  # subsidy, enterprise, charity, copay
    day: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VolunteerTask(Base):
    """A task for an older person taken by a volunteer team (carrying large items, visits)."""

    __tablename__ = "eldercare_volunteer_tasks"
    # The district dashboard: tasks done in a window of months.
    __table_args__ = (Index("ix_eldercare_volunteer_tasks_done_at", "done_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elder_id: Mapped[int] = mapped_column(ForeignKey("eldercare_elders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # carry, visit, repair, other
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(String(120), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(500), default="")


class FamilyLink(Base):
    """A family account may act for an older person (next meals, pauses, changes), with the
    older person's consent recorded. Unlinking keeps the row: who linked, who unlinked, when."""

    __tablename__ = "eldercare_family_links"
    __table_args__ = (
        # One link in force per account and older person; revoked ones stay as history.
        Index(
            "uq_eldercare_family_links_in_force",
            "account_id",
            "elder_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    elder_id: Mapped[int] = mapped_column(
        ForeignKey("eldercare_elders.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(60))  # daughter, son, spouse ... as told
    consent_note_enc: Mapped[str] = mapped_column(Text)  # how the older person agreed
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- stays: homes, rooms, beds, bookings (services/stays) ------------------------------------


# Bookings in these states hold their bed (and their person) for [starts_at, ends_at).
STAY_ACTIVE_STATES = ("offered", "booked", "checked_in")


class StayHome(Base):
    """A service point's stays profile: its house rules, the latest check-in and the
    daytime nap slots (local HH:MM)."""

    __tablename__ = "stays_homes"

    place_id: Mapped[int] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    house_rules: Mapped[str] = mapped_column(Text, default="")
    checkin_cutoff: Mapped[str] = mapped_column(String(5))  # local HH:MM
    nap_slots: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [["13:00", "15:00"]]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StayRoom(Base):
    __tablename__ = "stays_rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("stays_homes.place_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    section: Mapped[str] = mapped_column(String(8))  # men, women, mixed


class StayBed(Base):
    """A bed; its home and section are copied from its room so that the free beds of every
    home near a point are one grouped query."""

    __tablename__ = "stays_beds"
    __table_args__ = (Index("ix_stays_beds_place_section", "place_id", "section"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(
        ForeignKey("stays_rooms.id", ondelete="CASCADE"), index=True
    )
    place_id: Mapped[int] = mapped_column(ForeignKey("stays_homes.place_id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # single, bunk_lower, bunk_upper, recliner
    price_fen: Mapped[int] = mapped_column(Integer, default=0)  # per night or nap; 0 = free
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StayBooking(Base):
    """A bed held for [starts_at, ends_at): nights (18:00 to 10:00 local) or a nap slot.

    No bed and no person is ever held twice for overlapping time: on PostgreSQL two
    exclusion constraints over the active states (migration 0019), on SQLite the writing
    transaction's lock and the service's overlap check."""

    __tablename__ = "stays_bookings"
    __table_args__ = (
        Index("ix_stays_bookings_bed_starts", "bed_id", "starts_at"),
        Index("ix_stays_bookings_place_starts", "place_id", "starts_at"),
        Index("ix_stays_bookings_account_starts", "account_id", "starts_at"),
        # The district dashboard: nights booked in a window of months.
        Index("ix_stays_bookings_kind_starts", "kind", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bed_id: Mapped[int] = mapped_column(ForeignKey("stays_beds.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("stays_homes.place_id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # night, nap
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # offered, booked, checked_in (active); checked_out, cancelled, no_show, lapsed, moved
    state: Mapped[str] = mapped_column(String(12), index=True)
    check_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # no-show after
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class StayWait(Base):
    """A place in a home's waiting list for one night (and section, if the rider named
    one); served first come, first served."""

    __tablename__ = "stays_waits"
    __table_args__ = (
        Index("ix_stays_waits_place_night", "place_id", "night", "state"),
        UniqueConstraint("place_id", "night", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("stays_homes.place_id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    night: Mapped[date] = mapped_column(Date)
    section: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(10))  # waiting, offered, booked, lapsed, left
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("stays_bookings.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- care: psychological support, meals and water offers (services/care) -------------------


class CareSelfCheckCount(Base):
    """How many anonymous self-checks (PHQ-2, GAD-2) fell in each band on a day: nothing
    else of a self-check is kept (no answers, no account, no address)."""

    __tablename__ = "care_self_check_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    instrument: Mapped[str] = mapped_column(String(8), primary_key=True)  # phq2, gad2
    band: Mapped[str] = mapped_column(String(16), primary_key=True)  # low, assess
    count: Mapped[int] = mapped_column(Integer, default=0)


class CareCallback(Base):
    """A call-back a worker asked for by leaving a number (encrypted): nothing links it to
    an account or a self-check. Deleted 30 days after the call was done."""

    __tablename__ = "care_callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_enc: Mapped[str] = mapped_column(Text)
    window: Mapped[str] = mapped_column(String(24))  # now, this_evening, tomorrow_morning ...
    state: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class CareCallbackRead(Base):
    """Every read of a call-back's number by a person: who, when, why. Kept when the
    call-back itself is deleted (no foreign key), for three years (PIPL Art. 56)."""

    __tablename__ = "care_callback_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    callback_id: Mapped[int] = mapped_column(Integer, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))


class CareSession(Base):
    """A group session run by the hotline's counsellors. `taken` counts the sign-ups and
    is moved only by a conditional UPDATE (`taken < capacity`), so a full session refuses."""

    __tablename__ = "care_sessions"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    venue: Mapped[str] = mapped_column(String(200), default="")  # where, or the online room
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CareSignup(Base):
    """A rider's or driver's place in a group session; cancelling deletes it."""

    __tablename__ = "care_signups"
    __table_args__ = (
        UniqueConstraint("session_id", "account_id", name="uq_care_signups_session_account"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("care_sessions.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CareOffer(Base):
    """A rider set meal or a free-water fridge (爱"新"冰箱) at a service point, kept by that
    point's staff. Hours empty: the point's own hours."""

    __tablename__ = "care_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), index=True)  # meal, water
    name: Mapped[str] = mapped_column(String(120))
    price_fen: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- notify: the browsers a worker allowed notifications in (services/notify) --------------


class PushSubscription(Base):
    """One browser's Web Push subscription (the endpoint its push service gave and the keys
    to encrypt for it), in the language the page was in when the worker allowed notices."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- truck stations: services, visits, queues, parking, legal aid (services/care/stations) ---


class StationService(Base):
    """One service of a truck-driver station (货车司机驿站): showers, washing machines,
    dryers, recliners or simple repairs, with how many units, a typical use in minutes and
    its own hours (empty: the station's). One row per kind per station."""

    __tablename__ = "station_services"
    __table_args__ = (
        UniqueConstraint("place_id", "kind", name="uq_station_services_place_kind"),
        CheckConstraint("units >= 0", name="units_not_negative"),
        CheckConstraint("typical_minutes > 0", name="typical_minutes_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # shower, washer, dryer, recliner, repair
    units: Mapped[int] = mapped_column(Integer)
    typical_minutes: Mapped[int] = mapped_column(Integer)
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StationVisit(Base):
    """A driver's visit logged at a station's desk: by the driver's QR (the account) or by
    plate, the plate only with the driver's consent recorded. After 30 days it is rolled
    into the day's counts and deleted (retention)."""

    __tablename__ = "station_visits"
    __table_args__ = (
        CheckConstraint(
            "plate IS NULL OR plate_consent_at IS NOT NULL", name="plate_only_with_consent"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    plate: Mapped[str | None] = mapped_column(String(16))
    plate_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    services: Mapped[list[Any]] = mapped_column(JSON, default=list)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class StationVisitCount(Base):
    """What is left of a station's visits of one local day after retention: how many, and
    how many used each service."""

    __tablename__ = "station_visit_counts"
    __table_args__ = (
        UniqueConstraint("place_id", "day", name="uq_station_visit_counts_place_day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    services: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StationProgramme(Base):
    """A programme of a timed station service (a washing machine's 快洗 30 minutes, 标准 45,
    大件 60): a machine runs the programme chosen at its start, so its run time is known
    within a few percent. A programme taken off is kept inactive: queue tickets name it."""

    __tablename__ = "station_programmes"
    __table_args__ = (
        UniqueConstraint("service_id", "name", name="uq_station_programmes_service_name"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("station_services.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    minutes: Mapped[int] = mapped_column(Integer)  # the programme's nominal run time
    position: Mapped[int] = mapped_column(Integer, default=0)  # order shown
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StationQueueEntry(Base):
    """A place in the queue of one station service (showers, washing machines): waiting,
    called, in use, done or left. The wait shown when joining is kept beside the truth."""

    __tablename__ = "station_queue"
    __table_args__ = (
        Index("ix_station_queue_service_state", "service_id", "state", "id"),
        Index("ix_station_queue_service_finished", "service_id", "finished_at"),
        Index("ix_station_queue_programme_finished", "programme_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("station_services.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    origin: Mapped[str] = mapped_column(String(8))  # road, desk
    state: Mapped[str] = mapped_column(String(8))  # waiting, called, in_use, done, left
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estimate_minutes: Mapped[int] = mapped_column(Integer, default=0)
    next_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    called_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The programme chosen (by the driver at joining, or the desk at the start) and its
    # nominal minutes then: run times are learned per programme and per those minutes.
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("station_programmes.id", ondelete="SET NULL")
    )
    programme_minutes: Mapped[int | None] = mapped_column(Integer)


class StationParking(Base):
    """A nearby car park's offer to truck drivers: its hours, price per hour (fen) and the
    off-peak discount (its words, hours and price)."""

    __tablename__ = "station_parking"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price_per_hour_fen: Mapped[int] = mapped_column(Integer)
    offpeak_text: Mapped[str] = mapped_column(String(200), default="")
    offpeak_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    offpeak_price_per_hour_fen: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StationLawyerSlot(Base):
    """A volunteer lawyer's slot at a station's legal-aid window, booked by one driver for
    one topic (a conditional UPDATE: never twice)."""

    __tablename__ = "station_lawyer_slots"
    __table_args__ = (
        UniqueConstraint("lawyer_id", "starts_at", name="uq_station_lawyer_slots_lawyer_start"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    lawyer_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    booked_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[str | None] = mapped_column(String(16))
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StationCaseNote(Base):
    """A note on a legal-aid case (a booked slot), encrypted at field level; read only by
    that slot's lawyer and the driver who booked it."""

    __tablename__ = "station_case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("station_lawyer_slots.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)  # FieldCipher token
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- family doctors: centres, sign-ups, check-ups, readings (services/care/doctors) ----------


class DoctorCentre(Base):
    """A community health centre (a place of kind health_center) that signs workers up with
    a family doctor: how many it takes on (`capacity`) and how many it has (`taken`, moved
    only by conditional UPDATEs, so the database never holds more than the capacity)."""

    __tablename__ = "doctors_centres"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), unique=True)
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Doctor(Base):
    """A family doctor of a centre with the list size they take (`taken` as the centre's).
    `account_id`: the doctor's own sign-in, a `staff` account of the centre's place."""

    __tablename__ = "doctors_doctors"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= list_size", name="taken_within_list"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("doctors_centres.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    list_size: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DoctorSignup(Base):
    """A worker's sign-up with a centre and one of its doctors. `current` holds the worker's
    account id while the sign-up is active and is unique: one active sign-up per worker."""

    __tablename__ = "doctors_signups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("doctors_centres.id", ondelete="CASCADE"), index=True
    )
    doctor_id: Mapped[int] = mapped_column(
        ForeignKey("doctors_doctors.id", ondelete="CASCADE"), index=True
    )
    current: Mapped[int | None] = mapped_column(Integer, unique=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    due_noticed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DoctorSlot(Base):
    """A check-up slot with a doctor, in one of the shift-work bands; booked by one worker
    at most (`booked_by` set by a conditional UPDATE)."""

    __tablename__ = "doctors_slots"
    __table_args__ = (
        UniqueConstraint("doctor_id", "starts_at", name="uq_doctors_slots_doctor_starts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("doctors_centres.id", ondelete="CASCADE"), index=True
    )
    doctor_id: Mapped[int] = mapped_column(ForeignKey("doctors_doctors.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))  # early, afternoon, evening
    booked_by: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DoctorConsent(Base):
    """A worker's consent to health readings: granted, and withdrawn (no new readings).
    `current` is the account id while it stands (unique: one standing consent)."""

    __tablename__ = "doctors_consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    current: Mapped[int | None] = mapped_column(Integer, unique=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DoctorReading(Base):
    """A health-monitoring reading taken with the worker's consent; the values (blood
    pressure, heart rate, glucose, weight) are one encrypted JSON field."""

    __tablename__ = "doctors_readings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("doctors_consents.id", ondelete="SET NULL")
    )
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    values_enc: Mapped[str] = mapped_column(Text)


class DoctorRead(Base):
    """A person read a worker's health readings: who, when, why."""

    __tablename__ = "doctors_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))  # own, patient


# -- governance: complaints, topic rules, measures, surveys, consultations (services/governance)


class GovImport(Base):
    """One file of 12345 hotline records as staff uploaded it: its hash, how far the
    background import has gone, and the rows it refused with the reason for each."""

    __tablename__ = "gov_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_key: Mapped[str | None] = mapped_column(String(200))  # in the file store until read
    status: Mapped[str] = mapped_column(String(12))  # queued, running, done, failed
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    unplaced: Mapped[int] = mapped_column(Integer, default=0)
    # The first refusals, row by row ({line, field, reason, params}); `refused` counts all.
    refusals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    problem: Mapped[str | None] = mapped_column(Text)  # why a failed import failed
    problem_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GovComplaint(Base):
    """A 12345 hotline record: where it was placed (NULL until matched or placed by a
    person) and which delivery topic its text is about (NULL: not delivery-related), with
    the rule that fired. `fingerprint` is unique, so a record imported twice is kept once."""

    __tablename__ = "gov_complaints"
    __table_args__ = (
        # The dashboard and hotspots: a year by time, topic and sub-district from the index.
        Index("ix_gov_complaints_time_cover", "received_at", "topic", "subdistrict", "lat", "lon"),
        Index("ix_gov_complaints_unplaced", "placed", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(80), unique=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("gov_imports.id", ondelete="SET NULL"), index=True
    )
    record_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[str] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    placed: Mapped[bool] = mapped_column(Boolean, default=False)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    subdistrict: Mapped[str | None] = mapped_column(String(64))
    place_ref: Mapped[str | None] = mapped_column(String(40))  # "place:12", "estate:3", "road:…"
    place_name: Mapped[str | None] = mapped_column(String(200))
    placed_how: Mapped[str | None] = mapped_column(String(16))  # place, estate, road, person
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    topic: Mapped[str | None] = mapped_column(String(16))
    topic_rule: Mapped[str | None] = mapped_column(String(40))
    topic_words: Mapped[list[Any]] = mapped_column(JSON, default=list)


class GovPlaceAlias(Base):
    """Another name of a map place as hotline addresses write it (真如环宇城MAX for
    中海真如环宇城MAX), remembered when a person places a record by it: later records that
    write it are placed by themselves. `key` is the name's match key, one place each."""

    __tablename__ = "gov_place_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    alias: Mapped[str] = mapped_column(String(200))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovTopicRule(Base):
    """A rule that puts a complaint under a delivery topic: every group of words must have
    one word in the segmented text and no excluded word may; lowest priority first."""

    __tablename__ = "gov_topic_rules"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    topic: Mapped[str] = mapped_column(String(16))
    groups: Mapped[list[Any]] = mapped_column(JSON)
    exclude: Mapped[list[Any]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovMeasure(Base):
    """What was done at a place to ease a conflict (parking zones, pickup lifts, a rider
    station, relay delivery, night lighting, a plan board), from when, at what cost. Its
    effect is evaluated on the complaints within `radius_m` of its point."""

    __tablename__ = "gov_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    place_name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    radius_m: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date)
    cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovPickup(Base):
    """How long one pickup took at a place, as a platform sent it: the time (to the minute),
    the point, the minutes — no rider, no order. (`source`, `pickup_id`) is the platform's
    own id of the pickup, stored once, so a batch sent again adds nothing."""

    __tablename__ = "gov_pickups"
    __table_args__ = (
        UniqueConstraint("source", "pickup_id", name="uq_gov_pickups_source_pickup"),
        # A measure's evaluation: a window of time within a box around its point.
        Index("ix_gov_pickups_time_point", "picked_at", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # "api-key:<id>", or "synthetic"
    pickup_id: Mapped[str] = mapped_column(String(64))
    picked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str] = mapped_column(String(64))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    minutes: Mapped[float] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovMapUse(Base):
    """How often the friendly map was used in a sub-district on a local day, by kind of
    use (nearest points asked for, a point's details with its navigation links opened):
    counts only — no address, no account. Workers add their counts with one UPSERT a
    minute."""

    __tablename__ = "gov_map_uses"
    __table_args__ = (
        UniqueConstraint("day", "subdistrict", "kind", name="uq_gov_map_uses_day_sub_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    subdistrict: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # nearby, details
    count: Mapped[int] = mapped_column(Integer, default=0)


class GovSurvey(Base):
    """A short survey for riders or residents, answered from a QR code at a place (a
    station, an estate gate, a mall). Answers are anonymous."""

    __tablename__ = "gov_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # in the QR code's address
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(12))  # riders, residents, everyone
    questions: Mapped[list[Any]] = mapped_column(JSON)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    place_name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovSurveyAnswer(Base):
    """One person's answers to a survey: no account, no device; `client_key` makes a resent
    answer count once."""

    __tablename__ = "gov_survey_answers"
    __table_args__ = (
        UniqueConstraint("survey_id", "client_key"),
        Index("ix_gov_survey_answers_time", "at", "subdistrict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("gov_surveys.id", ondelete="CASCADE"))
    client_key: Mapped[str] = mapped_column(String(64))
    respondent: Mapped[str] = mapped_column(String(12))  # rider, resident, other
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    subdistrict: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GovConsultation(Base):
    """A consultation meeting (e.g. of an estate that bans e-bikes): the parties who took
    part (organisations and how many people, not names), what was agreed, by whom, by when."""

    __tablename__ = "gov_consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estates.id", ondelete="SET NULL"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    place_name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    subdistrict: Mapped[str] = mapped_column(String(64), index=True)
    parties: Mapped[list[Any]] = mapped_column(JSON)  # [{party, people}]
    agreed: Mapped[list[Any]] = mapped_column(JSON)  # [{what, owner, due_on, done_on}]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRun(Base):
    """One decision log audited against the rulebook in force (issue 19): the file as
    uploaded (its SHA-256; the log itself is deleted once read, for it names riders by the
    platform's ids), the rulebook version checked, how far the background job has gone and,
    when done, the counts and where the report and the findings are kept (pseudonymised)."""

    __tablename__ = "audit_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_key: Mapped[str | None] = mapped_column(String(200))  # in the file store until read
    status: Mapped[str] = mapped_column(String(12))  # queued, running, done, failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0..1
    error: Mapped[str | None] = mapped_column(Text)  # why a failed run failed (a msgid)
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rules_asked: Mapped[str | None] = mapped_column(String(80))  # None: the one in force
    rulebook_id: Mapped[str | None] = mapped_column(String(64))  # the one checked, once known
    rulebook_version: Mapped[int | None] = mapped_column(Integer)
    eta_tolerance_s: Mapped[float] = mapped_column(Float)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    riders: Mapped[int] = mapped_column(Integer, default=0)
    checks_failed: Mapped[int] = mapped_column(Integer, default=0)
    checks_applicable: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    # Each check's verdict for the list ({check, applicable, passed, checked, breaches, rate}).
    checks: Mapped[list[Any] | None] = mapped_column(JSON)
    report_key: Mapped[str | None] = mapped_column(String(200))
    findings_key: Mapped[str | None] = mapped_column(String(200))
    by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    by_api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written when queued, claimed and at each progress step: in the embedded mode (jobs in
    # the server's memory) a queued or running run whose heartbeat has long stopped was
    # lost with its server, and is shown failed rather than running forever.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- organisation: organisations, check-in points, memberships, stations' 1+1+N (issue 20)


class Organisation(Base):
    """A Party organisation along the business chain: a platform committee, a company
    branch or a station group, under its parent."""

    __tablename__ = "org_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))  # platform_committee, company_branch, ...
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL"), index=True
    )
    sector: Mapped[str] = mapped_column(String(24))  # instant_retail, ride_hailing, ...
    subdistrict: Mapped[str | None] = mapped_column(String(64), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrgOfficer(Base):
    """An account that keeps an organisation's members (its secretary or organiser): it may
    read that organisation's members, and only those."""

    __tablename__ = "org_officers"
    __table_args__ = (UniqueConstraint("organisation_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="CASCADE")
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )


class CheckinPoint(Base):
    """A sub-district's check-in point (one each) where mobile members register: a place
    of the friendly map, and the organisation that holds the memberships registered there."""

    __tablename__ = "org_checkin_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subdistrict: Mapped[str] = mapped_column(String(64), unique=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL"), index=True
    )


class Membership(Base):
    """A rider's membership (sensitive: read only by the organisation's officers and the
    district's social-work staff, every read logged in `org_member_reads`). One per rider.
    Whose it is is sealed (services/organisation/sealing.py): `account_key` is a keyed hash
    of the account id (unique: one membership per rider) found only with the instance's
    key, `account_enc` the account id encrypted; no plain account id is stored."""

    __tablename__ = "org_memberships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), unique=True)
    account_enc: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL"), index=True
    )
    checkin_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_checkin_points.id", ondelete="SET NULL"), index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # none, transfer_out_requested, transferred_in, transferred_out
    transfer_status: Mapped[str] = mapped_column(String(24), default="none")
    transfer_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL")
    )
    transfer_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transferred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transfer_from_id: Mapped[int | None] = mapped_column(  # where a transferred one came from
        ForeignKey("org_organisations.id", ondelete="SET NULL")
    )


class MemberRead(Base):
    """A person read a member's membership: who, when, through which endpoint. The member
    is sealed as in `org_memberships` (`member_key` finds a member's lines)."""

    __tablename__ = "org_member_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    member_key: Mapped[str] = mapped_column(String(64), index=True)
    member_enc: Mapped[str] = mapped_column(Text)
    reader_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(64))  # own, or the endpoint that read it


class StationTeamMember(Base):
    """One of a station's 1+1+N: its master, resident instructor or a sector instructor."""

    __tablename__ = "org_station_team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(24))  # master, resident_instructor, sector
    sector_kind: Mapped[str | None] = mapped_column(String(32))  # sector instructors only
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    duty_hours: Mapped[str | None] = mapped_column(String(200))


class StationPlan(Base):
    """The station's plan ("one station, one plan"): its goals (its dated actions are rows of
    `org_plan_actions`)."""

    __tablename__ = "org_station_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), unique=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanAction(Base):
    """A dated action of a station's plan, done or not."""

    __tablename__ = "org_plan_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- organisation, continued: theme days and the three ones (issue 20)


class ThemeDay(Base):
    """A station's theme day (the 17th of the month, moved by the holiday calendar) or one
    of its make-up sessions. `code` is the secret in the station's check-in QR code."""

    __tablename__ = "org_theme_days"
    __table_args__ = (UniqueConstraint("place_id", "month", "kind", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM the session counts for
    kind: Mapped[str] = mapped_column(String(8))  # theme, makeup
    held_on: Mapped[date] = mapped_column(Date)
    moved_from: Mapped[date | None] = mapped_column(Date)  # the 17th, when a holiday moved it
    title: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThemeAttendance(Base):
    """A rider attended a month's theme day (at the station by its QR code, or online when on
    shift), once a month whichever session they came to."""

    __tablename__ = "org_theme_attendance"
    __table_args__ = (
        UniqueConstraint("account_id", "month"),
        Index("ix_org_theme_attendance_day", "theme_day_id", "at"),
        # The district overview: a year's attendance by month and mode, from the index alone.
        Index("ix_org_theme_attendance_month_mode", "month", "mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_day_id: Mapped[int] = mapped_column(ForeignKey("org_theme_days.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    mode: Mapped[str] = mapped_column(String(8))  # station, online
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrgLetter(Base):
    """The month's letter ("the three ones"), to the members of one organisation or of all."""

    __tablename__ = "org_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class OrgLetterRead(Base):
    """A member opened a letter: its read receipt. Only members open letters, so a receipt
    tells a membership: the reader is sealed as in `org_memberships`."""

    __tablename__ = "org_letter_reads"
    __table_args__ = (UniqueConstraint("letter_id", "account_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("org_letters.id", ondelete="CASCADE"))
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    account_enc: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LearningResource(Base):
    """A resource of the learning library the learning QR code opens."""

    __tablename__ = "org_learning_resources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # article, video, audio, course
    url: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LearningProgress(Base):
    """How far a member is through a resource (percent; completed when 100)."""

    __tablename__ = "org_learning_progress"
    __table_args__ = (UniqueConstraint("resource_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("org_learning_resources.id", ondelete="CASCADE")
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    percent: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BookHandout(Base):
    """A member received a book ("the three ones"): which, where and from whom."""

    __tablename__ = "org_book_handouts"
    __table_args__ = (UniqueConstraint("account_id", "title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# -- organisation, continued: concerns raised with platforms, "see you on Tuesday" (周二见)


class ConcernMeeting(Base):
    """A Tuesday meeting of a platform committee with the platform: its date and agenda."""

    __tablename__ = "org_concern_meetings"
    __table_args__ = (UniqueConstraint("organisation_id", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="CASCADE")
    )
    held_on: Mapped[date] = mapped_column(Date, index=True)
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Concern(Base):
    """A concern riders raised with their platform: who owns it, by when, where it stands,
    the platform's answer, and the workbench run that priced it as a rulebook change."""

    __tablename__ = "org_concerns"
    __table_args__ = (Index("ix_org_concerns_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_concern_meetings.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(24))  # pay, rest, deductions, detours, ...
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    owner: Mapped[str | None] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, ... closed
    answer: Mapped[str | None] = mapped_column(Text)  # the platform's answer
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    workbench_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("workbench_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConcernSupport(Base):
    """A rider said "me too" to a concern."""

    __tablename__ = "org_concern_supports"
    __table_args__ = (UniqueConstraint("concern_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("org_concerns.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- volunteer teams: teams, activities, sign-ups, hours confirmed by the leader (issue 20)


class VolunteerTeam(Base):
    """A volunteer team (drivers' mobile team, the team on wheels, a station's love fund)."""

    __tablename__ = "vol_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[str] = mapped_column(String(24))  # as organisations' sectors
    subdistrict: Mapped[str | None] = mapped_column(String(64), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_organisations.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VolunteerMember(Base):
    """A volunteer in a team, as its leader or a member."""

    __tablename__ = "vol_team_members"
    __table_args__ = (UniqueConstraint("team_id", "account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("vol_teams.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(8), default="member")  # leader, member
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VolunteerActivity(Base):
    """A team's scheduled activity: a patrol, traffic guidance, a visit, carrying large items
    for older people; with its place, time and how many may sign up."""

    __tablename__ = "vol_activities"
    __table_args__ = (Index("ix_vol_activities_team_starts", "team_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("vol_teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # patrol, traffic_guidance, visit, carry, other
    title: Mapped[str] = mapped_column(String(200))
    where_text: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class VolunteerSignup(Base):
    """A volunteer signed up for an activity; the hours they gave, once recorded, and the
    leader who confirmed them (only confirmed hours count and go on a certificate)."""

    __tablename__ = "vol_signups"
    __table_args__ = (
        UniqueConstraint("activity_id", "account_id"),
        Index("ix_vol_signups_account_confirmed", "account_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("vol_activities.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    minutes: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class VolunteerReportCredit(Base):
    """A hazard report made by a team on patrol: the team (and activity) it is credited to."""

    __tablename__ = "vol_report_credits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), unique=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("vol_teams.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("vol_activities.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
