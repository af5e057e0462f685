"""QR codes as SVG, for what a phone shows to a reader: a gate pass, a bed's check-in code."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str) -> str:
    """`text` as an SVG QR code (error correction M, scaled for a phone held to a reader)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, nl=False
    )
    return buffer.getvalue().decode()
