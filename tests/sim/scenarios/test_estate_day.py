"""The putuo-estate day: a share of a weekday's orders in the sample giant estate, replayed
without help, with the guide, with relay and with both."""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gigcity.geo.estates.sample import sample_estate
from gigcity.rules import load_rulebook
from gigcity.sim.scenarios import (
    ScenarioError,
    SimulationSettings,
    generate_scenario,
    read_scenario,
    simulate_scenario,
    write_scenario,
)
from gigcity.sim.scenarios.estate_compare import compare_estate, run_variant, variant_figures
from gigcity.sim.scenarios.estate_day import EstateDay
from gigcity.sim.scenarios.estate_delivery import VARIANTS, EstateSettings
from gigcity.sim.scenarios.model import Scenario
from gigcity.sim.scenarios.simulate import DayOutcome

ORDERS = 700
RULES = load_rulebook("putuo-2025")


@cache
def _day(seed: int = 3) -> Scenario:
    return generate_scenario("putuo-estate", seed=seed, orders=ORDERS)


@cache
def _outcome(variant: str, consent: float = 0.6) -> DayOutcome:
    guide, relay = VARIANTS[variant]
    settings = SimulationSettings(
        estate=EstateSettings(guide=guide, relay=relay, consent_share=consent)
    )
    return simulate_scenario(_day(), RULES, settings=settings)


@cache
def _figures(variant: str) -> dict[str, Any]:
    return run_variant(_day(), RULES, variant, consent_share=0.6)


def test_a_share_of_a_weekday_goes_into_the_sample_estate() -> None:
    day = _day()
    weekday = generate_scenario("putuo-weekday", seed=3, orders=ORDERS)
    assert day.estate is not None
    assert day.estate.estate == sample_estate()
    assert len(day.estate.orders) == round(0.15 * ORDERS)
    buildings = {b.ref: b for b in day.estate.estate.buildings}
    for before, after in zip(weekday.instance.orders, day.instance.orders, strict=True):
        assert (before.id, before.placement_min, before.restaurant_id) == (
            after.id,
            after.placement_min,
            after.restaurant_id,
        )
        if after.id not in day.estate.orders:
            assert before == after
            continue
        building = buildings[day.estate.orders[after.id].building]
        assert day.orders[after.id].has_lift == bool(building.lift)
        assert 1 <= day.orders[after.id].floor <= (building.floors or 6)
    assert generate_scenario("putuo-estate", seed=3, orders=ORDERS) == day


def test_relay_orders_are_dropped_at_the_hand_off_point_and_carried_once() -> None:
    outcome = _outcome("relay")
    day = _day()
    assert outcome.estate is not None
    assert day.estate is not None
    point = day.estate.estate.handoffs[0]
    relay = [d for d in outcome.estate.drops if d.relay]
    assert relay
    for drop in relay:
        order = day.estate.orders[drop.order_id]
        assert order.consent_u < 0.6  # no relay without consent
    legs = outcome.estate.legs
    assert {leg.id for leg in legs} == {d.order_id for d in relay}
    assert {leg.handoff for leg in legs} == {point.ref}
    ready = {d.order_id: d.handover_s for d in relay}
    assert all(leg.ready_s == ready[leg.id] for leg in legs)
    carried = [leg for trip in outcome.estate.plan.trips for leg in trip.leg_ids]
    assert sorted(carried + list(outcome.estate.plan.left)) == sorted(ready)
    assert len(set(carried)) == len(carried)
    # The rider's drop-off is the point: minutes at the estate, not a walk to the door.
    none = {d.order_id: d for d in _outcome("none").estate.drops}  # type: ignore[union-attr]
    both = [d for d in relay if d.order_id in none]
    at_point = sum(d.leave_s - d.arrive_s for d in both)
    at_door = sum(none[d.order_id].leave_s - none[d.order_id].arrive_s for d in both)
    assert at_point < at_door / 3


def test_no_relay_without_consent() -> None:
    outcome = _outcome("guide+relay", consent=0.0)
    assert outcome.estate is not None
    assert not any(d.relay for d in outcome.estate.drops)
    assert outcome.estate.legs == ()


def test_the_same_seed_gives_the_same_result() -> None:
    again = run_variant(
        generate_scenario("putuo-estate", seed=3, orders=ORDERS),
        RULES,
        "guide+relay",
        consent_share=0.6,
    )
    assert again == _figures("guide+relay")


def test_the_guide_saves_rider_minutes_per_estate_order() -> None:
    assert _figures("guide")["rider_min_per_order"] < _figures("none")["rider_min_per_order"]
    assert _figures("guide+relay")["rider_min_per_order"] < _figures("relay")["rider_min_per_order"]


def test_relay_clears_e_bikes_waiting_at_the_gate() -> None:
    for without, with_relay in (("none", "relay"), ("guide", "guide+relay")):
        assert (
            _figures(with_relay)["ebikes_at_gate_mean"] < _figures(without)["ebikes_at_gate_mean"]
        )
        assert (
            _figures(with_relay)["ebikes_at_gate_peak"] <= _figures(without)["ebikes_at_gate_peak"]
        )
        assert _figures(with_relay)["courier_min_per_item"] > 0
    assert _figures("none")["courier_min_per_item"] is None


def test_a_day_without_estate_orders_ignores_the_estate_settings() -> None:
    weekday = generate_scenario("putuo-weekday", seed=1, orders=200)
    plain = simulate_scenario(weekday, RULES)
    helped = simulate_scenario(
        weekday,
        RULES,
        settings=SimulationSettings(estate=EstateSettings(guide=True, relay=True)),
    )
    assert plain.estate is None
    assert plain == helped


def test_compare_estate_reports_four_variants_and_the_minutes_saved() -> None:
    result = compare_estate(RULES, seed=3, orders=ORDERS)
    assert list(result["variants"]) == ["none", "guide", "relay", "guide+relay"]
    assert result["variants"]["guide"] == _figures("guide")
    saved = result["saved"]["guide"]["rider_min_per_order"]
    assert saved == pytest.approx(
        _figures("none")["rider_min_per_order"] - _figures("guide")["rider_min_per_order"],
        abs=1e-3,
    )
    assert result["scenario"]["synthetic"] is True


def test_the_estate_day_round_trips_through_the_folder_format(tmp_path: Path) -> None:
    day = generate_scenario("putuo-estate", seed=1, orders=200)
    folder = write_scenario(day, tmp_path / "day")
    assert read_scenario(folder) == day
    data = json.loads((folder / "estate.json").read_text())
    data["orders"][0]["building"] = "b999"
    (folder / "estate.json").write_text(json.dumps(data))
    with pytest.raises(ScenarioError, match=r"estate\.json: order 'o\d+': no building 'b999'"):
        read_scenario(folder)


# -- the hand-off point's shelf -----------------------------------------------------------


def _with_shelf(day: Scenario, capacity: int) -> Scenario:
    assert day.estate is not None
    estate = day.estate.estate
    point = estate.handoffs[0].model_copy(update={"shelf_capacity": capacity})
    return dataclasses.replace(
        day,
        estate=EstateDay(estate.model_copy(update={"handoffs": (point,)}), day.estate.orders),
    )


@cache
def _two_at_once(capacity: int) -> tuple[Scenario, str, str]:
    """A tiny estate day where exactly two estate orders take relay, placed at the same
    minute (the second in the day's order is `second`)."""
    day = generate_scenario("putuo-estate", seed=3, orders=60)
    assert day.estate is not None
    placed = {o.id: o for o in day.instance.orders}
    ids = [o.id for o in day.instance.orders if o.id in day.estate.orders]
    first, second = [i for i in ids if 9 * 60 <= placed[i].placement_min < 20 * 60][:2]
    same = dataclasses.replace(
        placed[second],
        placement_min=placed[first].placement_min,
        ready_min=placed[first].ready_min,
    )
    orders = tuple(same if o.id == second else o for o in day.instance.orders)
    consent = {
        oid: dataclasses.replace(o, consent_u=0.0 if oid in (first, second) else 0.99)
        for oid, o in day.estate.orders.items()
    }
    day = dataclasses.replace(
        day,
        instance=dataclasses.replace(day.instance, orders=orders),
        estate=EstateDay(day.estate.estate, consent),
    )
    return _with_shelf(day, capacity), first, second


@pytest.mark.parametrize("guide", [False, True])
def test_a_full_shelf_sends_the_second_of_two_simultaneous_relay_orders_to_the_door(
    guide: bool,
) -> None:
    day, first, second = _two_at_once(capacity=1)

    def run(relay: bool, on: Scenario = day) -> DayOutcome:
        settings = EstateSettings(guide=guide, relay=relay, consent_share=0.6)
        return simulate_scenario(on, RULES, settings=SimulationSettings(estate=settings))

    outcome = run(relay=True)
    assert outcome.estate is not None
    drops = {d.order_id: d for d in outcome.estate.drops}
    assert drops[first].relay
    assert not drops[second].relay
    assert outcome.estate.refused == (second,)
    assert [oid for oid, _ in outcome.estate.announced] == [first]
    # The refused order costs the rider what the door costs without relay, to the second.
    door = {d.order_id: d for d in run(relay=False).estate.drops}  # type: ignore[union-attr]
    at_estate = drops[second].leave_s - drops[second].arrive_s
    assert at_estate == pytest.approx(door[second].leave_s - door[second].arrive_s, abs=1e-6)
    assert at_estate > 3 * (drops[first].leave_s - drops[first].arrive_s)
    figures = variant_figures(outcome)
    assert (figures["relay_orders"], figures["relay_refused_shelf_full"]) == (1, 1)
    assert figures["shelf_places_peak"] == 1
    # With a place for each, both are left at the point.
    roomy = run(relay=True, on=_two_at_once(capacity=2)[0])
    assert roomy.estate is not None
    assert roomy.estate.refused == ()
    assert all(d.relay for d in roomy.estate.drops if d.order_id in (first, second))


def test_the_shelf_never_holds_more_than_its_places_and_every_relay_order_is_counted() -> None:
    day = _with_shelf(_day(), capacity=3)
    settings = EstateSettings(guide=True, relay=True, consent_share=0.6)
    outcome = simulate_scenario(day, RULES, settings=SimulationSettings(estate=settings))
    assert outcome.estate is not None
    estate = outcome.estate
    figures = variant_figures(outcome)
    assert figures["relay_refused_shelf_full"] == len(estate.refused) > 0
    assert figures["shelf_places_peak"] == 3
    assert figures["shelf_peak"] <= 3
    # Every order offered relay was either accepted by the point or refused, never both.
    accepted = {oid for oid, _ in estate.announced}
    assert not accepted & set(estate.refused)
    relay = {d.order_id for d in estate.drops if d.relay}
    assert relay <= accepted
    assert not relay & set(estate.refused)
    unlimited = _outcome("guide+relay").estate
    assert unlimited is not None
    assert len(accepted) + len(estate.refused) == len(unlimited.announced)
    assert unlimited.refused == ()
