"""Snap-and-report pages: the rider's report page, the officer's queue, the district
dashboard. Like the other pages they render strings and configuration only; the scripts ask
the API for everything else with the signed-in account's token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.api.deps import PUBLIC
from gigcity.api.locale import locale_of
from gigcity.config import Settings
from gigcity.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, gettext
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_LABELS,
    REFERENCE_REQUIRED,
    STATUS_LABELS,
    Category,
    reference_hint,
)
from gigcity.web.csp import content_security_policy
from gigcity.web.pages import LANG_COOKIE, LANG_COOKIE_MAX_AGE, page_config
from gigcity.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(PUBLIC)])


def _html_lang(locale: str) -> str:
    return locale.replace("_", "-")


def report_config(request: Request, locale: str) -> dict[str, Any]:
    """Categories (labels, rewards, SLAs) and sub-districts, for the report pages' scripts."""
    platform: Platform = request.app.state.platform
    categories = {c.code.value: c for c in platform.reports.categories(locale)}
    return {
        "categories": [
            {
                "code": c.value,
                "label": gettext(locale, CATEGORY_LABELS[c]),
                "description": gettext(locale, CATEGORY_DESCRIPTIONS[c]),
                "reward_fen": categories[c.value].reward_fen,
                "sla_hours": categories[c.value].sla_hours,
                "reference_required": c in REFERENCE_REQUIRED,
                "reference_hint": gettext(locale, reference_hint(c)),
            }
            for c in Category
        ],
        "statuses": {s.value: gettext(locale, label) for s, label in STATUS_LABELS.items()},
        "subdistricts": {
            s.code: s.name if locale == "zh_CN" else s.pinyin
            for s in platform.district.subdistricts
        },
        "maxPhotoBytes": platform.reports.photo_limits.max_bytes,
    }


def _report_page(request: Request, template: str, page: str) -> HTMLResponse:
    locale = locale_of(request)
    other = next(code for code in SUPPORTED_LOCALES if code != locale)
    url = request.url.include_query_params(lang=_html_lang(other))
    settings: Settings = request.app.state.settings
    context = {
        "page": page,
        "locale": locale,
        "html_lang": _html_lang(locale),
        "other_locale": other,
        "other_language": LANGUAGE_NAMES[other],
        "switch_url": f"{url.path}?{url.query}",
        "demo": settings.mode == "demo",
        "version": request.app.version,
        "config": page_config(request, locale),
        "report_config": report_config(request, locale),
        "district_name": request.app.state.platform.district.name,
    }
    response = HTMLResponse(render(locale, template, context))
    response.headers["Content-Security-Policy"] = content_security_policy(settings.tile_url)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    explicit = request.query_params.get("lang", "")
    if explicit and explicit.replace("-", "_").split("_")[0].lower() == locale.split("_")[0]:
        response.set_cookie(LANG_COOKIE, locale, max_age=LANG_COOKIE_MAX_AGE, samesite="lax")
    return response


@router.get("/report", response_class=HTMLResponse, summary="Report a hazard")
def report_page(request: Request) -> HTMLResponse:
    return _report_page(request, "report.html", "report")


@router.get("/officer", response_class=HTMLResponse, summary="Reports to act on")
def officer_page(request: Request) -> HTMLResponse:
    return _report_page(request, "officer.html", "officer")


@router.get("/dashboard", response_class=HTMLResponse, summary="The district's reports")
def dashboard_page(request: Request) -> HTMLResponse:
    return _report_page(request, "dashboard.html", "dashboard")


def install(app: FastAPI) -> None:
    app.include_router(router)
