"""Page routes and static assets. Pages call the JSON API from the browser; no DB access here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from xstatic.pkg import leaflet

from gigcity import __version__
from gigcity.config import Settings
from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, gettext
from gigcity.services.demo import DEMO_PASSWORD
from gigcity.services.places import AMENITY_LABELS, KIND_LABELS
from gigcity.services.platform import Platform
from gigcity.web.csp import content_security_policy
from gigcity.web.docs import SWAGGER_UI_PACKAGE, SWAGGER_UI_URL
from gigcity.web.offline import service_worker_script
from gigcity.web.templating import STATIC_DIR, render
from gigcity.web.tiles import TileSet, tile_set

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600

# Each role's own page, where signing in takes it (DESIGN: each role lands on its own home).
HOMES = {"rider": "/", "staff": "/manage", "officer": "/officer", "admin": "/dashboard"}
HOMES["property"] = "/estate"
HOMES["courier"] = "/relay"
HOMES["family"] = "/eldercare/family"
HOMES["committee"] = "/eldercare/staff"
HOMES["canteen"] = "/eldercare/kitchen"
HOMES["counsellor"] = "/care/counsellor"
HOMES["lawyer"] = "/legal"
# The pages only some roles may use (the others are for everyone). A signed-in account of
# another role is told so, with a link to its home, instead of the page's empty frames; the
# API refuses it all the same. The token lives in the browser, so the page checks it there.
PAGE_ROLES = {
    "manage": ("staff", "officer", "admin"),
    "officer": ("officer", "admin"),
    "dashboard": ("officer", "admin"),
    "district": ("officer", "admin"),
    "statement": ("rider",),
    "pass": ("rider",),
    "certify": ("staff", "admin"),
    "stays": ("rider",),
    "stays_desk": ("staff", "admin"),
    "stations": ("rider",),
    "stations_desk": ("staff", "admin"),
    "estate": ("property", "officer", "admin"),
    "relay": ("courier", "property", "admin"),
    "relay_consents": ("property", "admin"),
    "eldercare_round": ("rider",),
    "eldercare_staff": ("officer", "committee", "admin"),
    "eldercare_kitchen": ("canteen", "committee", "officer", "admin"),
    "eldercare_family": ("family",),
    "eldercare_volunteer": ("rider",),
    "care_counsellor": ("counsellor",),
    "legal": ("lawyer",),
    "care": ("rider",),
    "doctors": ("rider",),
    "doctors_desk": ("staff", "admin"),
    "governance": ("officer", "admin"),
}
PAGE_ROLES["voices"] = ("officer", "admin")  # surveys and consultations (governance)
PAGE_ROLES["audit"] = ("officer", "admin")  # the algorithm audit (officers read only)
PAGE_ROLES["organisation"] = ("admin",)  # organisations and members (social-work staff)
PAGE_ROLES["station_team"] = ("staff", "admin")  # a station's 1+1+N and plan
PAGE_ROLES["theme_day"] = ("rider",)  # theme-day check-in by QR or online
PAGE_ROLES["my_organisation"] = ("rider",)  # membership and the three ones
PAGE_ROLES["concerns"] = ("rider", "staff", "admin")  # 周二见: concerns raised with platforms
PAGE_ROLES["volunteers"] = ("rider", "staff", "admin")  # volunteer teams
PAGE_ROLES["organisation_overview"] = ("admin",)  # the district's organisation figures

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


def _language_of(tag: str) -> str:
    return tag.replace("-", "_").split("_")[0].lower()


def _html_lang(locale: str) -> str:
    return locale.replace("_", "-")


def _switch_url(request: Request, locale: str) -> str:
    """This page in the other language (the query string is kept)."""
    url = request.url.include_query_params(lang=_html_lang(locale))
    return f"{url.path}?{url.query}"


def _single_wgs84_layer(tiles: TileSet) -> str:
    plain = len(tiles.layers) == 1 and tiles.layers[0].subdomains == "abc"  # Leaflet's own
    return tiles.layers[0].url if plain and tiles.datum == "wgs84" else ""


def page_config(request: Request, locale: str) -> dict[str, Any]:
    """What the page scripts need besides their strings: map set-up and the domain labels."""
    settings: Settings = request.app.state.settings
    platform: Platform = request.app.state.platform
    tiles = tile_set(settings, locale)
    return {
        "locale": locale,
        "htmlLang": _html_lang(locale),
        "timezone": settings.timezone,
        # The tile layers, their credit and datum (map.js; coords.js shifts what it draws
        # on GCJ-02 tiles). tileUrl/tileAttribution: the first layer, for the pages that
        # draw one WGS-84 layer (empty when the tiles are GCJ-02 or several layers).
        "tiles": tiles.page_config(),
        "tileUrl": _single_wgs84_layer(tiles),
        "tileAttribution": tiles.attribution,
        "bbox": list(platform.district.bbox),
        # Labels of the place kinds and amenities come from the API's catalog ("messages").
        "kinds": {k.value: gettext(locale, label) for k, label in KIND_LABELS.items()},
        "amenities": {a.value: gettext(locale, label) for a, label in AMENITY_LABELS.items()},
        "homes": HOMES,
    }


def render_page(
    request: Request, template: str, page: str, extra: dict[str, Any] | None = None
) -> HTMLResponse:
    """A page in the reader's language, with the shared frame, config and safe headers;
    `extra` adds page-specific template context."""
    locale = locale_of(request)
    other = next(code for code in SUPPORTED_LOCALES if code != locale)
    context = {
        "page": page,
        "locale": locale,
        "html_lang": _html_lang(locale),
        "other_locale": other,
        "other_language": LANGUAGE_NAMES[other],
        "switch_url": _switch_url(request, other),
        "demo": request.app.state.settings.mode == "demo",
        "demo_password": DEMO_PASSWORD,
        "version": __version__,
        "config": page_config(request, locale),
        "district_name": request.app.state.platform.district.name,
        "page_roles": " ".join(PAGE_ROLES.get(page, ())),
        # The 24-hour psychological hotline, one tap away in every page's top bar.
        "hotline": request.app.state.settings.care_hotline,
        **(extra or {}),
    }
    response = HTMLResponse(render(locale, template, context))
    settings: Settings = request.app.state.settings
    response.headers["Content-Security-Policy"] = content_security_policy(
        tile_set(settings).hosts()
    )
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    explicit = request.query_params.get("lang", "")
    if _language_of(explicit) == _language_of(locale):
        # An explicit choice (the language switch) is remembered for pages and API calls.
        response.set_cookie(LANG_COOKIE, locale, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse, summary="The friendly map")
def map_page(request: Request) -> HTMLResponse:
    return render_page(request, "map.html", "map")


@router.get("/login", response_class=HTMLResponse, summary="Sign in")
def login_page(request: Request) -> HTMLResponse:
    return render_page(request, "login.html", "login")


@router.get("/manage", response_class=HTMLResponse, summary="Keep service points current")
def manage_page(request: Request) -> HTMLResponse:
    return render_page(request, "manage.html", "manage")


@router.get("/me/statement", response_class=HTMLResponse, summary="My day statement")
def statement_page(request: Request) -> HTMLResponse:
    """The rider's day statement; the page asks the API for it with the rider's token."""
    return render_page(request, "statement.html", "statement")


@router.get("/workbench", response_class=HTMLResponse, summary="Negotiation workbench")
def workbench_page(request: Request) -> HTMLResponse:
    """The negotiation workbench; the page talks to /api/workbench with the caller's token."""
    return render_page(request, "workbench.html", "workbench")


@router.get("/sw.js", summary="The service worker")
def service_worker(request: Request) -> Response:
    """The service worker, at the root so it may serve every page (offline map and reports);
    checked for a new release on every visit (no-cache)."""
    settings: Settings = request.app.state.settings
    return Response(
        service_worker_script(),
        media_type="text/javascript",
        headers={
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
            "Content-Security-Policy": content_security_policy(tile_set(settings).hosts()),
            "X-Content-Type-Options": "nosniff",
        },
    )


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    # Swagger UI for /docs, from its package too (before "/static", which would shadow it).
    app.mount(SWAGGER_UI_URL, StaticFiles(packages=[SWAGGER_UI_PACKAGE]), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
