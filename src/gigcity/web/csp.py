"""The pages' Content-Security-Policy: everything from this server, except the map tiles.

It makes "Leaflet is served by the app, never a CDN" a rule the browser enforces.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_origin(tile_url: str) -> str | None:
    """The origin tiles come from, as a CSP source; `{s}` subdomains become a wildcard.

    None when tiles come from this server (a relative URL) or no tiles are configured.
    """
    parts = urlsplit(tile_url.strip())
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:
        # "{s}.tile.example.org" -> "*.tile.example.org": a placeholder is one label.
        labels = host.split(".")
        host = ".".join("*" if "{" in label else label for label in labels)
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    images = "'self' data:"
    origin = tile_origin(tile_url)
    if origin:
        images += f" {origin}"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )
