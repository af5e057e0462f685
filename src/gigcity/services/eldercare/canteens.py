"""Community canteens for the elderly and their daily menus."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from gigcity.db.models import Canteen, CanteenMenu
from gigcity.db.session import transaction
from gigcity.i18n import N_
from gigcity.services.accounts import Principal
from gigcity.services.eldercare.base import (
    EldercareBase,
    get_canteen,
    require_kitchen,
    require_manager,
    scope_subdistrict,
)
from gigcity.services.eldercare.schemas import (
    CanteenIn,
    CanteenOut,
    Dish,
    Meal,
    MenuIn,
    MenuOut,
)
from gigcity.services.errors import InvalidInput, NotFound
from gigcity.services.positions import check_position


def canteen_out(canteen: Canteen) -> CanteenOut:
    return CanteenOut.model_validate(canteen, from_attributes=True)


class Canteens(EldercareBase):
    def check_subdistrict(self, code: str) -> None:
        if self.district.get(code) is None:
            raise InvalidInput(
                N_("No sub-district '{code}' in this district (one of: {codes})."),
                field="subdistrict",
                code=code,
                codes=", ".join(s.code for s in self.district.subdistricts),
            )

    def add_canteen(self, principal: Principal, data: CanteenIn) -> CanteenOut:
        require_manager(principal, data.subdistrict)
        self.check_subdistrict(data.subdistrict)
        check_position(data.lon, data.lat)
        with transaction(self.factory) as session:
            canteen = Canteen(**data.model_dump())
            session.add(canteen)
            session.flush()
            return canteen_out(canteen)

    def update_canteen(self, principal: Principal, canteen_id: int, data: CanteenIn) -> CanteenOut:
        check_position(data.lon, data.lat)
        self.check_subdistrict(data.subdistrict)
        with transaction(self.factory) as session:
            canteen = get_canteen(session, canteen_id)
            require_manager(principal, canteen.subdistrict)
            require_manager(principal, data.subdistrict)
            for name, value in data.model_dump().items():
                setattr(canteen, name, value)
            return canteen_out(canteen)

    def canteens(self, principal: Principal) -> list[CanteenOut]:
        subdistrict = scope_subdistrict(principal)
        with self.factory() as session:
            query = select(Canteen).order_by(Canteen.id)
            if subdistrict is not None:
                query = query.where(Canteen.subdistrict == subdistrict)
            return [canteen_out(c) for c in session.scalars(query)]

    def set_menu(
        self, principal: Principal, canteen_id: int, day: date, meal: Meal, data: MenuIn
    ) -> MenuOut:
        """Put the menu of one meal (replacing the one there): the canteen's own staff, or
        managers of its sub-district."""
        with transaction(self.factory) as session:
            canteen = get_canteen(session, canteen_id)
            require_kitchen(principal, canteen)
            menu = session.scalar(
                select(CanteenMenu).where(
                    CanteenMenu.canteen_id == canteen_id,
                    CanteenMenu.day == day,
                    CanteenMenu.meal == meal.value,
                )
            )
            dishes = [dish.model_dump(mode="json") for dish in data.dishes]
            if menu is None:
                menu = CanteenMenu(canteen_id=canteen_id, day=day, meal=meal.value, dishes=dishes)
                session.add(menu)
            else:
                menu.dishes = dishes
            menu.price_fen = data.price_fen
            menu.updated_at = self.clock()
            return MenuOut(
                canteen_id=canteen_id,
                day=day,
                meal=meal,
                dishes=data.dishes,
                price_fen=data.price_fen if data.price_fen is not None else canteen.price_fen,
            )

    def menu(self, canteen_id: int, day: date, meal: Meal) -> MenuOut:
        """A menu is no secret: anyone signed in may read it."""
        with self.factory() as session:
            canteen = get_canteen(session, canteen_id)
            menu = session.scalar(
                select(CanteenMenu).where(
                    CanteenMenu.canteen_id == canteen_id,
                    CanteenMenu.day == day,
                    CanteenMenu.meal == meal.value,
                )
            )
            if menu is None:
                raise NotFound(
                    N_("Canteen {id} has no {meal} menu for {day} yet."),
                    id=canteen_id,
                    meal=meal.value,
                    day=day.isoformat(),
                )
            price = menu.price_fen if menu.price_fen is not None else canteen.price_fen
            dishes = [Dish.model_validate(d) for d in menu.dishes]
            return MenuOut(
                canteen_id=canteen_id, day=day, meal=meal, dishes=dishes, price_fen=price
            )
