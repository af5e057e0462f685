"""`estate.json` of a scenario folder: the giant estate and its orders (putuo-estate).

`{"estate": <Estate JSON>, "orders": [{"order", "building", "search_s", "consent_u"}, ...]}`
— present only when the day has estate orders (see FORMAT.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gigcity.geo.estates.model import Estate
from gigcity.sim.scenarios.estate_day import EstateDay, EstateOrder
from gigcity.sim.scenarios.model import ScenarioError

ESTATE_FILE = "estate.json"


def write_estate(day: EstateDay, root: Path) -> None:
    data = {
        "estate": day.estate.model_dump(mode="json"),
        "orders": [
            {
                "order": o.order_id,
                "building": o.building,
                "search_s": o.search_s,
                "consent_u": o.consent_u,
            }
            for o in day.orders.values()
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (root / ESTATE_FILE).write_text(text + "\n", encoding="utf-8")


def read_estate(root: Path, order_ids: set[str]) -> EstateDay | None:
    """The folder's estate part, or None without `estate.json`; a bad file raises
    `ScenarioError` naming it and the problem."""
    path = root / ESTATE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        estate = Estate.model_validate(data["estate"])
        orders = [_order(row) for row in data["orders"]]
    except (ValueError, KeyError, TypeError, ValidationError) as error:
        raise ScenarioError(f"{path}: {error}") from None
    buildings = {b.ref for b in estate.buildings}
    for order in orders:
        if order.order_id not in order_ids:
            raise ScenarioError(f"{path}: order {order.order_id!r} is not in the day")
        if order.building not in buildings:
            raise ScenarioError(f"{path}: order {order.order_id!r}: no building {order.building!r}")
    return EstateDay(estate, {o.order_id: o for o in orders})


def _order(row: dict[str, Any]) -> EstateOrder:
    consent = float(row["consent_u"])
    if not 0.0 <= consent < 1.0:
        raise ValueError(f"order {row['order']!r}: consent_u must be in [0, 1)")
    return EstateOrder(str(row["order"]), str(row["building"]), float(row["search_s"]), consent)
