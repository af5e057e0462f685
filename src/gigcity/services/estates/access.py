"""Who may change which estate: admins any; grid officers those of their sub-district;
property staff only their own estate. Everyone may read an estate and its guide."""

from __future__ import annotations

from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden


def _officer_of(principal: Principal, subdistrict: str | None) -> bool:
    return (
        principal.role == Role.officer
        and principal.subdistrict is not None
        and principal.subdistrict == subdistrict
    )


def check_admin(principal: Principal) -> None:
    if principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may do this."))


def check_can_add(principal: Principal, subdistrict: str | None) -> None:
    """Create (or import) an estate lying in `subdistrict`."""
    if principal.role == Role.admin or _officer_of(principal, subdistrict):
        return
    if principal.role == Role.officer:
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    raise Forbidden(N_("Only district admins and grid officers may add estates."))


def check_can_edit(principal: Principal, estate_id: int, subdistrict: str | None) -> None:
    """Change the estate `estate_id` (stored in `subdistrict`), or read its history."""
    if principal.role == Role.admin or _officer_of(principal, subdistrict):
        return
    if principal.role == Role.property and principal.estate_id == estate_id:
        return
    if principal.role == Role.officer:
        raise Forbidden(N_("Grid officers may only act within their own sub-district."))
    if principal.role == Role.property:
        raise Forbidden(N_("Property staff may only change their own estate."))
    raise Forbidden(N_("Your role may not change estates."))


def check_can_move(principal: Principal, old: str | None, new: str | None) -> None:
    """Move an estate to another sub-district: admins only (an officer could otherwise hand
    an estate out of their reach, property staff out of their officer's)."""
    if old != new and principal.role != Role.admin:
        raise Forbidden(N_("Only district admins may move an estate to another sub-district."))


def check_can_import(principal: Principal) -> None:
    if principal.role not in (Role.admin, Role.officer):
        raise Forbidden(N_("Only district admins and grid officers may import estates."))
