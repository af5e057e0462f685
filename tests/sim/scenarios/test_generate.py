"""Putuo scenarios: same seed same bytes, the folder format round trip, sizes, calibration."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from gigcity.sim.scenarios import (
    ScenarioError,
    default_orders,
    generate_scenario,
    read_scenario,
    write_scenario,
)
from gigcity.sim.scenarios.fileformat import ORDERS_FILE, RIDERS_FILE


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    one = write_scenario(generate_scenario("putuo-weekday", seed=3, orders=400), tmp_path / "a")
    two = write_scenario(generate_scenario("putuo-weekday", seed=3, orders=400), tmp_path / "b")
    assert _files(one) == _files(two)
    other = write_scenario(generate_scenario("putuo-weekday", seed=4, orders=400), tmp_path / "c")
    assert _files(other)["orders.txt"] != _files(one)["orders.txt"]


@pytest.mark.parametrize("name", ["putuo-weekday", "putuo-weekend", "putuo-rainy"])
def test_round_trip_through_the_folder_format(name: str, tmp_path: Path) -> None:
    scenario = generate_scenario(name, seed=1, orders=300)
    back = read_scenario(write_scenario(scenario, tmp_path / name))
    assert back == scenario
    # The base files stay a plain MDRP instance that the MDRP reader accepts.
    from gigcity.sim import read_instance

    assert len(read_instance(tmp_path / name).orders) == 300


@pytest.mark.parametrize(("orders", "areas"), [(10, 1), (300, 1), (7_001, 2)])
def test_sizes_and_covered_sub_districts(orders: int, areas: int) -> None:
    scenario = generate_scenario("putuo-weekday", seed=0, orders=orders)
    assert len(scenario.instance.orders) == orders
    assert len(scenario.areas) == areas
    assert set(scenario.orders) == {o.id for o in scenario.instance.orders}
    assert {m.area for m in scenario.merchants.values()} == set(scenario.areas)


@pytest.mark.slow
def test_a_hundred_thousand_orders_cover_the_whole_district() -> None:
    scenario = generate_scenario("putuo-weekday", seed=0, orders=100_000)
    assert len(scenario.instance.orders) == 100_000
    assert len(scenario.areas) == 10


def test_refuses_unknown_names_and_sizes() -> None:
    with pytest.raises(ScenarioError, match="unknown scenario 'putuo-monday'"):
        generate_scenario("putuo-monday")
    with pytest.raises(ScenarioError, match="orders must be between 10"):
        generate_scenario("putuo-weekday", orders=5)


@pytest.fixture(scope="module")
def day() -> object:
    return generate_scenario("putuo-weekday", seed=2, orders=4000)


def test_calibration_peaks_at_lunch_and_dinner(day: object) -> None:
    from gigcity.sim.scenarios import Scenario

    assert isinstance(day, Scenario)
    hours = collections.Counter(o.placement_min // 60 for o in day.instance.orders)
    top = {hour for hour, _ in hours.most_common(4)}
    assert top == {12, 13, 18, 19}
    assert min(hours) >= 6
    assert max(hours) <= 23


def test_calibration_buildings_goods_riders(day: object) -> None:
    from gigcity.sim.scenarios import Scenario

    assert isinstance(day, Scenario)
    details = list(day.orders.values())
    walk_up = sum(1 for d in details if not d.has_lift) / len(details)
    assert 0.15 < walk_up < 0.5
    assert all(2 <= d.floor <= 7 or d.floor == 1 for d in details if d.old_estate)
    assert 0.01 < sum(1 for d in details if d.weight_g > 5000) / len(details) < 0.2
    assert 0.005 < sum(1 for d in details if d.bulky) / len(details) < 0.06
    non_food = sum(1 for o in day.instance.orders if day.merchants[o.restaurant_id].non_food)
    assert 0.13 < non_food / len(details) < 0.23
    delayed = [d for d in details if d.prep_delay_min]
    assert all(d.predicted_delay_min <= d.prep_delay_min for d in delayed)
    long_days = sum(1 for c in day.instance.couriers if c.shift_min > 480)
    assert 0.35 < long_days / len(day.instance.couriers) < 0.75
    kinds = collections.Counter(r.kind for r in day.riders.values())
    assert set(kinds) == {"full_time", "crowdsourced", "part_time"}
    assert any(r.days_worked_before == 6 for r in day.riders.values())
    assert any(m.pickup_extra_s for m in day.merchants.values())
    assert day.closures


def test_rainy_day_has_more_orders_an_alert_and_slower_rides() -> None:
    assert default_orders("putuo-rainy") > default_orders("putuo-weekday")
    rainy = generate_scenario("putuo-rainy", seed=0, orders=200)
    assert rainy.weather
    assert rainy.travel.rain_speed_factor < 1
    assert generate_scenario("putuo-weekday", seed=0, orders=200).weather == ()


def test_reading_names_the_file_line_and_field(tmp_path: Path) -> None:
    root = write_scenario(generate_scenario("putuo-weekday", seed=0, orders=20), tmp_path / "d")
    path = root / ORDERS_FILE
    lines = path.read_text().splitlines()
    fields = lines[3].split("\t")
    fields[3] = "zero"
    lines[3] = "\t".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError, match=r"order_details.txt line 4: floor: 'zero'"):
        read_scenario(root)
    riders = root / RIDERS_FILE
    riders.write_text(riders.read_text().splitlines()[0] + "\n")
    path.write_text("\n".join(lines[:1]) + "\n")
    with pytest.raises(ScenarioError, match="no row for order"):
        read_scenario(root)
