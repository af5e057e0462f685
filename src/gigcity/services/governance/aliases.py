"""Other names of map places, as hotline addresses write them.

A record that writes 真如环宇城MAX for the mall the map calls 中海真如环宇城MAX matches no
name and waits for a person. When that person places it at the mall they may say how the
address wrote it: the name is remembered (one place per name, kept across workers by a
unique key), the records in their area that write it are placed at once, and later imports
read it with the map's own names (`gazetteer.read_gazetteer`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import GovComplaint, GovPlaceAlias, Place
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.governance.addresses import Gazetteer, Known, match_key
from gigcity.services.governance.base import GovernanceBase
from gigcity.services.governance.schemas import AliasOut
from gigcity.services.types import as_utc

MIN_ALIAS_CHARS = 3  # as the map's own names: shorter ones would match too many addresses
PLACE_AT_ONCE = 20_000  # unplaced records looked at when a name is remembered

Placement = Callable[[Gazetteer, str], dict[str, Any]]


def remember(
    session: Session, principal: Principal, place: Place, alias: str, address: str
) -> Known:
    """Remember `alias` as another name of `place`, as written in `address`; the name as the
    gazetteer reads it. Refused when the address does not write it, when it is too short, or
    when it already names another place (409 names that place); the same name again is
    fine."""
    key = match_key(alias)
    if len(key) < MIN_ALIAS_CHARS:
        raise InvalidInput(
            N_("A name of at least {count} characters, please."),
            field="remember_as",
            count=MIN_ALIAS_CHARS,
        )
    if key not in match_key(address):
        raise InvalidInput(
            N_("The address does not write “{name}”: copy the name as the address writes it."),
            field="remember_as",
            name=alias,
        )
    try:
        with session.begin_nested():
            session.add(
                GovPlaceAlias(
                    key=key, alias=alias.strip(), place_id=place.id, created_by=principal.account_id
                )
            )
    except IntegrityError:  # the name is known already (perhaps by another worker just now)
        held = session.scalar(select(GovPlaceAlias).where(GovPlaceAlias.key == key))
        if held is not None and held.place_id != place.id:
            other = session.get(Place, held.place_id)
            raise Conflict(
                N_("“{name}” is already another name of {place}."),
                field="remember_as",
                name=alias,
                place=other.name if other else str(held.place_id),
            ) from None
    return Known(
        kind="place",
        ref=f"place:{place.id}",
        name=place.name,
        aliases=(alias,),
        lat=place.lat,
        lon=place.lon,
        subdistrict=place.subdistrict,
    )


def place_waiting(
    session: Session, known: Known, area: str | None, placement: Placement, by: int | None
) -> int:
    """Place the records of `area` (None: all) no address matched yet that write the
    remembered name, as an import would have; how many."""
    gazetteer = Gazetteer([known])
    waiting = select(GovComplaint).where(GovComplaint.placed.is_(False))
    if area is not None:
        waiting = waiting.where(GovComplaint.subdistrict == area)
    placed = 0
    for row in session.scalars(waiting.order_by(GovComplaint.id).limit(PLACE_AT_ONCE)):
        found = placement(gazetteer, row.address)
        if not found["placed"]:
            continue
        if area is not None and found["subdistrict"] != area:
            continue  # an officer places within their own sub-district only
        for column, value in found.items():
            setattr(row, column, value)
        row.placed_by = by
        placed += 1
    return placed


class AliasesMixin(GovernanceBase):
    """The remembered names, listed and forgotten."""

    def aliases(self, principal: Principal, place_id: int | None = None) -> list[AliasOut]:
        """Every remembered name (officers and admins: names of public places, no person)."""
        self.area(principal)  # staff only
        query = (
            select(GovPlaceAlias, Place.name)
            .join(Place, Place.id == GovPlaceAlias.place_id)
            .order_by(Place.name, GovPlaceAlias.alias)
        )
        if place_id is not None:
            query = query.where(GovPlaceAlias.place_id == place_id)
        with self.factory() as session:
            return [
                AliasOut(
                    id=alias.id,
                    alias=alias.alias,
                    place_id=alias.place_id,
                    place_name=name,
                    created_at=as_utc(alias.created_at),
                )
                for alias, name in session.execute(query)
            ]

    def forget_alias(self, principal: Principal, alias_id: int) -> None:
        """Forget a remembered name (admins); records it placed stay where they are."""
        self.require_admin(principal)
        with transaction(self.factory) as session:
            done = session.execute(delete(GovPlaceAlias).where(GovPlaceAlias.id == alias_id))
            if not done.rowcount:  # type: ignore[attr-defined]
                raise NotFound(N_("No remembered name {id}."), id=alias_id)
