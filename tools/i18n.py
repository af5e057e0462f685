"""Keep the message catalogs in step with the code.

    python tools/i18n.py          # extract msgids, merge them into every .po, report gaps

Source strings are English, marked with `N_()` (domain `messages`: api, http and services); the
`web` domain's strings are the `_()` calls in the page templates. Fill in new
`msgstr`s by hand; the test suite fails while any msgid lacks a translation.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src" / "gigcity" / "locales"


def extract_messages() -> Catalog:
    pot = ROOT / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-k", "N_", "--no-default-keywords",
         "--omit-header", "--no-location", "-o", str(pot), "src/gigcity/api", "src/gigcity/http", "src/gigcity/services"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    pot.unlink()
    return catalog


def merge(template: Catalog, po_path: Path, locale: str) -> list[str]:
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
    else:
        catalog = Catalog(locale=locale, domain=po_path.stem)
    catalog.update(template, no_fuzzy_matching=True)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, width=100)
    return [m.id for m in catalog if m.id and not m.string]


def main() -> int:
    template = extract_messages()
    from gigcity.web.catalog import extract_template_messages

    missing = merge(template, LOCALES / "zh_CN" / "LC_MESSAGES" / "messages.po", "zh_CN")
    web_po = LOCALES / "zh_CN" / "LC_MESSAGES" / "web.po"
    missing += merge(extract_template_messages(), web_po, "zh_CN")
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
