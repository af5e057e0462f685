"""Message catalogs: Simplified Chinese by default, English on request.

Source strings (msgids) are English and marked with `N_()` where they are defined, so
`pybabel extract` finds them; they are translated when shown, in the reader's language.
Catalogs are gettext .po files under gigcity/locales, compiled in memory at first use.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol, runtime_checkable

from babel.core import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def N_(message: str) -> str:  # noqa: N802  (gettext convention)
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


@lru_cache(maxsize=16)
def translations(locale: str, domain: str = "messages") -> NullTranslations:
    """The catalog of `domain` for `locale`; English (the source language) needs none.

    Domains: `messages` (API and services), `web` (pages and their scripts) and `rules`
    (what the rules engine says: `gigcity.rules.messages`, msgids are its English templates).
    """
    if locale == "en" or locale not in SUPPORTED_LOCALES:
        return NullTranslations()
    po = resources.files("gigcity").joinpath(f"locales/{locale}/LC_MESSAGES/{domain}.po")
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


@runtime_checkable
class Named(Protocol):
    """A message parameter with a name in each language (a district, a sub-district)."""

    def display_name(self, locale: str) -> str: ...


def gettext(locale: str, message: str, **params: Any) -> str:
    """Translate `message` into `locale` and fill in `{named}` parameters (a `Named` one by
    its name in `locale`)."""
    text = translations(locale).gettext(message)
    if not params:
        return text
    named = {k: v.display_name(locale) if isinstance(v, Named) else v for k, v in params.items()}
    return text.format(**named)


def _normalise(tag: str) -> str | None:
    try:
        parsed = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    if parsed.language == "zh":
        return "zh_CN"
    if parsed.language == "en":
        return "en"
    return None


def negotiate_locale(explicit: str | None, accept_language: str | None, default: str) -> str:
    """Pick the locale: an explicit choice, then Accept-Language by quality, then `default`."""
    if explicit:
        chosen = _normalise(explicit)
        if chosen:
            return chosen
    if accept_language:
        weighted: list[tuple[float, int, str]] = []
        for order, part in enumerate(accept_language.split(",")):
            tag, _, q = part.strip().partition(";q=")
            try:
                quality = float(q) if q else 1.0
            except ValueError:
                quality = 0.0
            if tag and tag != "*":
                weighted.append((-quality, order, tag))
        for neg_q, _, tag in sorted(weighted):
            if neg_q >= 0:
                break
            chosen = _normalise(tag)
            if chosen:
                return chosen
    return default if default in SUPPORTED_LOCALES else DEFAULT_LOCALE


def format_number(value: float | int, locale: str, *, digits: int = 1) -> str:
    """A number in `locale`'s way, with at most `digits` decimals: 1234.5 -> '1,234.5'."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_babel_locale(locale))


def format_money(fen: int, locale: str) -> str:
    """Integer fen as an exact yuan amount with its sign: 123456 -> '¥1,234.56', -50 ->
    '-¥0.50' (the same sign in both languages; Babel groups the digits)."""
    amount = format_decimal(
        Decimal(abs(fen)) / 100, format="#,##0.00", locale=_babel_locale(locale)
    )
    return f"{'-' if fen < 0 else ''}¥{amount}"


def _babel_locale(locale: str) -> str:
    return "zh_Hans_CN" if locale.startswith("zh") else "en"
