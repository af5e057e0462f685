"""Who is calling: a principal (an account or a platform API key), its role and, for API
keys, its scopes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    rider = "rider"  # delivery rider or driver
    staff = "staff"  # station staff, bound to one service point
    officer = "officer"  # grid officer, bound to one sub-district
    admin = "admin"  # district admin
    property = "property"  # property staff of one estate (guides, gates, relay hand-off)
    courier = "courier"  # community courier of one estate's relay hand-off points
    family = "family"  # a family member acting for the older people linked to the account
    committee = "committee"  # neighbourhood-committee staff (居委会), bound to one sub-district
    canteen = "canteen"  # staff of one community canteen for the elderly (长者食堂)
    counsellor = "counsellor"  # psychological hotline staff: call-backs and group sessions
    lawyer = "lawyer"  # volunteer lawyer on the stations' legal-aid rosters (any station)
    platform = "platform"  # a platform's integration, by API key


class Scope(StrEnum):
    """What a platform API key may do; a key may do only what its scopes name."""

    open311 = "open311"  # file Open311 service requests and read the reports it filed
    deliveries = "deliveries"  # deliveries and activity for pay statements; quotes; pickup times
    signals = "signals"  # post live traffic-signal phases
    workbench = "workbench"  # start workbench runs and read them
    audit = "audit"  # push decision logs to be audited and read the runs it pushed
    gates = "gates"  # an estate's gate controller: ask whether a rider may pass


ALL_SCOPES = frozenset(Scope)
# What a delivery platform's integration may hold: every scope but `gates`, which belongs to
# an estate's gate controller (a key bound to that estate).
PLATFORM_SCOPES = ALL_SCOPES - {Scope.gates}


def scopes_text(scopes: Iterable[Scope]) -> str:
    """Scopes as stored: comma-separated names in declaration order (the same on every
    database)."""
    chosen = set(scopes)
    return ",".join(s.value for s in Scope if s in chosen)


def parse_scopes(text: str | None) -> frozenset[Scope]:
    """Stored scopes; a name this version does not know grants nothing."""
    known = {s.value: s for s in Scope}
    return frozenset(known[n] for n in (text or "").split(",") if n in known)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an account or a platform API key."""

    role: Role
    account_id: int | None = None
    api_key_id: int | None = None
    label: str = ""
    station_id: int | None = None
    subdistrict: str | None = None
    estate_id: int | None = None  # property staff, community couriers, gate controllers' keys
    canteen_id: int | None = None  # canteen staff: the canteen they work for
    scopes: frozenset[Scope] = frozenset()  # API keys only: what the key may do


class WorkerType(StrEnum):
    """What kind of work a rider account does."""

    delivery_rider = "delivery_rider"
    ride_hailing_driver = "ride_hailing_driver"
    truck_driver = "truck_driver"
