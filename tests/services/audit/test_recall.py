"""The audit end to end on generated days: a day that kept the agreement has no findings,
and every breach planted into a day is found, with its check, clause, rider (as a
pseudonym), day and orders, and nothing else is."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigcity.rules import Rulebook, load_rulebook
from gigcity.services.audit.catalog import BY_ID
from gigcity.services.audit.engine import AuditResult, audit_file
from gigcity.services.audit.generate import Planted, plant_breaches, synthetic_log
from gigcity.services.audit.logwriter import log_bytes
from gigcity.services.audit.pseudonym import pseudonym

DAY = date(2026, 5, 12)
KEY = b"recall-test"


@cache
def rulebook(name: str) -> Rulebook:
    return load_rulebook(name)


def run(log: pl.DataFrame, book: Rulebook, fmt: str = "parquet") -> AuditResult:
    try:
        return audit_file(log_bytes(log, fmt), f"day.{fmt}", book, key=KEY)
    except NotImplementedError:
        pytest.skip("engine.audit_file is not written yet")


def _key(check: str, rider: str | None, day: date) -> tuple[str, str | None, date]:
    return check, rider, day


@settings(max_examples=3)
@given(seed=st.integers(0, 2**16))
def test_a_day_that_kept_putuo_2025_has_no_findings(seed: int) -> None:
    book = rulebook("putuo-2025")
    log = synthetic_log(orders=600, riders=22, rulebook=book, day=DAY, seed=seed)
    result = run(log, book)
    assert result.findings.select("check", "rider", "orders").to_dicts() == []
    assert all(check.passed for check in result.report.checks if check.applicable)


def test_a_day_that_kept_baseline_2024_breaks_putuo_2025() -> None:
    baseline, putuo = rulebook("baseline-2024"), rulebook("putuo-2025")
    log = synthetic_log(orders=400, riders=15, rulebook=baseline, day=DAY, seed=4)
    assert run(log, baseline).findings.is_empty()
    found = Counter(run(log, putuo).findings["check"])
    # Flat pay, fines and bare promises: the difficult-order, fine and promise clauses fail.
    assert {"weight_pay", "stairs_pay", "bulky_pay", "lateness_deductions", "eta_honesty"} <= set(
        found
    )


@pytest.mark.parametrize(("seed", "fmt"), [(3, "parquet"), (11, "jsonl.gz")])
def test_every_planted_breach_is_found_and_nothing_else(seed: int, fmt: str) -> None:
    book = rulebook("putuo-2025")
    clean = synthetic_log(orders=900, riders=32, rulebook=book, day=DAY, seed=seed)
    log, planted = plant_breaches(clean, book, seed=seed + 1)
    assert len(planted) == 31  # 3 of each of the 10 rider checks, one day for on_route
    found = {
        _key(row["check"], row["rider"], row["day"]): row
        for row in run(log, book, fmt).findings.iter_rows(named=True)
    }
    expected: dict[tuple[str, str | None, date], Planted] = {
        _key(p.check, pseudonym(KEY, p.rider) if p.rider else None, p.day): p for p in planted
    }
    assert set(found) == set(expected)
    for key, record in expected.items():
        finding = found[key]
        assert finding["clause"] == BY_ID[record.check].clauses[0]
        orders = set(finding["orders"] or ())
        if record.check == "on_route":
            # The evidence lists the worst off-route orders: all of them are planted ones.
            assert orders
            assert orders <= set(record.orders)
        else:
            assert orders == set(record.orders), record


@cache
def simulated_log(paid_under: str) -> pl.DataFrame:
    from gigcity.services.audit.logwriter import conform
    from gigcity.sim.scenarios import generate_scenario, simulate_scenario
    from gigcity.sim.scenarios.decision_log import log_from_day

    book = rulebook(paid_under)
    day = generate_scenario("putuo-weekday", seed=1, orders=200)
    return conform(log_from_day(simulate_scenario(day, book), book, day=DAY))


def test_a_day_simulated_and_paid_under_putuo_2025_has_no_findings() -> None:
    log = simulated_log("putuo-2025")
    assert log.filter(pl.col("kind") == "order").height == 200
    result = run(log, rulebook("putuo-2025"), "jsonl")
    assert result.findings.select("check", "rider", "orders").to_dicts() == []
    assert result.report.log.refused == 0


def test_a_day_run_the_old_way_breaks_putuo_2025_where_the_agreement_changed_things() -> None:
    result = run(simulated_log("baseline-2024"), rulebook("putuo-2025"))
    found = Counter(result.findings["check"])
    for check in ("rest", "lateness_deductions", "weight_pay", "stairs_pay", "hourly_guarantee"):
        assert found[check] > 0, check
