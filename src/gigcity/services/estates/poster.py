"""The seven-colour guide as a printable board for an estate's gates: A2 portrait, SVG drawn
here, PDF through cairosvg.

On the board: the estate's plan (boundary, walkways, buildings filled with their zone's
colour AND a pattern of their own, so colour is never the only cue, each labelled with its
number), the gates by name, the hand-off points, e-bike parking, "you are here" at one gate
when asked, the legend of zones (colour name and building numbers), a QR code to the mobile
guide, the title in the reader's language (Chinese first), a sample-data band on synthetic
estates and the source line. Zones are computed when the estate has none yet.

Units: the SVG's user unit is the millimetre (viewBox 420 x 594), so sizes read as print
sizes. Text uses Noto Sans CJK (fontconfig finds it for cairosvg).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from gigcity.geo.estates import ZONE_HEX, Building, Estate, LonLat, WalkwayKind, Zone, ZoneColour
from gigcity.geo.estates.walkgraph import Plane
from gigcity.geo.estates.zones import with_zones
from gigcity.i18n import N_, translations
from gigcity.services.estates.wording import numbers_text, zone_label, zone_name

PAGE_W, PAGE_H = 420.0, 594.0  # A2 portrait, millimetres
MARGIN = 15.0
MAP_TOP, MAP_BOTTOM = 78.0, 420.0
FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
INK = "#1a1a1a"

TITLE = N_("{estate}: seven-colour building guide")
SAMPLE = N_("Sample data: a synthetic estate, not a surveyed one")
SCAN = N_("Scan for the way to any building")
HERE = N_("You are here")
HANDOFF = N_("Hand-off point")
PARKING = N_("E-bike parking")
GATE = N_("Gate")
ZONES = N_("Zones")
SOURCE = N_("Source: {source}")
EBIKES_BANNED = N_("No e-bikes inside: park at the marked parking, then walk")
EBIKES_ALLOWED = N_("E-bikes may be ridden in only through the gates marked so")
EBIKES_GATE = N_("e-bikes ride in")

# A pattern for each colour, drawn over the fill in dark ink: the second cue after colour.
PATTERNS: dict[ZoneColour, str] = {
    ZoneColour.orange: "",
    ZoneColour.sky_blue: '<path d="M0 3L3 0" stroke-width="0.45"/>',
    ZoneColour.green: '<circle cx="1.5" cy="1.5" r="0.55" stroke="none" fill="#000"/>',
    ZoneColour.yellow: '<path d="M0 1.5H3" stroke-width="0.45"/>',
    ZoneColour.blue: '<path d="M0 0L3 3M3 0L0 3" stroke-width="0.35"/>',
    ZoneColour.vermilion: '<path d="M0 0L3 3" stroke-width="0.45"/>',
    ZoneColour.purple: '<path d="M1.5 0V3" stroke-width="0.45"/>',
}


def poster_svg(
    estate: Estate, *, guide_url: str, locale: str = "zh_CN", here: str | None = None
) -> str:
    """The board as an SVG document; `here`: a gate ref to mark "you are here"."""
    if not estate.zones and estate.buildings:
        estate = with_zones(estate)
    gettext = translations(locale).gettext
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" height="{PAGE_H:g}mm" '
        f'viewBox="0 0 {PAGE_W:g} {PAGE_H:g}" font-family={quoteattr(FONT)} '
        f'lang="{"zh-CN" if locale.startswith("zh") else "en"}">',
        f"<title>{escape(gettext(TITLE).format(estate=_estate_name(estate, locale)))}</title>",
        _defs(),
        f'<rect width="{PAGE_W:g}" height="{PAGE_H:g}" fill="#ffffff"/>',
    ]
    out += _header(estate, locale)
    plan, plan_bottom = _plan(estate, locale, here)
    out += plan
    out += _legend(estate, locale, max(plan_bottom, MAP_BOTTOM) + 14)
    out += _qr(guide_url, locale, max(plan_bottom, MAP_BOTTOM) + 8)
    out += _footer(estate, locale)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def poster_pdf(
    estate: Estate, *, guide_url: str, locale: str = "zh_CN", here: str | None = None
) -> bytes:
    """The board as a PDF to print (cairosvg; CJK text with the fonts fontconfig finds)."""
    import cairosvg  # type: ignore[import-untyped]  # no stubs; imported here: half a second

    svg = poster_svg(estate, guide_url=guide_url, locale=locale, here=here)
    pdf = cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))
    assert isinstance(pdf, bytes)
    return pdf


# -- parts of the board ---------------------------------------------------------------------


def _estate_name(estate: Estate, locale: str) -> str:
    return estate.name if locale.startswith("zh") or not estate.name_en else estate.name_en


def _text(
    x: float, y: float, text: str, size: float, *, anchor: str = "start", weight: str = "normal",
    fill: str = INK, halo: bool = False, extra: str = "",
) -> str:  # fmt: skip
    common = (
        f'x="{x:.2f}" y="{y:.2f}" font-size="{size:.2f}" text-anchor="{anchor}" '
        f'font-weight="{weight}"'
    )
    # The halo is a white-stroked copy underneath (cairosvg does not know paint-order).
    halo_copy = (
        f'<text {common} fill="#ffffff" stroke="#ffffff" stroke-width="{size * 0.3:.2f}" '
        f'stroke-linejoin="round" aria-hidden="true">{escape(text)}</text>'
        if halo
        else ""
    )
    return f'{halo_copy}<text {common} fill="{fill}"{extra}>{escape(text)}</text>'


def _defs() -> str:
    patterns = []
    for colour, marks in PATTERNS.items():
        patterns.append(
            f'<pattern id="zone-{colour.value}" patternUnits="userSpaceOnUse" width="3" '
            f'height="3"><rect width="3" height="3" fill="{ZONE_HEX[colour]}"/>'
            f'<g stroke="#000" stroke-opacity="0.55" fill-opacity="0.55">{marks}</g></pattern>'
        )
    return "<defs>" + "".join(patterns) + "</defs>"


def _header(estate: Estate, locale: str) -> list[str]:
    gettext = translations(locale).gettext
    title = gettext(TITLE).format(estate=_estate_name(estate, locale))
    size = min(16.0, (PAGE_W - 2 * MARGIN) / max(1.0, _text_width(title)))
    parts = [_text(MARGIN, 34, title, size, weight="bold")]
    if estate.synthetic:
        parts.append(f'<rect x="{MARGIN}" y="46" width="{PAGE_W - 2 * MARGIN}" height="14" '
                     'fill="#fff3c4" stroke="#b58900" stroke-width="0.6"/>')  # fmt: skip
        parts.append(_text(PAGE_W / 2, 56, gettext(SAMPLE), 7.5, anchor="middle", weight="bold"))
    return parts


def _project(estate: Estate) -> tuple[Plane, float, float, float, float]:
    """The plane, the scale (page mm per metre), the page offset of the plan and where it
    ends; the plan is centred in its box."""
    plane = Plane.around(estate)
    points = [plane.xy(p) for p in _all_points(estate)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = PAGE_W - 2 * MARGIN, MAP_BOTTOM - MAP_TOP
    span_x, span_y = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    scale = min(width / span_x, height / span_y)
    left = MARGIN + (width - span_x * scale) / 2 - min(xs) * scale
    top = MAP_TOP + (height - span_y * scale) / 2 + max(ys) * scale
    return plane, scale, left, top, top - min(ys) * scale


def _all_points(estate: Estate) -> list[LonLat]:
    points = list(estate.boundary)
    points += [g.at for g in estate.gates] + [p.at for p in estate.parking]
    points += [h.at for h in estate.handoffs] + [n.at for n in estate.nodes]
    for b in estate.buildings:
        points += list(b.footprint or (b.at,))
    return points


def _plan(estate: Estate, locale: str, here: str | None) -> tuple[list[str], float]:
    gettext = translations(locale).gettext
    plane, scale, left, top, bottom = _project(estate)

    def page(at: LonLat) -> tuple[float, float]:
        x, y = plane.xy(at)
        return left + x * scale, top - y * scale

    def ring(points: tuple[LonLat, ...]) -> str:
        return " ".join(f"{x:.2f},{y:.2f}" for x, y in map(page, points))

    parts = [f'<g id="plan"><polygon points="{ring(estate.boundary)}" fill="#f4f4f0" '
             f'stroke="{INK}" stroke-width="0.8"/>']  # fmt: skip
    nodes = {n.ref: n.at for n in estate.nodes}
    ways = []
    for way in estate.walkways:
        (x1, y1), (x2, y2) = page(nodes[way.a]), page(nodes[way.b])
        dash = ' stroke-dasharray="1,0.8"' if way.kind == WalkwayKind.steps else ""
        ways.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}"{dash}/>')
    parts.append('<g id="walkways" stroke="#9a9a9a" stroke-width="1.4" stroke-linecap="round">'
                 + "".join(ways) + "</g>")  # fmt: skip

    colour_of = {ref: z.colour for z in estate.zones for ref in z.buildings}
    label_size = max(2.4, min(6.0, scale * 9))
    buildings, labels = [], []
    for b in estate.buildings:
        colour = colour_of.get(b.ref)
        fill = f"url(#zone-{colour.value})" if colour else "#dddddd"
        zone_attr = f' data-zone="{colour.value}"' if colour else ""
        buildings.append(
            f'<polygon points="{ring(_outline(b, plane))}" fill="{fill}" stroke="{INK}" '
            f'stroke-width="0.5"{zone_attr} data-ref={quoteattr(b.ref)}/>'
        )
        x, y = page(b.at)
        labels.append(
            _text(x, y + label_size * 0.35, _short_number(b.number), label_size, anchor="middle",
                  weight="bold", halo=True, extra=' class="number"')
        )  # fmt: skip
    parts.append('<g id="buildings">' + "".join(buildings) + "</g>")

    marks = []
    mark = max(3.0, min(6.0, scale * 8))
    for p in estate.parking:
        x, y = page(p.at)
        marks.append(f'<rect x="{x - mark / 2:.2f}" y="{y - mark / 2:.2f}" width="{mark:.2f}" '
                     f'height="{mark:.2f}" rx="0.8" fill="#0072B2"/>')  # fmt: skip
        marks.append(_text(x, y + mark * 0.33, "P", mark * 0.9, anchor="middle", weight="bold",
                           fill="#ffffff"))  # fmt: skip
    for h in estate.handoffs:
        x, y = page(h.at)
        marks.append(
            f'<polygon points="{x:.2f},{y - mark * 0.7:.2f} {x + mark * 0.7:.2f},{y + mark * 0.5:.2f} '
            f'{x - mark * 0.7:.2f},{y + mark * 0.5:.2f}" fill="#ffffff" stroke="{INK}" '
            'stroke-width="0.8"/>'
        )
        marks.append(_text(x + mark, y + 1.5, f"{gettext(HANDOFF)}·{h.name}", 4.2, halo=True,
                           weight="bold"))  # fmt: skip
    for g in estate.gates:
        x, y = page(g.at)
        marks.append(f'<rect x="{x - mark / 2:.2f}" y="{y - mark / 2:.2f}" width="{mark:.2f}" '
                     f'height="{mark:.2f}" fill="{INK}"/>')  # fmt: skip
        bike = f" · {gettext(EBIKES_GATE)}" if estate.ebikes_inside and g.ebikes_allowed else ""
        marks.append(
            _text(x, y - mark * 0.8, (g.name or g.ref) + bike, 5.0, anchor="middle",
                  weight="bold", halo=True, extra=' class="gate"')
        )  # fmt: skip
        if g.ref == here:
            marks.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{mark * 1.4:.2f}" fill="none" '
                         'stroke="#D55E00" stroke-width="1.4"/>')  # fmt: skip
            marks.append(_text(x, y + mark * 2.6, gettext(HERE), 5.0, anchor="middle",
                               weight="bold", fill="#D55E00", halo=True))  # fmt: skip
    parts.append('<g id="labels">' + "".join(labels) + "</g>")
    parts.append('<g id="marks">' + "".join(marks) + "</g>")
    parts += _north(locale)
    parts.append("</g>")
    return parts, bottom


def _north(locale: str) -> list[str]:
    x, y = PAGE_W - MARGIN - 3, MAP_TOP - 15
    letter = "北" if locale.startswith("zh") else "N"
    return [
        f'<polygon points="{x:.1f},{y:.1f} {x + 3:.1f},{y + 9:.1f} {x:.1f},{y + 7:.1f} '
        f'{x - 3:.1f},{y + 9:.1f}" fill="{INK}"/>',
        _text(x - 5, y + 8, letter, 5.0, anchor="end", weight="bold"),
    ]


def _outline(building: Building, plane: Plane) -> tuple[LonLat, ...]:
    """The footprint, or a 16 x 10 m block around the point when there is none."""
    if building.footprint and len(building.footprint) >= 3:
        return building.footprint
    x, y = plane.xy(building.at)
    return tuple(plane.lonlat(x + dx, y + dy) for dx, dy in ((-8, -5), (8, -5), (8, 5), (-8, 5)))


def _short_number(number: str) -> str:
    """ "37号楼" -> "37" on the plan (the legend says 号楼)."""
    found = re.fullmatch(r"\s*(\d+)\s*(?:号楼|号|幢|栋)?\s*", number)
    return found.group(1) if found else number


def _legend(estate: Estate, locale: str, top: float) -> list[str]:
    gettext = translations(locale).gettext
    parts = ['<g id="legend">', _text(MARGIN, top, gettext(ZONES), 7.0, weight="bold")]
    y = top + 6
    width = PAGE_W - 2 * MARGIN - 110 - 22
    for zone in estate.zones:
        lines = _wrap(_legend_text(zone, estate, locale), width, 5.6)
        parts.append(
            f'<rect x="{MARGIN}" y="{y:.2f}" width="16" height="9" fill="url(#zone-{zone.colour.value})" '
            f'stroke="{INK}" stroke-width="0.5" data-zone="{zone.colour.value}"/>'
        )
        for i, line in enumerate(lines):
            parts.append(_text(MARGIN + 21, y + 6.6 + i * 6.6, line, 5.6, extra=' class="zone"'))
        y += max(12.0, 6.6 * len(lines) + 5)
    parts += _symbols(MARGIN, max(y + 6, PAGE_H - 40), gettext)
    parts.append("</g>")
    return parts


def _symbols(x: float, y: float, gettext: Callable[[str], str]) -> list[str]:
    """What the plan's marks mean: gate, e-bike parking, hand-off point."""
    return [
        f'<rect x="{x:.2f}" y="{y - 4:.2f}" width="4.5" height="4.5" fill="{INK}"/>',
        _text(x + 7, y, gettext(GATE), 5.0),
        f'<rect x="{x + 40:.2f}" y="{y - 4:.2f}" width="4.5" height="4.5" rx="0.8" '
        'fill="#0072B2"/>',
        _text(x + 42.25, y - 0.5, "P", 4.0, anchor="middle", weight="bold", fill="#ffffff"),
        _text(x + 47, y, gettext(PARKING), 5.0),
        f'<polygon points="{x + 100:.2f},{y - 4.5:.2f} {x + 103:.2f},{y + 0.5:.2f} '
        f'{x + 97:.2f},{y + 0.5:.2f}" fill="#ffffff" stroke="{INK}" stroke-width="0.6"/>',
        _text(x + 106, y, gettext(HANDOFF), 5.0),
    ]


def _legend_text(zone: Zone, estate: Estate, locale: str) -> str:
    numbers = [b.number for ref in zone.buildings if (b := estate.building(ref)) is not None]
    if locale.startswith("zh"):
        return zone_name(zone, estate, locale)
    return f"{zone_label(zone.colour, locale)}: {numbers_text(numbers, locale)}"


def _qr(guide_url: str, locale: str, y0: float) -> list[str]:
    """The QR code as one path of dark modules, one unit per module (4 modules of quiet zone
    around), scaled to 100 mm."""
    import segno  # imported here: a tenth of a second the server's start need not pay

    qr = segno.make(guide_url, error="m", micro=False)
    rows = [list(row) for row in qr.matrix]
    size = len(rows) + 8
    box = 100.0
    x0 = PAGE_W - MARGIN - box
    runs = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append(f"M{start + 4} {r + 4}h{c - start}v1h{start - c}z")
            else:
                c += 1
    return [
        f'<g id="qr" transform="translate({x0:.2f} {y0:.2f}) scale({box / size:.5f})" '
        f"data-url={quoteattr(guide_url)}>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
        f'<path d="{" ".join(runs)}" fill="#000000"/>',
        "</g>",
        _text(x0 + box / 2, y0 + box + 7, translations(locale).gettext(SCAN), 5.6,
              anchor="middle", weight="bold"),
    ]  # fmt: skip


def _footer(estate: Estate, locale: str) -> list[str]:
    gettext = translations(locale).gettext
    y = PAGE_H - 22
    rule = gettext(EBIKES_ALLOWED if estate.ebikes_inside else EBIKES_BANNED)
    parts = [_text(MARGIN, y, rule, 5.6, weight="bold")]
    credits = []
    if estate.source:
        credits.append(gettext(SOURCE).format(source=estate.source))
    if estate.synthetic:
        credits.append(gettext(SAMPLE))
    if credits:
        parts.append(_text(MARGIN, y + 10, " · ".join(credits), 4.2, fill="#444444"))
    return parts


def _text_width(text: str) -> float:
    """Width of `text` in ems: CJK characters one em, the rest about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)


def _wrap(text: str, width_mm: float, size: float) -> list[str]:
    """Lines of `text` no wider than `width_mm` at font `size`, broken at 、 , or spaces."""
    limit = width_mm / size
    pieces = re.split(r"(?<=[、,，\s])", text)
    lines, line = [], ""
    for piece in pieces:
        if line and _text_width(line + piece) > limit:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line:
        lines.append(line.rstrip())
    return lines or [""]
