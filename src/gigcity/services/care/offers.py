"""Meal and water offers: rider set meals (a price in fen, hours) and free-water fridges
(爱"新"冰箱) at a service point, kept by that point's own staff or by district admins; and
"the nearest meal under 15 yuan open now", with the distance. Distances, hours and the
district's local time are the friendly map's (`services.places`), not new ones."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gigcity.db.models import CareOffer, Place
from gigcity.db.session import transaction
from gigcity.geo.coords import haversine_m
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.care.base import CareBase
from gigcity.services.care.schemas import OfferIn, OfferKind, OfferOut, OfferUpdate
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.places import OpeningHours
from gigcity.services.places.access import check_station_staff
from gigcity.services.positions import check_position

MAX_K = 50
DEFAULT_MAX_PRICE_FEN = 1500  # 15 yuan: the district's rider set meals cost 9.9-15 yuan


def _hours(offer: CareOffer, place: Place) -> OpeningHours:
    """The offer's own hours, else the place's."""
    return OpeningHours.model_validate(offer.hours or place.hours or {})


def _out(offer: CareOffer, place: Place, when: datetime | None = None) -> OfferOut:
    """The offer as shown; open now or not when `when` (the district's local time) is
    given."""
    hours = _hours(offer, place)
    return OfferOut(
        id=offer.id,
        place_id=place.id,
        place_name=place.name,
        kind=OfferKind(offer.kind),
        name=offer.name,
        price_fen=offer.price_fen,
        hours=hours.to_text(),
        active=offer.active,
        lon=place.lon,
        lat=place.lat,
        open_now=None if when is None else offer.active and hours.is_open(when),
    )


def _get(session: Session, offer_id: int) -> tuple[CareOffer, Place]:
    offer = session.get(CareOffer, offer_id)
    if offer is None:
        raise NotFound(N_("No offer {id}."), id=offer_id)
    place = session.get(Place, offer.place_id)
    assert place is not None  # the foreign key cascades
    return offer, place


class Offers(CareBase):
    def create_offer(self, principal: Principal, data: OfferIn) -> OfferOut:
        check_station_staff(principal, data.place_id)
        with transaction(self.factory) as session:
            place = session.get(Place, data.place_id)
            if place is None:
                raise InvalidInput(N_("No service point {id}."), field="place_id", id=data.place_id)
            offer = CareOffer(
                place_id=place.id,
                kind=data.kind.value,
                name=data.name,
                price_fen=0 if data.kind == OfferKind.water else data.price_fen,
                hours=data.hours.model_dump(mode="json") if data.hours else {},
                active=True,
                updated_by=principal.account_id,
                updated_at=self.clock(),
            )
            session.add(offer)
            session.flush()
            return _out(offer, place)

    def update_offer(self, principal: Principal, offer_id: int, data: OfferUpdate) -> OfferOut:
        with transaction(self.factory) as session:
            offer, place = _get(session, offer_id)
            check_station_staff(principal, place.id)
            if data.name is not None:
                offer.name = data.name
            if data.price_fen is not None and offer.kind == OfferKind.meal:
                offer.price_fen = data.price_fen
            if "hours" in data.model_fields_set:
                offer.hours = data.hours.model_dump(mode="json") if data.hours else {}
            if data.active is not None:
                offer.active = data.active
            offer.updated_by = principal.account_id
            offer.updated_at = self.clock()
            session.flush()
            return _out(offer, place)

    def offers_at(self, place_id: int, at: datetime | None = None) -> list[OfferOut]:
        """A service point's offers, meals first, the ones withdrawn too, each open at `at`
        (now by default) or not."""
        when = self.places.local_time(at)
        with self.factory() as session:
            place = session.get(Place, place_id)
            if place is None:
                raise NotFound(N_("No service point {id}."), id=place_id)
            offers = session.scalars(
                select(CareOffer)
                .where(CareOffer.place_id == place_id)
                .order_by(CareOffer.kind, CareOffer.price_fen, CareOffer.id)
            )
            return [_out(o, place, when) for o in offers]

    def nearest_offers(
        self,
        kind: OfferKind,
        lon: float,
        lat: float,
        *,
        max_price_fen: int | None = None,
        open_now: bool = True,
        at: datetime | None = None,
        k: int = 5,
    ) -> list[OfferOut]:
        """The `k` nearest active offers of `kind` (at most `max_price_fen`; open at `at`,
        now by default, when `open_now`), nearest first, each with its distance. Positions
        and the points' parsed hours come from the map's in-memory snapshot
        (`places.index`); an offer's own hours are parsed once per process."""
        check_position(lon, lat)
        if not 1 <= k <= MAX_K:
            raise InvalidInput(N_("k must be between 1 and {max}."), field="k", max=MAX_K)
        when = self.places.local_time(at)
        query = select(
            CareOffer.id, CareOffer.place_id, CareOffer.name, CareOffer.price_fen, CareOffer.hours
        ).where(CareOffer.kind == kind.value, CareOffer.active)
        if max_price_fen is not None:
            query = query.where(CareOffer.price_fen <= max_price_fen)
        with self.factory() as session:
            rows = session.execute(query).all()
        entries = self.places.index.get().entries
        ranked = []
        for offer_id, place_id, name, price_fen, hours in rows:
            entry = entries.get(place_id)
            if entry is None:  # a point deleted a moment ago (its offers go with it)
                continue
            distance = haversine_m(lon, lat, entry.row.lon, entry.row.lat)
            ranked.append((distance, price_fen, offer_id, place_id, name, hours))
        ranked.sort(key=lambda r: r[:3])
        found: list[OfferOut] = []
        for distance, price_fen, offer_id, place_id, name, hours in ranked:
            entry = entries[place_id]
            opening = _parsed(hours) if hours else entry.hours
            is_open = opening.is_open(when)
            if open_now and not is_open:
                continue
            found.append(
                OfferOut(
                    id=offer_id,
                    place_id=place_id,
                    place_name=entry.row.name,
                    kind=kind,
                    name=name,
                    price_fen=price_fen,
                    hours=opening.to_text(),
                    active=True,
                    lon=entry.row.lon,
                    lat=entry.row.lat,
                    open_now=is_open,
                    distance_m=round(distance, 1),
                )
            )
            if len(found) == k:
                break
        return found


@lru_cache(maxsize=1024)
def _parsed_text(hours_json: str) -> OpeningHours:
    return OpeningHours.model_validate_json(hours_json)


def _parsed(hours: dict[str, Any]) -> OpeningHours:
    """An offer's own hours, parsed once per distinct value."""
    return _parsed_text(json.dumps(hours, sort_keys=True))
