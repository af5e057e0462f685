"""A home's beds and free beds tonight, written on its service point (`places.amenities.beds`
and its amenity bit "free beds now"): what the friendly map's card shows and its filter asks,
kept live without the map knowing of stays.

Every change of a home's bookings takes the home's lock first (`base.lock_home`), and every
change of its rooms and beds marks the home too; the marked homes' figures are written just
before the transaction commits, in it, and the points' revision moves so every worker's map
index refreshes. A figure unchanged writes nothing. Figures so written are marked counted: the
places service then refuses a free-beds figure entered by hand, which the next booking would
overwrite; when a home keeps no beds in stays any more, its figures are handed back to
staff. The sweep marks every home, so the figures follow the night turning over (at 10:00)
without a booking. These live counts are
not audited as staff's edits are: the bookings themselves are the record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gigcity.db.models import Place, StayBed, StayBooking, utcnow
from gigcity.services.places.schemas import Amenities, Beds
from gigcity.services.places.search import bump_revision
from gigcity.services.stays.counts import ACTIVE

MARKED = "stays.homes_changed"  # session.info key: the homes whose figures to write


def mark_home(session: Session, place_id: int) -> None:
    """Write this home's figures before `session` commits."""
    session.info.setdefault(MARKED, set()).add(place_id)


def publisher(
    night_range_now: Callable[[], tuple[datetime, datetime]],
) -> Callable[[Session], None]:
    """The `before_commit` hook writing the marked homes' figures for the night that
    `night_range_now()` gives (tonight's [start, end))."""

    def publish(session: Session) -> None:
        homes = session.info.pop(MARKED, None)
        if not homes:
            return
        start, end = night_range_now()
        changed = False
        for place_id in sorted(homes):
            changed |= write_figures(session, place_id, start, end)
        if changed:
            bump_revision(session)

    return publish


def write_figures(session: Session, place_id: int, start: datetime, end: datetime) -> bool:
    """Write the home's beds and those free in [start, end) on its point, marked as counted
    (staff then cannot enter them by hand); True when they changed."""
    place = session.get(Place, place_id)
    if place is None:
        return False
    beds = int(
        session.scalar(
            select(func.count())
            .select_from(StayBed)
            .where(StayBed.place_id == place_id, StayBed.active.is_(True))
        )
        or 0
    )
    busy = int(
        session.scalar(
            select(func.count(func.distinct(StayBooking.bed_id)))
            .join(StayBed, StayBed.id == StayBooking.bed_id)
            .where(
                StayBooking.place_id == place_id,
                StayBed.active.is_(True),
                StayBooking.state.in_(ACTIVE),
                StayBooking.starts_at < end,
                StayBooking.ends_at > start,
            )
        )
        or 0
    )
    amenities = Amenities.model_validate(place.amenities or {})
    if not beds:  # no beds kept here (yet, or any more): the figures staff enter stand
        if amenities.beds is None or not amenities.beds.counted:
            return False
        figures = amenities.beds.model_copy(update={"counted": False})
    else:
        figures = Beds(count=beds, free=max(beds - busy, 0), counted=True)
    if amenities.beds == figures:
        return False
    updated = amenities.model_copy(update={"beds": figures})
    place.amenities = updated.model_dump(mode="json", exclude_defaults=True)
    place.amenity_mask = updated.mask
    place.version += 1
    place.updated_at = utcnow()
    return True
