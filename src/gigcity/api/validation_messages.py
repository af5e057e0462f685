"""Pydantic's validation errors in the reader's language.

Pydantic words its errors in English ("Field required", "Input should be a valid integer").
At the edge each error is looked up by its `type` in MESSAGES, a msgid with `{params}` from
the error's context, and translated; an error type not in the table gets a generic message
naming the field. The field itself (`loc`) stays a code. An English reader of an error type
not in the table still gets pydantic's own words, which say more than the generic message.
"""

from __future__ import annotations

import re
from typing import Any

from gigcity.i18n import N_, gettext, translations
from gigcity.services.errors import REFUSAL

# Pydantic error types -> message ids; {params} come from the error's `ctx`.
MESSAGES = {
    "missing": N_("This field is required."),
    "missing_argument": N_("This field is required."),
    "float_parsing": N_("Must be a number."),
    "float_type": N_("Must be a number."),
    "finite_number": N_("Must be a finite number."),
    "decimal_parsing": N_("Must be a number."),
    "decimal_type": N_("Must be a number."),
    "int_parsing": N_("Must be a whole number."),
    "int_type": N_("Must be a whole number."),
    "int_from_float": N_("Must be a whole number."),
    "int_parsing_size": N_("Is too large a number."),
    "bool_parsing": N_("Must be true or false."),
    "bool_type": N_("Must be true or false."),
    "string_type": N_("Must be text."),
    "string_unicode": N_("Must be text."),
    "bytes_type": N_("Must be text."),
    "list_type": N_("Must be a list."),
    "tuple_type": N_("Must be a list."),
    "set_type": N_("Must be a list."),
    "dict_type": N_("Must be an object (name: value pairs)."),
    "model_type": N_("Must be an object (name: value pairs)."),
    "model_attributes_type": N_("Must be an object (name: value pairs)."),
    "greater_than_equal": N_("Must be at least {ge}."),
    "less_than_equal": N_("Must be at most {le}."),
    "greater_than": N_("Must be above {gt}."),
    "less_than": N_("Must be below {lt}."),
    "multiple_of": N_("Must be a multiple of {multiple_of}."),
    "string_too_short": N_("Must have at least {min_length} characters."),
    "string_too_long": N_("Must have at most {max_length} characters."),
    "too_short": N_("Must have at least {min_length} items."),
    "too_long": N_("Must have at most {max_length} items."),
    "enum": N_("Must be one of: {expected}."),
    "literal_error": N_("Must be one of: {expected}."),
    "extra_forbidden": N_("Unknown field."),
    "datetime_parsing": N_("Must be a date and time such as 2025-05-01T12:00:00+08:00."),
    "datetime_from_date_parsing": N_("Must be a date and time such as 2025-05-01T12:00:00+08:00."),
    "datetime_type": N_("Must be a date and time such as 2025-05-01T12:00:00+08:00."),
    "timezone_aware": N_("Must be a date and time with its offset, such as +08:00."),
    "date_parsing": N_("Must be a date such as 2025-05-01."),
    "date_from_datetime_parsing": N_("Must be a date such as 2025-05-01."),
    "date_from_datetime_inexact": N_("Must be a date such as 2025-05-01."),
    "date_type": N_("Must be a date such as 2025-05-01."),
    "time_parsing": N_("Must be a time of day such as 08:30."),
    "time_type": N_("Must be a time of day such as 08:30."),
    "uuid_parsing": N_("Must be an id such as 123e4567-e89b-12d3-a456-426614174000."),
    "url_parsing": N_("Must be a web address."),
    "url_type": N_("Must be a web address."),
    "json_invalid": N_("The request body is not valid JSON."),
    "json_type": N_("The request body is not valid JSON."),
    "string_pattern_mismatch": N_("Has characters that are not allowed."),
    "null_not_allowed": N_("Cannot be null; leave the field out to keep its value."),
    "none_required": N_("Must be left out."),
}
GENERIC = N_("The value of {field} is not valid.")

# One of the allowed values in pydantic's `expected` ("'a', 'b' or 'c'").
_QUOTED = re.compile(r"'([^']*)'")


def _params(locale: str, ctx: dict[str, Any]) -> dict[str, Any]:
    params = {k: v for k, v in ctx.items() if isinstance(v, str | int | float)}
    expected = params.get("expected")
    if isinstance(expected, str):
        values = _QUOTED.findall(expected)
        if values:  # a list of codes, without pydantic's English "or"
            params["expected"] = ("、" if locale == "zh_CN" else ", ").join(values)
    return params


def validation_message(locale: str, error: dict[str, Any], field: str) -> str:
    """The message of one pydantic error, in `locale`; `field` names it when nothing better
    is known."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == REFUSAL and isinstance(ctx.get("message"), str):
        # Our own message id with parameters (`services.errors.refusal`).
        params = ctx.get("params") or {}
        try:
            return gettext(locale, ctx["message"], **params)
        except (KeyError, IndexError):
            pass
    template = MESSAGES.get(kind)
    if template is not None:
        try:
            text = translations(locale).gettext(template)
            return text.format(**_params(locale, ctx)) if "{" in text else text
        except (KeyError, IndexError):
            pass
    if locale == "en" and error.get("msg"):
        return str(error["msg"])
    return gettext(locale, GENERIC, field=field or "-")
