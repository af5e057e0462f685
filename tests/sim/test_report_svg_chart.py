"""`svg_chart`: the one way simulator and workbench reports draw a plot."""

from __future__ import annotations

from typing import Any

from gigcity.sim.charts import svg_chart


def _bars(ax: Any) -> None:
    ax.bar([0, 1, 2], [3, 1, 2], color="#3b6ea8")
    ax.set_title("orders by hour")


def test_the_same_drawing_gives_the_same_inline_svg() -> None:
    first = svg_chart(_bars)
    assert first.startswith("<svg")
    assert first.rstrip().endswith("</svg>")
    assert "<?xml" not in first
    assert "<dc:date>" not in first
    assert svg_chart(_bars) == first


def test_size_is_given_in_inches() -> None:
    svg = svg_chart(_bars, width=7.0, height=4.2)
    assert 'width="504pt"' in svg
    assert 'height="302.4pt"' in svg
    assert svg != svg_chart(_bars)
