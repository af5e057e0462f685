"""The district's settings for reports: category rules, officer routes and reviews (bans).

All three are read on every intake, so they are kept in memory for a few seconds (a change
made here is seen at once; one made by another worker within `ttl_s`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gigcity.db.models import Account, ApiKey, ReportBan, ReportCategoryRule, ReportRoute
from gigcity.geo.district import District
from gigcity.i18n import N_
from gigcity.services.accounts import Role
from gigcity.services.errors import Conflict, InvalidInput, NotFound
from gigcity.services.reports.categories import DEFAULT_RULES, Category, CategoryRule
from gigcity.services.reports.schemas import BanIn, BanOut, CategoryRuleIn, RouteIn, RouteOut

ALL_CATEGORIES = "*"
T = TypeVar("T")


class _Cached(Generic[T]):
    """A value loaded at most once per `ttl_s` (per process), dropped on `clear()`."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._value: T | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self, load: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            if self._value is not None and now < self._expires:
                return self._value
        value = load()
        with self._lock:
            self._value, self._expires = value, now + self.ttl_s
        return value

    def clear(self) -> None:
        with self._lock:
            self._value, self._expires = None, 0.0


class ReportPolicy:
    def __init__(self, district: District, ttl_s: float = 5.0) -> None:
        self.district = district
        self._rules: _Cached[dict[Category, CategoryRule]] = _Cached(ttl_s)
        self._routes: _Cached[dict[tuple[str, str], int]] = _Cached(ttl_s)
        self._bans: _Cached[tuple[frozenset[int], frozenset[int]]] = _Cached(ttl_s)

    # -- category rules --------------------------------------------------------------------

    def rules(self, session: Session) -> dict[Category, CategoryRule]:
        def load() -> dict[Category, CategoryRule]:
            rules = dict(DEFAULT_RULES)
            for row in session.scalars(select(ReportCategoryRule)):
                if row.category in Category.__members__:
                    rules[Category(row.category)] = CategoryRule(
                        row.reward_fen, row.sla_hours, row.duplicate_radius_m
                    )
            return rules

        return self._rules.get(load)

    def set_rule(
        self, session: Session, category: Category, data: CategoryRuleIn, actor_id: int | None
    ) -> None:
        row = session.get(ReportCategoryRule, category.value)
        if row is None:
            row = ReportCategoryRule(category=category.value)
            session.add(row)
        row.reward_fen = data.reward_fen
        row.sla_hours = data.sla_hours
        row.duplicate_radius_m = data.duplicate_radius_m
        row.updated_by = actor_id
        session.flush()
        self._rules.clear()

    # -- routes ----------------------------------------------------------------------------

    def officer_for(self, session: Session, subdistrict: str, category: Category) -> int | None:
        """The officer a report goes to: the route for its category, else the sub-district's
        route for every category, else nobody (the district admins' queue)."""

        def load() -> dict[tuple[str, str], int]:
            rows = session.execute(
                select(ReportRoute.subdistrict, ReportRoute.category, ReportRoute.officer_id)
                .join(Account, Account.id == ReportRoute.officer_id)
                .where(Account.active.is_(True))
            )
            return {(s, c): o for s, c, o in rows}

        routes = self._routes.get(load)
        return routes.get((subdistrict, category.value)) or routes.get(
            (subdistrict, ALL_CATEGORIES)
        )

    def routes(self, session: Session) -> list[RouteOut]:
        rows = session.execute(
            select(ReportRoute, Account.display_name)
            .join(Account, Account.id == ReportRoute.officer_id)
            .order_by(ReportRoute.subdistrict, ReportRoute.category)
        )
        return [
            RouteOut(
                id=route.id,
                subdistrict=route.subdistrict,
                category=route.category,
                officer_id=route.officer_id,
                officer_name=name,
            )
            for route, name in rows
        ]

    def set_route(self, session: Session, data: RouteIn) -> RouteOut:
        if self.district.get(data.subdistrict) is None:
            raise InvalidInput(
                N_("Unknown sub-district '{code}'; known: {codes}."),
                field="subdistrict",
                code=data.subdistrict,
                codes=", ".join(s.code for s in self.district.subdistricts),
            )
        officer = session.get(Account, data.officer_id)
        if officer is None or officer.role != Role.officer.value or not officer.active:
            raise InvalidInput(
                N_("Account {id} is not an active grid officer."),
                field="officer_id",
                id=data.officer_id,
            )
        if officer.subdistrict != data.subdistrict:
            raise InvalidInput(
                N_("Grid officers handle reports of their own sub-district only."),
                field="officer_id",
            )
        category = data.category if isinstance(data.category, str) else ALL_CATEGORIES
        row = session.scalar(
            select(ReportRoute).where(
                ReportRoute.subdistrict == data.subdistrict, ReportRoute.category == category
            )
        )
        if row is None:
            row = ReportRoute(subdistrict=data.subdistrict, category=category)
            session.add(row)
        row.officer_id = officer.id
        session.flush()
        self._routes.clear()
        return RouteOut(
            id=row.id,
            subdistrict=row.subdistrict,
            category=row.category,
            officer_id=officer.id,
            officer_name=officer.display_name,
        )

    def delete_route(self, session: Session, route_id: int) -> None:
        deleted = session.execute(delete(ReportRoute).where(ReportRoute.id == route_id))
        if getattr(deleted, "rowcount", 0) == 0:
            raise NotFound(N_("Route {id} does not exist."), id=route_id)
        self._routes.clear()

    # -- bans ------------------------------------------------------------------------------

    def is_banned(self, session: Session, account_id: int | None, api_key_id: int | None) -> bool:
        """Whether the account or key is under review (the short list is kept in memory)."""

        def load() -> tuple[frozenset[int], frozenset[int]]:
            rows = session.execute(select(ReportBan.account_id, ReportBan.api_key_id)).all()
            return (
                frozenset(a for a, _ in rows if a is not None),
                frozenset(k for _, k in rows if k is not None),
            )

        accounts, keys = self._bans.get(load)
        return (account_id is not None and account_id in accounts) or (
            api_key_id is not None and api_key_id in keys
        )

    def bans(self, session: Session) -> list[BanOut]:
        rows = session.scalars(select(ReportBan).order_by(ReportBan.id))
        return [BanOut.model_validate(r, from_attributes=True) for r in rows]

    def ban(self, session: Session, data: BanIn, actor_id: int | None) -> BanOut:
        if (data.account_id is None) == (data.api_key_id is None):
            raise InvalidInput(N_("Give either account_id or api_key_id."), field="account_id")
        if data.account_id is not None and session.get(Account, data.account_id) is None:
            raise NotFound(N_("Account {id} does not exist."), id=data.account_id)
        if data.api_key_id is not None and session.get(ApiKey, data.api_key_id) is None:
            raise NotFound(N_("API key {id} does not exist."), id=data.api_key_id)
        row = ReportBan(
            account_id=data.account_id,
            api_key_id=data.api_key_id,
            reason=data.reason,
            created_by=actor_id,
        )
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise Conflict(N_("This account or key is already under review.")) from exc
        self._bans.clear()
        return BanOut.model_validate(row, from_attributes=True)

    def unban(self, session: Session, ban_id: int) -> None:
        deleted = session.execute(delete(ReportBan).where(ReportBan.id == ban_id))
        if getattr(deleted, "rowcount", 0) == 0:
            raise NotFound(N_("Review {id} does not exist."), id=ban_id)
        self._bans.clear()
