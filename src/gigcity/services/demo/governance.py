"""The demo's governance data: a synthetic year of 12345 hotline records around 中海真如环宇城MAX
(about 18 delivery complaints a month before the measures, 2 after) and a background across
the district, imported through the hotline importer like a real export, with the mall's
three measures, and the pickup times a platform would send there (about four minutes quicker
after the parking zones and the lifts). The year is moved to end this week (the measures keep their place in it),
so the dashboard's default windows show it; every record is marked synthetic."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

from sqlalchemy import select

from gigcity.db.models import GovImport, GovMeasure, Place
from gigcity.db.session import transaction
from gigcity.services.accounts import Principal, Role
from gigcity.services.governance import PickupRow
from gigcity.services.governance.base import METRES_PER_DEGREE
from gigcity.services.governance.schemas import MeasureKind
from gigcity.services.governance.synthetic import (
    DEFAULT_SEED,
    MALL,
    synthetic_pickups,
    synthetic_year,
    to_csv_bytes,
)
from gigcity.services.platform import Platform

FILENAME = "12345-合成数据.csv"
MEASURE_RADIUS_M = 300


def seed_demo_governance(
    platform: Platform, seed: int = DEFAULT_SEED, today: date | None = None
) -> None:
    """Import the synthetic year and record the mall's measures, unless already there."""
    with platform.factory() as session:
        if session.scalar(select(GovImport.id).where(GovImport.synthetic.is_(True)).limit(1)):
            return
        mall = session.execute(
            select(Place.id, Place.lat, Place.lon, Place.subdistrict).where(Place.name == MALL)
        ).first()
    year = synthetic_year(seed)
    today = today or platform.governance.today()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=year.truth.weeks)
    shift = first - year.truth.first_day
    rows = [dataclasses.replace(r, received_at=r.received_at + shift) for r in year.rows]
    admin = Principal(role=Role.admin, label="demo")
    platform.governance.start_import(admin, FILENAME, to_csv_bytes(rows), synthetic=True, wait=True)
    if mall is None:
        return
    place_id, lat, lon, subdistrict = mall
    with transaction(platform.factory) as session:
        for measure in year.measures:
            session.add(
                GovMeasure(
                    kind=MeasureKind(measure.key).value,
                    title=measure.title_zh,
                    place_id=place_id,
                    place_name=MALL,
                    lat=lat,
                    lon=lon,
                    subdistrict=subdistrict or "",
                    radius_m=MEASURE_RADIUS_M,
                    started_on=measure.starts_on + shift,
                    cost_fen=measure.cost_fen,
                    note=year.note,
                    synthetic=True,
                    created_at=platform.governance.clock(),
                )
            )
    kx = math.cos(math.radians(lat))
    platform.governance.store_synthetic_pickups(
        [
            PickupRow(
                pickup_id=p.pickup_id,
                at=p.picked_at + shift,
                minutes=p.minutes,
                lat=lat + p.north_m / METRES_PER_DEGREE,
                lon=lon + p.east_m / (METRES_PER_DEGREE * kx),
            )
            for p in synthetic_pickups(seed)
        ]
    )
