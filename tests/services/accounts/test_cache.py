"""Checked credentials are remembered for a few seconds, and never longer than they are valid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from gigcity.db.models import Account
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role, Scope, get_account, issue_token
from gigcity.services.accounts.cache import PrincipalCache
from gigcity.services.errors import NotAuthenticated
from gigcity.services.platform import Platform
from support import ADMIN, World


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


RIDER = Principal(role=Role.rider, account_id=7, label="rider")


def test_an_entry_lasts_the_ttl_or_the_credentials_own_life_whichever_is_shorter() -> None:
    clock = FakeClock()
    cache = PrincipalCache(ttl_s=5, clock=clock)
    cache.put("long-lived", RIDER, cache.generation)
    cache.put("expiring", RIDER, cache.generation, valid_for_s=2)
    cache.put("expired", RIDER, cache.generation, valid_for_s=-1)
    assert cache.get("long-lived") == RIDER
    assert cache.get("expired") is None
    clock.now += 2.5
    assert cache.get("expiring") is None
    assert cache.get("long-lived") == RIDER
    clock.now += 2.5
    assert cache.get("long-lived") is None


def test_a_check_that_raced_a_change_is_not_remembered() -> None:
    cache = PrincipalCache(ttl_s=5)
    before = cache.generation  # a check starts reading the account ...
    cache.clear()  # ... while a deactivation commits
    cache.put("token", RIDER, before)
    assert cache.get("token") is None


def test_the_oldest_entries_are_dropped_beyond_the_bound() -> None:
    cache = PrincipalCache(ttl_s=5, max_entries=2)
    for name in ("a", "b", "c"):
        cache.put(name, RIDER, cache.generation)
    assert cache.get("a") is None
    assert cache.get("b") == RIDER
    assert cache.get("c") == RIDER


def _token_for(platform: Platform, account_id: int, ttl: timedelta) -> str:
    with platform.factory() as session:
        account = get_account(session, account_id)
        return issue_token(account, platform.accounts.signing_key, ttl).access_token


def test_deactivation_here_applies_at_once_and_elsewhere_within_the_ttl(
    platform: Platform, world: World
) -> None:
    clock = FakeClock()
    accounts = platform.accounts
    accounts.recent = PrincipalCache(ttl_s=5, clock=clock)
    rider, rider2 = world.ids["rider"], world.ids["rider2"]
    token = _token_for(platform, rider, timedelta(hours=1))
    token2 = _token_for(platform, rider2, timedelta(hours=1))
    assert accounts.principal_from_token(token).account_id == rider
    assert accounts.cached_token(token) is not None

    # Through this process: refused at once.
    accounts.set_active(_admin(platform, world), rider, False)
    assert accounts.cached_token(token) is None
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_token(token)

    # Behind the process's back (another worker, SQL by hand): refused once the TTL is over.
    assert accounts.principal_from_token(token2).account_id == rider2
    with transaction(platform.factory) as session:
        session.execute(update(Account).where(Account.id == rider2).values(active=False))
    assert accounts.principal_from_token(token2).account_id == rider2  # within the TTL
    clock.now += 5.01
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_token(token2)


def test_a_revoked_api_key_is_refused_at_once(platform: Platform, world: World) -> None:
    accounts = platform.accounts
    admin = _admin(platform, world)
    created = accounts.create_api_key(admin, "ele.me", scopes=[Scope.deliveries])
    assert created.key is not None
    assert accounts.principal_from_api_key(created.key).api_key_id == created.id
    assert accounts.cached_api_key(created.key) is not None
    accounts.revoke_api_key(admin, created.id)
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_api_key(created.key)


def _admin(platform: Platform, world: World) -> Principal:
    return Principal(role=Role.admin, account_id=world.ids["admin"], label=ADMIN.label)


def test_a_credential_is_remembered_only_for_the_header_it_was_checked_as(
    platform: Platform, world: World
) -> None:
    # A bearer token is no API key and an API key no bearer token, remembered or not.
    accounts = platform.accounts
    token = _token_for(platform, world.ids["admin"], timedelta(hours=1))
    assert accounts.principal_from_token(token).role == Role.admin
    assert accounts.cached_api_key(token) is None
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_api_key(token)
    created = accounts.create_api_key(_admin(platform, world), "ele.me", scopes=[Scope.signals])
    assert created.key is not None
    assert accounts.principal_from_api_key(created.key).role == Role.platform
    assert accounts.cached_token(created.key) is None
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_token(created.key)


def test_a_token_cached_elsewhere_is_refused_once_its_generation_moved_on(
    platform: Platform, world: World
) -> None:
    """Deactivated and reactivated through another worker: the old token was remembered
    here, and is refused once the entry is gone (at most the TTL), the account active again."""
    clock = FakeClock()
    here = platform.accounts
    here.recent = PrincipalCache(ttl_s=5, clock=clock)
    rider = world.ids["rider"]
    token = _token_for(platform, rider, timedelta(hours=1))
    assert here.principal_from_token(token).account_id == rider  # remembered here
    elsewhere = Platform.from_settings(platform.settings)
    try:
        admin = _admin(platform, world)
        elsewhere.accounts.set_active(admin, rider, False)
        elsewhere.accounts.set_active(admin, rider, True)
        with pytest.raises(NotAuthenticated):
            elsewhere.accounts.principal_from_token(token)  # there: at once
        clock.now += 5.01
        with pytest.raises(NotAuthenticated):
            here.principal_from_token(token)
        fresh = _token_for(platform, rider, timedelta(hours=1))
        assert here.principal_from_token(fresh).account_id == rider
    finally:
        elsewhere.close()


def test_a_password_change_here_refuses_the_remembered_token_at_once(
    platform: Platform, world: World
) -> None:
    accounts = platform.accounts
    rider = world.ids["rider"]
    token = _token_for(platform, rider, timedelta(hours=1))
    assert accounts.principal_from_token(token).account_id == rider
    assert accounts.cached_token(token) is not None
    accounts.set_password(_admin(platform, world), rider, "a new pass phrase")
    assert accounts.cached_token(token) is None
    with pytest.raises(NotAuthenticated):
        accounts.principal_from_token(token)
