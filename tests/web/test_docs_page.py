"""The API docs (/docs, Swagger UI) work offline: in Chromium with every other site blocked,
the page draws the API's operations from files this server serves (no CDN)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from gigcity.web.docs import SWAGGER_UI_URL

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def test_swagger_ui_files_are_served_by_the_app(page_client: TestClient) -> None:
    html = page_client.get("/docs").text
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        assert f'"{SWAGGER_UI_URL}/{name}"' in html
        r = page_client.get(f"{SWAGGER_UI_URL}/{name}")
        assert r.status_code == 200, name
        assert kind in r.headers["content-type"]
        assert len(r.content) > 50_000, name  # the real file, not a stub
    assert "SwaggerUIBundle" in page_client.get(f"{SWAGGER_UI_URL}/swagger-ui-bundle.js").text
    assert page_client.get("/redoc").status_code == 404  # only Swagger UI is offered


@pytest.fixture
def offline_page(browser: Browser, live_server: str) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A desktop page that can reach only the app: every other host is refused and recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server)
    # Swagger UI builds the whole API's page in the browser: ~15 s when the suite loads
    # every core (CI), past 20 s at times; the test asks that it renders, not how fast.
    context.set_default_timeout(60_000)
    app_host = urlsplit(live_server).netloc
    refused: list[str] = []
    errors: list[str] = []

    def only_the_app(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(request.url).netloc == app_host:
            route.continue_()
        else:
            refused.append(request.url)
            route.abort()

    context.route("**/*", only_the_app)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page, refused, errors
    context.close()


@pytest.mark.browser
def test_docs_render_the_operations_with_only_the_app_reachable(
    offline_page: tuple[Page, list[str], list[str]],
) -> None:
    page, refused, errors = offline_page
    page.goto("/docs")
    page.wait_for_selector("#swagger-ui .opblock-tag-section")
    operations = page.locator("#swagger-ui .opblock")
    page.wait_for_function("document.querySelectorAll('#swagger-ui .opblock').length > 20")
    assert page.locator("#swagger-ui .opblock-summary-path", has_text="/api/places").count() > 0
    assert operations.count() > 20
    assert page.locator("#swagger-ui .title").first.inner_text().startswith("gigcity")
    # An operation opens and shows who may call it (from the API's own description).
    page.locator("#swagger-ui .opblock-summary-path", has_text="/api/district").first.click()
    page.wait_for_selector("#swagger-ui .opblock.is-open .opblock-description-wrapper")
    assert refused == [], f"the docs asked other sites: {refused}"
    assert errors == [], f"errors on the docs page: {errors}"
