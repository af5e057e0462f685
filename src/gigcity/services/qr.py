"""QR codes as SVG: for what a phone shows to a reader (a gate pass, a bed's check-in code),
and on printed pages (posters, certificates)."""

from __future__ import annotations

import io

import segno

from gigcity.services.printed_page import nested_svg


def qr_svg(text: str) -> str:
    """`text` as an SVG QR code (error correction M, scaled for a phone held to a reader)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode()


def qr_on_page(text: str, x: float, y: float, size: float) -> str:
    """`text` as a QR code (4 modules of quiet zone) in a `size` mm square at (x, y) of a
    printed page (`printed_page.a4_page`): posters and certificates."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="svg", border=4, xmldecl=False, svgns=True, omitsize=True
    )
    return nested_svg(buffer.getvalue().decode("utf-8"), x, y, size, size)
