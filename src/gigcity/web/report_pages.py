"""Snap-and-report pages: the rider's report page, the officer's queue, the district
dashboard. Like the other pages they render strings and configuration only; the scripts ask
the API for everything else with the signed-in account's token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse

from gigcity.http.deps import PUBLIC
from gigcity.http.locale import locale_of
from gigcity.i18n import gettext
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_LABELS,
    REFERENCE_REQUIRED,
    STATUS_LABELS,
    Category,
    reference_hint,
)
from gigcity.web.pages import render_page

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
        "subdistricts": platform.district.subdistrict_names(locale),
        "maxPhotoBytes": platform.reports.photo_limits.max_bytes,
    }


def _report_page(request: Request, template: str, page: str) -> HTMLResponse:
    locale = locale_of(request)
    district = request.app.state.platform.district
    extra = {
        "report_config": report_config(request, locale),
        "district_name": district.display_name(locale),  # one language, not "普陀区 (Putuo…)"
    }
    return render_page(request, template, page, extra)


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
