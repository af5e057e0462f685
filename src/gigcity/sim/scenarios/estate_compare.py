"""The same putuo-estate day four ways: without help, with the seven-colour guide, with relay
delivery, with both; rider minutes per estate order, click-to-door, e-bikes waiting at the
gate and community-courier minutes per item, side by side.

The day is generated once (one seed: the same orders, buildings, search-time and consent
draws in every variant — common random numbers) and replayed under one rulebook per variant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gigcity.rules import Rulebook
from gigcity.sim.scenarios import calibration as cal
from gigcity.sim.scenarios.estate_delivery import VARIANTS, EstateSettings, estate_figures
from gigcity.sim.scenarios.generate import generate_scenario
from gigcity.sim.scenarios.model import Scenario
from gigcity.sim.scenarios.simulate import DayOutcome, SimulationSettings, simulate_scenario

ESTATE_SCENARIO = "putuo-estate"


@dataclass(frozen=True, slots=True)
class EstateMeasure:
    key: str
    label: str
    unit: str
    better: str
    """"lower", "higher" or "" (neither)."""


ESTATE_MEASURES: tuple[EstateMeasure, ...] = (
    EstateMeasure("rider_min_per_order", "Rider minutes per estate order", "min", "lower"),
    EstateMeasure("rider_min_at_estate", "…of them at the estate (gate to gate)", "min", "lower"),
    EstateMeasure("c2d_min", "Click-to-door, estate orders", "min", "lower"),
    EstateMeasure("c2d_all_min", "Click-to-door, all orders of the day", "min", "lower"),
    EstateMeasure("ebikes_at_gate_peak", "E-bikes waiting at the gate, peak", "e-bikes", "lower"),
    EstateMeasure("ebikes_at_gate_mean", "E-bikes waiting at the gate, mean 06-24 h", "e-bikes",
                  "lower"),
    EstateMeasure("courier_min_per_item", "Courier minutes per relay item", "min", "lower"),
    EstateMeasure("relay_orders", "Relay orders", "orders", ""),
    EstateMeasure("couriers", "Community couriers on the day", "couriers", ""),
    EstateMeasure("relay_left_on_shelf", "Relay items left on the shelf", "items", "lower"),
    EstateMeasure("shelf_peak", "Items on the shelf, peak", "items", ""),
    EstateMeasure("shelf_places_peak", "Places taken on the shelf (announced or on it), peak",
                  "items", ""),
    EstateMeasure("relay_refused_shelf_full", "Relay refused: shelf full", "orders", "lower"),
    EstateMeasure("relay_claimed_late", "Relay items not claimed within the point's limit",
                  "items", "lower"),
    EstateMeasure("relay_delivered_late", "Relay items not at the door within the point's limit",
                  "items", "lower"),
    EstateMeasure("undelivered", "Undelivered orders of the day", "orders", "lower"),
)  # fmt: skip
VARIANT_LABELS = {
    "none": "no guide, no relay",
    "guide": "guide only",
    "relay": "relay only",
    "guide+relay": "guide + relay",
}


def estate_day(seed: int, orders: int | None) -> Scenario:
    return generate_scenario(ESTATE_SCENARIO, seed=seed, orders=orders)


def run_variant(
    scenario: Scenario, rulebook: Rulebook, variant: str, *, consent_share: float
) -> dict[str, Any]:
    """One variant's figures on the day."""
    guide, relay = VARIANTS[variant]
    settings = SimulationSettings(
        estate=EstateSettings(guide=guide, relay=relay, consent_share=consent_share)
    )
    outcome = simulate_scenario(scenario, rulebook, settings=settings)
    return variant_figures(outcome)


def variant_figures(outcome: DayOutcome) -> dict[str, Any]:
    """The estate figures plus the whole day's click-to-door (relay items at the courier's
    handover) and undelivered orders."""
    if outcome.estate is None:
        raise ValueError("the day has no estate orders")
    scenario = outcome.scenario
    figures = estate_figures(outcome.estate, scenario)
    placed = {o.id: o.placement_min * 60.0 for o in scenario.instance.orders}
    relay_door = outcome.estate.plan.delivered_at()
    relay_ids = {d.order_id for d in outcome.estate.drops if d.relay}
    door: list[float] = []
    for trip in outcome.trips:
        if trip.pickup_s is None:
            continue
        for oid, at in zip(trip.order_ids, trip.dropoff_s, strict=True):
            if oid in relay_ids:
                if oid not in relay_door:
                    continue
                at = relay_door[oid]
            door.append((at - placed[oid]) / 60.0)
    figures["c2d_all_min"] = round(sum(door) / len(door), 3) if door else None
    figures["undelivered"] = len(outcome.undelivered)
    return figures


def _saved(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float | None]:
    keys = ("rider_min_per_order", "c2d_min", "c2d_all_min", "ebikes_at_gate_peak",
            "ebikes_at_gate_mean")  # fmt: skip
    return {
        k: None if before[k] is None or after[k] is None else round(before[k] - after[k], 3)
        for k in keys
    }


def compare_estate(
    rulebook: Rulebook,
    *,
    seed: int = 0,
    orders: int | None = 3000,
    consent_share: float = cal.RELAY_CONSENT_SHARE,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """The four variants on the same day; plain JSON-ready data."""
    if not 0.0 <= consent_share <= 1.0:
        raise ValueError(f"consent share must be within [0, 1], got {consent_share}")
    scenario = estate_day(seed, orders)
    assert scenario.estate is not None
    estate = scenario.estate.estate
    variants: dict[str, dict[str, Any]] = {}
    for done, key in enumerate(VARIANTS, start=1):
        variants[key] = run_variant(scenario, rulebook, key, consent_share=consent_share)
        if progress is not None:
            progress(done, len(VARIANTS), key)
    base = variants["none"]
    return {
        "scenario": {
            "name": ESTATE_SCENARIO,
            "seed": seed,
            "orders": len(scenario.instance.orders),
            "estate_orders": len(scenario.estate.orders),
            "estate": estate.name,
            "estate_en": estate.name_en,
            "synthetic": estate.synthetic,
            "buildings": len(estate.buildings),
            "gates": len(estate.gates),
            "ebikes_inside": estate.ebikes_inside,
            "consent_share": consent_share,
            "handoff": estate.handoffs[0].name if estate.handoffs else None,
            "shelf_capacity": estate.handoffs[0].shelf_capacity if estate.handoffs else None,
            "rulebook": rulebook.ref,
        },
        "measures": [
            {"key": m.key, "label": m.label, "unit": m.unit, "better": m.better}
            for m in ESTATE_MEASURES
        ],
        "variants": variants,
        "saved": {key: _saved(base, variants[key]) for key in ("guide", "relay", "guide+relay")},
    }


def estate_rows(result: dict[str, Any]) -> list[list[str]]:
    """The comparison as text rows (a header, then one row per measure)."""
    keys = list(VARIANTS)
    rows = [["measure", "unit", *(VARIANT_LABELS[k] for k in keys)]]
    for m in ESTATE_MEASURES:
        rows.append([m.label, m.unit, *(_cell(result["variants"][k][m.key]) for k in keys)])
    return rows


def _cell(value: float | None) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.2f}"
