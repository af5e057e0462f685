"""The pages' Content-Security-Policy: everything from this server, except the map tiles
(from exactly the hosts the configured tiles use);
and the policy of the API docs page (Swagger UI).

It makes "Leaflet and Swagger UI are served by the app, never a CDN" a rule the browser
enforces.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
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


def content_security_policy(tiles: str | Sequence[str] = ()) -> str:
    """The pages' policy; images from this server and from the tile hosts `tiles` (the
    origins of `web.tiles.TileSet.hosts()`, exactly those), or from the origin of one tile
    URL template."""
    origins = [tile_origin(tiles)] if isinstance(tiles, str) else list(tiles)
    images = " ".join(["'self' data:", *(o for o in origins if o)])
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


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(html: str) -> list[str]:
    """The CSP hash sources (`'sha256-...'`) of the inline scripts of `html`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def docs_content_security_policy(html: str) -> str:
    """The policy of a Swagger UI page: its bundle and styles from this server (no other
    site), its own inline start-up script (by hash), the API document and "try it out"
    calls to this server."""
    scripts = " ".join(["'self'", *inline_script_hashes(html)])
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )
