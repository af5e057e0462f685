"""Settings: production refuses a missing, known, short or predictable secret key; demo and
dev do not need one (they sign with a random key made for their database)."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gigcity import config
from gigcity.config import SECRET_MIN_BITS, Settings, estimated_secret_bits


@pytest.mark.parametrize("key", ["", "changeme", "secret", "demo-secret-key", "short-but-random"])
def test_production_refuses_a_missing_default_or_short_secret(key: str) -> None:
    with pytest.raises(ValidationError, match="GIGCITY_SECRET_KEY"):
        Settings(mode="production", secret_key=key)


def test_production_accepts_a_long_random_secret() -> None:
    key = secrets.token_urlsafe(48)
    s = Settings(mode="production", secret_key=key)
    assert s.signing_key == key


@pytest.mark.parametrize(
    "key",
    [
        "a" * 32,
        "a" * 200,
        "x9" * 24,  # long, but two characters
        "0123456789abcdef" * 2,  # 32 characters, 16 different, each twice
        "0123456789" * 4,
        "abcdefghijklmnopqrstuvwxyz012345",  # all different, but a run
        "password" * 4,
    ],
)
def test_production_refuses_a_long_but_predictable_secret(key: str) -> None:
    with pytest.raises(ValidationError, match="GIGCITY_SECRET_KEY is too predictable"):
        Settings(mode="production", secret_key=key)


@given(st.sampled_from("abcdefgh0123"), st.integers(min_value=32, max_value=300))
def test_any_secret_of_few_different_characters_is_refused(char: str, length: int) -> None:
    # However long: one character repeated carries nothing.
    with pytest.raises(ValidationError, match="GIGCITY_SECRET_KEY"):
        Settings(mode="production", secret_key=char * length)


def test_the_entropy_estimate() -> None:
    assert estimated_secret_bits("a" * 64) == 0
    assert estimated_secret_bits("ab" * 16) == 0  # a repeated unit counts once
    assert estimated_secret_bits("abcdefgh" * 4) == 0  # one step, repeated
    assert estimated_secret_bits(secrets.token_urlsafe(48)) > 2 * SECRET_MIN_BITS


def test_demo_and_dev_run_without_a_secret_and_no_key_is_written_in_the_source() -> None:
    for mode in ("demo", "dev"):
        # Empty: the platform signs with its database's own random key.
        assert Settings(mode=mode, secret_key="").signing_key == ""  # type: ignore[arg-type]
    assert not hasattr(config, "DEMO_SECRET_KEY")


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCITY_MODE", "dev")
    monkeypatch.setenv("GIGCITY_DATABASE_URL", "sqlite:///elsewhere.db")
    s = Settings()
    assert s.database_url == "sqlite:///elsewhere.db"
    assert s.mode == "dev"


def test_default_database_is_a_sqlite_file_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.delenv("GIGCITY_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    assert Settings(mode="dev").database_url == f"sqlite:///{tmp_path}/gigcity.db"


# -- map tiles (GIGCITY_MAP_TILES) -----------------------------------------------------------

TIANDITU_KEY = "0123456789abcdef0123456789abcdef"
GOOD_TILE_URL = "https://m{s}.tiles.example.cn/{z}/{x}/{y}.png"


def test_map_tiles_default_to_openstreetmap_and_amap_needs_nothing_more() -> None:
    assert Settings(mode="dev").map_tiles == "osm"
    assert Settings(mode="dev", map_tiles="amap").map_tiles == "amap"


def test_tianditu_tiles_refuse_to_start_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCITY_MAP_TILES", "tianditu")
    with pytest.raises(ValidationError, match="needs GIGCITY_TIANDITU_KEY"):
        Settings(mode="dev")
    monkeypatch.setenv("GIGCITY_TIANDITU_KEY", "abc&tk=other")  # goes into every tile URL
    with pytest.raises(ValidationError, match=r"GIGCITY_TIANDITU_KEY.*not letters and digits"):
        Settings(mode="dev")
    monkeypatch.setenv("GIGCITY_TIANDITU_KEY", TIANDITU_KEY)
    assert Settings(mode="dev").tianditu_key == TIANDITU_KEY


def test_custom_tiles_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIGCITY_MAP_TILES", "custom")
    monkeypatch.setenv("GIGCITY_MAP_TILE_URL", GOOD_TILE_URL)
    monkeypatch.setenv("GIGCITY_MAP_TILE_SUBDOMAINS", "1234")
    monkeypatch.setenv("GIGCITY_MAP_TILE_ATTRIBUTION", "© Example")
    monkeypatch.setenv("GIGCITY_MAP_TILE_DATUM", "gcj02")
    s = Settings(mode="dev")
    assert (s.map_tile_url, s.map_tile_subdomains, s.map_tile_datum) == (
        GOOD_TILE_URL,
        "1234",
        "gcj02",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"map_tile_url": ""}, "GIGCITY_MAP_TILE_URL is empty"),
        ({"map_tile_url": "tiles.example.cn/{z}/{x}/{y}.png"}, "absolute http"),
        ({"map_tile_url": "ftp://tiles.example.cn/{z}/{x}/{y}.png"}, "absolute http"),
        ({"map_tile_url": "https://tiles.example.cn/{z}/{x}.png"}, r"must contain \{y\}"),
        (
            {"map_tile_url": "https://tiles.example.cn/{z}/{x}/{y}{q}.png"},
            r"unknown placeholders \{q\}",
        ),
        ({"map_tile_url": "https://{z}.example.cn/{z}/{x}/{y}.png"}, r"only \{s\} in its host"),
        ({"map_tile_url": "https://tiles.example.cn/{z}/{x}/{y}.png' x"}, "spaces, quotes"),
        ({"map_tile_subdomains": "a b"}, "GIGCITY_MAP_TILE_SUBDOMAINS"),
        ({"map_tile_attribution": " "}, "GIGCITY_MAP_TILE_ATTRIBUTION must credit"),
        ({"map_tile_datum": "bd09"}, "map_tile_datum"),
    ],
)
def test_custom_tiles_refuse_a_bad_url_subdomains_attribution_or_datum(
    changes: dict[str, str], message: str
) -> None:
    good = {
        "map_tile_url": GOOD_TILE_URL,
        "map_tile_subdomains": "12",
        "map_tile_attribution": "© Example",
        "map_tile_datum": "wgs84",
    }
    with pytest.raises(ValidationError, match=message):
        Settings(mode="dev", map_tiles="custom", **{**good, **changes})  # type: ignore[arg-type]
    assert Settings(mode="dev", map_tiles="custom", **good)  # type: ignore[arg-type]
