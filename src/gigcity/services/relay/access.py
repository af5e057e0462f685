"""Who may do what with relay items and consents."""

from __future__ import annotations

from gigcity.db.models import RelayItem
from gigcity.i18n import N_
from gigcity.services.accounts import Principal, Role
from gigcity.services.errors import Forbidden


def estate_staff(principal: Principal, estate_id: int) -> None:
    """District admins, and property staff of this estate."""
    if principal.role == Role.admin:
        return
    if principal.role == Role.property and principal.estate_id == estate_id:
        return
    raise Forbidden(N_("Only property staff of this estate may do this."))


def estate_worker(principal: Principal, estate_id: int) -> None:
    """Admins, and property staff or community couriers of this estate."""
    if principal.role == Role.admin:
        return
    if principal.role in (Role.property, Role.courier) and principal.estate_id == estate_id:
        return
    raise Forbidden(N_("Only property staff and community couriers of this estate may do this."))


def courier_of(principal: Principal, estate_id: int) -> int:
    if principal.role != Role.courier or principal.estate_id != estate_id:
        raise Forbidden(N_("Only community couriers of this estate may do this."))
    assert principal.account_id is not None
    return principal.account_id


def platform_key(principal: Principal) -> int:
    if principal.role != Role.platform or principal.api_key_id is None:
        raise Forbidden(N_("Only platforms, with their API key, announce relay items."))
    return principal.api_key_id


def can_read(principal: Principal, item: RelayItem) -> None:
    if principal.role == Role.platform:
        if principal.api_key_id != item.api_key_id:
            raise Forbidden(N_("This item was announced by another platform."))
        return
    estate_worker(principal, item.estate_id)


def actor_of(principal: Principal) -> tuple[str, int | None]:
    if principal.role == Role.platform:
        return "platform", principal.api_key_id
    return principal.role.value, principal.account_id
