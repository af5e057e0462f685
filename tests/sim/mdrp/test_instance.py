"""Reading and writing MDRP instances and solutions in the official files."""

from __future__ import annotations

from pathlib import Path

import pytest

from gigcity.sim import (
    Instance,
    MdrpFormatError,
    SimulationResult,
    find_instances,
    generate_instance,
    read_instance,
    read_solution,
    write_instance,
    write_solution,
)
from sim.sim_support import shared_instance


def test_instance_round_trip(small: Instance, tmp_path: Path) -> None:
    folder = write_instance(small, tmp_path / "day")
    again = read_instance(folder)
    assert again.orders == small.orders
    assert again.couriers == small.couriers
    assert again.restaurants == small.restaurants
    assert again.parameters == small.parameters
    assert again.name == "day"


def test_solution_round_trip(small_result: SimulationResult, tmp_path: Path) -> None:
    folder = write_solution(small_result.solution, tmp_path / "solution")
    assert read_solution(folder) == small_result.solution
    header = (folder / "solution_info_orders.txt").read_text().splitlines()[0]
    assert header == "order placement_time ready_time pickup_time dropoff_time courier"


def test_same_seed_same_instance_files(tmp_path: Path) -> None:
    first = write_instance(generate_instance(5), tmp_path / "a")
    second = write_instance(generate_instance(5), tmp_path / "b")
    other = write_instance(generate_instance(6), tmp_path / "c")
    orders = "orders.txt"
    assert (first / orders).read_bytes() == (second / orders).read_bytes()
    assert (first / orders).read_bytes() != (other / orders).read_bytes()


def test_errors_name_file_line_and_field(small_dir: Path) -> None:
    lines = (small_dir / "orders.txt").read_text().splitlines()
    fields = lines[3].split("\t")
    fields[3] = "ten"
    lines[3] = "\t".join(fields)
    (small_dir / "orders.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(
        MdrpFormatError, match=r"orders\.txt line 4: placement_time 'ten' is not a number"
    ):
        read_instance(small_dir)


def test_unknown_restaurant_and_fractional_minutes_are_refused(small_dir: Path) -> None:
    lines = (small_dir / "orders.txt").read_text().splitlines()
    fields = lines[1].split("\t")
    fields[4] = "r999"
    (small_dir / "orders.txt").write_text(
        "\n".join([lines[0], "\t".join(fields), *lines[2:]]) + "\n"
    )
    with pytest.raises(MdrpFormatError, match="unknown restaurant r999"):
        read_instance(small_dir)
    fields[4], fields[5] = "r1", "12.5"
    (small_dir / "orders.txt").write_text(
        "\n".join([lines[0], "\t".join(fields), *lines[2:]]) + "\n"
    )
    with pytest.raises(MdrpFormatError, match=r"ready_time '12\.5' is not whole minutes"):
        read_instance(small_dir)


def test_missing_file_is_named(small_dir: Path) -> None:
    (small_dir / "couriers.txt").unlink()
    with pytest.raises(MdrpFormatError, match=r"couriers\.txt: file is missing"):
        read_instance(small_dir)


def test_find_instances_accepts_an_instance_or_a_folder_of_them(
    small: Instance, tmp_path: Path
) -> None:
    write_instance(small, tmp_path / "all" / "b")
    write_instance(small, tmp_path / "all" / "a")
    (tmp_path / "all" / "notes").mkdir()
    assert [p.name for p in find_instances([tmp_path / "all"])] == ["a", "b"]
    assert find_instances([tmp_path / "all" / "b"]) == [tmp_path / "all" / "b"]


def test_reads_a_shared_grubhub_instance() -> None:
    folder = shared_instance("0o100t100s1p100")
    instance = read_instance(folder)
    lines = (folder / "orders.txt").read_text().splitlines()
    assert len(instance.orders) == len(lines) - 1
    assert instance.parameters.pay_per_order_cents == 1000
    assert instance.parameters.guaranteed_pay_per_hour_cents == 1500
    assert instance.parameters.pickup_service_min == 4
