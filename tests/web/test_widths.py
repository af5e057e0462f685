"""Every page at a 390 px phone and a 1,366 px desktop, in Chinese and in English, signed in
as the role that uses it and with its data loaded: the document is never wider than the
window (no sideways scrolling). A failure names the page, the width and the element that
sticks out furthest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from gigcity.i18n import translations
from web.web_support import (
    CASES,
    DESKTOP_WIDTH,
    HEIGHTS,
    LOCALES,
    PHONE_WIDTH,
    Case,
    load_case,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What sticks out past the window's right edge, furthest first; elements inside a box that
# clips or scrolls sideways do not widen the document and are left out.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const clips = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const c of el.classList) s += "." + c;
    return s;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && !clips(el)) out.push([r.right, r.width, name(el)]);
  }
  out.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    widest: out.slice(0, 3).map(([right, w, n]) => n + " (right edge " + Math.round(right) + " px)"),
  };
}"""


def _params() -> list[Any]:
    out = []
    for case in CASES:
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            for locale in LOCALES:
                marks = [pytest.mark.xfail(reason=case.xfail, strict=False)] if case.xfail else []
                who = case.role or "signed-out"
                path = case.path.split("?")[0]
                out.append(
                    pytest.param(
                        case, width, locale, marks=marks, id=f"{path}-{who}-{width}-{locale}"
                    )
                )
    return out


@pytest.mark.parametrize(("case", "width", "locale"), _params())
def test_the_page_fits_the_window(
    request: pytest.FixtureRequest,
    contexts: dict[tuple[str | None, str], Page],
    case: Case,
    width: int,
    locale: str,
) -> None:
    page = load_case(request, contexts, case, width, locale)
    path = urlsplit(page.url)._replace(scheme="", netloc="").geturl()
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["innerWidth"], (
        f"{path} as {case.role or 'a visitor'} in {locale} at {width} px is "
        f"{found['scrollWidth']} px wide; sticking out furthest: {', '.join(found['widest'])}"
    )


def _open(
    contexts: dict[tuple[str | None, str], Page], role: str, path: str, width: int, ready: str
) -> Page:
    page = contexts[(role, "zh_CN")]
    page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
    page.goto(path)
    page.wait_for_selector(ready, state="attached")
    return page


# How many lines a text element is laid out on: its text's boxes, grouped where they overlap
# vertically (a smaller unit beside a large number is on the number's line).
LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
  let lines = 0, bottom = -Infinity;
  for (const r of rects) {
    if (r.top >= bottom - 1) lines += 1;
    bottom = Math.max(bottom, r.bottom);
  }
  return lines;
}"""


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_a_key_figure_and_its_unit_stay_on_one_line(
    contexts: dict[tuple[str | None, str], Page], width: int
) -> None:
    page = _open(
        contexts, "admin", "/dashboard", width, "#dashboard-page[data-state=ready] #cards > *"
    )
    values = page.locator("#cards .figure-value")
    assert values.count() >= 5
    split = [
        values.nth(i).inner_text()
        for i in range(values.count())
        if values.nth(i).evaluate(LINES) > 1
    ]
    assert not split, f"key figures broken across lines at {width} px: {split}"
    for i in range(values.count()):
        box = values.nth(i).bounding_box()
        tile = page.locator("#cards .figure").nth(i).bounding_box()
        assert box is not None
        assert tile is not None
        assert box["x"] + box["width"] <= tile["x"] + tile["width"], values.nth(i).inner_text()


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_the_free_beds_total_sits_beside_its_input(
    contexts: dict[tuple[str | None, str], Page], width: int
) -> None:
    page = _open(contexts, "staff", "/manage", width, "#editor:not([hidden]) #history-rows tr")
    field = page.locator("#status-beds").bounding_box()
    total = page.locator("#status-beds-count").bounding_box()
    assert field is not None
    assert total is not None
    assert page.inner_text("#status-beds-count").startswith("/ ")
    middle = total["y"] + total["height"] / 2
    assert field["y"] <= middle <= field["y"] + field["height"], "“/ N” is not on the input's line"
    gap = total["x"] - (field["x"] + field["width"])
    assert 0 <= gap <= 16, f"“/ N” is {gap:.0f} px from its input"


def test_the_opening_hours_are_asked_for_once(
    contexts: dict[tuple[str | None, str], Page],
) -> None:
    page = _open(
        contexts, "staff", "/manage", PHONE_WIDTH, "#editor:not([hidden]) #history-rows tr"
    )
    label = translations("zh_CN", "web").gettext("Opening hours")
    shown = page.locator("#editor :is(label, legend):visible", has_text=label)
    assert shown.count() == 1, f"“{label}” is asked for {shown.count()} times"


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
def test_every_column_of_the_workbench_tables_can_be_read(
    contexts: dict[tuple[str | None, str], Page], workbench_run: int, width: int
) -> None:
    """No column is cut off at the window's edge: on a phone each table fits its panel (its
    rows become cards); on a desktop a wide table scrolls sideways inside its own box, so its
    last column can be brought into view."""
    page = _open(
        contexts,
        "admin",
        f"/workbench?run={workbench_run}",
        width,
        "#result:not([hidden]) #attribution-table tbody tr",
    )
    for table in ("#result-table", "#attribution-table"):
        wrap = page.locator(f".table-wrap:has({table})")
        if width == PHONE_WIDTH:
            sizes = wrap.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
            assert sizes[0] <= sizes[1], f"{table} is {sizes[0]} px wide in a {sizes[1]} px box"
        wrap.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
        last = page.locator(f"{table} tbody tr:first-child > :last-child")
        cell = last.bounding_box()
        box = wrap.bounding_box()
        assert cell is not None
        assert box is not None
        assert cell["x"] >= box["x"] - 0.5, f"{table}'s last column starts outside its box"
        assert cell["x"] + cell["width"] <= min(box["x"] + box["width"], width) + 0.5, (
            f"{table}'s last column is cut at {width} px"
        )
