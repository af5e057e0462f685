"""Secrets an installation makes for itself: dev and demo mode sign tokens with a random key
kept with each database (none is written in the source), and demo mode prints the same
platform API key at every start."""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from gigcity.config import Settings
from gigcity.db.models import ApiKey, InstanceSecret
from gigcity.db.session import transaction
from gigcity.services.accounts import (
    PLATFORM_SCOPES,
    AccountsService,
    create_api_key,
    get_account,
    issue_token,
    principal_from_api_key,
    revoke_api_key,
)
from gigcity.services.accounts.instance_secrets import SIGNING_KEY
from gigcity.services.demo import DEMO_KEY_NAME, demo_api_key
from gigcity.services.platform import Platform
from support import World


def _token(platform: Platform, account_id: int) -> str:
    with platform.factory() as session:
        account = get_account(session, account_id)
        return issue_token(account, platform.accounts.signing_key, timedelta(hours=1)).access_token


def test_dev_mode_signs_with_a_random_key_kept_with_the_database(
    platform: Platform, world: World
) -> None:
    key = platform.accounts.signing_key
    assert len(key) >= 64
    with platform.factory() as session:
        assert session.get(InstanceSecret, SIGNING_KEY).value == key  # type: ignore[union-attr]
    # A restart (or another worker) on the same database signs and checks with the same key.
    again = Platform.from_settings(platform.settings)
    try:
        assert again.accounts.signing_key == key
        token = _token(platform, world.ids["rider"])
        assert again.accounts.principal_from_token(token).account_id == world.ids["rider"]
    finally:
        again.close()


def test_each_database_gets_its_own_key(platform: Platform, tmp_path: Path) -> None:
    other = Platform.from_settings(
        Settings(mode="demo", database_url=f"sqlite:///{tmp_path / 'other.db'}", secret_key="")
    )
    try:
        other.upgrade_database()
        assert other.accounts.signing_key != platform.accounts.signing_key
    finally:
        other.close()


def test_workers_racing_for_the_first_key_agree_on_one(platform: Platform) -> None:
    services = [
        AccountsService(platform.factory, platform.district, "", timedelta(hours=1))
        for _ in range(6)
    ]
    keys: list[str] = []
    start = threading.Barrier(len(services))

    def ask(service: AccountsService) -> None:
        start.wait()
        keys.append(service.signing_key)

    threads = [threading.Thread(target=ask, args=(s,)) for s in services]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 6
    assert len(set(keys)) == 1
    with platform.factory() as session:
        assert session.scalar(select(func.count()).select_from(InstanceSecret)) == 1


def test_production_signs_with_the_configured_key_and_stores_none(tmp_path: Path) -> None:
    key = secrets.token_urlsafe(48)
    production = Platform.from_settings(
        Settings(mode="production", database_url=f"sqlite:///{tmp_path / 'p.db'}", secret_key=key)
    )
    try:
        production.upgrade_database()
        assert production.accounts.signing_key == key
        with production.factory() as session:
            assert session.scalar(select(func.count()).select_from(InstanceSecret)) == 0
    finally:
        production.close()


def test_the_demo_api_key_is_the_same_at_every_start(platform: Platform, world: World) -> None:
    with transaction(platform.factory) as session:
        first = demo_api_key(session)
    with transaction(platform.factory) as session:
        second = demo_api_key(session)
    assert first == second
    with platform.factory() as session:
        assert principal_from_api_key(session, first).scopes == PLATFORM_SCOPES
        assert session.scalar(select(func.count()).select_from(ApiKey)) == 1


def test_a_revoked_demo_key_is_replaced_and_leftover_demo_keys_are_revoked(
    platform: Platform, world: World
) -> None:
    # Databases from before kept one more all-scope key at every start.
    with transaction(platform.factory) as session:
        leftovers = [
            create_api_key(session, DEMO_KEY_NAME, None, scopes=PLATFORM_SCOPES) for _ in range(3)
        ]
        other = create_api_key(session, "ele.me", None, scopes=PLATFORM_SCOPES)
        first = demo_api_key(session)
    with platform.factory() as session:
        live = session.scalars(
            select(ApiKey.id).where(ApiKey.name == DEMO_KEY_NAME, ApiKey.revoked_at.is_(None))
        ).all()
        assert len(live) == 1
        assert all(session.get(ApiKey, k.id).revoked_at is not None for k in leftovers)  # type: ignore[union-attr]
        assert session.get(ApiKey, other.id).revoked_at is None  # type: ignore[union-attr]
    with transaction(platform.factory) as session:
        revoke_api_key(session, live[0])
    with transaction(platform.factory) as session:
        replaced = demo_api_key(session)
    assert replaced != first
    with platform.factory() as session:
        assert principal_from_api_key(session, replaced).label == f"api-key:{DEMO_KEY_NAME}"
