"""`gigcity organisation reindex`: after GIGCITY_SECRET_KEY changed, members are found again
once their memberships are sealed under the new keys (and not before); without the old
secret the command changes nothing and says what it needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gigcity.cli import app
from gigcity.config import get_settings
from gigcity.services.errors import NotFound
from gigcity.services.organisation.schemas import CheckinPointIn, OrganisationIn, OrgKind, Sector
from gigcity.services.platform import Platform
from support import ADMIN, make_world, principal

runner = CliRunner()
OLD, NEW = "the secret before " + "o" * 32, "the secret after " + "n" * 32


def _platform(monkeypatch: pytest.MonkeyPatch, secret: str) -> Platform:
    monkeypatch.setenv("GIGCITY_SECRET_KEY", secret)
    get_settings.cache_clear()
    platform = Platform.from_settings(get_settings())
    platform.upgrade_database()
    return platform


def test_reindex_seals_the_members_again_under_the_new_secret(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = _platform(monkeypatch, OLD)
    world = make_world(platform)
    org = platform.organisation.create_organisation(
        ADMIN,
        OrganisationIn(name="万里驿站党支部", kind=OrgKind.station_group, sector=Sector.other),
    )
    point = platform.organisation.set_checkin_point(
        ADMIN,
        CheckinPointIn(subdistrict="wanli", place_id=world.station_id, organisation_id=org.id),
    )
    platform.organisation.register(principal(platform, "rider"), point.id)
    platform.close()

    platform = _platform(monkeypatch, NEW)
    with pytest.raises(NotFound):
        platform.organisation.my_membership(principal(platform, "rider"))
    done = runner.invoke(app, ["organisation", "reindex"])
    assert done.exit_code == 1, done.output
    assert "GIGCITY_PREVIOUS_SECRET_KEY" in done.output
    assert "nothing was changed" in done.output
    monkeypatch.setenv("GIGCITY_PREVIOUS_SECRET_KEY", OLD)
    done = runner.invoke(app, ["organisation", "reindex"])
    assert done.exit_code == 0, done.output
    assert "1 memberships" in done.output
    assert platform.organisation.my_membership(principal(platform, "rider")).organisation_id == (
        org.id
    )
    platform.close()
