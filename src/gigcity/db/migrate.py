"""Alembic, driven from code: the migrations ship inside the package."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

# Tables that are in the database but not in our models: procrastinate's job queue
# (PostgreSQL), created from its own schema by migration 0011.
FOREIGN_TABLE_PREFIX = "procrastinate_"

# The advisory lock every migrating process takes first (PostgreSQL): workers and hosts
# starting together upgrade one after another, the later ones finding nothing to do.
MIGRATION_LOCK_KEY = 0x67696763  # "gigc"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("gigcity.db") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":  # SQLite: one process, one writer anyway
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def upgrade(
    engine: Engine, revision: str = "head", *, attributes: Mapping[str, Any] | None = None
) -> None:
    """Bring the database at `engine` to `revision` (idempotent, and safe when several
    processes run it at once: they take turns under an advisory lock). `attributes`: what
    a migration that rewrites data needs from the platform (0029: `member_seal`)."""
    if revision == "head" and is_current(engine):
        return  # most starts: reading the migrations and taking the lock is not needed
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        _lock(connection)
        cfg.attributes.update(attributes or {})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def include_name(name: str | None, type_: str, parent_names: Mapping[Any, str | None]) -> bool:
    """Alembic's filter when comparing the database with the models: leave out the tables
    (and their indexes and constraints) that are not ours, so that autogenerate never
    proposes dropping them."""
    table = name if type_ == "table" else parent_names.get("table_name")
    return not (table or "").startswith(FOREIGN_TABLE_PREFIX)


@cache
def head_revision() -> str:
    """The newest revision this version of gigcity ships (read once: the migrations ship
    inside the package and do not change while it runs)."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest schema this version ships."""
    return current_revision(engine) == head_revision()


def downgrade(
    engine: Engine, revision: str, *, attributes: Mapping[str, Any] | None = None
) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        _lock(connection)
        cfg.attributes.update(attributes or {})
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
