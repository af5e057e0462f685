"""Reading an Open311 POST's form strictly.

Starlette decodes what is not valid UTF-8 rather than refusing it: percent-escapes become
U+FFFD, raw bytes of a urlencoded body and undecodable multipart fields become Latin-1, and
the mojibake is stored. Here every field name and value must decode (UTF-8, or the charset
a multipart body declares); one that does not is named in the error.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncGenerator
from urllib.parse import quote_from_bytes, unquote_to_bytes

from fastapi import Request
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from gigcity.i18n import N_

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


__all__ = ["FormError", "read_form"]
