"""Jinja2 environments, one per locale, with the `web` message catalog installed.

One environment per locale (not one whose translations are swapped per request) keeps
rendering thread-safe: each environment's `_`/`gettext` are fixed at creation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from gigcity.i18n import SUPPORTED_LOCALES, translations

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
WEB_DOMAIN = "web"


@lru_cache(maxsize=len(SUPPORTED_LOCALES))
def environment(locale: str) -> Environment:
    """The template environment whose strings are in `locale` (a supported locale)."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(
            f"unsupported locale {locale!r}; supported: {', '.join(SUPPORTED_LOCALES)}"
        )
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale, WEB_DOMAIN), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(locale: str, template: str, context: dict[str, Any]) -> str:
    return environment(locale).get_template(template).render(context)
