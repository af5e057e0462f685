"""Pickup times from the platforms: how long a rider waited to pick an order up, at a
place or a point — the third subject a measure's effect is evaluated on.

A platform (an API key with the `deliveries` scope) sends batches of
{id, at, place_id or lat/lon, minutes}. Stored is only that: the time to the minute, the
point, its sub-district, the minutes — any other field (a rider's id, an order's) is read
past and never stored. The platform's own `id` makes a pickup sent again count once (a
unique key with ON CONFLICT DO NOTHING, so two batches racing store it once). A row that
cannot be read is refused with its position and the reason; the rest of the batch is kept.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeGuard

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import GovPickup, Place
from gigcity.db.session import transaction
from gigcity.i18n import N_, gettext
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden
from gigcity.services.governance.base import METRES_PER_DEGREE, GovernanceBase
from gigcity.services.idempotent import insert_all_unless_present
from gigcity.services.types import as_utc

MAX_BATCH = 500  # ~100 bytes each: within the 64 KB every JSON body may have
MAX_MINUTES = 240.0
OLDEST_DAYS = 3 * 366
SYNTHETIC_SOURCE = "synthetic"

N_NOT_OBJECT = N_("A pickup is an object with id, at, minutes and a place_id or lat and lon.")
N_BAD_ID = N_("A pickup needs its own id: text of 1 to 64 characters.")
N_BAD_TIME = N_("The time must be ISO 8601, e.g. 2026-11-02T12:10:00+08:00.")
N_FUTURE = N_("The time is in the future.")
N_TOO_OLD = N_("The time is more than three years ago.")
N_BAD_MINUTES = N_("Minutes must be a number above 0 and at most {max}.")
N_NO_POINT = N_("Give a place_id of the map, or lat and lon.")
N_BAD_POINT = N_("lat and lon must be numbers (WGS-84).")
N_NO_PLACE = N_("There is no place {id} on the map.")
N_OUTSIDE = N_("The point is outside the district.")
N_SAME_ID = N_("The same id came earlier in this batch.")


class PickupRefusal(BaseModel):
    row: int = Field(description="The refused pickup's position in the batch, from 0.")
    id: str | None = Field(description="Its id, when it had a readable one.")
    field: str | None
    reason: str = Field(description="Why it was refused, in the caller's language.")


class PickupReceipt(BaseModel):
    received: int
    stored: int = Field(description="New pickups kept.")
    duplicates: int = Field(description="Pickups whose id was kept already (a resend).")
    refused: int
    refusals: list[PickupRefusal] = Field(description="Every refused row with the reason.")


class PickupBatch(BaseModel):
    pickups: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Each {id, at, minutes, place_id | lat+lon}: `id` the platform's own "
        "(1–64 characters), `at` ISO 8601 (without an offset: district time), `minutes` the "
        f"pickup's duration (0 < minutes ≤ {MAX_MINUTES:.0f}). Other fields are ignored and "
        "not stored.",
    )


@dataclass(frozen=True)
class PickupRow:
    """One pickup as stored (also what the demo's generator hands over)."""

    pickup_id: str
    at: datetime
    minutes: float
    lat: float | None = None
    lon: float | None = None
    place_id: int | None = None


class _Refused(Exception):
    def __init__(self, field: str | None, msgid: str, **params: object) -> None:
        super().__init__(msgid)
        self.field, self.msgid, self.params = field, msgid, params


class PickupsMixin(GovernanceBase):
    def receive_pickups(
        self, principal: Principal, batch: PickupBatch, locale: str
    ) -> PickupReceipt:
        """Store a platform's batch: the rows it can read, once each; a report of the rest."""
        if principal.role != Role.platform or principal.api_key_id is None:
            raise Forbidden(N_("Only platforms send pickup times."))
        now = as_utc(self.clock())
        refusals: list[PickupRefusal] = []
        rows: list[tuple[int, PickupRow]] = []
        for k, raw in enumerate(batch.pickups):
            try:
                rows.append((k, self._read_pickup(raw, now)))
            except _Refused as refused:
                refusals.append(_refusal(k, raw, refused, locale))
        return self._store_pickups(
            f"api-key:{principal.api_key_id}", rows, refusals, len(batch.pickups), locale
        )

    def store_synthetic_pickups(self, rows: Sequence[PickupRow]) -> PickupReceipt:
        """The demo's generated pickups (marked synthetic), through the same checks."""
        return self._store_pickups(
            SYNTHETIC_SOURCE, list(enumerate(rows)), [], len(rows), "en", synthetic=True
        )

    def _store_pickups(
        self,
        source: str,
        rows: list[tuple[int, PickupRow]],
        refusals: list[PickupRefusal],
        received: int,
        locale: str,
        *,
        synthetic: bool = False,
    ) -> PickupReceipt:
        values: list[dict[str, Any]] = []
        seen: set[str] = set()
        with transaction(self.factory) as session:
            wanted = {r.place_id for _, r in rows if r.place_id is not None}
            places = {
                pid: (lat, lon)
                for pid, lat, lon in session.execute(
                    select(Place.id, Place.lat, Place.lon).where(Place.id.in_(wanted))
                )
            }
            for k, row in rows:
                try:
                    lat, lon = _point(row, places)
                    found = self.district.locate(lon, lat)
                    if found is None:
                        raise _Refused("lat", N_OUTSIDE)
                    if row.pickup_id in seen:
                        raise _Refused("id", N_SAME_ID)
                except _Refused as refused:
                    refusals.append(_refusal(k, {"id": row.pickup_id}, refused, locale))
                    continue
                seen.add(row.pickup_id)
                values.append(
                    {
                        "source": source,
                        "pickup_id": row.pickup_id,
                        "picked_at": row.at.replace(second=0, microsecond=0),
                        "lat": round(lat, 6),
                        "lon": round(lon, 6),
                        "subdistrict": found.code,
                        "place_id": row.place_id,
                        "minutes": round(row.minutes, 2),
                        "synthetic": synthetic,
                        "received_at": self.clock(),
                    }
                )
            stored = insert_all_unless_present(session, GovPickup, values, ["source", "pickup_id"])
        refusals.sort(key=lambda r: r.row)
        return PickupReceipt(
            received=received,
            stored=stored,
            duplicates=len(values) - stored,
            refused=len(refusals),
            refusals=refusals,
        )

    def _read_pickup(self, raw: Any, now: datetime) -> PickupRow:
        if not isinstance(raw, Mapping):
            raise _Refused(None, N_NOT_OBJECT)
        pickup_id = raw.get("id")
        if isinstance(pickup_id, int) and not isinstance(pickup_id, bool):
            pickup_id = str(pickup_id)
        if not isinstance(pickup_id, str) or not 1 <= len(pickup_id.strip()) <= 64:
            raise _Refused("id", N_BAD_ID)
        at = self._pickup_time(raw.get("at"))
        if at > now + timedelta(minutes=10):
            raise _Refused("at", N_FUTURE)
        if at < now - timedelta(days=OLDEST_DAYS):
            raise _Refused("at", N_TOO_OLD)
        minutes = raw.get("minutes")
        if not _number(minutes) or not 0 < float(minutes) <= MAX_MINUTES:
            raise _Refused("minutes", N_BAD_MINUTES, max=f"{MAX_MINUTES:.0f}")
        place_id, lat, lon = raw.get("place_id"), raw.get("lat"), raw.get("lon")
        if place_id is not None:
            if not isinstance(place_id, int) or isinstance(place_id, bool) or place_id < 1:
                raise _Refused("place_id", N_NO_PLACE, id=str(place_id)[:20])
            return PickupRow(pickup_id.strip(), at, float(minutes), place_id=place_id)
        if lat is None and lon is None:
            raise _Refused("place_id", N_NO_POINT)
        if not (_number(lat) and _number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise _Refused("lat", N_BAD_POINT)
        return PickupRow(pickup_id.strip(), at, float(minutes), lat=float(lat), lon=float(lon))

    def _pickup_time(self, value: Any) -> datetime:
        if not isinstance(value, str) or len(value) > 40:
            raise _Refused("at", N_BAD_TIME)
        try:
            at = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _Refused("at", N_BAD_TIME) from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=self.tz)
        return as_utc(at)

    # -- near a measure --------------------------------------------------------------------

    def pickups_near(
        self,
        session: Session,
        lat: float,
        lon: float,
        radius_m: int,
        start: datetime,
        end: datetime,
    ) -> tuple[list[tuple[date, float]], bool]:
        """(local day, minutes) of the pickups within `radius_m` of the point in [start, end),
        and whether every one of them is synthetic."""
        dlat = radius_m / METRES_PER_DEGREE
        kx = math.cos(math.radians(lat))
        dlon = dlat / kx
        p = GovPickup
        found = session.execute(
            select(p.lat, p.lon, p.picked_at, p.minutes, p.synthetic).where(
                p.picked_at >= start,
                p.picked_at < end,
                p.lat.between(lat - dlat, lat + dlat),
                p.lon.between(lon - dlon, lon + dlon),
            )
        ).all()
        out: list[tuple[date, float]] = []
        synthetic = bool(found)
        for plat, plon, at, minutes, flag in found:
            dy = (plat - lat) * METRES_PER_DEGREE
            dx = (plon - lon) * METRES_PER_DEGREE * kx
            if dx * dx + dy * dy <= radius_m**2:
                out.append((as_utc(at).astimezone(self.tz).date(), float(minutes)))
                synthetic = synthetic and bool(flag)
        return out, synthetic and bool(out)


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _point(row: PickupRow, places: Mapping[int, tuple[float, float]]) -> tuple[float, float]:
    if row.place_id is not None:
        if row.place_id not in places:
            raise _Refused("place_id", N_NO_PLACE, id=row.place_id)
        return places[row.place_id]
    assert row.lat is not None
    assert row.lon is not None
    return row.lat, row.lon


def _refusal(k: int, raw: Any, refused: _Refused, locale: str) -> PickupRefusal:
    pickup_id = raw.get("id") if isinstance(raw, Mapping) else None
    return PickupRefusal(
        row=k,
        id=str(pickup_id)[:64] if isinstance(pickup_id, str | int) else None,
        field=refused.field,
        reason=gettext(locale, refused.msgid, **refused.params),
    )


__all__ = [
    "MAX_BATCH",
    "PickupBatch",
    "PickupReceipt",
    "PickupRefusal",
    "PickupRow",
    "PickupsMixin",
]
