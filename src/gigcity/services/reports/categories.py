"""What can be reported, and each category's default reward, SLA and duplicate radius.

A district may override the numbers (table `report_category_rules`); the codes are fixed,
since they are also the Open311 service codes integrators store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gigcity.i18n import N_


class Category(StrEnum):
    fire_passage_blocked = "fire_passage_blocked"
    fire_hazard = "fire_hazard"
    food_safety = "food_safety"
    road_hazard = "road_hazard"
    broken_facility = "broken_facility"
    elder_needs_help = "elder_needs_help"
    other = "other"


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """The reward a verified report earns (fen), hours to resolve it, and the duplicate radius."""

    reward_fen: int
    sla_hours: int
    duplicate_radius_m: int


CATEGORY_LABELS: dict[Category, str] = {
    Category.fire_passage_blocked: N_("Fire passage blocked"),
    Category.fire_hazard: N_("Fire hazard"),
    Category.food_safety: N_("Food safety at a merchant"),
    Category.road_hazard: N_("Road hazard"),
    Category.broken_facility: N_("Broken public facility"),
    Category.elder_needs_help: N_("Older person needing help"),
    Category.other: N_("Other"),
}

CATEGORY_DESCRIPTIONS: dict[Category, str] = {
    Category.fire_passage_blocked: N_(
        "Junk, bicycles, e-bikes or locked doors in a fire escape, stairwell or fire lane."
    ),
    Category.fire_hazard: N_(
        "E-bike batteries charging indoors, tangled wires, gas smell, open flames."
    ),
    Category.food_safety: N_(
        "Dirty kitchens, spoiled food or pests at a restaurant or shop; name the merchant."
    ),
    Category.road_hazard: N_("Potholes, missing manhole covers, spills, broken traffic lights."),
    Category.broken_facility: N_("Broken street lights, railings, benches, toilets or signs."),
    Category.elder_needs_help: N_(
        "An older person who seems lost, unwell or in need; call 110 or 120 first in an emergency."
    ),
    Category.other: N_("Anything else the district should know about."),
}

# Open311 groups and keywords (service list).
CATEGORY_GROUPS: dict[Category, str] = {
    Category.fire_passage_blocked: "fire_safety",
    Category.fire_hazard: "fire_safety",
    Category.food_safety: "food_safety",
    Category.road_hazard: "streets",
    Category.broken_facility: "streets",
    Category.elder_needs_help: "people",
    Category.other: "other",
}

# Defaults (assumption, in the spirit of the 2025 programme): fire first, fast help for
# older people, small rewards for the rest. The pool is what limits the total.
DEFAULT_RULES: dict[Category, CategoryRule] = {
    Category.fire_passage_blocked: CategoryRule(reward_fen=5000, sla_hours=24, duplicate_radius_m=50),
    Category.fire_hazard: CategoryRule(reward_fen=5000, sla_hours=12, duplicate_radius_m=50),
    Category.food_safety: CategoryRule(reward_fen=3000, sla_hours=72, duplicate_radius_m=30),
    Category.road_hazard: CategoryRule(reward_fen=2000, sla_hours=24, duplicate_radius_m=50),
    Category.broken_facility: CategoryRule(reward_fen=1000, sla_hours=72, duplicate_radius_m=50),
    Category.elder_needs_help: CategoryRule(reward_fen=2000, sla_hours=2, duplicate_radius_m=100),
    Category.other: CategoryRule(reward_fen=500, sla_hours=120, duplicate_radius_m=50),
}  # fmt: skip

# The merchant or building a report is about: required where the officer cannot act without it.
REFERENCE_REQUIRED: frozenset[Category] = frozenset({Category.food_safety})
REFERENCE_HINTS: dict[Category, str] = {
    Category.food_safety: N_("The merchant's name (as on the sign or the delivery app)."),
    Category.fire_passage_blocked: N_("Building, staircase or unit, e.g. No. 12, staircase 3."),
    Category.fire_hazard: N_("Building, staircase or unit, e.g. No. 12, staircase 3."),
}
DEFAULT_REFERENCE_HINT = N_("A merchant or building this is about (optional).")


def reference_hint(category: Category) -> str:
    return REFERENCE_HINTS.get(category, DEFAULT_REFERENCE_HINT)
