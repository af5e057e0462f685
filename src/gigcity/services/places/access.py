"""Who may change which service point, and which fields."""

from __future__ import annotations

from gigcity.db.models import Place
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden

# The district's registry facts (what and where a point is) stay with admins; the people on
# the spot keep the day-to-day facts current.
LOCAL_FIELDS = frozenset(
    {"amenities", "hours", "capacity", "contact", "notes", "address", "operator", "version"}
)


def _is_local_keeper(principal: Principal, place: Place) -> bool:
    if principal.role == Role.staff:
        return principal.station_id == place.id
    if principal.role == Role.officer:
        return principal.subdistrict is not None and principal.subdistrict == place.subdistrict
    return False


def check_can_keep(principal: Principal, place: Place) -> None:
    """Admins, the point's own staff, and the officer of its sub-district keep it current."""
    if principal.role == Role.admin or _is_local_keeper(principal, place):
        return
    if principal.role == Role.staff:
        raise Forbidden(N_("Station staff may only change their own station."))
    if principal.role == Role.officer:
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    raise Forbidden(N_("Your role may not change service points."))


def check_can_edit_fields(principal: Principal, place: Place, fields: set[str]) -> None:
    check_can_keep(principal, place)
    if principal.role == Role.admin:
        return
    registry = sorted(fields - LOCAL_FIELDS)
    if registry:
        raise Forbidden(
            N_("Only district admins may change these fields: {fields}."),
            fields=", ".join(registry),
        )


def check_station_staff(
    principal: Principal,
    place_id: int,
    not_theirs: str = N_("Station staff may only change their own station."),
) -> None:
    """District admins, and the staff of the service point `place_id` (who run its beds,
    queues and offers); `not_theirs` is what staff of another point are told."""
    if principal.role == Role.admin:
        return
    if principal.role != Role.staff:
        raise Forbidden(N_("Your role ({role}) may not do this."), role=principal.role.value)
    if principal.station_id != place_id:
        raise Forbidden(not_theirs)


def check_admin(principal: Principal) -> None:
    if principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may do this."))
