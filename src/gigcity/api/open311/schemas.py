"""What the Open311 GeoReport v2 endpoints answer, as models for the OpenAPI document.

The endpoints render their answers themselves (JSON, or the same data as XML); these models
only describe the JSON, so that /docs and API checkers know it. Every model forbids unknown
members, so a new member must be described here before it is sent.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

XML = "text/xml"


class _Described(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open311Endpoint(_Described):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Open311Discovery(_Described):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Open311Endpoint]


class Open311Service(_Described):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class Open311AttributeValue(_Described):
    key: str
    name: str


class Open311Attribute(_Described):
    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[Open311AttributeValue]


class Open311ServiceDefinition(_Described):
    service_code: str
    attributes: list[Open311Attribute]


class Open311Request(_Described):
    """A published service request; dates are ISO 8601 in district time with the offset."""

    service_request_id: int
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str | None
    requested_datetime: str | None
    updated_datetime: str | None
    expected_datetime: str | None
    address: str
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None


class Open311Receipt(_Described):
    """A filed request: its id, or a `token` while it waits for review."""

    service_request_id: int | None = None
    token: str | None = None
    service_notice: str
    account_id: str | None


class Open311Token(_Described):
    service_request_id: int | None
    token: str


class Open311Error(_Described):
    code: int
    description: str


def answers(model: Any, description: str) -> dict[str, Any]:
    """A response declaration: `model` as JSON, the same data as XML (`fmt` chooses)."""
    return {
        "model": model,
        "description": description,
        "content": {XML: {"schema": {"type": "string"}}},
    }


ERRORS = answers(
    list[Open311Error],
    "GeoReport errors: 400 bad input, 403 a missing or bad api_key, 404 unknown format, "
    "jurisdiction, service code or request, 429 too many requests",
)

FORMAT_SCHEMA: dict[str, Any] = {"enum": ["json", "xml"]}

# The filing form (read by the endpoint itself, so FastAPI cannot describe it): urlencoded
# as GeoReport says, or multipart.
_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "lat", "long"],
    "properties": {
        "api_key": {
            "type": "string",
            "description": "A platform key with the `open311` scope (or send "
            "it as the X-API-Key header).",
        },
        "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {"type": "string", "maxLength": 300},
        "description": {"type": "string"},
        "media_url": {"type": "string", "maxLength": 500},
        "attribute[reference]": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "maxLength": 254},
        "device_id": {"type": "string", "maxLength": 120},
        "account_id": {"type": "string", "maxLength": 120},
        "first_name": {"type": "string", "maxLength": 120},
        "last_name": {"type": "string", "maxLength": 120},
        "phone": {"type": "string", "maxLength": 40},
    },
}
POST_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _FORM},
        "multipart/form-data": {"schema": _FORM},
    },
}

__all__ = [
    "ERRORS",
    "FORMAT_SCHEMA",
    "POST_REQUEST_BODY",
    "Open311Discovery",
    "Open311Error",
    "Open311Receipt",
    "Open311Request",
    "Open311Service",
    "Open311ServiceDefinition",
    "Open311Token",
    "answers",
]
