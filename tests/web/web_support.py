"""Constants and shapes shared by the page tests (imported by conftest and the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gigcity.services.demo import DEMO_PASSWORD
from gigcity.services.places import Beds
from gigcity.services.platform import Platform

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Tiles from a host that cannot resolve: the pages must work without them (no internet here).
TILE_HOST = "tiles.invalid"
TILE_URL = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
PHONE = {"width": 390, "height": 844}
STAFF_BEDS = Beds(count=8, free=3)
DEMO_POINTS = 300


@dataclass(frozen=True)
class Demo:
    platform: Platform
    staff_station_id: int
    officer_subdistrict: str
    password: str = DEMO_PASSWORD
