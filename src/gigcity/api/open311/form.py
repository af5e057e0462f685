"""Reading an Open311 POST's form strictly, and validating the fields that file a request.

Starlette decodes what is not valid UTF-8 rather than refusing it: percent-escapes become
U+FFFD, raw bytes of a urlencoded body and undecodable multipart fields become Latin-1, and
the mojibake is stored. Here every field name and value must decode (UTF-8, or the charset
a multipart body declares); one that does not is named in the error. The fields that file a
request are then validated by `RequestForm`, the first failing one named in the error.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncGenerator
from urllib.parse import quote_from_bytes, unquote_to_bytes, urlsplit

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from gigcity.i18n import N_
from gigcity.services.errors import refusal
from gigcity.services.reports import REFERENCE_REQUIRED, Category

MAX_FORM_BYTES = 256 * 1024  # a 4,000-character description percent-encoded is ~36 KB
MAX_FIELDS = 100


class FormError(Exception):
    """The form cannot be read; `message` is a msgid with `params`."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def _not_text(name: str, charset: str) -> FormError:
    shown = "UTF-8" if charset == "utf-8" else charset
    return FormError(N_("{name} is not valid {charset} text."), name=name, charset=shown)


def _decode(raw: bytes, charset: str, name: str) -> str:
    try:
        return raw.decode(charset)
    except UnicodeDecodeError as exc:
        raise _not_text(name, charset) from exc


def _name_of(raw: bytes, charset: str) -> str:
    """A field's name to show, even when it does not decode (then percent-encoded)."""
    try:
        return raw.decode(charset)
    except UnicodeDecodeError:
        return quote_from_bytes(raw, safe="")


def parse_urlencoded(body: bytes) -> dict[str, str]:
    """`application/x-www-form-urlencoded`, decoded as UTF-8 (the WHATWG rule); the first
    value of a repeated name counts (as Starlette's `form.get`)."""
    fields: dict[str, str] = {}
    pairs = [p for p in body.split(b"&") if p]
    if len(pairs) > MAX_FIELDS:
        raise FormError(N_("The form has more than {max} fields."), max=MAX_FIELDS)
    for pair in pairs:
        raw_name, _, raw_value = pair.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        value_bytes = unquote_to_bytes(raw_value.replace(b"+", b" "))
        name = _decode(name_bytes, "utf-8", _name_of(name_bytes, "utf-8"))
        fields.setdefault(name, _decode(value_bytes, "utf-8", name))
    return fields


def _charset(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError as exc:
                raise FormError(
                    N_("The charset '{charset}' is not known."), charset=value.strip()
                ) from exc
    return "utf-8"


async def _once(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body


async def parse_multipart(headers: Headers, body: bytes) -> dict[str, str]:
    """`multipart/form-data` of text fields only (files are refused)."""
    charset = _charset(headers.get("content-type", ""))
    try:
        body.decode(charset)
    except UnicodeDecodeError as exc:
        # Names and values sit between ASCII delimiters: the part holding the first
        # undecodable byte is the one whose name precedes it.
        at = body.rfind(b'name="', 0, exc.start)
        end = body.find(b'"', at + 6) if at != -1 else -1
        name = _name_of(body[at + 6 : end], charset) if end != -1 else "request"
        raise _not_text(name, charset) from exc
    parser = MultiPartParser(headers, _once(body), max_files=0, max_fields=MAX_FIELDS)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise FormError(N_("The form cannot be read: {reason}"), reason=exc.message) from exc
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, value)
    return fields


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a form POST; other bodies have none."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormError(N_("The form is larger than {max} KB."), max=MAX_FORM_BYTES // 1024)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return parse_urlencoded(bytes(body))
    if kind == "multipart/form-data":
        return await parse_multipart(request.headers, bytes(body))
    return {}


CONTACT_FIELDS = {
    "email": 254,
    "device_id": 120,
    "account_id": 120,
    "first_name": 120,
    "last_name": 120,
    "phone": 40,
}


def _stripped(value: object) -> str | None:
    return str(value or "").strip() or None


class RequestForm(BaseModel):
    """The fields of an Open311 POST that files a request (besides `service_code`, read
    first, and `api_key` and `jurisdiction_id`, checked before). Validate with the chosen
    category as context (`category`), through `request_form`: fields are checked in the
    order declared and the first that fails is the error."""

    model_config = ConfigDict(frozen=True, validate_default=True)  # missing fields are checked too

    lat: float | None = None
    long: float | None = None
    reference: str | None = Field(default=None, alias="attribute[reference]")
    media_url: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    description: str = ""
    address: str | None = Field(default=None, alias="address_string")

    @field_validator("lat", "long", mode="before")
    @classmethod
    def _number(cls, value: object, info: ValidationInfo) -> float | None:
        raw = _stripped(value)
        if raw is None:
            number = None
        else:
            try:
                number = float(raw)
            except ValueError:
                raise refusal(N_("{name} must be a number."), name=info.field_name) from None
        if info.field_name == "long" and (number is None or info.data.get("lat") is None):
            raise refusal(N_("lat and long are required: this server routes requests by location."))
        return number

    @field_validator("reference", mode="before")
    @classmethod
    def _reference(cls, value: object, info: ValidationInfo) -> str | None:
        reference = _stripped(value)
        category = (info.context or {}).get("category")
        if category in REFERENCE_REQUIRED and reference is None:
            raise refusal(N_("attribute[reference] is required for this service_code."))
        return reference

    @field_validator("media_url", mode="before")
    @classmethod
    def _media_url(cls, value: object) -> str | None:
        media_url = _stripped(value)
        if media_url is not None:
            parts = urlsplit(media_url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(media_url) > 500:
                raise refusal(N_("media_url must be an http(s) URL of at most 500 characters."))
        return media_url

    @field_validator(*CONTACT_FIELDS, mode="before")
    @classmethod
    def _contact(cls, value: object, info: ValidationInfo) -> str | None:
        contact = _stripped(value)
        limit = CONTACT_FIELDS[info.field_name or ""]
        if contact is not None and len(contact) > limit:
            raise refusal(
                N_("{name} is too long (at most {max} characters)."),
                name=info.field_name,
                max=limit,
            )
        return contact

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: object) -> str:
        return str(value or "")

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, value: object) -> str | None:
        return str(value or "").strip()[:300] or None

    @property
    def contact(self) -> dict[str, str]:
        """The reporter's contact fields that were given."""
        given = {name: getattr(self, name) for name in CONTACT_FIELDS}
        return {name: value for name, value in given.items() if value}


def request_form(fields: dict[str, str], category: Category) -> RequestForm:
    """`fields` validated as a `RequestForm`; the first field that fails is a `FormError`."""
    try:
        return RequestForm.model_validate(fields, context={"category": category})
    except ValidationError as exc:
        context = exc.errors()[0].get("ctx", {})
        raise FormError(context["message"], **context["params"]) from None


__all__ = ["CONTACT_FIELDS", "FormError", "RequestForm", "read_form", "request_form"]
