"""Pieces of a printed page drawn as SVG (then PDF by cairosvg): the fonts that carry
Chinese, text placed and wrapped by its width in ems, and a matplotlib chart set in a box.
Shared by the pages services print for meetings (a measure's evaluation, an audit)."""

from __future__ import annotations

import re
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
