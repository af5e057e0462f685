"""Pieces of a printed page drawn as SVG (then PDF by cairosvg): the fonts that carry
Chinese, text placed and wrapped by its width in ems, and a matplotlib chart set in a box.
Shared by the pages services print for meetings (a measure's evaluation, an audit)."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Literal
from xml.sax.saxutils import escape

# Matplotlib's and the page's fonts: the first that is installed carries the Chinese.
FONT_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")
PAGE_FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
INK, MUTED = "#1a1a1a", "#555555"
_LATIN_EM = 0.56  # a Latin character is a little over half a CJK one


def text_width(text: str) -> float:
    """Width of `text` in ems: CJK characters one em, the rest a little over half."""
    return sum(1.0 if ord(ch) > 0x2E80 else _LATIN_EM for ch in text)


def wrap_text(text: str, width_mm: float, size: float) -> list[str]:
    """Lines no wider than `width_mm` at font `size` (mm): Chinese breaks between any two
    characters, Latin text at spaces (a word longer than a line is cut)."""
    limit = width_mm / size
    pieces = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        while text_width(piece) > limit and not line:  # one long token (a hash, an id list)
            cut = max(1, int(limit / _LATIN_EM))
            lines.append(piece[:cut])
            piece = piece[cut:]
        if line and text_width(line + piece.rstrip()) > limit:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def svg_text(
    x: float, y: float, text: str, size: float, *, anchor: str = "start",
    weight: str = "normal", fill: str = INK,
) -> str:  # fmt: skip
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def nested_svg(svg: str, x: float, y: float, w: float, h: float) -> str:
    """Matplotlib's `<svg>` placed in a box of the page (its own viewBox keeps its drawing)."""
    head_end = svg.index(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", svg[:head_end])
    return f'{head} x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}"{svg[head_end:]}'


A4_W, A4_H = 210.0, 297.0  # millimetres, portrait
RULE = "#cccccc"
TextMode = Literal["fonts", "paths"]


def rule_line(x1: float, x2: float, y: float, width: float, colour: str = RULE) -> str:
    """A horizontal rule across a page or a table."""
    return (
        f'<line x1="{x1}" y1="{y:.2f}" x2="{x2}" y2="{y:.2f}" '
        f'stroke="{colour}" stroke-width="{width}"/>'
    )


def a4_page(parts: Iterable[str], *, lang: str | None = None) -> str:
    """One A4 page (millimetre units, white) holding `parts`, in the page's CJK font."""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{A4_W:g}mm" height="{A4_H:g}mm" viewBox="0 0 {A4_W:g} {A4_H:g}" '
        f'font-family="{PAGE_FONT}"{lang_attr}>'
        f'<rect width="{A4_W:g}" height="{A4_H:g}" fill="#ffffff"/>' + "".join(parts) + "</svg>"
    )


def matplotlib_svg(
    draw: Callable[[Any], None],
    *,
    width: float,
    height: float,
    text: TextMode = "fonts",
    font_size: float = 8.0,
    salt: str = "gigcity",
    prefix: str | None = None,
) -> str:
    """A matplotlib figure drawn by `draw(figure)` as an inline `<svg>`: the same bytes for
    the same data (fixed hash salt, no date), Chinese in the CJK fonts (`text="fonts"`: text
    a page can search; `"paths"`: outlines that need no font). With `prefix`, its ids are
    prefixed so that several charts can share one page."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rc: dict[str, Any] = {
        "svg.hashsalt": salt,
        "font.size": font_size,
        "font.family": ["sans-serif"],
        "font.sans-serif": [*FONT_FAMILIES, *matplotlib.rcParams["font.sans-serif"]],
        "svg.fonttype": "none" if text == "fonts" else "path",
    }
    fonts_log = logging.getLogger("matplotlib.font_manager")
    level = fonts_log.level
    fonts_log.setLevel(logging.ERROR)  # a missing fallback font is no news per chart
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            figure = plt.figure(figsize=(width, height))
            try:
                draw(figure)
                buffer = io.StringIO()
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            finally:
                plt.close(figure)
    finally:
        fonts_log.setLevel(level)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    if prefix is None:
        return svg
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
