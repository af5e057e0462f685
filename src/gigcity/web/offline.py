"""The service worker's script (/sw.js): static/sw.js with its settings prepended.

The settings name what it keeps for a rider without signal: the map and report pages and
every asset their templates load (found in the templates, so a script added to a page is
kept too), Leaflet's images, the manifest and icons; and the public map data whose last
answer it keeps. Its caches are named after the release and a hash of the static files, so
every release (or changed file) brings fresh caches and the old ones are removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from xstatic.pkg import leaflet

from gigcity import __version__
from gigcity.web.templating import STATIC_DIR, TEMPLATES_DIR

# The pages kept for offline use (by path: the last one seen, in the language it was seen in).
OFFLINE_PAGES = ("/", "/report")
# Pages kept once opened (path patterns, JavaScript regular expressions): an estate's building
# guide, often first opened from the QR code on the gate poster; the familiar rider's meals
# round (its data, personal, is kept by the page itself, never by the worker).
OFFLINE_PAGE_PATTERNS = (r"^/estates/\d+/guide$", r"^/eldercare/round$")
# The templates of those pages: the assets they load are precached.
OFFLINE_TEMPLATES = (
    "base.html",
    "map.html",
    "report.html",
    "estate_guide.html",
    "eldercare_round.html",
)
# Public map data (path patterns, JavaScript regular expressions): network first, then the
# last answer. Nothing personal: the reports, statements and accounts are never kept.
OFFLINE_DATA = (
    r"^/api/places/markers$",
    r"^/api/places/\d+$",
    r"^/api/district$",
    r"^/api/district/subdistricts\.geojson$",
    r"^/api/estates$",
    r"^/api/estates/\d+$",
)
EXTRA_ASSETS = (
    "/static/manifest.webmanifest",
    "/static/icons/icon-192.png",
    "/static/icons/icon-512.png",
)
QUEUE_SCRIPT = "/static/js/offline-queue.js"
_ASSET = re.compile(r'(?:src|href)="(/static/[^"?{]+)(\?v=\{\{ ?version ?\}\})?"')


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def shell_assets() -> list[str]:
    """The URLs the offline pages load from /static, as the pages write them."""
    urls: list[str] = []
    for name in OFFLINE_TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        for path, versioned in _ASSET.findall(source):
            urls.append(f"{path}?v={__version__}" if versioned else path)
    leaflet_images = Path(leaflet.BASE_DIR) / "images"
    urls += [f"/static/leaflet/images/{p.name}" for p in _files(leaflet_images)]
    urls += EXTRA_ASSETS
    return list(dict.fromkeys(urls))


def cache_tag() -> str:
    """The release and a hash of the static files and every template (the kept pages
    include partials: strings, macros), so any change to what a kept page shows renews it."""
    digest = hashlib.sha256(f"{__version__} leaflet {leaflet.VERSION}".encode())
    for path in [*_files(STATIC_DIR), *_files(TEMPLATES_DIR)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def service_worker_script() -> str:
    settings = {
        "version": cache_tag(),
        "pages": list(OFFLINE_PAGES),
        "pagePatterns": list(OFFLINE_PAGE_PATTERNS),
        "shell": [*OFFLINE_PAGES, *shell_assets()],
        "data": list(OFFLINE_DATA),
        "queueScript": f"{QUEUE_SCRIPT}?v={__version__}",
    }
    script = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    return f"self.GIGCITY_SW = {json.dumps(settings)};\n{script}"
