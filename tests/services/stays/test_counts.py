"""Free beds near me read every home's counts at most once a second per process: a booking
made here shows at once, one made elsewhere (another worker, written straight to the
database) within the second. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import update

from gigcity.db.models import StayBed
from gigcity.db.session import transaction
from gigcity.services.platform import Platform
from gigcity.services.stays import BookIn
from gigcity.services.stays.counts import NightCounts
from services.stays.stays_support import TODAY, StaysWorld, make_stays_world

HERE = (121.4010, 31.2720)


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _free(platform: Platform, sw: StaysWorld) -> int:
    [home] = [h for h in platform.stays.nearby(*HERE, 2000, 10) if h.place_id == sw.home_id]
    return home.free


def test_a_booking_here_shows_at_once_one_elsewhere_within_a_second(platform: Platform) -> None:
    sw = make_stays_world(platform)
    stays = platform.stays
    ticks = Ticks()
    stays.night_counts = NightCounts(platform.factory, stays.night_range, now=ticks)
    before = _free(platform, sw)
    booked = stays.book(sw.riders[0], BookIn(place_id=sw.home_id, night=TODAY))
    assert _free(platform, sw) == before - 1  # this process's commit forgets the counts
    # Another worker takes two beds out of use: not seen for up to a second...
    free_beds = [bed for label, bed in sw.beds.items() if label != booked.bed_label][:2]
    with transaction(platform.factory) as session:
        session.execute(update(StayBed).where(StayBed.id.in_(free_beds)).values(active=False))
    ticks.now += 0.9
    assert _free(platform, sw) == before - 1
    ticks.now += 0.2
    assert _free(platform, sw) == before - 3
