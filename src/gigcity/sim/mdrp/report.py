"""A self-contained report.html for one simulated day: headline figures and four plots.

Plots are drawn with matplotlib and embedded as inline SVG (no scripts, no CDN). The SVG
is made reproducible (fixed hash salt, no date), so the same day gives the same bytes.
"""

from __future__ import annotations

import html
from typing import Any

from gigcity.sim.charts import svg_chart
from gigcity.sim.mdrp.instance import Instance, Solution
from gigcity.sim.metrics import courier_figures


def _plots(
    instance: Instance, solution: Solution, metrics: dict[str, Any]
) -> list[tuple[str, str]]:
    p = instance.parameters
    click_to_door = [r.dropoff_min - r.placement_min for r in solution.orders]

    def draw_click_to_door(ax: Any) -> None:
        top = max(click_to_door, default=p.max_click_to_door_min)
        ax.hist(click_to_door, bins=range(0, int(top) + 3, 2), color="#3b6ea8")
        ax.axvline(p.target_click_to_door_min, color="#c0392b", linestyle="--", label="target")
        ax.set_xlabel("click-to-door (min)")
        ax.set_ylabel("orders")
        ax.legend()

    figures = {f.courier_id: f for f in courier_figures(instance, solution)}
    couriers = sorted(instance.couriers, key=lambda c: (c.on_min, c.id))

    def draw_utilisation(ax: Any) -> None:
        shares = [figures[c.id].busy_min / c.shift_min if c.shift_min else 0.0 for c in couriers]
        ax.bar(range(len(couriers)), shares, color="#5b8c5a", width=1.0)
        ax.set_xlabel("couriers, by start of shift")
        ax.set_ylabel("busy share of shift")
        mean = metrics["utilisation"]["mean"]
        if mean is not None:
            ax.set_title(f"mean utilisation {mean:.0%}")

    pay = [f.pay_cents / 100 for f in figures.values()]

    def draw_pay(ax: Any) -> None:
        ax.hist(pay, bins=20, color="#8e6c8a")
        ax.set_xlabel("pay per courier")
        ax.set_ylabel("couriers")
        gini = metrics["fairness"]["gini_pay_per_active_hour"]
        if gini is not None:
            ax.set_title(f"Gini of pay per active hour {gini:.3f}")

    placed = [o.placement_min for o in instance.orders]
    drops = [r.dropoff_min for r in solution.orders]
    on_duty_end = max((c.off_min for c in instance.couriers), default=0)
    end = max([*placed, *drops, on_duty_end, 15])
    bins = list(range(0, end + 15, 15))

    def draw_orders(ax: Any) -> None:
        ax.hist(placed, bins=bins, histtype="step", label="placed", color="#3b6ea8")
        ax.hist(drops, bins=bins, histtype="step", label="delivered", color="#c0392b")
        on = [sum(1 for c in instance.couriers if c.on_min <= t < c.off_min) for t in bins[:-1]]
        ax.step(bins[:-1], on, where="post", label="couriers on shift", color="#5b8c5a")
        ax.set_xlabel("minute of the day (15-minute bins)")
        ax.set_ylabel("count")
        ax.legend()

    return [
        ("Click-to-door distribution", svg_chart(draw_click_to_door)),
        ("Courier utilisation", svg_chart(draw_utilisation)),
        ("Pay distribution", svg_chart(draw_pay)),
        ("Orders over the day", svg_chart(draw_orders)),
    ]


def _figure_rows(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    orders = metrics["orders"]
    pay = metrics["pay"]
    rest = metrics["rest"]
    on_route = metrics["on_route"]

    def stat(name: str, key: str, unit: str = " min") -> str:
        value = metrics[name][key]
        return "–" if value is None else f"{value:.2f}{unit}"

    rate = on_route["rate"]
    return [
        (
            "Orders delivered",
            f"{orders['delivered']} of {orders['total']} ({orders['undelivered']} undelivered)",
        ),
        (
            "Click-to-door mean / p90",
            f"{stat('click_to_door', 'mean')} / {stat('click_to_door', 'p90')}",
        ),
        ("Lower bound on click-to-door (mean)", stat("click_to_door_lower_bound", "mean")),
        ("Ready-to-pickup mean", stat("ready_to_pickup", "mean")),
        ("Ready-to-door mean", stat("ready_to_door", "mean")),
        ("Total courier pay / per order", f"{pay['total']:.2f} / {pay['per_order'] or 0:.2f}"),
        ("Couriers on the hourly guarantee", f"{pay['on_guarantee_share']:.0%}"),
        ("Orders per bundle (mean)", stat("orders_per_bundle", "mean", "")),
        ("Utilisation (mean)", stat("utilisation", "mean", "")),
        (
            "On-route combining rate",
            "no on-route test active"
            if rate is None
            else f"{rate:.0%} of {on_route['combined_orders']} combined orders",
        ),
        (
            "Rest rule breaches",
            f"{rest['breaches']} (max {rest['max_continuous_work_min']:g} min work, "
            f"{rest['min_rest_min']:g} min rest; {rest['rule'] or 'reference rule, not enforced'})",
        ),
        ("Longest continuous work", f"{rest['longest_continuous_work_min']:g} min"),
        ("Gini of pay per active hour", str(metrics["fairness"]["gini_pay_per_active_hour"])),
    ]


def render_report(
    instance: Instance, solution: Solution, metrics: dict[str, Any], title: str = ""
) -> str:
    """The report as one HTML document."""
    heading = html.escape(title or f"gigcity simulation — {instance.name}")
    rows = "\n".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in _figure_rows(metrics)
    )
    figures = "\n".join(
        f"<figure><figcaption>{html.escape(caption)}</figcaption>{svg}</figure>"
        for caption, svg in _plots(instance, solution, metrics)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{heading}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 2rem; }}
th, td {{ text-align: left; padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; }}
figure {{ margin: 1.5rem 0; }}
figcaption {{ font-weight: 600; margin-bottom: 0.5rem; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>{heading}</h1>
<table>
{rows}
</table>
{figures}
</body>
</html>
"""
