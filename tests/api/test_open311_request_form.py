"""`RequestForm`: the fields that file an Open311 request, the first that fails named."""

from __future__ import annotations

import pytest

from gigcity.api.open311.form import FormError, request_form
from gigcity.services.reports import REFERENCE_REQUIRED, Category

PLAIN = next(c for c in Category if c not in REFERENCE_REQUIRED)
NEEDS_REFERENCE = next(c for c in Category if c in REFERENCE_REQUIRED)


@pytest.mark.parametrize(
    ("fields", "category", "message", "params"),
    [
        ({}, PLAIN, "lat and long are required: this server routes requests by location.", {}),
        ({"lat": "31.2"}, PLAIN, "lat and long are required: this server routes requests by location.", {}),
        ({"lat": "north", "long": "x"}, PLAIN, "{name} must be a number.", {"name": "lat"}),
        ({"lat": "31.2", "long": "x"}, PLAIN, "{name} must be a number.", {"name": "long"}),
        ({"lat": "31.2", "long": "121.4"}, NEEDS_REFERENCE, "attribute[reference] is required for this service_code.", {}),
        ({"lat": "31.2", "long": "121.4", "media_url": "ftp://x/y"}, PLAIN, "media_url must be an http(s) URL of at most 500 characters.", {}),
        ({"lat": "31.2", "long": "121.4", "phone": "1" * 41, "email": "a" * 300}, PLAIN, "{name} is too long (at most {max} characters).", {"name": "email", "max": 254}),
    ],
)  # fmt: skip
def test_the_first_field_that_fails_is_named(
    fields: dict[str, str], category: Category, message: str, params: dict[str, object]
) -> None:
    with pytest.raises(FormError) as caught:
        request_form(fields, category)
    assert (caught.value.message, caught.value.params) == (message, params)


def test_fields_are_stripped_and_only_the_specs_names_count() -> None:
    form = request_form(
        {
            "lat": " 31.2 ",
            "long": "121.4",
            "attribute[reference]": " A-1 ",
            "address_string": " 1 Road ",
            "account_id": "7",
            "email": " ",
            "reference": "not a field",
            "address": "not a field either",
        },
        NEEDS_REFERENCE,
    )
    assert (form.lat, form.long, form.reference, form.address) == (31.2, 121.4, "A-1", "1 Road")
    assert form.contact == {"account_id": "7"}
    assert form.description == ""
