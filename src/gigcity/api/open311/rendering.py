"""Open311 answers as JSON or XML: the two formats carry the same fields, XML with the spec's
plural element names and one element per item ("Spark convention"); dates are ISO 8601 in
district time with the offset."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import Request, Response

from gigcity.config import Settings
from gigcity.i18n import N_, gettext
from gigcity.services.platform import Platform
from gigcity.services.reports import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_GROUPS,
    CATEGORY_LABELS,
    REJECT_LABELS,
    STATUS_LABELS,
    Category,
    PublicReport,
    RejectReason,
    Status,
    open311_status,
)
from gigcity.services.reports.views import PHOTO_PATH

Format = Literal["json", "xml"]
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Plural element -> the name of each item in XML (the "Spark convention" the spec uses).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _element(child, key, item)
    elif isinstance(value, list):
        for item in value:
            _element(child, ITEM_NAMES.get(name, "item"), item)
    else:
        child.text = _text(value)


def render(
    fmt: Format, root: str, data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """JSON as is; XML with `root` as the document element (lists become repeated items)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        document = ET.Element(root)
        if isinstance(data, list):
            for item in data:
                _element(document, ITEM_NAMES[root], item)
        else:
            for key, value in data.items():
                _element(document, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            document, "utf-8", xml_declaration=False
        )
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt], headers=headers)


def format_of(request: Request) -> Format:
    return "json" if request.url.path.endswith(".json") else "xml"


def error_response(
    request: Request, status: int, description: str, headers: dict[str, str] | None = None
) -> Response:
    return render(
        format_of(request),
        "errors",
        [{"code": status, "description": description}],
        status,
        headers,
    )


def tz_of(request: Request) -> ZoneInfo:
    settings: Settings = request.app.state.settings
    return ZoneInfo(settings.timezone)


def w3c(at: datetime | None, tz: ZoneInfo) -> str | None:
    """ISO 8601 in district time with its offset, e.g. 2025-05-01T12:00:00+08:00."""
    if at is None:
        return None
    aware = at if at.tzinfo else at.replace(tzinfo=ZoneInfo("UTC"))
    return aware.astimezone(tz).isoformat(timespec="seconds")


def service_out(category: Category, locale: str) -> dict[str, Any]:
    return {
        "service_code": category.value,
        "service_name": gettext(locale, CATEGORY_LABELS[category]),
        "description": gettext(locale, CATEGORY_DESCRIPTIONS[category]),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(category.value.split("_")),
        "group": CATEGORY_GROUPS[category],
    }


def status_notes(report: PublicReport, locale: str) -> str:
    """Where the request stands in words: for a rejected one, why (the officer's reason),
    then the officer's public note, if any."""
    note = report.status_note
    if report.merged_into_id is not None:
        why = gettext(locale, N_("Duplicate of request {id}."), id=report.merged_into_id)
    elif report.status == Status.rejected and report.reject_reason:
        reason = RejectReason(report.reject_reason)
        if reason == RejectReason.other and report.reject_text:
            label = report.reject_text
        else:
            label = gettext(locale, REJECT_LABELS[reason])
        why = gettext(locale, N_("Rejected: {reason}."), reason=label.rstrip("。."))
    else:
        return note or gettext(locale, STATUS_LABELS[report.status])
    return f"{why} {note}" if note else why


def request_out(report: PublicReport, request: Request, locale: str) -> dict[str, Any]:
    tz = tz_of(request)
    platform: Platform = request.app.state.platform
    sub = platform.district.get(report.subdistrict)
    agency = sub.name if sub else report.subdistrict
    notes = status_notes(report, locale)
    origin = f"{request.url.scheme}://{request.url.netloc}"
    media = None
    if report.after_photo:  # published by an officer: a signed URL, valid for minutes
        media = f"{origin}{PHOTO_PATH}{report.after_photo}?"
        media += platform.reports.photo_signer.query(report.after_photo)
    updated = report.updated_at
    return {
        "service_request_id": report.id,
        "status": open311_status(report.status),
        "status_notes": notes,
        "service_name": gettext(locale, CATEGORY_LABELS[report.category]),
        "service_code": report.category.value,
        "description": report.description,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": w3c(report.created_at, tz),
        "updated_datetime": w3c(updated, tz),
        "expected_datetime": w3c(report.due_at, tz),
        "address": report.address or agency,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media or report.external_media_url,
    }
