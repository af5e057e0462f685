"""Charts for reports: a matplotlib drawing as inline SVG, the same bytes for the same drawing.

Shared by the simulator's day report and the workbench's comparison reports."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from typing import Any, Literal

FONT_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "DejaVu Sans",
)
"""Fonts a reader's browser is asked for when a chart keeps its text as text (Chinese first,
then the generic `sans-serif`): the server needs none of them."""


def svg_chart(
    draw: Callable[[Any], None],
    width: float = 6.4,
    height: float = 3.2,
    *,
    text: Literal["paths", "fonts"] = "paths",
) -> str:
    """One matplotlib chart as an inline `<svg>` element, the same bytes for the same drawing.

    `draw` gets the figure's single axes and draws on it; `width` and `height` are inches.
    The SVG has no date and a fixed hash salt, so a report can be compared byte for byte and
    embedded in any page. With `text="paths"` text is drawn as outlines (no font needed by
    the reader, but the server must have the glyphs: Latin only); with `text="fonts"` it stays
    `<text>` naming `FONT_FAMILIES` and `sans-serif`, so Chinese labels are drawn by the
    reader's own fonts and the server needs no CJK font.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rc: dict[str, Any] = {"svg.hashsalt": "gigcity", "svg.fonttype": "path", "font.size": 9}
    if text == "fonts":
        rc |= {
            "svg.fonttype": "none",
            "font.family": ["sans-serif"],
            "font.sans-serif": [*FONT_FAMILIES, *matplotlib.rcParams["font.sans-serif"]],
        }
    # Without a CJK font the layout measures Chinese with a stand-in glyph: not worth a warning.
    fonts_log = logging.getLogger("matplotlib.font_manager")
    level = fonts_log.level
    fonts_log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            figure, axes = plt.subplots(figsize=(width, height))
            try:
                draw(axes)
                figure.tight_layout()
                buffer = io.StringIO()
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            finally:
                plt.close(figure)
    finally:
        fonts_log.setLevel(level)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
