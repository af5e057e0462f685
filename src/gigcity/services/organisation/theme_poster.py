"""A station's theme-day check-in poster (issue 20): an A4 SVG to print and put up at the
station, with the session's day and window and the QR code riders scan to check in.

The SVG's user unit is the millimetre (viewBox 210 x 297), so sizes read as print sizes.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape, quoteattr

import segno

from gigcity.i18n import N_, translations

PAGE_W, PAGE_H = 210.0, 297.0  # A4 portrait, millimetres
QR_MM = 130.0
FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
INK = "#1a1a1a"
RED = "#b3261e"

TITLE_THEME = N_("Theme day: scan to check in")
TITLE_MAKEUP = N_("Make-up session: scan to check in")
WHEN = N_("{day}, check-in from {opens} to {closes}")
MOVED = N_("Moved from {day}, a day off")
ONLINE = N_("On shift? Check in online on the theme-day page instead.")


def poster_svg(
    *, station: str, kind: str, held_on: date, moved_from: date | None, title: str, url: str,
    locale: str = "zh_CN",
) -> str:  # fmt: skip
    """The poster as an SVG document in the reader's language (Chinese first)."""
    say = translations(locale).gettext
    heading = say(TITLE_MAKEUP if kind == "makeup" else TITLE_THEME)
    lines = [
        _text(105, 30, heading, 11, weight="bold", fill=RED),
        _text(105, 48, station, _fit(station, 16), weight="bold"),
        _text(105, 62, say(WHEN).format(day=held_on.isoformat(), opens="06:00", closes="24:00"), 7),
    ]
    if moved_from is not None:
        lines.append(_text(105, 71, say(MOVED).format(day=moved_from.isoformat()), 5.5))
    if title:
        lines.append(_text(105, 80, title, _fit(title, 7)))
    lines += _qr(url, (PAGE_W - QR_MM) / 2, 88)
    lines.append(_text(105, 236, say(ONLINE), 5.5))
    lines.append(_text(105, 250, url, 3.2, fill="#555555"))
    return (
        "\n".join(
            [
                '<?xml version="1.0" encoding="UTF-8"?>',
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" '
                f'height="{PAGE_H:g}mm" viewBox="0 0 {PAGE_W:g} {PAGE_H:g}" '
                f'font-family={quoteattr(FONT)} lang="{"zh-CN" if locale.startswith("zh") else "en"}">',
                f"<title>{escape(heading)} · {escape(station)}</title>",
                f'<rect width="{PAGE_W:g}" height="{PAGE_H:g}" fill="#ffffff"/>',
                f'<rect x="8" y="8" width="{PAGE_W - 16:g}" height="{PAGE_H - 16:g}" fill="none" '
                f'stroke="{RED}" stroke-width="1.2"/>',
                *lines,
                "</svg>",
            ]
        )
        + "\n"
    )


def _text(
    x: float, y: float, text: str, size: float, *, weight: str = "normal", fill: str = INK
) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" text-anchor="middle" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def _fit(text: str, size: float) -> float:
    """A font size at most `size` at which `text` fits the page's width."""
    ems = sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)
    return round(min(size, (PAGE_W - 30) / max(ems, 1.0)), 2)


def _qr(url: str, x0: float, y0: float) -> list[str]:
    """The QR code as one path of dark modules (4 modules of quiet zone), QR_MM wide."""
    rows = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
    size = len(rows) + 8
    runs = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            runs.append(f"M{start + 4} {r + 4}h{c - start}v1h{start - c}z")
    return [
        f'<g id="qr" transform="translate({x0:.2f} {y0:.2f}) scale({QR_MM / size:.5f})" '
        f"data-url={quoteattr(url)}>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
        f'<path d="{" ".join(runs)}" fill="#000000"/>',
        "</g>",
    ]
