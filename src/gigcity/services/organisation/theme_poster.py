"""A station's theme-day check-in poster (issue 20): an A4 SVG to print and put up at the
station, with the session's day and window and the QR code riders scan to check in.

The SVG's user unit is the millimetre (services.printed_page's A4), so sizes read as print
sizes.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from gigcity.i18n import N_, translations
from gigcity.services.printed_page import (
    A4_H,
    A4_W,
    MUTED,
    a4_page,
    svg_text,
    text_width,
)
from gigcity.services.qr import qr_on_page

QR_MM = 130.0
RED = "#b3261e"
MIDDLE = A4_W / 2

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
    when = say(WHEN).format(day=held_on.isoformat(), opens="06:00", closes="24:00")
    parts = [
        f"<title>{escape(heading)} · {escape(station)}</title>",
        f'<rect x="8" y="8" width="{A4_W - 16:g}" height="{A4_H - 16:g}" fill="none" '
        f'stroke="{RED}" stroke-width="1.2"/>',
        _line(30, heading, 11, weight="bold", fill=RED),
        _line(48, station, _fit(station, 16), weight="bold"),
        _line(62, when, 7),
    ]
    if moved_from is not None:
        parts.append(_line(71, say(MOVED).format(day=moved_from.isoformat()), 5.5))
    if title:
        parts.append(_line(80, title, _fit(title, 7)))
    parts.append(qr_on_page(url, (A4_W - QR_MM) / 2, 88, QR_MM))
    parts.append(_line(236, say(ONLINE), 5.5))
    parts.append(_line(250, url, 3.2, fill=MUTED))
    return a4_page(parts, lang="zh-CN" if locale.startswith("zh") else "en")


def _line(y: float, text: str, size: float, **style: str) -> str:
    return svg_text(MIDDLE, y, text, size, anchor="middle", **style)


def _fit(text: str, size: float) -> float:
    """A font size at most `size` at which `text` fits the page's width."""
    return round(min(size, (A4_W - 30) / max(text_width(text), 1.0)), 2)
