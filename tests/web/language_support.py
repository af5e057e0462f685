"""The language check shared by the page and API tests: a Chinese page or message shows no
English sentence and no raw id.

A *Latin sentence* is a run of two or more Latin words in a row (separated only by spaces or
`,;:`), unless every word of it is allowed: proper names, units and codes (ALLOWED_WORDS).
A single Latin word (a name, a unit, an order id) is always allowed; so are URLs, e-mail
addresses, numbers and whatever sits in a `code`, `kbd`, `samp` or `.mono` element. A dotted
snake_case id such as `pricing.base_fare_fen` is a raw id and fails too.

To allow a word (a new proper name, unit or code), add it to ALLOWED_WORDS in lower case;
a phrase that must stay as it is (a credit line) goes in ALLOWED_PHRASES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Proper names, units and codes that may stand side by side in Chinese text (lower case).
ALLOWED_WORDS = frozenset(
    {
        # proper names
        "openstreetmap",
        "osm",
        "leaflet",
        "amap",
        "gigcity",
        "open311",
        "pipl",
        "api",
        "swagger",
        "openapi",
        "json",
        "geojson",
        "csv",
        "yaml",
        "http",
        "https",
        "url",
        "id",
        "ids",
        "wgs",
        "gcj",
        "max",  # part of a place's name (中海真如环宇城MAX)
        # units
        "km",
        "m",
        "kg",
        "h",
        "min",
        "s",
        "ms",
        "mb",
        "kb",
        "px",
        # codes: "B − A", A/B sides of a comparison, "P90"
        "a",
        "b",
        "p50",
        "p90",
        "p95",
        "p99",
        # OpenStreetMap opening_hours syntax, an example of which the staff page shows
        "mo",
        "tu",
        "we",
        "th",
        "fr",
        "sa",
        "su",
        "ph",
        "off",
    }
)
# Phrases allowed as they stand (matched case-insensitively before the words are looked at):
# the map data's credit line, as its licence (ODbL) words it.
ALLOWED_PHRASES: tuple[str, ...] = ("OpenStreetMap contributors",)

# Latin words in a row: letters (digits after the first letter, as in Open311 or P90), joined
# by spaces or , ; : only (a line break, a dot or a symbol ends the run).
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*(?:[ \t\u00a0,;:]+[A-Za-z][A-Za-z0-9'’-]*)+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
# A dotted snake_case id such as pricing.base_fare_fen (an engine id shown to people).
RAW_ID = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)+")
URL = re.compile(r"\b(?:https?://|www\.)\S+|/[\w./?=&%{}-]*[\w/]", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def latin_sentences(text: str) -> list[str]:
    """The English sentences and raw ids in `text` (empty when it reads as Chinese)."""
    text = EMAIL.sub(" ", text)
    text = URL.sub(" ", text)
    found = [m.group(0) for m in RAW_ID.finditer(text)]
    for phrase in ALLOWED_PHRASES:
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    for run in LATIN_RUN.finditer(text):
        words = WORD.findall(run.group(0))
        if any(w.lower().strip("'’-") not in ALLOWED_WORDS for w in words):
            found.append(run.group(0))
    return found


# What a person sees on the page: the body's rendered text, the document's title, and the
# title, placeholder, aria-label and alt of rendered elements, and the options of rendered
# select boxes. The text of code-like elements (ids shown as codes) is returned apart, to be
# taken out of the rest.
VISIBLE_TEXT = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const texts = [["body", document.body.innerText], ["title", document.title]];
  for (const el of document.querySelectorAll("[title], [placeholder], [aria-label], [alt]")) {
    if (!shown(el)) continue;
    for (const a of ["title", "placeholder", "aria-label", "alt"]) {
      const v = el.getAttribute(a);
      if (v) texts.push([a + " of " + el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), v]);
    }
  }
  for (const option of document.querySelectorAll("select option")) {
    const select = option.closest("select");
    if (select && shown(select)) texts.push(["option of #" + (select.id || select.name), option.text]);
  }
  const codes = [...document.querySelectorAll("code, kbd, samp, .mono")]
    .filter(shown).map((el) => el.innerText);
  return { texts, codes };
}"""


@dataclass(frozen=True)
class Finding:
    where: str  # the body, the title, or the attribute and element
    text: str  # the offending run


def page_findings(page: Page) -> list[Finding]:
    """Every Latin sentence or raw id a person sees on the page now."""
    seen: dict[str, Any] = page.evaluate(VISIBLE_TEXT)
    codes = sorted({c for c in seen["codes"] if c.strip()}, key=len, reverse=True)
    out = []
    for where, text in seen["texts"]:
        for code in codes:
            text = text.replace(code, " ")
        out.extend(Finding(where, run) for run in latin_sentences(text))
    return out


def assert_reads_as_chinese(page: Page, who: str = "") -> None:
    """Fail, naming the page, the reader and each offending text, if the page shows an English
    sentence or a raw id."""
    found = page_findings(page)
    url = urlsplit(page.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    assert not found, f"{path} as {who or 'a visitor'} in zh_CN shows Latin text: " + "; ".join(
        f"{f.where}: {f.text!r}" for f in found
    )
