"""Snap-and-report, the district admin's settings: categories' rules, routes, bans."""

from __future__ import annotations

from gigcity.db.session import transaction
from gigcity.services.accounts import Principal
from gigcity.services.reports.access import check_admin
from gigcity.services.reports.base import ReportsBase
from gigcity.services.reports.categories import Category
from gigcity.services.reports.schemas import (
    BanIn,
    BanOut,
    CategoryOut,
    CategoryRuleIn,
    RouteIn,
    RouteOut,
)


class ReportsAdmin(ReportsBase):
    """Category rules, routes to officers, and bans."""

    def set_rule(
        self, principal: Principal, category: Category, data: CategoryRuleIn
    ) -> CategoryOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.set_rule(session, category, data, principal.account_id)
        return next(c for c in self.categories("en") if c.code == category)

    def routes(self, principal: Principal) -> list[RouteOut]:
        check_admin(principal)
        with self.factory() as session:
            return self.policy.routes(session)

    def set_route(self, principal: Principal, data: RouteIn) -> RouteOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            return self.policy.set_route(session, data)

    def delete_route(self, principal: Principal, route_id: int) -> None:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.delete_route(session, route_id)

    def bans(self, principal: Principal) -> list[BanOut]:
        check_admin(principal)
        with self.factory() as session:
            return self.policy.bans(session)

    def ban(self, principal: Principal, data: BanIn) -> BanOut:
        check_admin(principal)
        with transaction(self.factory) as session:
            return self.policy.ban(session, data, principal.account_id)

    def unban(self, principal: Principal, ban_id: int) -> None:
        check_admin(principal)
        with transaction(self.factory) as session:
            self.policy.unban(session, ban_id)
