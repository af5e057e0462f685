"""Charts for reports: a matplotlib drawing as inline SVG, the same bytes for the same drawing.

Shared by the simulator's day report and the workbench's comparison reports."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any


def svg_chart(draw: Callable[[Any], None], width: float = 6.4, height: float = 3.2) -> str:
    """One matplotlib chart as an inline `<svg>` element, the same bytes for the same drawing.

    `draw` gets the figure's single axes and draws on it; `width` and `height` are inches.
    The SVG has no date and a fixed hash salt, and text is drawn as paths (no font needed
    by the reader), so a report can be compared byte for byte and embedded in any page.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.hashsalt": "gigcity", "svg.fonttype": "path", "font.size": 9}):
        figure, axes = plt.subplots(figsize=(width, height))
        try:
            draw(axes)
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
