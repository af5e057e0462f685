"""Which dishes of a menu do not suit an older person: a needed diet the dish is not
marked for, or an allergen they must avoid."""

from __future__ import annotations

from collections.abc import Iterable

from gigcity.services.eldercare.schemas import CareIn, Dish


def _norm(word: str) -> str:
    return word.strip().casefold()


def clashes(care: CareIn, dishes: Iterable[Dish]) -> list[str]:
    """The names of the dishes that clash with `care`, in menu order."""
    allergies = {_norm(a) for a in care.allergies}
    found = []
    for dish in dishes:
        unsuited = any(diet not in dish.suits for diet in care.diet)
        allergic = any(_norm(a) in allergies for a in dish.allergens)
        if unsuited or allergic:
            found.append(dish.name)
    return found
