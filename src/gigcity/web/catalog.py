"""The web pages' message catalog: which strings the templates ask for.

Used by tools/i18n.py (to merge new strings into locales/*/LC_MESSAGES/web.po) and by the
tests (which fail while a template string has no translation).
"""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

from gigcity.web.templating import TEMPLATES_DIR

_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def extract_template_messages() -> Catalog:
    """Every `_()`/`gettext()`/`{% trans %}` string of the page templates (domain `web`)."""
    catalog = Catalog(domain="web")
    found = extract_from_dir(
        str(TEMPLATES_DIR),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": _JINJA_OPTIONS},
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return catalog
