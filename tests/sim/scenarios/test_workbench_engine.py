"""The simulator as the workbench's engine: what `gigcity worker` hands its worker processes."""

from __future__ import annotations

import pickle

from gigcity.sim.scenarios import ScenarioWorkbench, compare_for_workbench


def test_without_ray_the_engine_compares_locally() -> None:
    assert ScenarioWorkbench().compare is compare_for_workbench


def test_with_a_ray_address_the_comparison_is_sent_there_and_still_pickles() -> None:
    compare = ScenarioWorkbench(ray_address="ray://head:10001").compare
    sent = pickle.loads(pickle.dumps(compare))  # worker processes receive it pickled
    assert sent.func is compare_for_workbench  # type: ignore[attr-defined]
    assert sent.keywords == {"ray_address": "ray://head:10001"}  # type: ignore[attr-defined]
